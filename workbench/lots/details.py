"""The facts about one thing in a genealogy, for the details panel and the lot timeline.

``lot_details`` tells a lot's whole life: its item, where it came from (vendor, receipt
and purchase order, or the order that made it with every operation), where its quantity
went (consumed by which orders into which lots, shipped to whom, returned), the mass
balance, and its life events on one time line. ``party_details`` (vendor, customer),
``resource_details`` (machine, operator), ``order_details``, ``receipt_details``,
``shipment_details`` and ``return_details`` do the same for the other node kinds;
``node_details`` picks the right one for a genealogy node. Every function runs a few
set-wise queries and returns plain frozen dataclasses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import NotFound, WorkbenchError
from workbench.facts import (
    EVENT_ORDER,
    ItemFacts,
    LifeEvent,
    LotQuantity,
    LotRef,
    NodeId,
    OperationFacts,
    ReturnLine,
    ShipmentLine,
    SiteStock,
    TransitLine,
)
from workbench.format import purchase_order
from workbench.lots.search import lot_status
from workbench.plant import (
    Consumption,
    Customer,
    Event,
    Item,
    Lot,
    Operation,
    Output,
    ProductionOrder,
    Receipt,
    Return,
    Shipment,
    Vendor,
)
from workbench.plant.events import history
from workbench.plant.floor_models import LotHold
from workbench.plant.keydata import key_data
from workbench.plant.lookup import lot_infos
from workbench.plant.query import Column
from workbench.plant.sites import in_transit, site_stock
from workbench.plant.stock import lot_balances

#: Most rows a vendor, customer, machine or operator lists (newest first); totals count all.
MAX_ROWS = 500


@dataclass(frozen=True)
class OrderDetails:
    """A production order: what it made, from what, and every operation."""

    code: str
    item: str
    item_name: str | None
    started_at: datetime | None
    finished_at: datetime | None
    operations: list[OperationFacts]
    inputs: list[LotQuantity]
    outputs: list[LotQuantity]
    focus_step: str | None = None  # set when the details were asked for one operation


@dataclass(frozen=True)
class Consumed:
    """The part of a lot one order consumed, and the lots that order made."""

    order: str
    consumed_at: datetime | None
    quantity: Decimal
    outputs: list[LotQuantity]


@dataclass(frozen=True)
class HoldLine:
    """A hold (or receiving quarantine) in force on a lot."""

    kind: str
    reason: str
    placed_by: str
    placed_at: datetime


def holds_in_force(session: Session, lot_id: int) -> tuple[HoldLine, ...]:
    rows = session.scalars(select(LotHold).where(LotHold.lot_id == lot_id, LotHold.released_at.is_(None))
                           .order_by(LotHold.placed_at, LotHold.id))
    return tuple(HoldLine(h.kind, h.reason, h.placed_by, h.placed_at) for h in rows)


@dataclass(frozen=True)
class LotDetails:
    lot_id: int
    lot: str
    item: ItemFacts
    origin: str
    made: Decimal
    consumed: Decimal
    shipped: Decimal
    returned: Decimal
    on_hand: Decimal
    unaccounted: Decimal
    status: str
    created_at: datetime | None
    expires_at: datetime | None
    vendor: str | None
    vendor_name: str | None
    vendor_lot: str | None
    receipt: str | None
    received_at: datetime | None
    po: str | None
    made_by: OrderDetails | None
    consumptions: list[Consumed]
    shipments: list[ShipmentLine]
    returns: list[ReturnLine]
    events: list[LifeEvent] = field(default_factory=list)
    #: Key data elements (name, value as given): dates, country of origin, catch area…
    key_data: tuple[tuple[str, str], ...] = ()
    #: The other orders that made the lot, after ``made_by`` (EPCIS may make one lot in several runs).
    also_made_by: tuple[OrderDetails, ...] = ()
    #: The lot at each location where anything happened to it (empty for a one-site plant).
    sites: tuple[SiteStock, ...] = ()
    #: Recorded events that touched it, retracted ones included.
    history: tuple[EventRecord, ...] = ()
    #: Shipment lines of the lot still in transit to one of our sites.
    in_transit: tuple[TransitLine, ...] = ()
    #: Holds in force now (placed, not released), oldest first: the lot may not be picked or shipped.
    holds: tuple[HoldLine, ...] = ()

    @property
    def on_hold(self) -> bool:
        return bool(self.holds)

    @property
    def ref(self) -> LotRef:
        return LotRef(self.lot_id, self.item.code, self.lot)


@dataclass(frozen=True)
class EventRecord:
    """One recorded event of a lot's history, and its retraction if it was retracted."""

    ref: str
    kind: str
    occurred_at: datetime
    retracted_at: datetime | None
    reason: str | None
    note: str | None
    corrects: str | None = None
    #: The EPCIS event type (ObjectEvent, TransformationEvent, ...), None for events not from EPCIS.
    event_type: str | None = None
    disposition: str | None = None
    #: Where the record came from: the file it was imported from, ``bundle``, ``demo``, a user.
    source: str | None = None

    @property
    def retracted(self) -> bool:
        return self.retracted_at is not None

    @property
    def status(self) -> str:
        """``valid``, ``corrects REF`` or ``retracted DATE: reason note``."""
        if self.retracted_at is not None:
            return f"retracted {self.retracted_at:%Y-%m-%d}: {self.reason or ''} {self.note or ''}".strip()
        return f"corrects {self.corrects}" if self.corrects else "valid"

    def to_json(self) -> dict[str, object]:
        return {"event_id": self.ref, "type": self.event_type, "biz_step": self.kind,
                "disposition": self.disposition, "time": self.occurred_at.isoformat(), "source": self.source,
                "retracted_at": self.retracted_at.isoformat() if self.retracted_at else None,
                "retraction_reason": self.reason, "corrects": self.corrects}


@dataclass(frozen=True)
class PartyLine:
    """A receipt line (vendor) or shipment line (customer) with the lot it carried."""

    document: str
    at: datetime
    reference: str | None  # purchase order or customer order
    lot: LotQuantity


@dataclass(frozen=True)
class PartyDetails:
    kind: str  # vendor | customer
    code: str
    name: str | None
    contact: str | None
    email: str | None
    phone: str | None
    address: str | None
    lines: list[PartyLine]  # newest first, at most MAX_ROWS
    total_lines: int
    total_lots: int
    first_at: datetime | None
    last_at: datetime | None
    returns: list[ReturnLine] = field(default_factory=list)


@dataclass(frozen=True)
class ResourceDetails:
    kind: str  # machine | operator
    code: str
    operations: list[OperationFacts]  # newest first, at most MAX_ROWS
    total_operations: int
    total_orders: int
    lots_made: list[LotQuantity]  # by the orders listed
    first_at: datetime | None
    last_at: datetime | None


@dataclass(frozen=True)
class DocumentDetails:
    """A receipt, shipment or return (RMA): a dated document with lot lines."""

    kind: str  # receipt | shipment | return
    code: str
    at: datetime
    party_kind: str  # vendor | customer
    party: str
    party_name: str | None
    reference: str | None  # PO, customer order, or return reason
    lines: list[LotQuantity]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _lot_quantities(session: Session, rows: Iterable[Sequence[Any]]) -> list[LotQuantity]:
    """(lot_id, quantity[, note]) rows -> LotQuantity with item, lot code and unit."""
    rows = list(rows)
    ids = {r[0] for r in rows}
    info = {}
    if ids:
        for lot_id, item, code, unit in session.execute(
            select(Lot.id, Item.code, Lot.code, Item.unit).join(Item, Item.id == Lot.item_id)
            .where(Lot.id.in_(ids))
        ):
            info[lot_id] = (item, code, unit)
    out = [LotQuantity(r[0], info[r[0]][0], info[r[0]][1], r[1], info[r[0]][2], r[2] if len(r) > 2 else None)
           for r in rows]
    return out


def _orders(session: Session, order_ids: list[int], operations: bool = True) -> dict[int, OrderDetails]:
    """Several orders with their operations, inputs and outputs, in five queries."""
    if not order_ids:
        return {}
    heads = session.execute(
        select(ProductionOrder.id, ProductionOrder.code, ProductionOrder.started_at, ProductionOrder.finished_at,
               Item.code.label("item"), Item.name)
        .join(Item, Item.id == ProductionOrder.item_id).where(ProductionOrder.id.in_(order_ids))
    ).all()
    code_of = {h.id: h.code for h in heads}
    ops: dict[int, list[OperationFacts]] = defaultdict(list)
    if operations:
        for r in session.execute(
            select(Operation.order_id, Operation.step, Operation.machine, Operation.operator,
                   Operation.started_at, Operation.finished_at)
            .where(Operation.order_id.in_(order_ids)).order_by(Operation.started_at, Operation.step)
        ):
            ops[r.order_id].append(OperationFacts(code_of[r.order_id], r.step, r.machine, r.operator,
                                                  r.started_at, r.finished_at))
    inputs_rows = session.execute(
        select(Consumption.order_id, Consumption.lot_id, func.sum(Consumption.quantity))
        .where(Consumption.order_id.in_(order_ids)).group_by(Consumption.order_id, Consumption.lot_id)
    ).all()
    output_rows = session.execute(
        select(Output.order_id, Output.lot_id, Output.quantity).where(Output.order_id.in_(order_ids))
    ).all()
    lots = {q.lot_id: q for q in _lot_quantities(
        session, [(lot_id, Decimal(0)) for rows in (inputs_rows, output_rows) for _, lot_id, _ in rows])}

    def line(lot_id: int, qty: Decimal) -> LotQuantity:
        q = lots[lot_id]
        return LotQuantity(lot_id, q.item, q.lot, qty, q.unit)

    inputs: dict[int, list[LotQuantity]] = defaultdict(list)
    outputs: dict[int, list[LotQuantity]] = defaultdict(list)
    for order_id, lot_id, qty in inputs_rows:
        inputs[order_id].append(line(lot_id, qty))
    for order_id, lot_id, qty in output_rows:
        outputs[order_id].append(line(lot_id, qty))
    return {
        h.id: OrderDetails(
            code=h.code, item=h.item, item_name=h.name, started_at=h.started_at, finished_at=h.finished_at,
            operations=ops[h.id],
            inputs=sorted(inputs[h.id], key=lambda q: (q.item, q.lot)),
            outputs=sorted(outputs[h.id], key=lambda q: (q.item, q.lot)),
        )
        for h in heads
    }


def lot_details(session: Session, lot_id: int, now: datetime | None = None) -> LotDetails:
    """Everything about one lot: item, origin, balance, where it went, and its life events."""
    row = session.execute(
        select(Lot.id, Lot.code, Lot.origin, Lot.created_at, Lot.expires_at, Lot.vendor_lot,
               Item.code.label("item"), Item.name, Item.kind, Item.unit, Item.gtin)
        .join(Item, Item.id == Lot.item_id).where(Lot.id == lot_id)
    ).first()
    if row is None:
        raise NotFound(f"No lot has the id {lot_id}.")
    item = ItemFacts(row.item, row.name, row.kind, row.unit, row.gtin)
    ref = LotRef(lot_id, row.item, row.code)
    balance = lot_balances(session, [lot_id])[lot_id]
    node = NodeId.lot(row.item, row.code)
    events: list[LifeEvent] = []

    receipt = session.execute(
        select(Receipt.code, Receipt.received_at, Receipt.po, Receipt.vendor_lot, Receipt.quantity,
               Vendor.code.label("vendor"), Vendor.name)
        .join(Vendor, Vendor.id == Receipt.vendor_id).where(Receipt.lot_id == lot_id)
        .order_by(Receipt.received_at)
    ).all()
    for r in receipt:
        po = f", {purchase_order(r.po)}" if r.po else ""
        events.append(LifeEvent(r.received_at, "received", f"Received from {r.vendor} on {r.code}{po}",
                                r.quantity, node=NodeId.of("receipt", r.code)))
    first_receipt = receipt[0] if receipt else None

    made_by: OrderDetails | None = None
    also_made_by: tuple[OrderDetails, ...] = ()
    # Most lots are made by one order; a lot EPCIS made in several runs has an order for each, each in the life.
    order_ids = list(session.execute(select(Output.order_id).where(Output.lot_id == lot_id)
                                     .order_by(Output.order_id)).scalars())
    if order_ids:
        makers = _orders(session, order_ids)
        made_by, also_made_by = makers[order_ids[0]], tuple(makers[i] for i in order_ids[1:])
        for maker in (makers[i] for i in order_ids):
            for op in maker.operations:
                if op.started_at is not None:
                    who = ", ".join(x for x in (op.machine, op.operator) if x)
                    events.append(LifeEvent(op.started_at, "operation", f"{op.step} ({who})" if who else op.step,
                                            end=op.finished_at, node=op.node_id))
            at = maker.finished_at or row.created_at
            if at is not None:
                made_qty = next((q.quantity for q in maker.outputs if q.lot_id == lot_id), balance.made)
                events.append(LifeEvent(at, "produced", f"Made by order {maker.code}", made_qty,
                                        node=NodeId.of("order", maker.code)))
    elif row.origin == "opening" and row.created_at is not None:
        events.append(LifeEvent(row.created_at, "opening", "Counted as opening stock", balance.made, node=node))

    by_order: dict[int, list[Any]] = {}  # order id -> [order code, first consumed at, quantity]
    for c in session.execute(
        select(Consumption.order_id, Consumption.quantity, Consumption.consumed_at, ProductionOrder.code,
               ProductionOrder.started_at)
        .join(ProductionOrder, ProductionOrder.id == Consumption.order_id).where(Consumption.lot_id == lot_id)
        .order_by(Consumption.consumed_at, Consumption.id)
    ):
        at = c.consumed_at or c.started_at
        if at is not None:
            events.append(LifeEvent(at, "consumed", f"Consumed by order {c.code}", c.quantity,
                                    node=NodeId.of("order", c.code)))
        entry = by_order.setdefault(c.order_id, [c.code, at, Decimal(0)])
        entry[2] += c.quantity
        if entry[1] is None or (at is not None and at < entry[1]):
            entry[1] = at
    made_orders = _orders(session, list(by_order), operations=False)
    consumptions = sorted(
        (Consumed(code, at, qty, made_orders[oid].outputs) for oid, (code, at, qty) in by_order.items()),
        key=lambda c: (c.consumed_at or datetime.max, c.order),
    )

    shipments = [
        ShipmentLine(r.code, r.shipped_at, r.order_ref, r.customer, r.name, ref.item, row.name, ref.lot, lot_id,
                     r.quantity, row.unit)
        for r in session.execute(
            select(Shipment.code, Shipment.shipped_at, Shipment.order_ref, Shipment.quantity,
                   Customer.code.label("customer"), Customer.name)
            .join(Customer, Customer.id == Shipment.customer_id).where(Shipment.lot_id == lot_id)
            .order_by(Shipment.shipped_at, Shipment.code)
        )
    ]
    for s in shipments:
        events.append(LifeEvent(s.shipped_at, "shipped", f"Shipped to {s.customer} on {s.shipment}", s.quantity,
                                node=NodeId.of("shipment", s.shipment)))
    returns = [
        ReturnLine(r.rma, r.received_at, r.customer, r.name, ref.item, ref.lot, lot_id, r.quantity, row.unit, r.reason)
        for r in session.execute(
            select(Return.rma, Return.received_at, Return.quantity, Return.reason,
                   Customer.code.label("customer"), Customer.name)
            .join(Customer, Customer.id == Return.customer_id).where(Return.lot_id == lot_id)
            .order_by(Return.received_at, Return.rma)
        )
    ]
    for ret in returns:
        why = f": {ret.reason}" if ret.reason else ""
        events.append(LifeEvent(ret.received_at, "returned", f"Returned by {ret.customer} ({ret.rma}){why}",
                                ret.quantity, node=NodeId.of("return", ret.rma)))
    events.sort(key=lambda e: (e.at, EVENT_ORDER[e.kind]))
    located = [x for x in site_stock(session, [lot_id]) if x.location is not None]
    recorded = recorded_events(session, lot_id)
    return LotDetails(
        key_data=key_data(session, [lot_id]).get(lot_id, ()), sites=tuple(located), history=recorded,
        holds=holds_in_force(session, lot_id),
        in_transit=tuple(in_transit(session, [lot_id])),
        lot_id=lot_id, lot=row.code, item=item, origin=row.origin,
        made=balance.made, consumed=balance.consumed, shipped=balance.shipped, returned=balance.returned,
        on_hand=balance.on_hand, unaccounted=balance.unaccounted,
        status=lot_status(balance, row.expires_at, now or _now()),
        created_at=row.created_at, expires_at=row.expires_at,
        vendor=first_receipt.vendor if first_receipt else None,
        vendor_name=first_receipt.name if first_receipt else None,
        vendor_lot=row.vendor_lot or (first_receipt.vendor_lot if first_receipt else None),
        receipt=first_receipt.code if first_receipt else None,
        received_at=first_receipt.received_at if first_receipt else None,
        po=first_receipt.po if first_receipt else None,
        made_by=made_by, also_made_by=also_made_by, consumptions=consumptions, shipments=shipments, returns=returns,
        events=events,
    )


def party_details(session: Session, kind: str, code: str) -> PartyDetails:
    """A vendor (its receipt lines) or a customer (its shipment lines and returns)."""
    if kind not in ("vendor", "customer"):
        raise WorkbenchError(f"'{kind}' is not a vendor or a customer.")
    party: Vendor | Customer | None = (
        session.execute(select(Vendor).where(Vendor.code == code)).scalar() if kind == "vendor"
        else session.execute(select(Customer).where(Customer.code == code)).scalar())
    if party is None:
        raise NotFound(f"There is no {kind} '{code}'.")
    line_table: type[Receipt] | type[Shipment]
    if kind == "vendor":
        doc, at, ref = Receipt.code, Receipt.received_at, Receipt.po
        line_table, where = Receipt, Receipt.vendor_id == party.id
    else:
        doc, at, ref = Shipment.code, Shipment.shipped_at, Shipment.order_ref
        line_table, where = Shipment, Shipment.customer_id == party.id
    total, lots, first, last = session.execute(
        select(func.count(), func.count(line_table.lot_id.distinct()), func.min(at), func.max(at)).where(where)
    ).one()
    rows = session.execute(
        select(doc, at, ref, line_table.lot_id, line_table.quantity).where(where)
        .order_by(at.desc(), doc).limit(MAX_ROWS)
    ).all()
    quantities = _lot_quantities(session, [(r[3], r[4]) for r in rows])
    lines = [PartyLine(r[0], r[1], r[2], q) for r, q in zip(rows, quantities, strict=True)]
    returns = []
    if kind == "customer":
        return_rows = session.execute(
            select(Return.rma, Return.received_at, Return.lot_id, Return.quantity, Return.reason)
            .where(Return.customer_id == party.id).order_by(Return.received_at.desc()).limit(MAX_ROWS)
        ).all()
        info = lot_infos(session, {r.lot_id for r in return_rows})
        returns = [ReturnLine(r.rma, r.received_at, code, party.name, info[r.lot_id][0], info[r.lot_id][1], r.lot_id,
                              r.quantity, info[r.lot_id][3], r.reason) for r in return_rows]
    return PartyDetails(kind, party.code, party.name, party.contact, party.email, party.phone, party.address,
                        lines, total, lots, first, last, returns)


def resource_details(session: Session, kind: str, code: str) -> ResourceDetails:
    """A machine or an operator: the operations it ran, the orders and the lots they made."""
    if kind not in ("machine", "operator"):
        raise WorkbenchError(f"'{kind}' is not a machine or an operator.")
    column = Operation.machine if kind == "machine" else Operation.operator
    total, orders, first, last = session.execute(
        select(func.count(), func.count(Operation.order_id.distinct()), func.min(Operation.started_at),
               func.max(Operation.finished_at)).where(column == code)
    ).one()
    if total == 0:
        raise NotFound(f"No operation ran with the {kind} '{code}'.")
    rows = session.execute(
        select(Operation.order_id, ProductionOrder.code, Operation.step, Operation.machine, Operation.operator,
               Operation.started_at, Operation.finished_at, Item.code.label("item"))
        .join(ProductionOrder, ProductionOrder.id == Operation.order_id)
        .join(Item, Item.id == ProductionOrder.item_id)
        .where(column == code).order_by(Operation.started_at.desc(), ProductionOrder.code).limit(MAX_ROWS)
    ).all()
    operations = [OperationFacts(r.code, r.step, r.machine, r.operator, r.started_at, r.finished_at, r.item)
                  for r in rows]
    order_ids = list(dict.fromkeys(r.order_id for r in rows))
    made = session.execute(
        select(Output.lot_id, Output.quantity).where(Output.order_id.in_(order_ids)).order_by(Output.lot_id)
    ).all() if order_ids else []
    return ResourceDetails(kind, code, operations, total, orders, _lot_quantities(session, made), first, last)


def order_details(session: Session, code: str, focus_step: str | None = None) -> OrderDetails:
    order_id = session.execute(select(ProductionOrder.id).where(ProductionOrder.code == code)).scalar()
    if order_id is None:
        raise NotFound(f"There is no production order '{code}'.")
    details = _orders(session, [order_id])[order_id]
    if focus_step is None:
        return details
    return OrderDetails(details.code, details.item, details.item_name, details.started_at, details.finished_at,
                        details.operations, details.inputs, details.outputs, focus_step)


def _document(session: Session, kind: str, code: str, table: type[Receipt] | type[Shipment] | type[Return],
              code_col: Column, at_col: Column, party_table: type[Vendor] | type[Customer], party_col: Column,
              ref_col: Column, note_col: Column | None = None) -> DocumentDetails:
    cols = [at_col, party_table.code, party_table.name, ref_col, table.lot_id, table.quantity]
    if note_col is not None:
        cols.append(note_col)
    rows = session.execute(
        select(*cols).join(party_table, party_table.id == party_col).where(code_col == code).order_by(table.id)
    ).all()
    if not rows:
        raise NotFound(f"There is no {kind} '{code}'.")
    lines = _lot_quantities(session, [(r[4], r[5], r[6] if note_col is not None else None) for r in rows])
    first = rows[0]
    return DocumentDetails(kind, code, first[0], "vendor" if party_table is Vendor else "customer",
                           first[1], first[2], first[3], lines)


#: What ``node_details`` returns, by the node's kind.
NodeDetails = LotDetails | PartyDetails | ResourceDetails | OrderDetails | DocumentDetails


def receipt_details(session: Session, code: str) -> DocumentDetails:
    return _document(session, "receipt", code, Receipt, Receipt.code, Receipt.received_at, Vendor,
                     Receipt.vendor_id, Receipt.po, Receipt.vendor_lot)


def shipment_details(session: Session, code: str) -> DocumentDetails:
    return _document(session, "shipment", code, Shipment, Shipment.code, Shipment.shipped_at, Customer,
                     Shipment.customer_id, Shipment.order_ref)


def return_details(session: Session, rma: str) -> DocumentDetails:
    return _document(session, "return", rma, Return, Return.rma, Return.received_at, Customer,
                     Return.customer_id, Return.reason)


def recorded_events(session: Session, lot_id: int) -> tuple[EventRecord, ...]:
    """Every recorded event that touched the lot (EPCIS events with their eventID, type, bizStep, disposition and
    source file), oldest first, retracted ones included and marked."""
    return tuple(EventRecord(e.ref, e.kind, e.occurred_at, e.retracted_at, e.retraction_reason, e.retraction_note,
                             None if e.corrects_id is None else corrected.get(e.corrects_id),
                             e.event_type, e.disposition, e.source)
                 for e, corrected in _history(session, lot_id))


def _history(session: Session, lot_id: int) -> list[tuple[Event, dict[int, str]]]:
    """The lot's events with, for corrective ones, the reference of the event they correct."""
    events = history(session, lot_id)
    ids = {e.corrects_id for e in events if e.corrects_id is not None}
    refs = dict(session.execute(select(Event.id, Event.ref).where(Event.id.in_(ids))).all()) if ids else {}
    return [(e, refs) for e in events]


def node_details(session: Session, kind: str, code: str, lot_id: int | None = None) -> NodeDetails:
    """The details of a genealogy node (``Node.kind``, ``Node.code``; lots by ``lot_id``)."""
    if kind == "lot":
        if lot_id is None:
            raise WorkbenchError("A lot's details need its id.")
        return lot_details(session, lot_id)
    if kind in ("vendor", "customer"):
        return party_details(session, kind, code)
    if kind in ("machine", "operator"):
        return resource_details(session, kind, code)
    if kind == "order":
        return order_details(session, code)
    if kind == "operation":
        order, _, step = code.rpartition("/")
        return order_details(session, order, focus_step=step)
    if kind == "receipt":
        return receipt_details(session, code)
    if kind == "shipment":
        return shipment_details(session, code)
    if kind == "return":
        return return_details(session, code)
    raise WorkbenchError(f"There are no details for a '{kind}'.")
