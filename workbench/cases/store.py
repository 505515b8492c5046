"""Reading and writing cases. Functions take a session and never commit; every write
appends its audit entry in the same transaction.

Optimistic locking: an edit of the case itself (status, title, problem, closing) names
the version it was based on; if someone wrote the case since, the edit is refused with
who did it and when (``StaleCase``), never silently merged. Appending to the record
(notes, hypotheses, lots, attachments) conflicts with nothing and needs no version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from workbench.cases.records import (
    CASE_ORIGINS,
    CASE_STATUSES,
    ENTRY_KINDS,
    AttachmentRecord,
    CaseDetail,
    CaseLotRecord,
    CaseSummary,
    EntryRecord,
    MockRecall,
    SignatureRecord,
    status_word,
)
from workbench.errors import NotFound, WorkbenchError
from workbench.facts import LotRef
from workbench.plant import SupplierAction, audit
from workbench.plant.case_models import (
    Attachment,
    Case,
    CaseEntry,
    CaseLot,
    ScarResponse,
    Signature,
)
from workbench.plant.files import keep_file, read_evidence
from workbench.plant.lookup import lot_refs
from workbench.plant.who import actor


class StaleCase(WorkbenchError):
    """The case was changed by someone else since it was read."""


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def clock() -> datetime:
    """A mock recall's clock reads to the microsecond: a trace takes well under a second."""
    return datetime.now(UTC).replace(tzinfo=None)


def _case(session: Session, code: str, *, for_update: bool = False) -> Case:
    stmt = select(Case).where(Case.code == code.strip().upper())
    if for_update:
        stmt = stmt.with_for_update()
    found = session.execute(stmt).scalar_one_or_none()
    if found is None:
        raise NotFound(f"There is no case '{code}'.")
    return found


def _next_code(session: Session, prefix: str, at: datetime) -> str:
    head = f"{prefix}-{at:%Y}-"
    codes = session.execute(select(Case.code).where(Case.code.like(f"{head}%"))).scalars().all()
    numbers = [int(c[len(head):]) for c in codes if c[len(head):].isdigit()]
    return f"{head}{max(numbers, default=0) + 1:04d}"


def _summary(c: Case, lots: int) -> CaseSummary:
    return CaseSummary(c.code, c.kind, c.title, c.status, c.origin, c.origin_ref, c.opened_at, c.opened_by,
                       c.updated_at, c.updated_by, c.version, lots)


def _state(c: Case) -> dict[str, Any]:
    return {"title": c.title, "status": c.status, "problem": c.problem, "version": c.version}


def _bump(session: Session, c: Case, expected: int | None, who: str, **values: Any) -> None:
    """Write ``values`` to the case if it is still at ``expected`` (None: whatever it is)."""
    base = c.version if expected is None else expected
    stmt = (update(Case).where(Case.id == c.id, Case.version == base)
            .values(version=base + 1, updated_at=now(), updated_by=who, **values)
            .execution_options(synchronize_session=False))
    # A DML statement's result is a CursorResult, which counts the rows it matched.
    if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
        session.expire(c)
        fresh = session.get(Case, c.id)
        assert fresh is not None
        raise StaleCase(f"{fresh.code} was changed by {fresh.updated_by} at {fresh.updated_at:%Y-%m-%d %H:%M:%S} "
                        f"(version {fresh.version}, yours {base}); reload it and make your change again.")
    session.expire(c)


def open_case(session: Session, title: str, origin: str = "lot", origin_ref: str | None = None,
              problem: str | None = None, lots: Sequence[LotRef] = (), *, kind: str = "investigation",
              standard: str | None = None, who: str | None = None) -> CaseSummary:
    """Open a case (``origin``: a lot, a complaint, a return, a supplier notice)."""
    title = (title or "").strip()
    if not title:
        raise WorkbenchError("Give the case a title (what is being investigated).")
    if origin not in CASE_ORIGINS:
        raise WorkbenchError(f"'{origin}' is not where a case starts; use one of: {', '.join(CASE_ORIGINS)}.")
    who = who or actor()
    audit.serialize(session)  # two engineers opening cases at once get two numbers
    at = now()
    c = Case(code=_next_code(session, "MOCK" if kind == "mock_recall" else "CASE", at), kind=kind,
             title=title[:200], origin=origin, origin_ref=(origin_ref or None), problem=(problem or "").strip() or None,
             status="open", opened_at=at, opened_by=who, updated_at=at, updated_by=who, version=1,
             standard=standard)
    session.add(c)
    session.flush()
    audit.record(session, "case opened", "case", c.code, None,
                 {**_state(c), "kind": kind, "origin": origin, "origin_ref": origin_ref}, who=who)
    if lots:
        add_lots(session, c.code, lots, "suspect from the start", who=who)
    return _summary(c, len(lots))


def add_lots(session: Session, code: str, lots: Iterable[LotRef], why: str | None = None,
             role: str = "suspect", who: str | None = None) -> list[LotRef]:
    """Add suspect lots (those already on the case are skipped); returns those added."""
    c = _case(session, code)
    who = who or actor()
    have = set(session.execute(select(CaseLot.lot_id).where(CaseLot.case_id == c.id)).scalars())
    added = []
    for lot in lots:
        if lot.id in have:
            continue
        have.add(lot.id)
        session.add(CaseLot(case_id=c.id, lot_id=lot.id, role=role, why=why, added_at=now(), added_by=who))
        added.append(lot)
    if added:
        session.flush()
        audit.record(session, "suspect lots added", "case", c.code, None,
                     {"lots": [x.label for x in added], "why": why}, who=who)
        for lot in added:
            audit.record(session, "added to case", "lot", lot.label, None, {"case": c.code, "why": why}, who=who)
    return added


def remove_lot(session: Session, code: str, lot: LotRef, why: str, who: str | None = None) -> None:
    c = _case(session, code)
    row = session.execute(select(CaseLot).where(CaseLot.case_id == c.id, CaseLot.lot_id == lot.id)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"{lot.label} is not a lot of {c.code}.")
    session.delete(row)
    session.flush()
    audit.record(session, "suspect lot removed", "case", c.code, {"lot": lot.label}, {"why": why}, who=who)


def add_entry(session: Session, code: str, kind: str, text: str | None, data: dict[str, Any] | None = None,
              lot: LotRef | None = None, quantity: Decimal | None = None, who: str | None = None,
              attachment_id: int | None = None) -> EntryRecord:
    """Append to the case's record: a note, hypothesis, decision, commonality result, hold…"""
    if kind not in ENTRY_KINDS:
        raise WorkbenchError(f"'{kind}' is not a kind of case entry.")
    text = (text or "").strip() or None
    if kind in ("note", "hypothesis", "decision") and not text:
        raise WorkbenchError(f"Write the {kind}: it is empty.")
    c = _case(session, code)
    if c.status == "closed" and kind not in ("status", "signature"):
        raise WorkbenchError(f"{c.code} is closed; reopen it to add to it.")
    who = who or actor()
    e = CaseEntry(case_id=c.id, kind=kind, at=now(), by=who, text=text,
                  data=audit.canonical(data) if data is not None else None,
                  lot_id=lot.id if lot else None, quantity=quantity, attachment_id=attachment_id)
    session.add(e)
    session.flush()
    audit.record(session, f"{kind} added", "case", c.code, None,
                 {"entry": e.id, "text": text, "data": data, "lot": lot.label if lot else None, "quantity": quantity},
                 who=who)
    return EntryRecord(e.id, kind, e.at, who, text, data, lot, quantity)


def set_status(session: Session, code: str, status: str, expected_version: int | None, why: str | None = None,
               who: str | None = None) -> CaseSummary:
    """Move the case along open → containment → root cause found → corrective action.
    Closing needs a signature: ``close_case``."""
    if status not in CASE_STATUSES:
        raise WorkbenchError(f"'{status}' is not a case status.")
    if status == "closed":
        raise WorkbenchError("Closing a case needs an electronic signature: close it with `case close`.")
    c = _case(session, code, for_update=True)
    if c.status == "closed":
        raise WorkbenchError(f"{c.code} is closed; reopen it first.")
    who = who or actor()
    before = _state(c)
    _bump(session, c, expected_version, who, status=status)
    session.add(CaseEntry(case_id=c.id, kind="status", at=now(), by=who,
                          text=f"{status_word(before['status'])} → {status_word(status)}" + (f": {why}" if why else "")))
    audit.record(session, "status changed", "case", c.code, before, _state(c), who=who)
    return case_summary(session, c.code)


def edit_case(session: Session, code: str, expected_version: int | None, *, title: str | None = None,
              problem: str | None = None, who: str | None = None) -> CaseSummary:
    c = _case(session, code, for_update=True)
    who = who or actor()
    values: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise WorkbenchError("A case's title cannot be empty.")
        values["title"] = title.strip()[:200]
    if problem is not None:
        values["problem"] = problem.strip() or None
    if not values:
        return case_summary(session, c.code)
    before = _state(c)
    _bump(session, c, expected_version, who, **values)
    audit.record(session, "case edited", "case", c.code, before, _state(c), who=who)
    return case_summary(session, c.code)


def sign(session: Session, full_name: str, meaning: str, method: str, *, case: Case | None = None,
         scar_id: int | None = None, who: str | None = None) -> SignatureRecord:
    """Record an electronic signature (name, meaning, time, how the signer was proven)."""
    full_name = (full_name or "").strip()
    meaning = (meaning or "").strip().lower()
    if not full_name:
        raise WorkbenchError("A signature needs the signer's full name.")
    if not meaning:
        raise WorkbenchError("A signature needs its meaning (reviewed, approved, verified…).")
    who = who or actor()
    s = Signature(case_id=case.id if case else None, scar_id=scar_id, signer=who, full_name=full_name[:200],
                  meaning=meaning[:32], signed_at=now(), method=method)
    session.add(s)
    session.flush()
    record = SignatureRecord(who, s.full_name, s.meaning, s.signed_at, method)
    audit.record(session, "signed", "case" if case else "scar", case.code if case else str(scar_id), None,
                 vars(record), who=who)
    return record


def close_case(session: Session, code: str, expected_version: int | None, full_name: str, meaning: str,
               method: str, why: str | None = None, who: str | None = None) -> CaseSummary:
    """Close the case with an electronic signature (the caller has re-authenticated the signer)."""
    c = _case(session, code, for_update=True)
    if c.status == "closed":
        raise WorkbenchError(f"{c.code} is already closed.")
    if c.kind == "mock_recall" and c.clock_started_at is not None and c.clock_stopped_at is None:
        raise WorkbenchError(f"{c.code}'s clock is still running: stop the mock recall first.")
    who = who or actor()
    before = _state(c)
    record = sign(session, full_name, meaning, method, case=c, who=who)
    _bump(session, c, expected_version, who, status="closed", closed_at=now())
    session.add(CaseEntry(case_id=c.id, kind="status", at=now(), by=who,
                          text=f"{status_word(before['status'])} → closed, signed: {record.line}"
                          + (f". {why}" if why else "")))
    audit.record(session, "case closed", "case", c.code, before, {**_state(c), "signature": vars(record)}, who=who)
    return case_summary(session, c.code)


def reopen_case(session: Session, code: str, expected_version: int | None, why: str,
                who: str | None = None) -> CaseSummary:
    c = _case(session, code, for_update=True)
    if c.status != "closed":
        raise WorkbenchError(f"{c.code} is not closed.")
    if not (why or "").strip():
        raise WorkbenchError("Say why the case is reopened.")
    who = who or actor()
    before = _state(c)
    _bump(session, c, expected_version, who, status="open", closed_at=None)
    session.add(CaseEntry(case_id=c.id, kind="status", at=now(), by=who, text=f"closed → open: {why.strip()}"))
    audit.record(session, "case reopened", "case", c.code, before, _state(c), who=who)
    return case_summary(session, c.code)


def attach(session: Session, code: str, path: str | Path, note: str | None = None,
           who: str | None = None) -> AttachmentRecord:
    """Keep a file with the case (bytes and SHA-256) and note it in the record."""
    name, content = read_evidence(path)
    c = _case(session, code)
    if c.status == "closed":
        raise WorkbenchError(f"{c.code} is closed; reopen it to add to it.")
    a = keep_file(session, name, content, case_id=c.id, who=who)
    add_entry(session, c.code, "attachment", note or f"attached {name}",
              {"name": name, "size": a.size, "sha256": a.sha256}, who=a.added_by, attachment_id=a.id)
    return AttachmentRecord(a.id, a.name, a.size, a.sha256, a.added_at, a.added_by)


def attachment_content(session: Session, attachment_id: int) -> tuple[str, bytes, str]:
    a = session.get(Attachment, attachment_id)
    if a is None:
        raise NotFound(f"There is no attachment {attachment_id}.")
    return a.name, a.content, a.sha256


def save_views(session: Session, code: str, views: list[dict[str, Any]], who: str | None = None) -> None:
    """Remember the genealogy views open on the case (reopening the case restores them)."""
    c = _case(session, code)
    text = json.dumps(views, sort_keys=True)
    if text == (c.views or "[]"):
        return
    before = json.loads(c.views) if c.views else []
    c.views = text
    session.flush()
    audit.record(session, "views saved", "case", c.code, {"views": before}, {"views": views}, who=who)


# --- mock recalls -------------------------------------------------------------------------


def start_mock(session: Session, lots: Sequence[LotRef], standard: str, unit: str, in_question: Decimal,
               who: str | None = None) -> CaseSummary:
    """Open a mock recall with its clock running from now."""
    if standard not in ("BRCGS", "FSMA"):
        raise WorkbenchError(f"'{standard}' is not a standard mock recalls are graded against; use BRCGS or FSMA.")
    if not lots:
        raise WorkbenchError("A mock recall needs at least one lot to trace.")
    title = f"Mock recall ({standard}) of " + ", ".join(x.label for x in lots[:3]) + ("…" if len(lots) > 3 else "")
    s = open_case(session, title, "mock_recall", lots[0].label, None, lots, kind="mock_recall", standard=standard,
                  who=who)
    c = _case(session, s.code)
    c.clock_started_at, c.unit, c.in_question, c.found = clock(), unit, in_question, Decimal(0)
    session.flush()
    audit.record(session, "mock recall clock started", "case", c.code, None,
                 {"standard": standard, "unit": unit, "in_question": in_question, "at": c.clock_started_at}, who=who)
    return case_summary(session, c.code)


def mock_found(session: Session, code: str, found: Decimal, how: str, data: dict[str, Any] | None = None,
               who: str | None = None) -> MockRecall:
    """Record the amount found so far (total, in the mock recall's unit); at 100 % the clock stops."""
    c = _case(session, code, for_update=True)
    if c.kind != "mock_recall":
        raise WorkbenchError(f"{c.code} is not a mock recall.")
    if c.clock_stopped_at is not None:
        raise WorkbenchError(f"{c.code}'s clock has stopped; start a new mock recall.")
    if found < 0:
        raise WorkbenchError("The amount found cannot be negative.")
    before = {"found": c.found}
    c.found = found
    add_entry(session, c.code, "found", how, {**(data or {}), "found": found, "unit": c.unit}, quantity=found, who=who)
    if c.in_question is not None and found >= c.in_question:
        c.clock_stopped_at = clock()
    session.flush()
    audit.record(session, "mock recall amount found", "case", c.code, before,
                 {"found": found, "clock_stopped_at": c.clock_stopped_at}, who=who)
    return _clock(c)


def stop_mock(session: Session, code: str, why: str, who: str | None = None) -> MockRecall:
    """Stop the clock short of 100 % (the trace could not be completed)."""
    c = _case(session, code, for_update=True)
    if c.kind != "mock_recall" or c.clock_stopped_at is not None:
        raise WorkbenchError(f"{c.code} has no running clock.")
    c.clock_stopped_at = clock()
    add_entry(session, c.code, "found", f"clock stopped: {why}", {"found": c.found, "unit": c.unit}, who=who)
    audit.record(session, "mock recall clock stopped", "case", c.code, None, {"why": why}, who=who)
    return _clock(c)


def _clock(c: Case) -> MockRecall:
    """The clock and amounts of a mock recall case."""
    return MockRecall(c.standard, c.clock_started_at, c.clock_stopped_at, c.unit, c.in_question, c.found)


def _mock(c: Case) -> MockRecall | None:
    return _clock(c) if c.kind == "mock_recall" else None


def mock_history(session: Session) -> list[tuple[str, str, MockRecall]]:
    """Every mock recall, oldest first: (code, title, clock and amounts), for the trend."""
    rows = session.execute(select(Case).where(Case.kind == "mock_recall").order_by(Case.opened_at, Case.id)).scalars()
    return [(c.code, c.title, _clock(c)) for c in rows]


# --- reading ------------------------------------------------------------------------------


def case_summary(session: Session, code: str) -> CaseSummary:
    c = _case(session, code)
    session.refresh(c)
    n = session.execute(select(func.count()).select_from(CaseLot).where(CaseLot.case_id == c.id)).scalar_one()
    return _summary(c, n)


def list_cases(session: Session, *, status: str | None = None, kind: str | None = None,
               lot_id: int | None = None) -> list[CaseSummary]:
    """Cases newest first (``status="active"``: all but closed)."""
    counts = (select(CaseLot.case_id, func.count().label("n")).group_by(CaseLot.case_id).subquery())
    stmt = (select(Case, func.coalesce(counts.c.n, 0)).join(counts, counts.c.case_id == Case.id, isouter=True)
            .order_by(Case.opened_at.desc(), Case.id.desc()))
    if status == "active":
        stmt = stmt.where(Case.status != "closed")
    elif status:
        stmt = stmt.where(Case.status == status)
    if kind:
        stmt = stmt.where(Case.kind == kind)
    if lot_id is not None:
        stmt = stmt.where(Case.id.in_(select(CaseLot.case_id).where(CaseLot.lot_id == lot_id)))
    return [_summary(c, n) for c, n in session.execute(stmt)]


def case_detail(session: Session, code: str) -> CaseDetail:
    c = _case(session, code)
    session.refresh(c)
    lots = session.execute(select(CaseLot).where(CaseLot.case_id == c.id).order_by(CaseLot.id)).scalars().all()
    entries = session.execute(select(CaseEntry).where(CaseEntry.case_id == c.id)
                              .order_by(CaseEntry.at, CaseEntry.id)).scalars().all()
    refs = lot_refs(session, {x.lot_id for x in lots} | {e.lot_id for e in entries if e.lot_id})
    files = session.execute(select(Attachment.id, Attachment.name, Attachment.size, Attachment.sha256,
                                   Attachment.added_at, Attachment.added_by)
                            .where(Attachment.case_id == c.id).order_by(Attachment.id)).all()
    sigs = session.execute(select(Signature).where(Signature.case_id == c.id).order_by(Signature.id)).scalars()
    scars = session.execute(select(SupplierAction.code).join(ScarResponse, ScarResponse.scar_id == SupplierAction.id)
                            .where(ScarResponse.case_id == c.id).order_by(SupplierAction.code)).scalars().all()
    return CaseDetail(
        summary=_summary(c, len(lots)), problem=c.problem, closed_at=c.closed_at,
        lots=[CaseLotRecord(refs[x.lot_id], x.role, x.why, x.added_at, x.added_by) for x in lots],
        entries=[EntryRecord(e.id, e.kind, e.at, e.by, e.text, json.loads(e.data) if e.data else None,
                             refs.get(e.lot_id) if e.lot_id else None, e.quantity) for e in entries],
        attachments=[AttachmentRecord(*f) for f in files],
        signatures=[SignatureRecord(s.signer, s.full_name, s.meaning, s.signed_at, s.method) for s in sigs],
        views=json.loads(c.views) if c.views else [], mock=_mock(c), scars=list(scars))
