"""Importing into a plant: one transaction, all or nothing, for the app and the CLI.

``import_paths`` takes CSV bundle folders and EPCIS documents alike (told apart by content: a folder is a
bundle, a file whose content is an EPCIS JSON/JSON-LD or XML document is EPCIS) and imports them all in
one transaction: a fault anywhere refuses the whole, having written nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.actions.changes import EVERYTHING, NOTHING, Changes
from workbench.errors import WorkbenchError
from workbench.interchange.bundle import ImportSummary, import_bundle
from workbench.interchange.epcisload import EpcisImportSummary, import_documents, is_epcis_file
from workbench.plant import Plant, audit, writing
from workbench.plant.session import write_session
from workbench.progress import Progress


@dataclass
class ImportOutcome:
    """What an import of several paths did: one summary per bundle folder, one for all EPCIS files."""

    bundles: list[ImportSummary] = field(default_factory=list)
    epcis: EpcisImportSummary | None = None

    @property
    def inserted(self) -> int:
        return sum(b.inserted for b in self.bundles) + (self.epcis.new_events if self.epcis else 0)


def import_into(plant: Plant, folder: str | Path, progress: Progress | None = None,
                dry_run: bool = False) -> tuple[ImportSummary, Changes]:
    """Import the bundle in ``folder`` into ``plant`` in one transaction (rolled back for a
    dry run). Raises ``ImportFailed`` with every fault, having written nothing."""
    with writing(plant) as writer, writer.Session.begin() as session:
        summary = import_bundle(session, folder, progress, dry_run=dry_run)
        if dry_run:
            session.rollback()

    return summary, (NOTHING if dry_run or summary.inserted == 0 else EVERYTHING)


def sort_paths(paths: Sequence[str | Path]) -> tuple[list[Path], list[Path]]:
    """(bundle folders, EPCIS files); a path that is neither is one sentence."""
    folders, documents = [], []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            folders.append(path)
        elif not path.exists():
            raise WorkbenchError(f"The bundle folder or EPCIS document {given} does not exist; nothing was written.")
        elif is_epcis_file(path):
            documents.append(path)
        else:
            raise WorkbenchError(f"{given}: neither a bundle folder nor an EPCIS document (EPCIS 2.0 JSON/JSON-LD, "
                                 "EPCIS 2.0 or 1.2 XML); nothing was written.")
    return folders, documents


def import_paths(plant: Plant, paths: Sequence[str | Path], progress: Progress | None = None,
                 dry_run: bool = False) -> tuple[ImportOutcome, Changes]:
    """Import bundles and EPCIS documents together in one transaction (rolled back for a dry run).

    Raises ``ImportFailed`` (a bundle) or ``EpcisImportFailed`` (EPCIS) with every fault, having written nothing.
    """
    folders, documents = sort_paths(paths)
    outcome = ImportOutcome()
    # The schema, when the database is still empty, is created inside the same transaction: a
    # refused import or a dry run leaves an empty database as empty as it was.
    with write_session(plant, commit=not dry_run) as session:
        for folder in folders:
            summary = import_bundle(session, folder, progress, dry_run=dry_run)
            outcome.bundles.append(summary)  # import_bundle appends its own audit entry
        if documents:
            outcome.epcis = epcis = import_documents(session, documents, progress, dry_run=dry_run)
            if epcis.new_events and not dry_run:
                audit.record(session, "EPCIS imported", "plant", ", ".join(f.file for f in epcis.files)[-200:], None,
                             {"events": epcis.new_events, "lots": epcis.counts.lots,
                              "retracted": epcis.counts.retracted + epcis.retracted_earlier})
    return outcome, (NOTHING if dry_run or outcome.inserted == 0 else EVERYTHING)
