"""Holds: a lot put on hold (or in receiving quarantine) with a reason, released with one.

A held lot is never proposed, a scan of it is refused, and it cannot be consumed or
shipped. Released holds stay: the hold history of a lot is every row, oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.plant import Item, Lot
from workbench.plant.floor_models import HOLD_KINDS, LotHold
from workbench.plant.query import among, chunks


@dataclass(frozen=True)
class Hold:
    id: int
    lot: LotRef
    kind: str
    reason: str
    placed_by: str
    placed_at: datetime
    released_by: str | None = None
    released_at: datetime | None = None
    release_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.released_at is None


@dataclass(frozen=True)
class HoldsPlaced:
    placed: list[Hold]
    #: Lots that were on hold already (nothing written for them).
    already: list[LotRef]


def _reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise WorkbenchError(f"Give the reason for the {what}: it is kept in the lot's hold history.")
    return text


def _who(by: str | None) -> str:
    who = (by or "").strip()
    if not who:
        raise WorkbenchError("Say who does this (--by NAME): the floor records who and when.")
    return who


def active_holds(session: Session, lot_ids: Iterable[int]) -> dict[int, list[LotHold]]:
    out: dict[int, list[LotHold]] = {}
    for chunk in chunks(lot_ids):
        for h in session.scalars(select(LotHold).where(among(LotHold.lot_id, chunk, session),
                                                       LotHold.released_at.is_(None))):
            out.setdefault(h.lot_id, []).append(h)
    return out


def place_holds(session: Session, lots: list[LotRef], reason: str | None, by: str | None, at: datetime,
                kind: str = "hold") -> HoldsPlaced:
    """Put ``lots`` on hold, in one set-wise write; lots already on hold are left as they are."""
    if kind not in HOLD_KINDS:
        raise WorkbenchError(f"A hold is one of {', '.join(HOLD_KINDS)}, not '{kind}'.")
    text, who = _reason(reason, "hold"), _who(by)
    if not lots:
        raise WorkbenchError("Name at least one lot to put on hold.")
    held = {lot_id for lot_id, hs in active_holds(session, [lot.id for lot in lots]).items()
            if any(h.kind == kind for h in hs)}
    rows = []
    for lot in {lot.id: lot for lot in lots}.values():
        if lot.id in held:
            continue
        rows.append((lot, LotHold(lot_id=lot.id, kind=kind, reason=text, placed_by=who, placed_at=at)))
    session.add_all([row for _, row in rows])
    session.flush()
    placed = [_hold(row, lot) for lot, row in rows]
    return HoldsPlaced(placed, [lot for lot in lots if lot.id in held])


def release_holds(session: Session, lot: LotRef, reason: str | None, by: str | None, at: datetime,
                  kind: str | None = None) -> list[Hold]:
    """Release the lot's active holds (of ``kind``, or all: a quarantine release is a QA release)."""
    text, who = _reason(reason, "release"), _who(by)
    active = [h for h in active_holds(session, [lot.id]).get(lot.id, []) if kind is None or h.kind == kind]
    if not active:
        raise WorkbenchError(f"Lot {lot.label} is not on hold; there is nothing to release.")
    for h in active:
        h.released_by, h.released_at, h.release_reason = who, at, text
    session.flush()
    return [_hold(h, lot) for h in active]


def _hold(row: LotHold, lot: LotRef) -> Hold:
    return Hold(id=row.id, lot=lot, kind=row.kind, reason=row.reason, placed_by=row.placed_by,
                placed_at=row.placed_at, released_by=row.released_by, released_at=row.released_at,
                release_reason=row.release_reason)


#: Holds with their lot's item and code (statements are immutable: each query adds its own where).
_HOLDS = select(LotHold, Item.code, Lot.code).join(Lot, Lot.id == LotHold.lot_id).join(Item, Item.id == Lot.item_id)


def holds_now(session: Session) -> list[Hold]:
    """Every active hold in the plant, newest first (the holds list of the floor)."""
    rows = session.execute(_HOLDS.where(LotHold.released_at.is_(None))
                           .order_by(LotHold.placed_at.desc(), LotHold.id.desc()))
    return [_hold(h, LotRef(h.lot_id, item, code)) for h, item, code in rows]


def hold_history(session: Session, lot_ids: Iterable[int]) -> dict[int, list[Hold]]:
    """Every hold, active or released, of these lots, oldest first."""
    out: dict[int, list[Hold]] = {}
    for chunk in chunks(lot_ids):
        rows = session.execute(_HOLDS.where(among(LotHold.lot_id, chunk, session))
                               .order_by(LotHold.placed_at, LotHold.id))
        for h, item, code in rows:
            out.setdefault(h.lot_id, []).append(_hold(h, LotRef(h.lot_id, item, code)))
    return out
