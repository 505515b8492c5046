"""Which plant column each text column of a bundle fills, and so how long it may be.

The limit of every text value is the length of the model's own column
(``Column.type.length``), read here and nowhere else, so the import follows the schema
when a column is widened: the bundle is refused with a ``FILE:LINE`` fault, the same on
SQLite (which would store anything) and PostgreSQL (which would fail with a traceback).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from workbench.plant import (
    Consumption,
    Container,
    Customer,
    Event,
    Item,
    ItemUnit,
    KeyDataElement,
    Location,
    Lot,
    Operation,
    Output,
    Party,
    ProductionOrder,
    Receipt,
    ReferenceDocument,
    Return,
    Shipment,
    Vendor,
)


def _party(model) -> dict[str, Any]:
    t = model.__table__.c
    return {"name": t.name, "contact": t.contact, "email": t.email, "phone": t.phone, "address": t.address}


@cache
def targets() -> dict[str, dict[str, Any]]:
    """file -> text column of the bundle -> the plant column it is stored in (or matched against)."""
    item, lot, order = Item.__table__.c, Lot.__table__.c, ProductionOrder.__table__.c
    receipt, operation = Receipt.__table__.c, Operation.__table__.c
    shipment, ret = Shipment.__table__.c, Return.__table__.c
    vendor, customer = Vendor.__table__.c, Customer.__table__.c
    return {
        "items.csv": {"item": item.code, "name": item.name, "unit": item.unit, "gtin": item.gtin, "kind": item.kind},
        "vendors.csv": {"vendor": vendor.code, **_party(Vendor)},
        "customers.csv": {"customer": customer.code, **_party(Customer)},
        "lots.csv": {"item": item.code, "lot": lot.code, "vendor_lot": lot.vendor_lot},
        "receipts.csv": {"receipt": receipt.code, "vendor": vendor.code, "po": receipt.po, "item": item.code,
                         "lot": lot.code, "vendor_lot": receipt.vendor_lot},
        "orders.csv": {"order": order.code, "item": item.code},
        "operations.csv": {"order": order.code, "step": operation.step, "machine": operation.machine,
                           "operator": operation.operator},
        "consumptions.csv": {"order": order.code, "item": item.code, "lot": lot.code},
        "outputs.csv": {"order": order.code, "lot": lot.code},
        "shipments.csv": {"shipment": shipment.code, "customer": customer.code, "order_ref": shipment.order_ref,
                          "item": item.code, "lot": lot.code},
        "returns.csv": {"rma": ret.rma, "customer": customer.code, "item": item.code, "lot": lot.code,
                        "reason": ret.reason},
    }


@cache
def chain_targets() -> dict[str, dict[str, Any]]:
    """The text columns of bundle version 2 beyond those of version 1."""
    item, lot = Item.__table__.c, Lot.__table__.c
    shipment, receipt = Shipment.__table__.c, Receipt.__table__.c
    party, loc, box, event = Party.__table__.c, Location.__table__.c, Container.__table__.c, Event.__table__.c
    kde, doc, unit = KeyDataElement.__table__.c, ReferenceDocument.__table__.c, ItemUnit.__table__.c
    at = {"location": loc.code}
    ev = {"event": event.ref}
    return {
        "item_units.csv": {"item": item.code, "unit": unit.unit},
        "parties.csv": {"party": party.code, "name": party.name, "address": party.address},
        "locations.csv": {"location": loc.code, "name": loc.name, "owner": party.code, "address": loc.address,
                          "timezone": loc.timezone, "parent": loc.code},
        "vendors.csv": {"party": party.code},
        "customers.csv": {"party": party.code},
        "containers.csv": {"container": box.code},
        "events.csv": {"event": event.ref, "kind": event.kind, "event_type": event.event_type, **at,
                       "disposition": event.disposition, "source": event.source, "corrects": event.ref},
        "lots.csv": {**at, **ev},
        "receipts.csv": {**at, "ship_from": loc.code, "container": box.code, **ev},
        "orders.csv": {**at, **ev},
        "consumptions.csv": ev,
        "outputs.csv": ev,
        "shipments.csv": {"ship_from": loc.code, "ship_to": loc.code, "carrier": party.code, "container": box.code,
                          **ev},
        "transfers.csv": {"transfer": shipment.code, "ship_from": loc.code, "ship_to": loc.code,
                          "order_ref": shipment.order_ref, "item": item.code, "lot": lot.code, "carrier": party.code,
                          "container": box.code, "receipt": receipt.code, **ev, "receipt_event": event.ref},
        "returns.csv": {**at, **ev},
        "packings.csv": {"container": box.code, "item": item.code, "lot": lot.code, "child": box.code, **at,
                         "unpacked_location": loc.code, **ev, "unpack_event": event.ref},
        "key_data.csv": {"item": item.code, "lot": lot.code, "name": kde.name, "value": kde.value, "unit": kde.unit},
        "event_lots.csv": {**ev, "item": item.code, "lot": lot.code},
        "documents.csv": {**ev, "kind": doc.kind, "document": doc.code},
        "retractions.csv": {**ev, "reason": event.retraction_reason, "declaration": event.retraction_ref,
                            "note": event.retraction_note, "content": event.content},
    }


def max_length(file: str, column: str) -> int | None:
    """The most characters ``column`` of ``file`` may hold (None: the plant's column has no limit)."""
    target = targets().get(file, {}).get(column)
    if target is None:
        target = chain_targets().get(file, {}).get(column)
    return getattr(target.type, "length", None) if target is not None else None


#: The quantity columns of the plant whose totals are kept within ``MAX_TOTAL_QUANTITY``,
#: with the bundle files that add to each.
QUANTITY_TABLES = {
    "lots": (Lot, ("lots.csv", "receipts.csv", "outputs.csv")),
    "receipts": (Receipt, ("receipts.csv",)),
    "consumptions": (Consumption, ("consumptions.csv",)),
    "outputs": (Output, ("outputs.csv",)),
    "shipments": (Shipment, ("shipments.csv",)),
    "returns": (Return, ("returns.csv",)),
}
