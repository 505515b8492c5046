"""`workbench import DIR` and `workbench export DIR`: the CSV bundle in and out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from workbench.commands import add_db_option, open_for_reading, open_for_writing
from workbench.config import is_default_demo, resolve_url
from workbench.errors import WorkbenchError
from workbench.interchange.bundle import ImportFailed, ImportSummary, import_bundle
from workbench.interchange.bundle.export import check_export_folder, export_bundle
from workbench.interchange.bundle.format import VERSION

#: Warnings printed in full; the rest are counted (the summary object holds them all).
SHOWN_WARNINGS = 50


def register(sub) -> None:
    imp = sub.add_parser(
        "import",
        help="import a CSV bundle (a folder of items.csv, receipts.csv, ...) into the plant",
        description="Import a CSV bundle whole or not at all; see docs/import-format.md.",
    )
    add_db_option(imp)
    imp.add_argument("directory", metavar="DIR", help="the bundle folder (it must hold items.csv)")
    imp.add_argument("--dry-run", action="store_true", help="check the bundle, write nothing")
    imp.set_defaults(handler=run_import)

    exp = sub.add_parser(
        "export",
        help="export the whole plant as a CSV bundle that `workbench import` reads back",
        description="Write the plant as a CSV bundle (the format of docs/import-format.md).",
    )
    add_db_option(exp)
    exp.add_argument("directory", metavar="DIR", help="an empty or new folder")
    exp.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    exp.set_defaults(handler=run_export)


def _progress(_fraction: float, message: str) -> None:
    if sys.stderr.isatty():
        print(f"  {message}…", file=sys.stderr)


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
    folder = Path(args.directory)
    if not folder.is_dir():  # before opening (and perhaps creating) the database
        what = "is not a folder" if folder.exists() else "does not exist"
        raise WorkbenchError(f"The bundle folder {args.directory} {what}; give the folder holding items.csv.")
    if is_default_demo(resolve_url(args.db)):
        raise WorkbenchError(
            "Say which plant database to import into with --db URL (or WORKBENCH_DB); "
            "the embedded demo plant is not for imported data."
        )
    new_file = _new_sqlite_file(resolve_url(args.db))
    plant = open_for_writing(args)
    succeeded = False
    try:
        with plant.Session.begin() as session:
            summary = import_bundle(session, args.directory, _progress, dry_run=args.dry_run)
            if args.dry_run:
                session.rollback()
        succeeded = not args.dry_run
    except ImportFailed as failed:
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
    print(format_summary(summary, plant.display_url))
    return 0


def run_export(args: argparse.Namespace) -> int:
    folder = check_export_folder(args.directory, args.force)
    plant = open_for_reading(args)
    try:
        with plant.Session() as session:
            written = export_bundle(session, folder)
    finally:
        plant.dispose()
    total = sum(written.values())
    print(f"Exported {plant.display_url} to {args.directory} (bundle version {VERSION}): {total} rows in "
          f"{len(written)} files.")
    for name, count in written.items():
        print(f"  {name:<16} {count:>9}")
    return 0
