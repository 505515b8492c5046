"""`workbench import PATH…` and `workbench export`: CSV bundles and EPCIS documents in and out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from workbench.actions.imports import import_paths, sort_paths
from workbench.commands import Subparsers, add_db_option, open_for_reading, reading
from workbench.commands.epcis_text import add_period_options, run_epcis_export
from workbench.config import is_default_demo, resolve_url
from workbench.errors import WorkbenchError
from workbench.interchange.bundle import ImportFailed, ImportSummary
from workbench.interchange.bundle.export import check_export_folder, export_bundle
from workbench.interchange.bundle.format import VERSION
from workbench.interchange.epcisload import EpcisImportFailed
from workbench.interchange.epcisload.summary import format_epcis_summary
from workbench.plant import open_plant
from workbench.progress import Progress

#: Warnings printed in full; the rest are counted (the summary object holds them all).
SHOWN_WARNINGS = 50


def register(sub: Subparsers) -> None:
    imp = sub.add_parser(
        "import",
        help="import CSV bundles (folders of items.csv, receipts.csv, ...) and EPCIS documents into the plant",
        description="Import CSV bundle folders and EPCIS documents (2.0 JSON/JSON-LD, 2.0 and 1.2 XML, query "
                    "documents), all together or not at all; see docs/import-format.md and docs/epcis.md.",
    )
    add_db_option(imp)
    imp.add_argument("paths", nargs="+", metavar="PATH",
                     help="a bundle folder (holding items.csv) or an EPCIS file, told apart by content")
    imp.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    imp.set_defaults(handler=run_import)

    exp = sub.add_parser(
        "export",
        help="export the plant as a CSV bundle, or as an EPCIS 2.0 document, that `workbench import` reads back",
        description="Write the plant as a CSV bundle (docs/import-format.md) or, with --format epcis-json or "
                    "epcis-xml, as an EPCIS 2.0 document (docs/epcis.md): the whole plant, or the lots of a trace.",
    )
    add_db_option(exp)
    exp.add_argument("directory", metavar="TARGET", help="an empty or new folder (bundle), or the file to write (EPCIS)")
    exp.add_argument("--format", choices=("bundle", "epcis-json", "epcis-xml"), default="bundle",
                     help="what to write (default: bundle)")
    exp.add_argument("--lot", metavar="LOT", help="EPCIS: only the events of this lot's trace (any identifier form)")
    exp.add_argument("--item", metavar="ITEM", help="EPCIS: the item of --lot, when its code is on several")
    exp.add_argument("--direction", choices=("forward", "backward", "both"), default="both",
                     help="EPCIS: which way the trace of --lot goes (default: both)")
    add_period_options(exp)
    exp.add_argument("--force", action="store_true", help="write into a folder that is not empty, or over a file")
    exp.set_defaults(handler=run_export)


def _progress(_fraction: float, message: str | None) -> None:
    if message is not None and sys.stderr.isatty():
        print(f"  {message}…", file=sys.stderr)


class _Printed(Progress):
    """Progress that also tells the terminal each step (``_progress``)."""

    def __call__(self, fraction: float, message: str | None = None) -> None:
        super().__call__(fraction, message)
        _progress(fraction, message)


def format_summary(summary: ImportSummary, where: str) -> str:
    verb = "Checked" if summary.dry_run else "Imported"
    new = "to add" if summary.dry_run else "new"
    head = f"{verb} {summary.directory} (bundle version {summary.version}) into {where} in {summary.seconds:.1f} s."
    lines = [head, ""]
    width = max(len(f.file) for f in summary.files)
    lines.append(f"{'file':<{width}}  {'read':>9}  {new:>9}  {'unchanged':>9}")
    for f in summary.files:
        lines.append(f"{f.file:<{width}}  {f.read:>9}  {f.inserted:>9}  {f.present:>9}")
    lines.append(f"{'total':<{width}}  {summary.read:>9}  {summary.inserted:>9}  {summary.present:>9}")
    if summary.ignored:
        lines += ["", "Ignored (not files of the bundle format): " + ", ".join(summary.ignored)]
    if summary.dry_run:
        lines += ["", "Dry run: nothing was written."]
    if summary.warnings:
        n = len(summary.warnings)
        lines += ["", f"Warnings ({n} lot{'s' if n != 1 else ''} gave out more than they held):"]
        lines += [f"  {w}" for w in summary.warnings[:SHOWN_WARNINGS]]
        if n > SHOWN_WARNINGS:
            lines.append(f"  … and {n - SHOWN_WARNINGS} more.")
    return "\n".join(lines)


def _new_sqlite_file(url: str) -> Path | None:
    """The SQLite file this import would create, or None (it exists, or not SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


def run_import(args: argparse.Namespace) -> int:
    folders, documents = sort_paths(args.paths)  # before opening (and perhaps creating) the database
    if is_default_demo(resolve_url(args.db)):
        raise WorkbenchError(
            "Say which plant database to import into with --db URL (or WORKBENCH_DB); "
            "the embedded demo plant is not for imported data."
        )
    new_file = _new_sqlite_file(resolve_url(args.db))
    plant = open_plant(resolve_url(args.db), create=True, schema_later=True)  # schema: in the import's transaction
    succeeded = False
    try:
        outcome, _changes = import_paths(plant, [*folders, *documents], _Printed(), dry_run=args.dry_run)
        succeeded = not args.dry_run
    except (ImportFailed, EpcisImportFailed) as failed:
        for fault in failed.faults:
            print(fault, file=sys.stderr)
        print(f"workbench: {failed}", file=sys.stderr)
        return 1
    finally:
        plant.dispose()
        if new_file is not None and not succeeded:
            # The file was created only for this import: leave nothing behind.
            for leftover in (new_file, Path(f"{new_file}-wal"), Path(f"{new_file}-shm")):
                leftover.unlink(missing_ok=True)
    texts = [format_summary(summary, plant.display_url) for summary in outcome.bundles]
    if outcome.epcis is not None:
        texts.append(format_epcis_summary(outcome.epcis, plant.display_url, SHOWN_WARNINGS))
    print("\n\n".join(texts))
    return 0


def run_export(args: argparse.Namespace) -> int:
    if args.format != "bundle":
        return run_epcis_export(args, open_for_reading(args))
    if args.lot or args.since or args.until:
        raise WorkbenchError(f"{'--lot' if args.lot else '--from/--to'} goes with an EPCIS export: add --format "
                             "epcis-json or --format epcis-xml (or use workbench export-epcis).")
    folder = check_export_folder(args.directory, args.force)
    with reading(args) as plant, plant.Session() as session:
        written = export_bundle(session, folder)
    total = sum(written.values())
    print(f"Exported {plant.display_url} to {args.directory} (bundle version {VERSION}): {total} rows in "
          f"{len(written)} files.")
    for name, count in written.items():
        print(f"  {name:<16} {count:>9}")
    return 0
