"""Export the whole plant as a CSV bundle, in exactly the format ``import`` reads.

``import_bundle(export_bundle(plant))`` into an empty database reproduces the plant:
lots created by a receipt line are written in receipts.csv, lots made by an order in
outputs.csv, every other lot in lots.csv (as opening stock). Two consumptions of the
same lot by the same order at the same time share the import key, so they are
written as one line with their summed quantity (the genealogy is unchanged).
Rows are streamed from set-wise queries, sorted by their keys, so that two exports
of the same plant are identical files.

An export is written whole or not at all: into a new hidden folder beside the target,
with a manifest (rows and SHA-256 of each file) written last, then renamed into place.
An export that fails or is interrupted removes its own folder and leaves the target as
it was. The target must be new, empty, or a previous export (recognised by its
manifest, holding nothing else): export never deletes anything it did not write.
"""

from __future__ import annotations

import csv
import os
import shutil
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from workbench import outfolder
from workbench.errors import WorkbenchError
from workbench.interchange.bundle import manifest
from workbench.interchange.bundle.export_chain import chain_statements
from workbench.interchange.bundle.format import FILES_V2, MANIFEST, SPECS_V2, VERSION, VERSION_FILE

_STREAM = {"yield_per": 10_000}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):  # degrees: never an exponent (1e-05), which the import refuses
        return format(Decimal(repr(value)), "f")
    if isinstance(value, frozenset):
        return " ".join(sorted(value))
    return str(value)


def _statements() -> dict[str, object]:
    """One query per file of version 2, its columns in the order of the format (the files
    of version 1 with their supply-chain columns); see ``export_chain``."""
    return chain_statements()



def previous_export(folder: Path) -> bool:
    """Whether ``folder`` holds exactly an export this program wrote: a valid manifest
    and the files it lists, nothing else."""
    try:
        entries = manifest.read(folder)
    except (manifest.NotAManifest, OSError):
        return False
    if entries is None:
        return False
    names = {p.name for p in folder.iterdir()}
    return names - {VERSION_FILE} == {MANIFEST, *entries.entries} and all(
        (folder / n).is_file() for n in entries.entries)



def check_export_folder(directory: str | Path, force: bool = False, database: str | None = None) -> Path:
    """The folder to export into, or a ``WorkbenchError`` saying in one sentence why not.

    Accepted: a new folder, an empty one, or (with ``force``) a previous export, which
    is replaced. Refused always: an empty name, the current folder or one above it, a
    folder holding a database (or the plant's own database file), a folder holding
    anything but a previous export.
    """
    if str(directory).strip() == "":
        raise WorkbenchError("Give the folder to export into; an empty name would mean the current folder.")
    folder = Path(directory)
    outfolder.check_place(folder)
    resolved = folder.resolve()
    if outfolder.is_inside(Path.cwd().resolve(), resolved):
        raise WorkbenchError(
            f"{directory} is the current folder or holds it; export into a new folder, such as {folder / 'bundle'}."
        )
    if database and outfolder.is_inside(Path(database).resolve(), resolved):
        raise WorkbenchError(f"{directory} holds the plant's database {database}; export into a new folder.")
    if folder.exists() and not folder.is_dir():
        raise WorkbenchError(f"{directory} is a file, not a folder to export the bundle into.")
    if folder.is_dir() and any(folder.iterdir()):
        found = outfolder.holds_database(folder)
        if found is not None:
            raise WorkbenchError(f"The folder {directory} holds a database ({found}); export into a new folder.")
        if not previous_export(folder):
            raise WorkbenchError(
                f"The folder {directory} is not empty and is not a previous export; choose an empty or new folder."
            )
        if not force:
            raise WorkbenchError(
                f"The folder {directory} holds a previous export; replace it with --force, or choose a new folder."
            )
    return folder


def _database_of(session: Session) -> str | None:
    url = session.get_bind().engine.url
    return url.database if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") else None


def export_bundle(session: Session, directory: str | Path) -> dict[str, int]:
    """Write every file of the format and the manifest into ``directory``, atomically;
    returns the data rows written per file.

    ``directory`` may be new, empty or a previous export (replaced); anything else is
    refused (``check_export_folder``; ``--force`` is the command's own confirmation).
    """
    folder = check_export_folder(directory, force=True, database=_database_of(session))
    parent = folder.resolve().parent
    made = [p for p in (parent, *parent.parents) if not p.exists()]
    try:
        parent.mkdir(parents=True, exist_ok=True)
        work = parent / f".{folder.name[:100]}.export-{uuid.uuid4().hex[:8]}"
        work.mkdir()
    except OSError as exc:
        raise WorkbenchError(outfolder.os_error_sentence(exc, directory)) from None
    try:
        try:
            written = _write(session, work)
            _swap(work, folder.resolve())
        except OSError as exc:
            raise WorkbenchError(outfolder.os_error_sentence(exc, directory)) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        for p in made:  # folders made only for this export, innermost first
            try:
                p.rmdir()
            except OSError:
                break
        raise
    return written


def _rows(session: Session, query):
    if callable(query):
        return query(session)
    return session.execute(query.execution_options(**_STREAM))


def _write(session: Session, work: Path) -> dict[str, int]:
    statements = _statements()
    written: dict[str, int] = {}
    entries: dict[str, manifest.Entry] = {}
    for spec in FILES_V2:
        count = 0
        path = work / spec.name
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(spec.columns)
            for row in _rows(session, statements[spec.name]):
                writer.writerow([_cell(v) for v in row])
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        written[spec.name] = count
        entries[spec.name] = manifest.Entry(count, outfolder.sha256(path))
    with open(work / VERSION_FILE, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(f"{VERSION}\n")
    with open(work / MANIFEST, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(manifest.dump(entries, VERSION))
        handle.flush()
        os.fsync(handle.fileno())
    return written



def _swap(work: Path, target: Path) -> None:
    """Put the finished ``work`` folder at ``target`` (new, empty, or a previous export)."""
    def ours(folder: Path) -> None:
        if not previous_export(folder):  # it changed since it was checked
            raise WorkbenchError(f"The folder {target} is no longer a previous export; nothing was written.")

    def remove_old(old: Path, _listing: None) -> None:
        # The previous export: only the files it listed, then the folder.
        for name in (*SPECS_V2, MANIFEST, VERSION_FILE):
            (old / name).unlink(missing_ok=True)
        old.rmdir()

    outfolder.swap_folder(work, target, ours, remove_old)
