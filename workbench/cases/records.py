"""What a case holds, as plain data safe to hand to any thread (no ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from workbench.facts import LotRef
from workbench.jsonutil import json_object

CASE_KINDS = ("investigation", "mock_recall")
CASE_ORIGINS = ("lot", "complaint", "return", "supplier_notice", "mock_recall")
#: The life of a case, in order.
CASE_STATUSES = ("open", "containment", "root_cause_found", "corrective_action", "closed")
ENTRY_KINDS = ("note", "hypothesis", "decision", "commonality", "hold", "release", "package", "scar",
               "status", "lots", "attachment", "found", "signature", "views")
#: The norms a mock recall is graded against: hours allowed to trace 100 % of the lot.
NORMS = {"BRCGS": 4, "FSMA": 24}
STATUS_WORDS = {"open": "open", "containment": "containment", "root_cause_found": "root cause found",
                "corrective_action": "corrective action", "closed": "closed"}


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def parse_status(text: str) -> str:
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in CASE_STATUSES:
        raise ValueError(f"'{text}' is not a case status; use one of: "
                         + ", ".join(STATUS_WORDS[s] for s in CASE_STATUSES) + ".")
    return key


@dataclass(frozen=True)
class CaseSummary:
    code: str
    kind: str
    title: str
    status: str
    origin: str
    origin_ref: str | None
    opened_at: datetime
    opened_by: str
    updated_at: datetime
    updated_by: str
    version: int
    lots: int

    @property
    def status_text(self) -> str:
        return status_word(self.status)

    def to_json(self) -> dict[str, Any]:
        return json_object(vars(self))


@dataclass(frozen=True)
class CaseLotRecord:
    lot: LotRef
    role: str
    why: str | None
    added_at: datetime
    added_by: str


@dataclass(frozen=True)
class EntryRecord:
    id: int
    kind: str
    at: datetime
    by: str
    text: str | None
    data: dict[str, Any] | None
    lot: LotRef | None
    quantity: Decimal | None

    def to_json(self) -> dict[str, Any]:
        return json_object({"id": self.id, "kind": self.kind, "at": self.at, "by": self.by, "text": self.text,
                         "data": self.data, "lot": self.lot.label if self.lot else None, "quantity": self.quantity})


@dataclass(frozen=True)
class AttachmentRecord:
    id: int
    name: str
    size: int
    sha256: str
    added_at: datetime
    added_by: str


@dataclass(frozen=True)
class SignatureRecord:
    signer: str
    full_name: str
    meaning: str
    signed_at: datetime
    method: str

    @property
    def line(self) -> str:
        return (f"{self.full_name} ({self.signer}), {self.meaning}, {self.signed_at:%Y-%m-%d %H:%M:%S} UTC, "
                f"proven by {self.method}")


@dataclass(frozen=True)
class MockRecall:
    """The clock and the amounts of a mock recall, graded against BRCGS (4 h) and FSMA (24 h)."""

    standard: str | None
    started_at: datetime | None
    stopped_at: datetime | None
    unit: str | None
    in_question: Decimal | None
    found: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        if not self.in_question:
            return None
        return (Decimal(self.found or 0) * 100 / self.in_question).quantize(Decimal("0.1"))

    @property
    def complete(self) -> bool:
        return self.percent is not None and self.percent >= 100

    def elapsed(self, now: datetime | None = None) -> timedelta | None:
        if self.started_at is None:
            return None
        end = self.stopped_at or now
        return None if end is None else end - self.started_at

    def grade(self, norm: str, now: datetime | None = None) -> str:
        """'pass', 'fail' or 'running' against ``norm`` (``NORMS``)."""
        limit = timedelta(hours=NORMS[norm])
        took = self.elapsed(now)
        if self.stopped_at is not None and self.complete:
            return "pass" if took is not None and took <= limit else "fail"
        if took is not None and took > limit:
            return "fail"
        return "fail" if self.stopped_at is not None else "running"

    def to_json(self) -> dict[str, Any]:
        took = self.elapsed()
        return json_object({"standard": self.standard, "started_at": self.started_at, "stopped_at": self.stopped_at,
                         "unit": self.unit, "amount_in_question": self.in_question, "amount_found": self.found,
                         "percent_found": self.percent,
                         "elapsed_seconds": took.total_seconds() if took is not None else None,
                         "grades": {n: self.grade(n) for n in NORMS}})


@dataclass
class CaseDetail:
    summary: CaseSummary
    problem: str | None
    closed_at: datetime | None
    lots: list[CaseLotRecord]
    entries: list[EntryRecord]
    attachments: list[AttachmentRecord]
    signatures: list[SignatureRecord]
    views: list[dict[str, Any]]
    mock: MockRecall | None
    scars: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.summary.code

    @property
    def version(self) -> int:
        return self.summary.version

    @property
    def suspect_lots(self) -> list[LotRef]:
        return [c.lot for c in self.lots]

    def of_kind(self, *kinds: str) -> list[EntryRecord]:
        return [e for e in self.entries if e.kind in kinds]

    def to_json(self) -> dict[str, Any]:
        return json_object({
            **self.summary.to_json(), "problem": self.problem, "closed_at": self.closed_at,
            "lots": [{"lot": c.lot.label, "role": c.role, "why": c.why, "added_at": c.added_at,
                      "added_by": c.added_by} for c in self.lots],
            "entries": [e.to_json() for e in self.entries],
            "attachments": [vars(a) for a in self.attachments],
            "signatures": [vars(s) for s in self.signatures], "views": self.views,
            "mock_recall": self.mock.to_json() if self.mock else None, "scars": self.scars,
        })
