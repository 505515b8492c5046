"""The recall contact list: one row per customer and shipment line, as CSV and Excel.

Customers come in the recall's order (most quantity first); each row repeats the
customer's contact data so the list can be sorted and filtered freely (call sheet,
mail merge).
"""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from workbench.format import csv_text, file_text

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
    """The contact list as a workbook: frozen header, filters, column widths."""
    wb = Workbook(write_only=True)
    add_sheet(wb, "Recall contacts", HEADERS, contact_rows(recall), WIDTHS)
    wb.save(path)


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E5F")
DATE_FORMAT = "yyyy-mm-dd hh:mm"


def text_cell(ws, value: str) -> WriteOnlyCell:
    """A text cell that is always text: escaped (``file_text``: no control character,
    NUL or lone surrogate, which the file cannot hold) and typed as a string, so text
    starting with ``=`` is never a formula (openpyxl would make it one)."""
    cell = WriteOnlyCell(ws, value=file_text(value))
    cell.data_type = "s"
    return cell


def add_sheet(wb: Workbook, title: str, headers, rows, widths, wrap: bool = False,
              date_format: str = DATE_FORMAT):
    """Add a sortable sheet to a write-only workbook (shared by every workbench spreadsheet).

    Header in row 1 (bold, filled), frozen below it, an autofilter over all columns,
    fixed column widths; dates carry a date format, quantities stay exact numbers, and
    every text is a string cell (``text_cell``), never a formula.
    """
    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    rows = list(rows)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows)) + 1}"
    header = []
    for h in headers:
        cell = text_cell(ws, h)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=wrap)
        header.append(cell)
    ws.append(header)
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, datetime):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = date_format
                out.append(cell)
            elif isinstance(value, str):
                out.append(text_cell(ws, value))
            else:
                out.append(value)
        ws.append(out)
    return ws
