"""Recorded events: identity, the lots they touched, and retraction (EPCIS errorDeclaration).

The plant tables hold the rows of valid events only. Retracting an event keeps the event,
stamps when and why, stores the rows it wrote as JSON in ``Event.content`` and removes them
from the plant tables (an unpack is undone; the genealogy of the orders it touched is rebuilt).
So every trace, stock figure and reconciliation uses valid events without a filter in each
query, and the history still shows what was retracted, when and why. A correction is new
events naming the retracted one in ``corrects_id``: never an update in place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.plant.chain import Event, EventLot, Packing
from workbench.plant.edges import rebuild_edges
from workbench.plant.models import (
    Base,
    Consumption,
    Lot,
    LotEdge,
    Operation,
    Output,
    ProductionOrder,
    Receipt,
    Return,
    Shipment,
)
from workbench.plant.query import among, chunks


def record_event(session: Session, ref: str, kind: str, occurred_at: datetime, *, lot_ids: Iterable[int] = (),
                 corrects: Event | None = None, **columns: Any) -> Event:
    """A new event (``ref`` must be new) and the lots it touches."""
    if session.scalar(select(Event.id).where(Event.ref == ref)) is not None:
        raise WorkbenchError(f"An event '{ref}' is already recorded.")
    event = Event(ref=ref, kind=kind, occurred_at=occurred_at, corrects_id=corrects.id if corrects else None,
                  **columns)
    session.add(event)
    session.flush()
    touch(session, event, lot_ids)
    return event


def touch(session: Session, event: Event, lot_ids: Iterable[int]) -> None:
    """Note that ``event`` touched these lots (for their history)."""
    known = set(session.scalars(select(EventLot.lot_id).where(EventLot.event_id == event.id)))
    new = sorted(set(lot_ids) - known)
    if new:
        session.execute(insert(EventLot), [{"event_id": event.id, "lot_id": i} for i in new])


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _snapshot(rows: Iterable[Base]) -> list[dict[str, Any]]:
    return [{c.key: _plain(getattr(r, c.key)) for c in r.__table__.columns} for r in rows]


def _rows_of(session: Session, table: Any, event_id: int, lot_ids: list[int]) -> list[Any]:
    """Rows of ``table`` (a mapped class with ``lot_id`` and ``event_id``) written by the event,
    found through the lots it touched (indexed)."""
    out: list[Any] = []
    for chunk in chunks(lot_ids):
        out += session.scalars(select(table).where(among(table.lot_id, chunk, session), table.event_id == event_id))
    return out


def retract_event(session: Session, ref: str, *, reason: str, at: datetime, declaration: str | None = None,
                  note: str | None = None) -> Event:
    """Retract the event ``ref``: see the module docstring. Returns the event."""
    event = session.scalar(select(Event).where(Event.ref == ref))
    if event is None:
        raise WorkbenchError(f"No event '{ref}' is recorded; nothing to retract.")
    if event.retracted_at is not None:
        raise WorkbenchError(f"Event '{ref}' was already retracted on {event.retracted_at:%Y-%m-%d %H:%M}.")
    lot_ids = sorted(session.scalars(select(EventLot.lot_id).where(EventLot.event_id == event.id)))
    shipments = _rows_of(session, Shipment, event.id, lot_ids)
    received = session.scalars(select(Receipt.code).where(
        Receipt.shipment_id.in_([s.id for s in shipments]))).first() if shipments else None
    if received is not None:
        raise WorkbenchError(f"Event '{ref}' shipped what receipt {received} received; retract that receipt first.")
    orders = list(session.scalars(select(ProductionOrder).where(ProductionOrder.event_id == event.id)))
    order_ids = [o.id for o in orders]
    consumptions = _rows_of(session, Consumption, event.id, lot_ids)
    outputs = _rows_of(session, Output, event.id, lot_ids)
    if order_ids:  # an order retracted takes everything recorded under it
        consumptions += session.scalars(select(Consumption).where(
            Consumption.order_id.in_(order_ids), or_(Consumption.event_id.is_(None), Consumption.event_id != event.id)))
        outputs += session.scalars(select(Output).where(
            Output.order_id.in_(order_ids), or_(Output.event_id.is_(None), Output.event_id != event.id)))
    operations = list(session.scalars(select(Operation).where(Operation.order_id.in_(order_ids)))) if order_ids else []
    packed = list(session.scalars(select(Packing).where(Packing.pack_event_id == event.id)))
    unpacked = list(session.scalars(select(Packing).where(Packing.unpack_event_id == event.id)))
    created = [lot for lot in _lots(session, lot_ids) if lot.event_id == event.id]
    content = {
        "receipts": _snapshot(_rows_of(session, Receipt, event.id, lot_ids)),
        "shipments": _snapshot(shipments),
        "returns": _snapshot(_rows_of(session, Return, event.id, lot_ids)),
        "consumptions": _snapshot(consumptions),
        "outputs": _snapshot(outputs),
        "operations": _snapshot(operations),
        "production_orders": _snapshot(orders),
        "packings": _snapshot(packed),
        "unpackings": _snapshot(unpacked),
        "lots": _snapshot(created),
    }
    touched_orders = {c.order_id for c in consumptions} | {o.order_id for o in outputs}
    for table, rows in ((Receipt, content["receipts"]), (Shipment, shipments), (Return, content["returns"]),
                        (Consumption, consumptions), (Output, outputs), (Packing, packed)):
        ids = [r["id"] if isinstance(r, dict) else r.id for r in rows]
        for chunk in chunks(ids):
            session.execute(delete(table).where(table.id.in_(chunk)))
    session.flush()
    for p in unpacked:
        p.unpacked_at = p.unpacked_location_id = p.unpack_event_id = None
    for lot in created:  # the lot stays (its history names it); what the event made of it does not
        lot.quantity = Decimal(0)
        lot.event_id = None
    session.flush()
    if touched_orders:
        rebuild_edges(session, touched_orders)
    if order_ids:
        session.execute(delete(LotEdge).where(LotEdge.order_id.in_(order_ids)))
        session.execute(delete(Operation).where(Operation.order_id.in_(order_ids)))
        session.execute(delete(ProductionOrder).where(ProductionOrder.id.in_(order_ids)))
    session.execute(update(Event).where(Event.id == event.id).values(
        retracted_at=at, retraction_reason=reason, retraction_ref=declaration, retraction_note=note,
        content=json.dumps(content, sort_keys=True)))
    session.flush()
    session.refresh(event)
    return event


def _lots(session: Session, lot_ids: list[int]) -> list[Lot]:
    out: list[Lot] = []
    for chunk in chunks(lot_ids):
        out += session.scalars(select(Lot).where(among(Lot.id, chunk, session)))
    return out


def history(session: Session, lot_id: int) -> list[Event]:
    """Every event that touched a lot, retracted ones included, oldest first."""
    return list(session.scalars(
        select(Event).join(EventLot, EventLot.event_id == Event.id).where(EventLot.lot_id == lot_id)
        .order_by(Event.occurred_at, Event.id)))
