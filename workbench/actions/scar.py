"""Issuing a supplier corrective-action request: record it and write its 8D PDF, at once.

The one place a SCAR's input is checked (the command line and the app both come here):
the PDF path, the defect text (or the customer return reasons traced to the lot), the
response due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from workbench.actions.changes import Changes
from workbench.cases.store import add_entry
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.outfile import check_file, written
from workbench.plant import Plant, audit, writing
from workbench.plant.who import require_write
from workbench.reports.scar import write_scar
from workbench.settings import Letterhead, load_letterhead
from workbench.supplier.followup import link_issue
from workbench.supplier.quality import vendor_quality
from workbench.supplier.records import ScarFacts, ScarRecord
from workbench.supplier.scar import issue_scar as record_scar
from workbench.supplier.scar import scar_facts


class ProblemMissing(WorkbenchError):
    """No defect was described and no customer return is traced to the lot."""

    def __init__(self) -> None:
        super().__init__("Describe the defect found: no customer return is traced to this lot.")


@dataclass(frozen=True)
class IssuedScar:
    record: ScarRecord
    path: Path
    facts: ScarFacts
    changes: Changes
    #: The first SCAR already issued on the same lot, when this one repeats it.
    repeats: str | None = None

    @property
    def warning(self) -> str | None:
        if not self.repeats:
            return None
        return (f"{self.lot_label} already has {self.repeats}; {self.code} is linked to it as a repeat "
                "(answer and close them together with the vendor).")

    @property
    def lot_label(self) -> str:
        return self.record.lot.label

    @property
    def code(self) -> str:
        return self.record.code

    @property
    def issued_at(self) -> datetime:
        return self.record.issued_at

    @property
    def due_at(self) -> datetime:
        assert self.record.due_at is not None
        return self.record.due_at

    @property
    def problem(self) -> str:
        return self.record.problem or ""


def scar_path(text: str | Path, force: bool = False) -> Path:
    """Where the PDF goes: a name without a suffix gets ``.pdf``; another suffix, a missing folder, and an existing
    file without ``force`` are refused (``outfile.check_file``)."""
    return check_file(text, "the SCAR", "SCAR-0001.pdf", force, (".pdf",), ".pdf")


def issue_scar(plant: Plant, lot: LotRef, problem: str | None, due: date | None, out: str | Path,
               letterhead: Letterhead | None = None, today: date | None = None,
               case: str | None = None, force: bool = False) -> IssuedScar:
    """Record a SCAR for ``lot`` and write its PDF, in one transaction.

    Without ``problem`` the customer return reasons traced to the lot are used. If the PDF
    cannot be written nothing is recorded. An existing file at ``out`` is replaced only with ``force``.
    """
    path = scar_path(out, force)
    if due is not None and due < (today or date.today()):
        raise WorkbenchError(f"The response due date {due:%Y-%m-%d} is in the past.")
    letterhead = letterhead or load_letterhead()
    with writing(plant) as writer, writer.Session.begin() as session:
        facts = scar_facts(session, lot)
        text = (problem or "").strip() or facts.default_problem()
        if not text:
            raise ProblemMissing()
        require_write(session)
        audit.serialize(session)  # SCAR numbers are taken in turn
        record = record_scar(session, lot, text, due)
        repeats = link_issue(session, record.code, case)
        if case:
            add_entry(session, case, "scar", f"{record.code} issued to {facts.vendor.display}",
                      {"scar": record.code, "vendor": facts.vendor.code, "due_at": record.due_at,
                       "repeats": repeats}, lot=lot)
        quality = vendor_quality(session, facts.vendor.code)
        assert record.due_at is not None
        with written(path, force) as work:
            write_scar(facts, quality, work, record.code, text, record.issued_at, record.due_at, letterhead)
    return IssuedScar(record, path, facts, Changes(scars=True, cases=bool(case), lots=frozenset({lot.id})),
                      repeats)
