"""Where each lot's quantity went: made or received, consumed, shipped, returned, on hand."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from workbench.facts import LotBalance
from workbench.plant import Consumption, Item, Location, Lot, Receipt, Return, Shipment
from workbench.plant.query import Column, among, chunks
from workbench.plant.transit import shipment_status

ZERO = Decimal(0)


def _sums(session: Session, column: Column, lot_column: Column, ids: list[int],
          *where: ColumnElement[bool]) -> dict[int, Decimal]:
    rows = session.execute(
        select(lot_column, func.sum(column)).where(among(lot_column, ids, session), *where).group_by(lot_column)
    )
    return {lot_id: total or ZERO for lot_id, total in rows}


def shipment_sums(session: Session, ids: list[int]) -> tuple[dict[int, Decimal], ...]:
    """Per lot: shipped out of the chain, transferred (received elsewhere), in transit to
    one of our sites, and arrived by transfer, in two grouped queries (see ``LotBalance``)."""
    status = shipment_status(Shipment, Receipt, Location)
    shipped: dict[int, Decimal] = {}
    transferred: dict[int, Decimal] = {}
    in_transit: dict[int, Decimal] = {}
    into = {"delivered": shipped, "received": transferred, "in transit": in_transit}
    rows = session.execute(
        select(Shipment.lot_id, status, func.sum(Shipment.quantity))
        .outerjoin(Location, Location.id == Shipment.ship_to_id)
        .where(among(Shipment.lot_id, ids, session)).group_by(Shipment.lot_id, status)
    )
    for lot_id, state, total in rows:
        into[state][lot_id] = total or ZERO
    arrived = _sums(session, Receipt.quantity, Receipt.lot_id, ids, Receipt.shipment_id.is_not(None))
    return shipped, transferred, in_transit, arrived


def lot_balances(session: Session, lot_ids: Iterable[int]) -> dict[int, LotBalance]:
    """Balances of many lots in a handful of grouped queries."""
    out: dict[int, LotBalance] = {}
    for chunk in chunks(lot_ids):
        consumed = _sums(session, Consumption.quantity, Consumption.lot_id, chunk)
        shipped, transferred, in_transit, arrived = shipment_sums(session, chunk)
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
                returned=returned.get(lot_id, ZERO), transferred=transferred.get(lot_id, ZERO),
                arrived=arrived.get(lot_id, ZERO), in_transit=in_transit.get(lot_id, ZERO),
            )
    return out
