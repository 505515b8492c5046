"""Starting a recall and writing its package: the same two steps for the app and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.plant import Plant
from workbench.progress import Progress
from workbench.recall.engine import recall
from workbench.recall.records import Recall, with_reason
from workbench.reports.package import check_target
from workbench.reports.package import write_recall_package as write_package
from workbench.settings import Letterhead, load_letterhead

__all__ = ["check_target", "start_recall", "write_recall_package"]


def start_recall(plant: Plant, roots: Sequence[LotRef], reason: str | None = None,
                 progress: Progress | None = None) -> Recall:
    """The recall of the suspect lots: affected lots, hold list, customers, mass balance."""
    if not roots:
        raise WorkbenchError("A recall needs at least one suspect lot.")
    with plant.Session() as session:
        return recall(session, list(roots), reason=(reason or "").strip() or None, progress=progress)


def write_recall_package(r: Recall, out: str | Path, reason: str | None = None,
                         letterhead: Letterhead | None = None, force: bool = False,
                         progress: Progress | None = None) -> list[Path]:
    """Write the package of ``r`` (with ``reason``, when given, quoted in the letters)."""
    if reason is not None:
        r = with_reason(r, reason.strip() or None)
    return write_package(r, out, letterhead or load_letterhead(), progress=progress, force=force)
