"""Production completion and shipping: the quantities actually picked become consumption
rows (one per pick, never pro-rated) and the batch a new lot, or shipment lines per lot;
the order's genealogy edges are rebuilt in the same transaction, so traces see it at once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.floor.codes import day_prefix, next_code
from workbench.floor.holds import _who, active_holds
from workbench.floor.picking import PickListView, find_pick_list, load_pick_list
from workbench.floor.receiving import Amount, find_location, positive, shelf_life_expiry
from workbench.floor.rules import negative_stock_allowed
from workbench.floor.stock import lock_lots, lot_states
from workbench.format import quantity as fmt
from workbench.plant import Consumption, Item, Lot, Operation, Output, ProductionOrder, Shipment, rebuild_edges
from workbench.plant.floor_models import LotPlace, PickList

ZERO = Decimal(0)


@dataclass(frozen=True)
class Used:
    lot: LotRef
    quantity: Decimal
    unit: str


@dataclass(frozen=True)
class Completed:
    pick_list: str
    order: str
    lot: LotRef
    quantity: Decimal
    unit: str
    expires_at: datetime | None
    used: list[Used]
    #: Lines picked short (item, picked, wanted), named so the supervisor sees them.
    short: list[tuple[str, Decimal, Decimal]]


@dataclass(frozen=True)
class Shipped:
    pick_list: str
    shipment: str
    customer: str
    lines: list[Used]


def _open(session: Session, code: str, purpose: str) -> tuple[PickList, PickListView]:
    row = find_pick_list(session, code)
    if row.purpose != purpose:
        raise WorkbenchError(f"Pick list {row.code} is for {row.purpose}, not {purpose}.")
    if row.status != "open":
        raise WorkbenchError(f"Pick list {row.code} was closed on {row.closed_at:%Y-%m-%d %H:%M}.")
    view = load_pick_list(session, row.code)
    empty = [line.item for line in view.lines if not line.picks]
    if empty:
        raise WorkbenchError(f"Nothing is picked yet for {', '.join(empty)}; scan or override first.")
    return row, view


def _check_stock(session: Session, view: PickListView, at: datetime) -> dict[int, Decimal]:
    """Lock the picked lots, then refuse a held one or one that holds less than was picked."""
    taken: dict[int, Decimal] = defaultdict(lambda: ZERO)
    labels = {}
    for line in view.lines:
        for p in line.picks:
            taken[p.lot.id] += p.quantity
            labels[p.lot.id] = (p.lot, line.unit)
    lock_lots(session, taken)
    held = active_holds(session, taken)
    for lot_id in held:
        raise WorkbenchError(f"Lot {labels[lot_id][0].label} went on hold after it was picked; "
                             "put it back and pick another lot.")
    if not negative_stock_allowed(session):
        states = lot_states(session, taken)
        for lot_id, qty in taken.items():
            on_hand = states[lot_id][1]
            if qty > on_hand:
                lot, unit = labels[lot_id]
                raise WorkbenchError(f"Lot {lot.label} holds {fmt(on_hand, unit)}, less than the "
                                     f"{fmt(qty, unit)} picked.")
    return taken


def complete_production(session: Session, pick_list: str, *, quantity: Amount, location: str, by: str, at: datetime,
                        lot: str | None = None, expires_at: datetime | None = None, machine: str | None = None,
                        operator: str | None = None) -> Completed:
    """Record the batch: its new lot, a consumption for every pick, the order finished."""
    _who(by)
    row, view = _open(session, pick_list, "production")
    made = positive(quantity, "quantity made")
    order = session.get_one(ProductionOrder, row.order_id)
    if order.finished_at is not None:
        raise WorkbenchError(f"Production order {order.code} is finished already.")
    item = session.get_one(Item, order.item_id)
    place = find_location(session, location)
    code = (lot or "").strip() or next_code(session, Lot.code, day_prefix("P", at), where=Lot.item_id == item.id)
    if session.execute(select(Lot.id).where(Lot.item_id == item.id, Lot.code == code)).first() is not None:
        raise WorkbenchError(f"Lot {item.code}/{code} exists already; a batch gets a new lot.")
    expires = expires_at or shelf_life_expiry(item, at)
    _check_stock(session, view, at)
    used = []
    for line in view.lines:
        for p in line.picks:
            session.add(Consumption(order_id=order.id, lot_id=p.lot.id, quantity=p.quantity, consumed_at=p.picked_at))
            used.append(Used(p.lot, p.quantity, line.unit))
    new = Lot(item_id=item.id, code=code, quantity=made, created_at=at, expires_at=expires, origin="production")
    session.add(new)
    session.flush()
    session.add(Output(order_id=order.id, lot_id=new.id, quantity=made))
    session.add(LotPlace(lot_id=new.id, location_id=place.id, produced_at=at))
    first = min((p.picked_at for line in view.lines for p in line.picks), default=at)
    order.started_at = min(order.started_at or first, first)
    order.finished_at = at
    if machine or operator:
        step = next_code(session, Operation.step, "Production ", width=1, where=Operation.order_id == order.id)
        session.add(Operation(order_id=order.id, step=step, machine=(machine or "").strip() or None,
                              operator=(operator or "").strip() or None, started_at=order.started_at,
                              finished_at=at))
    row.status, row.closed_at = "done", at
    session.flush()
    rebuild_edges(session, [order.id])
    short = [(line.item, line.picked, line.quantity) for line in view.lines if not line.done]
    return Completed(view.code, order.code, LotRef(new.id, item.code, code), made, item.unit, expires, used, short)


def ship(session: Session, pick_list: str, *, by: str, at: datetime, shipment: str | None = None) -> Shipped:
    """Record the shipment: one line per lot picked, to the pick list's customer."""
    _who(by)
    row, view = _open(session, pick_list, "shipment")
    code = (shipment or "").strip() or row.shipment_code or next_code(session, Shipment.code, day_prefix("SH", at))
    taken = _check_stock(session, view, at)
    existing = set(session.scalars(select(Shipment.lot_id).where(Shipment.code == code)))
    clash = existing & set(taken)
    if clash:
        raise WorkbenchError(f"Shipment {code} already has a line for a lot on this pick list; name another shipment.")
    units = {p.lot.id: (p.lot, line.unit) for line in view.lines for p in line.picks}
    lines = []
    for lot_id, qty in sorted(taken.items()):
        session.add(Shipment(code=code, shipped_at=at, customer_id=row.customer_id, order_ref=row.order_ref,
                             lot_id=lot_id, quantity=qty))
        lines.append(Used(units[lot_id][0], qty, units[lot_id][1]))
    row.status, row.closed_at, row.shipment_code = "done", at, code
    session.flush()
    return Shipped(view.code, code, view.customer or "", lines)
