"""A SCAR followed to closure: the vendor's answers D4–D8 (text and files), the due dates
(overdue shown), verification of effectiveness, and closure with a signature.

The stages, in order: *awaiting answer* (until the response due date, then overdue),
*answered* (awaiting verification, overdue after its verification date), *verified*
(effective or not: a corrective action that did not work is sent back, the SCAR reopens
to *awaiting answer*), *closed*. Closing records whether the root cause was the vendor's;
a SCAR closed as "not the vendor's" no longer counts against it in vendor quality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import NotFound, WorkbenchError
from workbench.jsonutil import json_object
from workbench.plant import SupplierAction, Vendor, audit
from workbench.plant.case_models import Attachment, Case, ScarResponse, Signature
from workbench.plant.files import keep_file, read_evidence
from workbench.plant.lookup import lot_refs
from workbench.plant.who import actor
from workbench.supplier.records import ScarRecord, now

DISCIPLINES = {
    "d4": "D4 Root cause and escape point",
    "d5": "D5 Permanent corrective action chosen",
    "d6": "D6 Implemented and validated",
    "d7": "D7 Recurrence prevented",
    "d8": "D8 Closure and recognition",
}


@dataclass(frozen=True)
class ScarFollowUp:
    record: ScarRecord
    answers: dict[str, str | None]
    answered_at: datetime | None
    verify_due_at: datetime | None
    verified_at: datetime | None
    verified_by: str | None
    effective: bool | None
    verification: str | None
    closed_at: datetime | None
    closed_by: str | None
    vendor_cause: bool | None
    repeats: str | None
    case: str | None
    version: int
    files: list[tuple[int, str, int, str]] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.record.code

    @property
    def stage(self) -> str:
        if self.closed_at:
            return "closed"
        if self.verified_at and self.effective:
            return "verified"
        if self.answered_at:
            return "answered"
        return "awaiting answer"

    def overdue(self, at: datetime | None = None) -> str | None:
        """What is late, in words, or None."""
        at = at or now()
        if self.stage == "awaiting answer" and self.record.due_at and self.record.due_at < at:
            return f"answer overdue since {self.record.due_at:%Y-%m-%d}"
        if self.stage == "answered" and self.verify_due_at and self.verify_due_at < at:
            return f"verification overdue since {self.verify_due_at:%Y-%m-%d}"
        return None

    @property
    def counts_against_vendor(self) -> bool:
        return self.vendor_cause is not False

    def to_json(self) -> dict[str, Any]:
        return json_object({**self.record.to_json(), "stage": self.stage, "overdue": self.overdue(),
                         "answers": self.answers, "answered_at": self.answered_at,
                         "verify_due_at": self.verify_due_at, "verified_at": self.verified_at,
                         "verified_by": self.verified_by, "effective": self.effective,
                         "verification": self.verification, "closed_at": self.closed_at, "closed_by": self.closed_by,
                         "vendor_cause": self.vendor_cause, "repeats": self.repeats, "case": self.case,
                         "files": [{"id": i, "name": n, "size": s, "sha256": h} for i, n, s, h in self.files],
                         "signatures": self.signatures, "version": self.version})


def _scar(session: Session, code: str) -> SupplierAction:
    a = session.execute(select(SupplierAction).where(SupplierAction.code == code.strip().upper())).scalar_one_or_none()
    if a is None:
        raise NotFound(f"There is no SCAR '{code}'.")
    return a


def _response(session: Session, a: SupplierAction) -> ScarResponse:
    r = session.execute(select(ScarResponse).where(ScarResponse.scar_id == a.id)).scalar_one_or_none()
    if r is None:
        r = ScarResponse(scar_id=a.id, version=1)
        session.add(r)
        session.flush()
    return r


def _state(a: SupplierAction, r: ScarResponse) -> dict[str, Any]:
    return {"status": a.status, "due_at": a.due_at, **{d: getattr(r, d) for d in DISCIPLINES},
            "verify_due_at": r.verify_due_at, "effective": r.effective, "closed_at": r.closed_at,
            "vendor_cause": r.vendor_cause, "version": r.version}


def _check_version(a: SupplierAction, r: ScarResponse, expected: int | None) -> None:
    if expected is not None and r.version != expected:
        raise WorkbenchError(f"{a.code} was changed since you read it (version {r.version}, yours {expected}); "
                             "reload it and make your change again.")
    r.version += 1


def follow_up(session: Session, code: str) -> ScarFollowUp:
    a = _scar(session, code)
    return _follow_ups(session, [a])[0]


def _follow_ups(session: Session, actions: list[SupplierAction]) -> list[ScarFollowUp]:
    ids = [a.id for a in actions]
    if not ids:
        return []
    vendors = dict(session.execute(select(Vendor.id, Vendor.code)).all())
    responses = {r.scar_id: r for r in session.execute(select(ScarResponse).where(ScarResponse.scar_id.in_(ids)))
                 .scalars()}
    codes = dict(session.execute(select(SupplierAction.id, SupplierAction.code)).all())
    cases = dict(session.execute(select(Case.id, Case.code)).all())
    files: dict[int, list[tuple[int, str, int, str]]] = {}
    for f in session.execute(select(Attachment.scar_id, Attachment.id, Attachment.name, Attachment.size,
                                    Attachment.sha256).where(Attachment.scar_id.in_(ids)).order_by(Attachment.id)):
        files.setdefault(f.scar_id, []).append((f.id, f.name, f.size, f.sha256))
    sigs: dict[int, list[str]] = {}
    for s in session.execute(select(Signature).where(Signature.scar_id.in_(ids)).order_by(Signature.id)).scalars():
        assert s.scar_id is not None
        sigs.setdefault(s.scar_id, []).append(
            f"{s.full_name} ({s.signer}), {s.meaning}, {s.signed_at:%Y-%m-%d %H:%M:%S} UTC, proven by {s.method}")
    refs = lot_refs(session, {a.lot_id for a in actions})
    out = []
    for a in actions:
        r = responses.get(a.id)
        rec = ScarRecord(a.code, vendors[a.vendor_id], refs[a.lot_id], a.issued_at, a.due_at, a.problem, a.status)
        out.append(ScarFollowUp(
            rec, {d: getattr(r, d) if r else None for d in DISCIPLINES}, r.answered_at if r else None,
            r.verify_due_at if r else None, r.verified_at if r else None, r.verified_by if r else None,
            r.effective if r else None, r.verification if r else None, r.closed_at if r else None,
            r.closed_by if r else None, r.vendor_cause if r else None,
            codes.get(r.repeats_id) if r and r.repeats_id else None,
            cases.get(r.case_id) if r and r.case_id else None, r.version if r else 0,
            files.get(a.id, []), sigs.get(a.id, [])))
    return out


def list_follow_ups(session: Session, *, vendor: str | None = None, open_only: bool = False,
                    overdue_only: bool = False) -> list[ScarFollowUp]:
    stmt = select(SupplierAction).order_by(SupplierAction.issued_at, SupplierAction.code)
    if vendor:
        stmt = stmt.join(Vendor, Vendor.id == SupplierAction.vendor_id).where(Vendor.code == vendor)
    found = _follow_ups(session, list(session.execute(stmt).scalars()))
    if open_only:
        found = [f for f in found if f.stage != "closed"]
    if overdue_only:
        found = [f for f in found if f.overdue()]
    return found


def earlier_scars(session: Session, lot_id: int) -> list[str]:
    """Codes of SCARs already issued on the lot, oldest first."""
    return list(session.execute(select(SupplierAction.code).where(SupplierAction.lot_id == lot_id)
                                .order_by(SupplierAction.issued_at, SupplierAction.id)).scalars())


def link_issue(session: Session, code: str, case: str | None = None, who: str | None = None) -> str | None:
    """After issuing SCAR ``code``: link it to the first SCAR on the same lot (returned) and to a case."""
    a = _scar(session, code)
    r = _response(session, a)
    first = session.execute(select(SupplierAction).where(SupplierAction.lot_id == a.lot_id, SupplierAction.id != a.id)
                            .order_by(SupplierAction.issued_at, SupplierAction.id).limit(1)).scalar_one_or_none()
    if first is not None:
        r.repeats_id = first.id
    if case:
        c = session.execute(select(Case).where(Case.code == case.strip().upper())).scalar_one_or_none()
        if c is None:
            raise NotFound(f"There is no case '{case}'.")
        r.case_id = c.id
    session.flush()
    audit.record(session, "SCAR issued", "scar", a.code, None,
                 {"lot": a.lot_id, "due_at": a.due_at, "problem": a.problem,
                  "repeats": first.code if first else None, "case": case}, who=who)
    return first.code if first else None


def record_answer(session: Session, code: str, answers: dict[str, str | None], files: list[str] = (),  # type: ignore[assignment]
                  answered_on: date | None = None, verify_by: date | None = None,
                  expected_version: int | None = None, who: str | None = None) -> ScarFollowUp:
    """The vendor's answers (any of d4…d8; those not given stay as they were) and files."""
    unknown = set(answers) - set(DISCIPLINES)
    if unknown:
        raise WorkbenchError(f"{', '.join(sorted(unknown))}: a vendor answers D4 to D8 only.")
    given = {d: (t or "").strip() for d, t in answers.items() if t is not None and t.strip()}
    evidence = [read_evidence(p) for p in files]  # all files read before anything is written
    if not given and not evidence:
        raise WorkbenchError("Give at least one answer (D4–D8) or file from the vendor.")
    a = _scar(session, code)
    r = _response(session, a)
    if r.closed_at:
        raise WorkbenchError(f"{a.code} is closed.")
    who = who or actor()
    before = _state(a, r)
    _check_version(a, r, expected_version)
    for d, t in given.items():
        setattr(r, d, t)
    if r.d4 and r.d5:
        r.answered_at = datetime.combine(answered_on, time(12)) if answered_on else now()
        a.status = "answered"
        if verify_by is not None:
            r.verify_due_at = datetime.combine(verify_by, time(23, 59))
    for name, content in evidence:
        f = keep_file(session, name, content, scar_id=a.id, who=who)
        audit.record(session, "file attached", "scar", a.code, None,
                     {"name": name, "size": f.size, "sha256": f.sha256}, who=who)
    session.flush()
    audit.record(session, "vendor answer recorded", "scar", a.code, before, _state(a, r), who=who)
    return follow_up(session, a.code)


def set_due(session: Session, code: str, due: date, why: str, *, verification: bool = False,
            who: str | None = None) -> ScarFollowUp:
    """Move the response (or verification) due date, saying why."""
    if not (why or "").strip():
        raise WorkbenchError("Say why the due date moves.")
    a = _scar(session, code)
    r = _response(session, a)
    before = _state(a, r)
    at = datetime.combine(due, time(23, 59))
    if at < a.issued_at:
        raise WorkbenchError(f"{due:%Y-%m-%d} is before {a.code} was issued.")
    if verification:
        r.verify_due_at = at
    else:
        a.due_at = at
    r.version += 1
    session.flush()
    audit.record(session, "due date moved", "scar", a.code, before, {**_state(a, r), "why": why}, who=who)
    return follow_up(session, a.code)


def verify(session: Session, code: str, effective: bool, evidence: str, expected_version: int | None = None,
           who: str | None = None) -> ScarFollowUp:
    """Verification of effectiveness: did D5/D6 work (e.g. the next receipts tested clean)?
    Not effective sends the SCAR back to the vendor (awaiting a new answer)."""
    if not (evidence or "").strip():
        raise WorkbenchError("Describe the evidence of the verification (tests, audits, receipts checked).")
    a = _scar(session, code)
    r = _response(session, a)
    if not r.answered_at:
        raise WorkbenchError(f"{a.code} has no answer to D4 and D5 yet; nothing to verify.")
    if r.closed_at:
        raise WorkbenchError(f"{a.code} is closed.")
    who = who or actor()
    before = _state(a, r)
    _check_version(a, r, expected_version)
    r.verified_at, r.verified_by, r.effective, r.verification = now(), who, effective, evidence.strip()
    if effective:
        a.status = "verified"
    else:
        a.status, r.answered_at = "open", None
    session.flush()
    audit.record(session, "effectiveness verified" if effective else "corrective action not effective", "scar",
                 a.code, before, _state(a, r), who=who)
    return follow_up(session, a.code)


def close(session: Session, code: str, vendor_cause: bool, full_name: str, meaning: str, method: str,
          expected_version: int | None = None, who: str | None = None) -> ScarFollowUp:
    """Close the SCAR with a signature. A vendor-caused SCAR closes only once verified effective;
    one whose root cause was not the vendor's closes at any stage."""
    a = _scar(session, code)
    r = _response(session, a)
    if r.closed_at:
        raise WorkbenchError(f"{a.code} is already closed.")
    if vendor_cause and not (r.verified_at and r.effective):
        raise WorkbenchError(f"{a.code} is not verified effective yet; verify it first "
                             "(or close it as not the vendor's cause).")
    full_name = (full_name or "").strip()
    if not full_name or not (meaning or "").strip():
        raise WorkbenchError("Closing a SCAR needs a signature: the signer's full name and its meaning.")
    who = who or actor()
    before = _state(a, r)
    _check_version(a, r, expected_version)
    at = now()
    session.add(Signature(scar_id=a.id, signer=who, full_name=full_name[:200], meaning=meaning.strip().lower()[:32],
                          signed_at=at, method=method))
    r.closed_at, r.closed_by, r.vendor_cause, a.status = at, who, vendor_cause, "closed"
    session.flush()
    audit.record(session, "SCAR closed", "scar", a.code, before,
                 {**_state(a, r), "signature": {"full_name": full_name, "meaning": meaning, "method": method}}, who=who)
    return follow_up(session, a.code)


def scar_file(session: Session, file_id: int) -> tuple[str, bytes, str]:
    f = session.get(Attachment, file_id)
    if f is None or f.scar_id is None:
        raise NotFound(f"There is no SCAR file {file_id}.")
    return f.name, f.content, f.sha256


def not_vendor_scars(session: Session) -> set[int]:
    """Ids of SCARs closed as not the vendor's cause (they do not count against it)."""
    return set(session.execute(select(ScarResponse.scar_id).where(ScarResponse.vendor_cause.is_(False))).scalars())
