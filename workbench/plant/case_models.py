"""Tables of investigations that last: cases, their record, SCAR follow-up and the audit trail.

* ``Case``: an investigation (or a mock recall) worked for days by a team, with a status
  and a version number (optimistic locking: a stale edit is refused, never merged).
* ``CaseLot``: the suspect lots of a case.
* ``CaseEntry``: its record, one row per thing that happened (note, hypothesis, decision,
  commonality result, hold, recall package, SCAR, status change, mock-recall find).
* ``Attachment``: a file kept with a case or a SCAR answer, bytes and SHA-256.
* ``Signature``: an electronic signature (21 CFR Part 11: name, meaning, when, how proven).
* ``ScarResponse``: the vendor's answers D4-D8 to a SCAR, verification and closure.
* ``ReturnCause``: what caused a return (a rule on the reason text, or one return's
  verdict): is it the vendor's lot, or transit, picking, our process?
* ``AuditEntry``: the append-only, hash-chained audit trail (see ``workbench.plant.audit``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workbench.plant.models import Base
from workbench.plant.types import Quantity, UTCDateTime


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="investigation")
    title: Mapped[str] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(32))
    origin_ref: Mapped[str | None] = mapped_column(String(200))
    problem: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), default="open", index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Optimistic locking: each write raises it; a write based on an older one is refused.
    version: Mapped[int] = mapped_column(default=1)
    #: The genealogy views that were open on the case (JSON list), restored on reopening.
    views: Mapped[str | None] = mapped_column(Text)
    # Mock recalls: the standard graded against, the clock and the amounts.
    standard: Mapped[str | None] = mapped_column(String(16))
    clock_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unit: Mapped[str | None] = mapped_column(String(16))
    in_question: Mapped[Decimal | None] = mapped_column(Quantity)
    found: Mapped[Decimal | None] = mapped_column(Quantity)


class CaseLot(Base):
    __tablename__ = "case_lots"
    __table_args__ = (UniqueConstraint("case_id", "lot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="suspect")
    why: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[str] = mapped_column(String(64))


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    scar_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_actions.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[str] = mapped_column(String(64))


class CaseEntry(Base):
    __tablename__ = "case_entries"
    __table_args__ = (Index("ix_case_entries_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    #: Structured detail (JSON): lots, quantities, files and hashes, SCAR code, ranking.
    data: Mapped[str | None] = mapped_column(Text)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))


class Signature(Base):
    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    scar_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_actions.id"), index=True)
    signer: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(200))
    meaning: Mapped[str] = mapped_column(String(32))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: How the signer was proven: "password" (re-authenticated against the database),
    #: "trust" (the server trusts the connection: no password could be checked), "os".
    method: Mapped[str] = mapped_column(String(16))


class ScarResponse(Base):
    """The vendor's answer to a SCAR and its follow-up, one row per SCAR."""

    __tablename__ = "scar_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    scar_id: Mapped[int] = mapped_column(ForeignKey("supplier_actions.id"), unique=True)
    d4: Mapped[str | None] = mapped_column(Text)
    d5: Mapped[str | None] = mapped_column(Text)
    d6: Mapped[str | None] = mapped_column(Text)
    d7: Mapped[str | None] = mapped_column(Text)
    d8: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the effectiveness of D5/D6 is to be verified (e.g. the next three receipts).
    verify_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by: Mapped[str | None] = mapped_column(String(64))
    effective: Mapped[bool | None] = mapped_column(Boolean)
    verification: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    #: Whether the root cause (D4) was the vendor's: a SCAR closed as "not the vendor's"
    #: no longer counts against it.
    vendor_cause: Mapped[bool | None] = mapped_column(Boolean)
    #: The first SCAR on the same lot, when this one repeats it.
    repeats_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_actions.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)


class ReturnCause(Base):
    """A rule (``pattern`` found in the return reason) or one return's verdict (``return_id``)."""

    __tablename__ = "return_causes"

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str | None] = mapped_column(String(200))
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"), unique=True)
    cause: Mapped[str] = mapped_column(String(16))
    vendor_attributable: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)
    set_by: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    """One write, never updated or deleted: ids run 1, 2, 3 … without gaps and each row's
    ``hash`` covers its content and the previous row's hash."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_object", "object_type", "object_key"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    db_role: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_key: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
