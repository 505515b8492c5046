"""What of each lot is free to take, where it is, and whether it is held: set-wise.

On hand is ``made + returned - consumed - shipped`` (as ``workbench.plant.stock``); what is
*free* also subtracts the quantities picked on pick lists still open (picked, not yet
consumed or shipped). One statement per call, whatever the number of lots.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, func, select, type_coerce
from sqlalchemy.orm import Session

from workbench.floor.proposals import Candidate
from workbench.floor.rules import home_site
from workbench.plant import Consumption, Lot, Quantity, Return, Shipment
from workbench.plant.floor_models import LotHold, LotPlace, Pick, PickLine, PickList, StoragePlace
from workbench.plant.query import Column, among, chunks

ZERO = Decimal(0)


def _sum(column: Column, lot_column: Column) -> ScalarSelect[Any]:
    return select(func.coalesce(func.sum(column), 0)).where(lot_column == Lot.id).correlate(Lot).scalar_subquery()


def _reserved() -> ScalarSelect[Any]:
    return (select(func.coalesce(func.sum(Pick.quantity), 0))
            .join(PickLine, PickLine.id == Pick.pick_line_id)
            .join(PickList, PickList.id == PickLine.pick_list_id)
            .where(Pick.lot_id == Lot.id, PickList.status == "open")
            .correlate(Lot).scalar_subquery())


def _hold() -> ScalarSelect[Any]:
    """The active hold's kind ('hold' before 'quarantine' when both are active)."""
    return (select(func.min(LotHold.kind))
            .where(LotHold.lot_id == Lot.id, LotHold.released_at.is_(None))
            .correlate(Lot).scalar_subquery())


def _statement() -> tuple[Select[Any], ColumnElement[Decimal]]:
    on_hand = type_coerce(Lot.quantity + _sum(Return.quantity, Return.lot_id)
                          - _sum(Consumption.quantity, Consumption.lot_id) - _sum(Shipment.quantity, Shipment.lot_id),
                          Quantity)
    return (select(Lot.id, Lot.item_id, Lot.code, Lot.created_at, Lot.expires_at, on_hand.label("on_hand"),
                   type_coerce(_reserved(), Quantity).label("reserved"), StoragePlace.code, StoragePlace.site,
                   _hold().label("hold"))
            .outerjoin(LotPlace, LotPlace.lot_id == Lot.id)
            .outerjoin(StoragePlace, StoragePlace.id == LotPlace.location_id)), on_hand


def _candidate(row: Sequence[Any], site: str) -> tuple[int, Candidate, Decimal]:
    lot_id, _item, code, created, expires, on_hand, reserved, location, lot_site, hold = row
    on_hand, reserved = _qty(on_hand), _qty(reserved)
    c = Candidate(lot_id=lot_id, lot=code, available=on_hand - reserved, created_at=created,
                  expires_at=expires, location=location, site=lot_site or site, hold=hold)
    return row[1], c, on_hand


def _qty(value: Decimal | None) -> Decimal:
    return value if value is not None else ZERO


def candidates(session: Session, item_ids: Iterable[int]) -> dict[int, list[Candidate]]:
    """Every lot of these items with something on hand, per item."""
    site = home_site(session)
    stmt, on_hand = _statement()
    out: dict[int, list[Candidate]] = defaultdict(list)
    for chunk in chunks(item_ids):
        rows = session.execute(stmt.where(among(Lot.item_id, chunk, session), on_hand > 0).order_by(Lot.id))
        for row in rows:
            item_id, c, _ = _candidate(row, site)
            out[item_id].append(c)
    return out


def lot_states(session: Session, lot_ids: Iterable[int]) -> dict[int, tuple[Candidate, Decimal]]:
    """The candidate view and the on-hand quantity of each of these lots (whatever is left)."""
    site = home_site(session)
    stmt, _ = _statement()
    out = {}
    for chunk in chunks(lot_ids):
        for row in session.execute(stmt.where(among(Lot.id, chunk, session))):
            _, c, on_hand = _candidate(row, site)
            out[c.lot_id] = (c, on_hand)
    return out


def lock_lots(session: Session, lot_ids: Iterable[int]) -> None:
    """Take the row locks of these lots (PostgreSQL) so two stations picking, consuming or
    shipping the same lot one after the other never both take its last quantity. SQLite
    has one writer at a time anyway."""
    ids = sorted(set(lot_ids))
    if ids and session.get_bind().dialect.name == "postgresql":
        session.execute(select(Lot.id).where(Lot.id.in_(ids)).order_by(Lot.id).with_for_update())
