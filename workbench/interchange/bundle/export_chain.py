"""The queries of an export: one per file of bundle version 2, its columns in the order
of the format, rows sorted by their keys (two exports of one plant are identical files).

Lots created by a purchase receipt line go to receipts.csv, lots made by an order to
outputs.csv, every other lot to lots.csv. Shipment lines to a customer go to
shipments.csv; lines to one of our own sites (customer empty) with the receipt line that
received them to transfers.csv. Ids become codes through outer joins (an empty cell is an
empty reference). Two files are assembled in Python from one query each: parties.csv
(roles from the flags and the vendor and customer rows naming the party) and key_data.csv
(the lot's own key data columns, then its key-value pairs).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from workbench.interchange.bundle.chain_checks import LOT_COLUMNS
from workbench.plant import (
    Consumption,
    Container,
    Customer,
    Event,
    EventLot,
    Item,
    ItemUnit,
    KeyDataElement,
    Location,
    Lot,
    Operation,
    Output,
    Packing,
    Party,
    ProductionOrder,
    Receipt,
    ReferenceDocument,
    Return,
    Shipment,
    Vendor,
)

_CHUNK = 10_000


def _code(column, model, code_column):
    """An outer-joined alias of ``model`` for the id in ``column``, and its code column."""
    alias = aliased(model)
    return alias, getattr(alias, code_column), column == alias.id


def _parties(session: Session) -> Iterator[tuple]:
    vendor = exists().where(Vendor.party_id == Party.id)
    customer = exists().where(Customer.party_id == Party.id)
    stmt = select(Party.code, Party.name, Party.gln, Party.address, Party.own, Party.carrier, vendor, customer) \
        .order_by(Party.code)
    for code, name, gln, address, own, carrier, is_vendor, is_customer in session.execute(
            stmt.execution_options(yield_per=_CHUNK)):
        roles = [r for r, on in (("own", own), ("vendor", is_vendor), ("customer", is_customer), ("carrier", carrier))
                 if on]
        yield code, name, gln, address, " ".join(roles) or None


def _key_data(session: Session) -> Iterator[tuple]:
    tlc, tlc_code, tlc_on = _code(Lot.tlc_source_id, Location, "code")
    columns = [getattr(Lot, c) for c in LOT_COLUMNS if c != "tlc_source"]
    lots = (select(Item.code, Lot.code, tlc_code, *columns).select_from(Lot)
            .join(Item, Item.id == Lot.item_id).outerjoin(tlc, tlc_on)
            .where(or_(Lot.tlc_source_id.is_not(None), *(c.is_not(None) for c in columns))))
    found: dict[tuple[str, str], list[tuple]] = {}
    for item, lot, source, *values in session.execute(lots):
        named = dict(zip([c for c in LOT_COLUMNS if c != "tlc_source"], values, strict=True), tlc_source=source)
        found[(item, lot)] = [(item, lot, n, v, None, None) for n, v in sorted(named.items()) if v is not None]
    pairs = (select(Item.code, Lot.code, KeyDataElement.name, KeyDataElement.value, KeyDataElement.kind,
                    KeyDataElement.unit).select_from(KeyDataElement)
             .join(Lot, Lot.id == KeyDataElement.lot_id).join(Item, Item.id == Lot.item_id))
    for item, lot, name, value, kind, unit in session.execute(pairs):
        found.setdefault((item, lot), []).append((item, lot, name, value, kind, unit))
    for key in sorted(found):
        yield from sorted(found[key], key=lambda r: r[2])


def chain_statements() -> dict[str, object]:
    """file -> a query (or a function of the session yielding rows) giving its rows."""
    party = ("code", "name", "contact", "email", "phone", "address")
    purchase = Receipt.shipment_id.is_(None)
    in_receipt = exists().where(Receipt.lot_id == Lot.id, purchase)
    in_output = exists().where(Output.lot_id == Lot.id)

    def loc(column):
        return _code(column, Location, "code")

    def ev(column):
        return _code(column, Event, "ref")

    def box(column):
        return _code(column, Container, "code")

    def with_lot(stmt, lot_column):
        return stmt.join(Lot, Lot.id == lot_column).join(Item, Item.id == Lot.item_id)

    def role(model):
        p, p_code, p_on = _code(model.party_id, Party, "code")
        return select(*(getattr(model, c) for c in party), p_code).outerjoin(p, p_on).order_by(model.code)

    lot_at, lot_at_code, lot_at_on = loc(Lot.location_id)
    lot_ev, lot_ev_ref, lot_ev_on = ev(Lot.event_id)
    r_at, r_at_code, r_at_on = loc(Receipt.location_id)
    r_from, r_from_code, r_from_on = loc(Receipt.ship_from_id)
    r_box, r_box_code, r_box_on = box(Receipt.container_id)
    r_ev, r_ev_ref, r_ev_on = ev(Receipt.event_id)
    o_at, o_at_code, o_at_on = loc(ProductionOrder.location_id)
    o_ev, o_ev_ref, o_ev_on = ev(ProductionOrder.event_id)
    c_ev, c_ev_ref, c_ev_on = ev(Consumption.event_id)
    out_ev, out_ev_ref, out_ev_on = ev(Output.event_id)
    s_from, s_from_code, s_from_on = loc(Shipment.ship_from_id)
    s_to, s_to_code, s_to_on = loc(Shipment.ship_to_id)
    s_car, s_car_code, s_car_on = _code(Shipment.carrier_id, Party, "code")
    s_box, s_box_code, s_box_on = box(Shipment.container_id)
    s_ev, s_ev_ref, s_ev_on = ev(Shipment.event_id)
    ret_at, ret_at_code, ret_at_on = loc(Return.location_id)
    ret_ev, ret_ev_ref, ret_ev_on = ev(Return.event_id)
    owner, owner_code, owner_on = _code(Location.owner_id, Party, "code")
    parent, parent_code, parent_on = loc(Location.parent_id)
    e_at, e_at_code, e_at_on = loc(Event.location_id)
    e_fix, e_fix_ref, e_fix_on = ev(Event.corrects_id)
    arrival = aliased(Receipt)
    a_ev, a_ev_ref, a_ev_on = ev(arrival.event_id)
    pk_box, pk_box_code, pk_box_on = box(Packing.container_id)
    pk_child, pk_child_code, pk_child_on = box(Packing.child_id)
    pk_at, pk_at_code, pk_at_on = loc(Packing.packed_location_id)
    pk_off, pk_off_code, pk_off_on = loc(Packing.unpacked_location_id)
    pk_ev, pk_ev_ref, pk_ev_on = ev(Packing.pack_event_id)
    pk_uev, pk_uev_ref, pk_uev_on = ev(Packing.unpack_event_id)
    pk_item, pk_lot = aliased(Item), aliased(Lot)
    return {
        "items.csv": select(
            Item.code, Item.name, Item.kind, Item.unit, Item.gtin, Item.shelf_life_days
        ).order_by(Item.code),
        "item_units.csv": select(Item.code, ItemUnit.unit, ItemUnit.factor).select_from(ItemUnit)
        .join(Item, Item.id == ItemUnit.item_id)
        .order_by(Item.code, ItemUnit.unit),
        "parties.csv": _parties,
        "locations.csv": select(
            Location.code, Location.name, Location.gln, Location.kind, owner_code, Location.address, Location.country,
            Location.latitude, Location.longitude, Location.timezone, parent_code,
        ).outerjoin(owner, owner_on).outerjoin(parent, parent_on).order_by(Location.code),
        "vendors.csv": role(Vendor),
        "customers.csv": role(Customer),
        "containers.csv": select(Container.code, Container.kind, Container.sscc).order_by(Container.code),
        "events.csv": select(
            Event.ref, Event.kind, Event.event_type, Event.occurred_at, Event.time_zone_offset, Event.recorded_at,
            e_at_code, Event.disposition, Event.source, e_fix_ref,
        ).outerjoin(e_at, e_at_on).outerjoin(e_fix, e_fix_on).order_by(Event.ref),
        "lots.csv": select(Item.code, Lot.code, Lot.quantity, Lot.created_at, Lot.expires_at, Lot.vendor_lot,
                           lot_at_code, lot_ev_ref)
        .join(Item, Item.id == Lot.item_id).outerjoin(lot_at, lot_at_on).outerjoin(lot_ev, lot_ev_on)
        .where(~in_receipt, ~in_output)
        .order_by(Item.code, Lot.code),
        "receipts.csv": with_lot(select(
            Receipt.code, Receipt.received_at, Vendor.code, Receipt.po, Item.code, Lot.code, Receipt.vendor_lot,
            Receipt.quantity, Lot.expires_at, r_at_code, r_from_code, r_box_code, r_ev_ref,
        ).join(Vendor, Vendor.id == Receipt.vendor_id), Receipt.lot_id)
        .outerjoin(r_at, r_at_on).outerjoin(r_from, r_from_on).outerjoin(r_box, r_box_on).outerjoin(r_ev, r_ev_on)
        .where(purchase)
        .order_by(Receipt.code, Item.code, Lot.code),
        "orders.csv": select(
            ProductionOrder.code, Item.code, ProductionOrder.started_at, ProductionOrder.finished_at, o_at_code,
            o_ev_ref,
        )
        .join(Item, Item.id == ProductionOrder.item_id).outerjoin(o_at, o_at_on).outerjoin(o_ev, o_ev_on)
        .order_by(ProductionOrder.code),
        "operations.csv": select(
            ProductionOrder.code, Operation.step, Operation.machine, Operation.operator, Operation.started_at,
            Operation.finished_at,
        )
        .join(ProductionOrder, ProductionOrder.id == Operation.order_id)
        .order_by(ProductionOrder.code, Operation.step),
        "consumptions.csv": with_lot(select(
            ProductionOrder.code, Item.code, Lot.code, func.sum(Consumption.quantity), Consumption.consumed_at,
            c_ev_ref,
        ).join(ProductionOrder, ProductionOrder.id == Consumption.order_id), Consumption.lot_id)
        .outerjoin(c_ev, c_ev_on)
        .group_by(ProductionOrder.code, Item.code, Lot.code, Consumption.consumed_at, c_ev_ref)
        .order_by(ProductionOrder.code, Item.code, Lot.code, Consumption.consumed_at),
        "outputs.csv": select(ProductionOrder.code, Lot.code, Output.quantity, Lot.expires_at, Lot.created_at,
                              out_ev_ref)
        .join(ProductionOrder, ProductionOrder.id == Output.order_id)
        .join(Lot, Lot.id == Output.lot_id).outerjoin(out_ev, out_ev_on)
        .order_by(ProductionOrder.code, Lot.code),
        "shipments.csv": with_lot(select(
            Shipment.code, Shipment.shipped_at, Customer.code, Shipment.order_ref, Item.code, Lot.code,
            Shipment.quantity, s_from_code, s_to_code, s_car_code, s_box_code, s_ev_ref,
        ).join(Customer, Customer.id == Shipment.customer_id), Shipment.lot_id)
        .outerjoin(s_from, s_from_on).outerjoin(s_to, s_to_on).outerjoin(s_car, s_car_on)
        .outerjoin(s_box, s_box_on).outerjoin(s_ev, s_ev_on)
        .order_by(Shipment.code, Item.code, Lot.code),
        "transfers.csv": with_lot(select(
            Shipment.code, Shipment.shipped_at, s_from_code, s_to_code, Shipment.order_ref, Item.code, Lot.code,
            Shipment.quantity, s_car_code, s_box_code, arrival.code, arrival.received_at, s_ev_ref, a_ev_ref,
        ), Shipment.lot_id)
        .outerjoin(s_from, s_from_on).outerjoin(s_to, s_to_on).outerjoin(s_car, s_car_on)
        .outerjoin(s_box, s_box_on).outerjoin(s_ev, s_ev_on)
        .outerjoin(arrival, arrival.shipment_id == Shipment.id).outerjoin(a_ev, a_ev_on)
        .where(Shipment.customer_id.is_(None))
        .order_by(Shipment.code, Item.code, Lot.code),
        "returns.csv": with_lot(select(
            Return.rma, Return.received_at, Customer.code, Item.code, Lot.code, Return.quantity, Return.reason,
            ret_at_code, ret_ev_ref,
        ).join(Customer, Customer.id == Return.customer_id), Return.lot_id)
        .outerjoin(ret_at, ret_at_on).outerjoin(ret_ev, ret_ev_on)
        .order_by(Return.rma, Item.code, Lot.code),
        "packings.csv": select(
            pk_box_code, pk_item.code, pk_lot.code, Packing.quantity, pk_child_code, Packing.packed_at, pk_at_code,
            Packing.unpacked_at, pk_off_code, pk_ev_ref, pk_uev_ref,
        ).select_from(Packing)
        .join(pk_box, pk_box_on).outerjoin(pk_lot, pk_lot.id == Packing.lot_id)
        .outerjoin(pk_item, pk_item.id == pk_lot.item_id).outerjoin(pk_child, pk_child_on)
        .outerjoin(pk_at, pk_at_on).outerjoin(pk_off, pk_off_on).outerjoin(pk_ev, pk_ev_on)
        .outerjoin(pk_uev, pk_uev_on)
        .order_by(pk_box_code, Packing.packed_at, pk_item.code, pk_lot.code, pk_child_code),
        "key_data.csv": _key_data,
        "event_lots.csv": with_lot(select(Event.ref, Item.code, Lot.code).select_from(EventLot)
                                   .join(Event, Event.id == EventLot.event_id),
                                   EventLot.lot_id).order_by(Event.ref, Item.code, Lot.code),
        "documents.csv": select(Event.ref, ReferenceDocument.kind, ReferenceDocument.code)
        .select_from(ReferenceDocument).join(Event, Event.id == ReferenceDocument.event_id)
        .order_by(Event.ref, ReferenceDocument.kind, ReferenceDocument.code),
        "retractions.csv": select(
            Event.ref, Event.retracted_at, Event.retraction_reason, Event.retraction_ref, Event.retraction_note,
            Event.content,
        ).where(Event.retracted_at.is_not(None)).order_by(Event.ref),
    }
