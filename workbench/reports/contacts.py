"""The recall contact list: one row per customer and shipment line, as CSV and Excel.

Customers come in the recall's order (most quantity first); each row repeats the
customer's contact data so the list can be sorted and filtered freely (call sheet,
mail merge).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from workbench.format import csv_text
from workbench.reports.sheets import write_book

COLUMNS = ("customer", "name", "contact", "email", "phone", "address", "shipment", "shipped_at",
           "order_ref", "item", "item_name", "lot", "quantity", "unit")
HEADERS = ("Customer", "Name", "Contact", "E-mail", "Phone", "Address", "Shipment", "Shipped",
           "Order ref.", "Item", "Description", "Lot", "Quantity", "Unit")
WIDTHS = (12, 30, 22, 30, 16, 40, 14, 17, 14, 16, 30, 14, 11, 7)


def contact_rows(recall) -> list[tuple]:
    """The rows of the contact list, exact values (Decimal quantities, datetimes)."""
    rows = []
    for c in recall.customers:
        address = ", ".join(x.strip() for x in (c.address or "").splitlines() if x.strip())
        for ln in c.lines:
            rows.append((c.customer, c.name, c.contact, c.email, c.phone, address, ln.shipment, ln.shipped_at,
                         ln.order_ref, ln.item, ln.item_name, ln.lot, ln.quantity, ln.unit))
    return rows


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        d = value.normalize()
        return f"{d:f}" if d != d.to_integral_value() else str(int(d))
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="minutes")
    return csv_text(value)  # text: escaped, and never a formula (OWASP CSV injection)


def write_contacts_csv(recall, path: Path) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in contact_rows(recall):
            writer.writerow([_csv_value(v) for v in row])


def write_contacts_xlsx(recall, path: Path) -> None:
    """The contact list as a workbook: frozen header, filters, column widths (``sheets``)."""
    write_book(path, [("Recall contacts", HEADERS, contact_rows(recall), WIDTHS, False)])
