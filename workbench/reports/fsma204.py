"""The FDA FSMA 204 electronic sortable spreadsheet of a recall's trace.

One row per food per critical tracking event (CTE) of the trace, with its key data
elements (KDEs), on the sheet "Trace"; the conventions used are stated on the sheet
"About" so the reader at the FDA does not have to guess:

* **Receiving**: a receipt line of an affected lot from its supplier; also a customer
  return of an affected lot (reference document: the RMA).
* **Transformation**: a production order that used an affected lot. Convention: one row
  per food, *inputs listed first, then outputs*, all sharing the order number as
  reference document; every input of the order is listed (column "In recall" says
  which ones are affected), since the rule asks for each food used.
* **Shipping**: a shipment line of an affected lot to a customer.

The traceability lot code (TLC) is the GS1 form ``(01)GTIN(10)LOT`` where the item has a
GTIN, else ``ITEM/LOT``. Dates are date-times in UTC, shown as ISO (yyyy-mm-dd hh:mm).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from workbench.reports.contacts import add_sheet

HEADERS = (
    "Event", "Event date (UTC)", "Role", "Traceability lot code (TLC)", "Product description", "Item",
    "Lot", "GTIN", "Quantity", "Unit of measure", "Ship-from location", "Ship-to location",
    "Location of transformation", "TLC source location", "TLC source GLN", "Supplier lot code",
    "Reference document type", "Reference document number", "Purchase / sales order", "In recall",
)
WIDTHS = (15, 17, 8, 34, 34, 16, 16, 16, 11, 9, 40, 40, 34, 34, 16, 16, 24, 20, 16, 9)


def tlc(item: str, lot: str, gtin: str | None) -> str:
    """The traceability lot code: GTIN + batch/lot (GS1) where a GTIN exists."""
    return f"(01){gtin.zfill(14)}(10){lot}" if gtin else f"{item}/{lot}"


def _place(name: str | None, address: str | None, code: str | None = None) -> str:
    parts = [name or code or ""]
    parts += [x.strip() for x in (address or "").splitlines() if x.strip()]
    return ", ".join(p for p in parts if p)


def _party_place(party) -> str:
    return _place(party.name, party.address, party.code)


def _description(recall, item: str, name: str | None = None) -> str:
    info = recall.items.get(item)
    return (name or (info.name if info else None) or item)


def trace_rows(recall, letterhead) -> list[tuple]:
    """The rows of the sheet, sorted by event date, then event, document and role."""
    here = letterhead.location
    gln = letterhead.gln or None
    rows: list[tuple] = []

    def row(event, at: datetime | None, role, item, lot, qty, unit, ship_from, ship_to, transformed_at,
            supplier_lot, doc_type, doc, order_ref, affected=True, name=None):
        gtin = recall.gtin_of(item)
        rows.append((event, at, role, tlc(item, lot, gtin), _description(recall, item, name), item, lot, gtin,
                     qty, unit, ship_from, ship_to, transformed_at, here, gln, supplier_lot, doc_type, doc,
                     order_ref, "yes" if affected else "no"))

    for r in recall.receipts:
        row("Receiving", r.received_at, "", r.item, r.lot, r.quantity, r.unit,
            _party_place(recall.party("vendor", r.vendor)), here, None, r.vendor_lot, "Receipt", r.receipt, r.po)
    for r in recall.returns:
        row("Receiving", r.received_at, "", r.item, r.lot, r.quantity, r.unit,
            _party_place(recall.party("customer", r.customer)), here, None, None,
            "Return authorization (RMA)", r.rma, None)
    for t in recall.transformations:
        at = t.finished_at or t.started_at
        for role, group in (("input", t.inputs), ("output", t.outputs)):
            for ln in group:
                row("Transformation", at, role, ln.item, ln.lot, ln.quantity, ln.unit, None, None, here, None,
                    "Production order", t.order, None, affected=ln.affected, name=ln.item_name)
    addresses = {c.customer: _party_place(c.party) for c in recall.customers}
    for c in recall.customers:
        for ln in c.lines:
            row("Shipping", ln.shipped_at, "", ln.item, ln.lot, ln.quantity, ln.unit, here, addresses[c.customer],
                None, None, "Shipment (bill of lading)", ln.shipment, ln.order_ref, name=ln.item_name)
    order = {"Receiving": 0, "Transformation": 1, "Shipping": 2}
    rows.sort(key=lambda r: (r[1] or datetime.min, order[r[0]], r[17], r[2] != "input", r[5], r[6]))
    return rows


def about_rows(recall, letterhead, n_rows: int) -> list[tuple[str, str]]:
    roots = ", ".join(r.label for r in recall.roots)
    return [
        ("Firm", letterhead.name),
        ("Location description", letterhead.location),
        ("Location identifier (GLN)", letterhead.gln or "none recorded"),
        ("Point of contact", " · ".join(x for x in (letterhead.recall_contact, letterhead.recall_phone,
                                                    letterhead.recall_email) if x)),
        ("Recall reference", recall.reference),
        ("Suspect lots", roots),
        ("Reason", recall.reason or "not stated"),
        ("Generated (UTC)", recall.created_at.strftime("%Y-%m-%d %H:%M")),
        ("Scope", ("Every critical tracking event of the lots affected by the suspect lots: receipts of "
                  "affected lots, customer returns of affected lots, every production order that used an "
                  "affected lot, and every shipment of an affected lot.")),
        ("Transformations", ("Several inputs and outputs: one row per food, inputs listed first, then outputs; "
                            "rows of one transformation share its reference document number (the production "
                            "order). Every input is listed; 'In recall' says whether it is an affected lot. "
                            "Inputs are not paired with outputs.")),
        ("Traceability lot code", ("GS1 GTIN + batch/lot, written (01)GTIN(10)LOT, where the item has a GTIN; "
                                  "otherwise ITEM/LOT. Received lots carry our own lot code from receiving on; "
                                  "the supplier's lot code is in 'Supplier lot code'.")),
        ("TLC source", ("The place where the TLC was assigned: this plant, for lots produced here and for lots "
                       "relabelled at receiving.")),
        ("Dates", "Date and time of the event in UTC (yyyy-mm-dd hh:mm)."),
        ("Rows", f"{n_rows} event rows on the sheet 'Trace'."),
    ]


def write_fsma204(recall, path: Path, letterhead) -> None:
    """Write the sortable spreadsheet: sheet "Trace" (the events) and "About" (conventions)."""
    wb = Workbook(write_only=True)
    rows = trace_rows(recall, letterhead)
    add_sheet(wb, "Trace", HEADERS, rows, WIDTHS)
    add_sheet(wb, "About", ("Topic", "Convention"), about_rows(recall, letterhead, len(rows)), (26, 110),
              wrap=True)
    wb.save(Path(path))
