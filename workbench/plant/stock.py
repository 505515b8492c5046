"""Where each lot's quantity went: made or received, consumed, shipped, returned, on hand."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.facts import LotBalance
from workbench.plant import Consumption, Item, Lot, Return, Shipment
from workbench.plant.query import among, chunks

ZERO = Decimal(0)


def _sums(session: Session, column, lot_column, ids: list[int]) -> dict[int, Decimal]:
    rows = session.execute(
        select(lot_column, func.sum(column)).where(among(lot_column, ids, session)).group_by(lot_column)
    )
    return {lot_id: total or ZERO for lot_id, total in rows}


def lot_balances(session: Session, lot_ids: Iterable[int]) -> dict[int, LotBalance]:
    """Balances of many lots in a handful of grouped queries."""
    out: dict[int, LotBalance] = {}
    for chunk in chunks(lot_ids):
        consumed = _sums(session, Consumption.quantity, Consumption.lot_id, chunk)
        shipped = _sums(session, Shipment.quantity, Shipment.lot_id, chunk)
        returned = _sums(session, Return.quantity, Return.lot_id, chunk)
        rows = session.execute(
            select(Lot.id, Item.code, Lot.code, Item.kind, Item.unit, Lot.origin, Lot.quantity)
            .join(Item, Item.id == Lot.item_id)
            .where(among(Lot.id, chunk, session))
        )
        for lot_id, item, code, kind, unit, origin, made in rows:
            out[lot_id] = LotBalance(
                lot_id=lot_id, item=item, lot=code, kind=kind, unit=unit, origin=origin,
                made=made, consumed=consumed.get(lot_id, ZERO), shipped=shipped.get(lot_id, ZERO),
                returned=returned.get(lot_id, ZERO),
            )
    return out
