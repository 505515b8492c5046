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
GTIN, else ``ITEM/LOT``. Dates are date-times in UTC and, beside them, the local date-time of the event's location.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workbench.reports.sheets import write_book

HEADERS = (
    "Event", "Event date (UTC)", "Role", "Traceability lot code (TLC)", "Product description", "Item",
    "Lot", "GTIN", "Quantity", "Unit of measure", "Ship-from location", "Ship-to location",
    "Location of transformation", "TLC source location", "TLC source GLN", "Supplier lot code",
    "Reference document type", "Reference document number", "Purchase / sales order", "In recall",
    "Event date (local)", "Location time zone", "Ship-from GLN", "Ship-to GLN", "Key data elements",
)
WIDTHS = (15, 17, 8, 34, 34, 16, 16, 16, 11, 9, 40, 40, 34, 34, 16, 16, 24, 20, 16, 9, 17, 18, 15, 15, 50)


def local(at: datetime | None, timezone: str | None) -> datetime | None:
    """The event's date-time in the location's own time zone (FSMA 204 asks for local dates);
    UTC where the location has none recorded."""
    if at is None or not timezone:
        return at
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return at
    return at.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def _site(place, fallback: str) -> str:
    """A location as the sheet names it: description with address, then its identifier."""
    if place is None:
        return fallback
    text = _place(place.name, place.address, place.code)
    return f"{text} [{place.gln or place.code}]" if place.name else text


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
            supplier_lot, doc_type, doc, order_ref, affected=True, name=None, lot_id=None, where=None,
            from_place=None, to_place=None, source=None, source_ref=None):
        gtin = recall.gtin_of(item)
        tz = where.timezone if where is not None else None
        source_text = _site(source, source_ref or here) if (source or source_ref) else (_site(where, here))
        source_gln = source.gln if source is not None else (where.gln if where is not None else gln)
        kde = "; ".join(f"{k}: {v}" for k, v in recall.key_data.get(lot_id, ())) if lot_id is not None else ""
        rows.append((event, at, role, tlc(item, lot, gtin), _description(recall, item, name), item, lot, gtin,
                     qty, unit, ship_from, ship_to, transformed_at, source_text, source_gln, supplier_lot, doc_type,
                     doc, order_ref, "yes" if affected else "no", local(at, tz), tz or "UTC",
                     from_place.gln if from_place is not None else (gln if event == "Shipping" else None),
                     to_place.gln if to_place is not None else (gln if event == "Receiving" else None), kde or None))

    for r in recall.receipts:
        # A receiver who did not transform the food keeps the supplier's TLC and names its source.
        row("Receiving", r.received_at, "", r.item, r.lot, r.quantity, r.unit,
            _site(r.ship_from, _party_place(recall.party("vendor", r.vendor))), _site(r.location, here), None,
            r.vendor_lot, "Receipt", r.receipt, r.po, lot_id=r.lot_id, where=r.location, from_place=r.ship_from,
            to_place=r.location, source=r.tlc_source, source_ref=r.tlc_source_ref)
    for r in recall.returns:
        row("Receiving", r.received_at, "", r.item, r.lot, r.quantity, r.unit,
            _party_place(recall.party("customer", r.customer)), here, None, None,
            "Return authorization (RMA)", r.rma, None)
    for t in recall.transformations:
        at = t.finished_at or t.started_at
        for role, group in (("input", t.inputs), ("output", t.outputs)):
            for ln in group:
                row("Transformation", at, role, ln.item, ln.lot, ln.quantity, ln.unit, None, None,
                    _site(t.location, here), None, "Production order", t.order, None, affected=ln.affected,
                    name=ln.item_name, where=t.location)
    addresses = {c.customer: _party_place(c.party) for c in recall.customers}
    for c in recall.customers:
        for ln in c.lines:
            row("Shipping", ln.shipped_at, "", ln.item, ln.lot, ln.quantity, ln.unit, _site(ln.ship_from, here),
                _site(ln.ship_to, addresses[c.customer]), None, None, "Shipment (bill of lading)", ln.shipment,
                ln.order_ref, name=ln.item_name, lot_id=ln.lot_id, where=ln.ship_from, from_place=ln.ship_from,
                to_place=ln.ship_to)
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
        ("TLC source", ("The place where the TLC was assigned: the location of transformation for lots made "
                       "here; for a received lot whose supplier's TLC was kept, the supplier's location (or "
                       "its reference); for lots relabelled at receiving, the receiving location.")),
        ("Locations", ("Ship-from, ship-to, receiving and transformation locations are the recorded locations "
                      "(description, address, [GLN or identifier]); where none was recorded, this firm's "
                      "location or the customer's or vendor's address.")),
        ("Dates", ("'Event date (UTC)' is the date and time in UTC; 'Event date (local)' the same moment in the "
                  "time zone of the event's location (shown in 'Location time zone'; UTC where the location "
                  "has none recorded).")),
        ("Key data elements", ("Production, harvest and pack dates, best before, country of origin and further "
                               "KDEs of the lot as recorded (name: value).")),
        ("Rows", f"{n_rows} event rows on the sheet 'Trace'."),
    ]


def write_fsma204(recall, path: Path, letterhead) -> None:
    """Write the sortable spreadsheet: sheet "Trace" (the events) and "About" (conventions)."""
    rows = trace_rows(recall, letterhead)
    write_book(path, [("Trace", HEADERS, rows, WIDTHS, False),
                      ("About", ("Topic", "Convention"), about_rows(recall, letterhead, len(rows)), (26, 110), True)])
