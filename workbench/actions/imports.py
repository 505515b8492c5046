"""Importing into a plant: one transaction, all or nothing, for the app and the CLI."""

from __future__ import annotations

from pathlib import Path

from workbench.actions.changes import EVERYTHING, NOTHING, Changes
from workbench.interchange.bundle import ImportSummary, import_bundle
from workbench.plant import Plant, audit
from workbench.progress import Progress


def import_into(plant: Plant, folder: str | Path, progress: Progress | None = None,
                dry_run: bool = False) -> tuple[ImportSummary, Changes]:
    """Import the bundle in ``folder`` into ``plant`` in one transaction (rolled back for a
    dry run). Raises ``ImportFailed`` with every fault, having written nothing."""
    with plant.Session.begin() as session:
        summary = import_bundle(session, folder, progress, dry_run=dry_run)
        if dry_run:
            session.rollback()
        elif summary.inserted:
            audit.record(session, "bundle imported", "plant", str(Path(folder).resolve())[-200:], None,
                         {f.file: f.inserted for f in summary.files if f.inserted})
    return summary, (NOTHING if dry_run or summary.inserted == 0 else EVERYTHING)
