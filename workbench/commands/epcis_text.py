"""The EPCIS export: `workbench export-epcis` (and `workbench export --format epcis-json|epcis-xml`)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time, timedelta

from workbench.actions.epcis_export import Period, export_document, export_path, format_of
from workbench.commands import Subparsers, add_db_option, disposing, open_for_reading
from workbench.errors import WorkbenchError
from workbench.plant import Plant


def register(sub: Subparsers) -> None:
    exp = sub.add_parser(
        "export-epcis",
        help="write the events of a trace or of a period as an EPCIS 2.0 document (JSON-LD or XML)",
        usage="workbench export-epcis [--db URL] [LOT [--item ITEM] [--direction forward|backward|both]] "
              "[--from DATE] [--to DATE] --out FILE [--format json|xml] [--force]",
        description="Write an EPCIS 2.0 document that `workbench import` (and any EPCIS 2.0 system) reads: the "
                    "events of a lot's trace (what an FDA or customer request asks for), the events of a period, "
                    "both (the trace's events in the period), or with neither the whole plant. A part of the plant "
                    "carries the master data of what its events name, nothing else.",
    )
    add_db_option(exp)
    exp.add_argument("lot", nargs="?", metavar="LOT", help="the lot whose trace to export (any identifier form)")
    exp.add_argument("--item", metavar="ITEM", help="the item of LOT, when its code is on several")
    exp.add_argument("--direction", choices=("forward", "backward", "both"), default="both",
                     help="which way the trace of LOT goes (default: both)")
    add_period_options(exp)
    exp.add_argument("--out", required=True, metavar="FILE", help="the document to write (.jsonld, .json or .xml)")
    exp.add_argument("--format", choices=("json", "xml"), default=None,
                     help="JSON-LD or XML (default: by the suffix of --out; JSON-LD for .jsonld and .json)")
    exp.add_argument("--force", action="store_true", help="write over an existing file")
    exp.set_defaults(handler=run_export_epcis)


def add_period_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="since", metavar="DATE",
                        help="only events at or after this day (YYYY-MM-DD, UTC) or moment (ISO 8601)")
    parser.add_argument("--to", dest="until", metavar="DATE",
                        help="only events up to and including this day (YYYY-MM-DD, UTC) or up to this moment")


def _moment(text: str, option: str, end: bool) -> datetime:
    """A day (the start of it; with ``end``, the start of the next) or a moment (naive is UTC), as UTC."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        start = datetime.combine(day, time(), UTC)
        return start + timedelta(days=1) if end else start
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise WorkbenchError(f"{option} '{text}' is neither a day (YYYY-MM-DD) nor a moment "
                             "(YYYY-MM-DDTHH:MM[:SS][+HH:MM]).") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def period_of(args: argparse.Namespace) -> Period | None:
    """The period ``--from``/``--to`` give (either may be open), or None for all time."""
    if args.since is None and args.until is None:
        return None
    since = _moment(args.since, "--from", False) if args.since else None
    until = _moment(args.until, "--to", True) if args.until else None
    if since is not None and until is not None and since >= until:
        raise WorkbenchError(f"--from {args.since} is not before --to {args.until}; the period holds no time.")
    return Period(since, until)


def run_export_epcis(args: argparse.Namespace) -> int:
    fmt = format_of(args.out, args.format)
    period = period_of(args)  # before any work: a refusal costs nothing
    export_path(args.out, fmt, args.force)
    return _write(args, open_for_reading(args), args.out, fmt, period)


def run_epcis_export(args: argparse.Namespace, plant: Plant) -> int:
    """`workbench export --format epcis-json|epcis-xml FILE`: the same export, the file given as TARGET."""
    fmt = "xml" if args.format == "epcis-xml" else "json"
    try:
        period = period_of(args)
        export_path(args.directory, fmt, args.force)
    except WorkbenchError:
        plant.dispose()
        raise
    return _write(args, plant, args.directory, fmt, period)


def _write(args: argparse.Namespace, plant: Plant, out: str, fmt: str, period: Period | None) -> int:
    with disposing(plant):
        done = export_document(plant, out, fmt, args.lot, args.item, args.direction, period, args.force)
    print(f"Exported {done.events} events of {done.what} from {plant.display_url} to {done.path} (EPCIS 2.0 "
          f"{'XML' if fmt == 'xml' else 'JSON-LD'}).", file=sys.stdout)
    if done.events == 0:
        print("note: no event falls in what was asked for; the document holds none.", file=sys.stderr)
    return 0
