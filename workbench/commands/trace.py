"""`workbench trace`: forward and backward traces as a tree or JSON."""

from __future__ import annotations

import argparse

from sqlalchemy.orm import Session

from workbench.commands import Subparsers, add_db_option, parse_day, reading
from workbench.errors import NotFound, WorkbenchError
from workbench.facts import LotRef
from workbench.interchange.epcisload.lookup import (
    ContainerLots,
    find_container_lots,
    find_lot_by_identifier,
    identify_lot_nodes,
)
from workbench.jsonutil import dumps
from workbench.lots.details import recorded_events
from workbench.outfile import check_file, written
from workbench.reports.trace_table import write_trace_xlsx
from workbench.reports.tree import render_tree
from workbench.trace.genealogy import DIRECTIONS, trace
from workbench.trace.table import traced_rows


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "trace", help="trace a lot forward (where it went) or backward (where it came from)",
        description="Trace a lot. LOT is a lot code, a scanned GS1 barcode "
        "((01)GTIN(10)LOT, the raw element string, or a GS1 Digital Link URI), or an EPCIS class identifier "
        "(urn:epc:class:lgtin:…, a GDST lot class URN, or the identifier the lot was imported with). A pallet's SSCC "
        "(urn:epc:id:sscc:…, https://id.gs1.org/00/…, (00)…) traces every lot it carried.",
    )
    add_db_option(parser)
    parser.add_argument("lot", metavar="LOT", help="lot code or GS1 barcode; or a pallet's SSCC (its lots are traced)")
    parser.add_argument("--item", help="item code, where the lot code exists on several items")
    parser.add_argument("--direction", choices=DIRECTIONS, default="forward")
    parser.add_argument("--depth", type=int, metavar="N", help="at most N lot-to-lot steps (default: all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--events", action="store_true",
                        help="also list the traced lot's recorded events (EPCIS: eventID, type, bizStep, time, file)")
    parser.add_argument("--xlsx", metavar="FILE",
                        help="write the trace table (indented by level, with shipments, receipts and stock on hand) "
                             "as a spreadsheet instead of printing the tree")
    parser.add_argument("--force", action="store_true", help="with --xlsx: write over an existing file")
    parser.add_argument("--on", metavar="YYYY-MM-DD",
                        help="with a pallet's SSCC: only the lots on it that day (an SSCC used again has several lives)")
    parser.set_defaults(handler=run)


def _roots(session: Session, args: argparse.Namespace) -> tuple[list[LotRef], str, ContainerLots | None]:
    """What the trace starts from: the lot, or every lot the pallet carried (that day, with ``--on``); its label."""
    on = parse_day(args.on, "--on day")
    pallet = find_container_lots(session, args.lot, on)
    if pallet is None:
        if on is not None:
            raise WorkbenchError("--on goes with a pallet's SSCC: it picks the lots that were on it that day.")
        lot = find_lot_by_identifier(session, args.lot, args.item)
        return [lot], lot.label, None
    if not pallet.lots:
        when = f" on {on:%Y-%m-%d}" if on else ""
        raise NotFound(f"The pallet {pallet.code} carried no lot{when} that the plant knows of.")
    return pallet.lots, f"pallet {pallet.code}", pallet


def _pallet_line(pallet: ContainerLots) -> str:
    span = "" if pallet.first is None else f", packed {pallet.first:%Y-%m-%d}" + (
        f" … {pallet.last:%Y-%m-%d}" if pallet.last and pallet.last.date() != pallet.first.date() else "")
    return (f"Pallet {pallet.code}: {len(pallet.lots)} lot{'s' if len(pallet.lots) != 1 else ''} in "
            f"{pallet.packings} packing{'s' if pallet.packings != 1 else ''}{span}: "
            + ", ".join(r.label for r in pallet.lots))


def run(args: argparse.Namespace) -> int:
    if args.xlsx is not None:
        return _write_table(args)
    with reading(args) as plant, plant.Session() as session:
        roots, label, pallet = _roots(session, args)
        g = trace(session, roots, args.direction, args.depth)
        data = g.to_json() if args.json else None
        if data is not None:
            identify_lot_nodes(session, data["nodes"])
        events = None
        if args.events:
            merged = {e.ref: e for lot in roots for e in recorded_events(session, lot.id)}
            events = sorted(merged.values(), key=lambda e: (e.occurred_at, e.ref))
    if data is not None:
        if pallet is not None:
            data["container"] = {"code": pallet.code, "lots": [r.label for r in pallet.lots],
                                 "packings": pallet.packings}
        if events is not None:
            data["events"] = [e.to_json() for e in events]
        print(dumps(data, indent=2))
    else:
        if pallet is not None:
            print(_pallet_line(pallet))
        print(render_tree(g))
        if events is not None:
            print(f"\nRecorded events of {label} ({len(events)}):")
            for e in events:
                print(f"  {e.occurred_at:%Y-%m-%d %H:%M}  {e.kind:<14} {e.event_type or '-':<20} {e.ref}  "
                      f"{e.source or ''}  {e.status}")
    return 0


def _write_table(args: argparse.Namespace) -> int:
    if args.json or args.events:
        raise WorkbenchError("--xlsx writes the trace table; it goes with neither --json nor --events.")
    target = check_file(args.xlsx, "the trace table", "trace.xlsx", args.force, (".xlsx",))
    with reading(args) as plant, plant.Session() as session:
        roots, label, _pallet = _roots(session, args)
        rows = traced_rows(session, roots, args.direction, args.depth)
    what = {"forward": "forward trace", "backward": "backward trace"}.get(args.direction, "trace both ways")
    with written(target, args.force) as work:
        write_trace_xlsx(rows, work, f"{what.capitalize()} of {label}")
    print(f"Wrote the {what} of {label} ({len(rows)} rows) to {args.xlsx}.")
    return 0
