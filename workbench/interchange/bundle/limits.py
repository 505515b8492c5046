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
    Customer,
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


def max_length(file: str, column: str) -> int | None:
    """The most characters ``column`` of ``file`` may hold (None: the plant's column has no limit)."""
    target = targets().get(file, {}).get(column)
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
