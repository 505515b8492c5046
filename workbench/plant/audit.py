"""The audit trail: every write appends one entry; the program never updates or deletes one.

An entry says who (the actor and, on PostgreSQL, the database role), when (the server's
clock), what (action, object) and the values before and after. Ids run 1, 2, 3 … with no
gaps, and each entry's SHA-256 ``hash`` covers its content and the previous entry's hash,
so ``verify`` finds an entry that was edited, deleted or slipped in by direct SQL and names
it. Triggers refuse UPDATE and DELETE on both databases (migration 0006); the chain is the
evidence for whoever could drop the triggers. ``anchor`` gives the head of the chain to
keep outside the database (a printed report, a file sent to the auditor): an anchor that
no longer matches shows that the end of the trail was cut off or rewritten.

On PostgreSQL a transaction-scoped advisory lock puts concurrent writers in order, and the
entry notifies the other open apps when its transaction commits (``workbench.plant.notify``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from workbench.plant.case_models import AuditEntry
from workbench.plant.who import actor, db_role

#: Key of the PostgreSQL advisory lock that orders audit writers ("WBAUDIT" in ASCII).
LOCK_KEY = 0x5742415544_4954 & 0x7FFFFFFFFFFFFFFF
GENESIS = "0" * 64
#: The NOTIFY channel the entries announce themselves on.
CHANNEL = "workbench_changes"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    label = getattr(value, "label", None)  # a LotRef
    return label if isinstance(label, str) else str(value)


def canonical(value: Any) -> str | None:
    """Values as stored: canonical JSON (sorted keys, exact decimals), or None."""
    if value is None:
        return None
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(e: AuditEntry) -> str:
    body = json.dumps([e.id, e.at.isoformat(timespec="microseconds"), e.actor, e.db_role, e.action,
                       e.object_type, e.object_key, e.before, e.after, e.prev_hash],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """An audit entry as plain data."""

    id: int
    at: datetime
    actor: str
    db_role: str | None
    action: str
    object_type: str
    object_key: str
    before: Any
    after: Any
    hash: str

    @property
    def object(self) -> str:
        return f"{self.object_type} {self.object_key}"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "actor": self.actor, "db_role": self.db_role,
                "action": self.action, "object_type": self.object_type, "object_key": self.object_key,
                "before": self.before, "after": self.after, "hash": self.hash}


def _entry(e: AuditEntry) -> Entry:
    return Entry(e.id, e.at, e.actor, e.db_role, e.action, e.object_type, e.object_key,
                 json.loads(e.before) if e.before else None, json.loads(e.after) if e.after else None, e.hash)


def _server_now(session: Session) -> datetime:
    if session.get_bind().dialect.name == "postgresql":
        # clock_timestamp, not now(): taken after the lock, so times follow the ids.
        now: datetime = session.execute(text("SELECT clock_timestamp() AT TIME ZONE 'UTC'")).scalar_one()
        return now
    return datetime.now(UTC).replace(tzinfo=None)


def serialize(session: Session) -> None:
    """Put this transaction in line with every other writer now (PostgreSQL), e.g. before
    numbering a new case or SCAR, so two writers never take the same number. The lock is
    the audit trail's own: it is held until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})


def record(session: Session, action: str, object_type: str, object_key: str | int,
           before: Any = None, after: Any = None, *, who: str | None = None) -> Entry:
    """Append one entry in the caller's transaction (it is part of the write it records)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    last = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    e = AuditEntry(id=(last.id + 1) if last else 1, at=_server_now(session), actor=who or actor(),
                   db_role=db_role(session), action=action, object_type=object_type,
                   object_key=str(object_key)[:200], before=canonical(before), after=canonical(after),
                   prev_hash=last.hash if last else GENESIS)
    e.hash = entry_hash(e)
    session.add(e)
    session.flush()
    if postgres:
        payload = json.dumps({"id": e.id, "action": action, "object_type": object_type,
                              "object_key": e.object_key, "actor": e.actor})
        session.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": payload[:7900]})
    return _entry(e)


# --- reading ------------------------------------------------------------------------------


def entries(session: Session, *, object_type: str | None = None, object_key: str | None = None,
            actor_name: str | None = None, since: datetime | None = None, until: datetime | None = None,
            limit: int | None = None) -> list[Entry]:
    """Entries matching every filter given, oldest first."""
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_key:
        stmt = stmt.where(AuditEntry.object_key == object_key)
    if actor_name:
        stmt = stmt.where(AuditEntry.actor == actor_name)
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    if until:
        stmt = stmt.where(AuditEntry.at < until)
    if limit:
        stmt = stmt.limit(limit)
    return [_entry(e) for e in session.execute(stmt).scalars()]


# --- proving ------------------------------------------------------------------------------


@dataclass
class Verification:
    entries: int = 0
    head_id: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _rows(session: Session, batch: int = 5000) -> Iterator[AuditEntry]:
    after = 0
    while True:
        rows = session.execute(select(AuditEntry).where(AuditEntry.id > after)
                               .order_by(AuditEntry.id).limit(batch)).scalars().all()
        if not rows:
            return
        after = rows[-1].id
        for row in rows:
            yield row
            session.expunge(row)


def verify(session: Session, anchor: tuple[int, str] | None = None) -> Verification:
    """Walk the whole chain; every break is named by entry id. ``anchor`` is a head kept
    outside the database (id, hash): it must still be in the chain, unchanged."""
    v = Verification()
    expected_id, prev = 1, GENESIS
    for e in _rows(session):
        v.entries += 1
        if e.id != expected_id:
            missing = f"entry {expected_id}" if e.id == expected_id + 1 else f"entries {expected_id}–{e.id - 1}"
            v.problems.append(f"{missing} missing: the ids jump from {expected_id - 1} to {e.id} (deleted)")
        if e.prev_hash != prev:
            v.problems.append(f"entry {e.id} does not follow entry {e.id - 1}: its link to the previous "
                              "entry is broken (an entry before it was changed, deleted or inserted)")
        if entry_hash(e) != e.hash:
            v.problems.append(f"entry {e.id} ({e.action} {e.object_type} {e.object_key}) was changed "
                              "after it was written: its content no longer matches its hash")
        if anchor and e.id == anchor[0] and e.hash != anchor[1]:
            v.problems.append(f"entry {e.id} is not the entry anchored: the trail up to it was rewritten")
        expected_id, prev = e.id + 1, e.hash
        v.head_id, v.head_hash = e.id, e.hash
    if anchor and anchor[0] > v.head_id:
        v.problems.append(f"the anchored entry {anchor[0]} is gone: the trail ends at entry {v.head_id} "
                          "(entries at its end were deleted)")
    return v


def anchor(session: Session) -> tuple[int, str]:
    """The head of the chain (id, hash), to keep outside the database."""
    row = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return (row.id, row.hash) if row else (0, GENESIS)


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
