"""A vendor's quality history: its receipts and lots, which of them were implicated in
customer returns (of the lot or anything made from it) or in a SCAR, a monthly series for
the chart, and its open SCARs.

"Implicated" means: a customer return traced to the lot (downstream at any depth) whose
cause points at the vendor's material, or a SCAR issued on it and not closed as "not the
vendor's cause" (``workbench.supplier.causes``, ``workbench.supplier.followup``). Returns
with another cause (crushed in transit, wrong item picked, our seal failure) are listed
apart, with their cause, and counted nowhere against the vendor.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import NotFound
from workbench.facts import ReceiptLine, ReturnLine
from workbench.plant import Customer, Item, Lot, Receipt, Return, SupplierAction, Vendor
from workbench.plant.lookup import lot_infos, lot_refs
from workbench.plant.query import among, chunks
from workbench.rootcause.closure import closure
from workbench.supplier.causes import causes_of
from workbench.supplier.followup import not_vendor_scars
from workbench.supplier.records import MonthPoint, TracedReturn, VendorQuality, VendorReceipt
from workbench.supplier.scar import recorded_scars, vendor_facts


def _month(at: datetime | date) -> date:
    return date(at.year, at.month, 1)


def _months(first: date, last: date) -> list[date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def vendor_quality(session: Session, vendor_code: str) -> VendorQuality:
    """A vendor's receipts, the returns and SCARs traced to its lots, and the monthly series."""
    vendor = session.execute(select(Vendor).where(Vendor.code == vendor_code)).scalar_one_or_none()
    if vendor is None:
        raise NotFound(f"There is no vendor '{vendor_code}'.")
    rows = session.execute(
        select(Receipt.code, Receipt.received_at, Receipt.po, Receipt.lot_id, Receipt.vendor_lot,
               Receipt.quantity, Lot.vendor_lot.label("lot_vendor_lot"), Item.name, Item.unit)
        .join(Lot, Lot.id == Receipt.lot_id).join(Item, Item.id == Lot.item_id)
        .where(Receipt.vendor_id == vendor.id).order_by(Receipt.received_at, Receipt.code)
    ).all()
    lot_ids = {r.lot_id for r in rows}
    refs = lot_refs(session, lot_ids)
    reach = closure(session, lot_ids, True)
    source_of: dict[int, set[int]] = defaultdict(set)  # reached lot -> vendor lots it came from
    for root in lot_ids:
        for lot in reach.get(root, set()) | {root}:
            source_of[lot].add(root)
    returns_of: dict[int, int] = defaultdict(int)
    stmt = (select(Return.id, Return.rma, Return.received_at, Return.lot_id, Return.quantity, Return.reason,
                   Customer.code, Customer.name).join(Customer, Customer.id == Return.customer_id))
    found = [row for chunk in chunks(source_of) for row in session.execute(stmt.where(among(Return.lot_id, chunk, session)))]
    cause_of = causes_of(session, ((row.id, row.reason) for row in found))
    info = lot_infos(session, {row.lot_id for row in found})
    returns, excluded = [], []
    for rid, rma, received_at, lot_id, qty, reason, customer, customer_name in found:
        item, lot, _name, unit = info[lot_id]
        line = ReturnLine(rma, received_at, customer, customer_name, item, lot, lot_id, qty, unit, reason)
        cause = cause_of[rid]
        traced = TracedReturn(line, tuple(refs[src].label for src in sorted(source_of[lot_id])), cause.cause,
                              cause.vendor_attributable, cause.why)
        if cause.vendor_attributable:
            returns.append(traced)
            for src in source_of[lot_id]:
                returns_of[src] += 1
        else:
            excluded.append(traced)
    for listed in (returns, excluded):
        listed.sort(key=lambda r: (r.line.received_at, r.line.rma, r.line.ref.label))
    not_vendors = not_vendor_scars(session)
    codes = dict(session.execute(select(SupplierAction.code, SupplierAction.id)
                                 .where(SupplierAction.vendor_id == vendor.id)).all())
    all_scars = recorded_scars(session, SupplierAction.vendor_id == vendor.id)
    scars = [s for s in all_scars if codes[s.code] not in not_vendors]
    scars_of: dict[int, int] = defaultdict(int)
    for s in scars:
        scars_of[s.lot.id] += 1
    receipts = [VendorReceipt(ReceiptLine(r.code, r.received_at, r.po, vendor.code, vendor.name, refs[r.lot_id].item,
                                          refs[r.lot_id].lot, r.lot_id, r.vendor_lot or r.lot_vendor_lot, r.quantity,
                                          r.unit),
                              r.name, returns_of.get(r.lot_id, 0), scars_of.get(r.lot_id, 0))
                for r in rows]

    stamps = ([r.line.received_at for r in receipts] + [r.line.received_at for r in returns]
              + [s.issued_at for s in scars])
    monthly: list[MonthPoint] = []
    if stamps:
        counts: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for receipt in receipts:
            counts[_month(receipt.line.received_at)][0] += 1
            counts[_month(receipt.line.received_at)][1] += receipt.implicated
        for traced in returns:
            counts[_month(traced.line.received_at)][2] += 1
        for s in scars:
            counts[_month(s.issued_at)][3] += 1
        monthly = [MonthPoint(m, *counts.get(m, [0, 0, 0, 0]))
                   for m in _months(_month(min(stamps)), _month(max(stamps)))]
    return VendorQuality(vendor_facts(vendor), receipts, returns, monthly, scars, excluded,
                         [s for s in all_scars if s not in scars])


def vendors(session: Session) -> list[tuple[str, str | None, int]]:
    """Every vendor with its number of receipt lines (for pickers)."""
    rows = session.execute(
        select(Vendor.code, Vendor.name, func.count(Receipt.id))
        .join(Receipt, Receipt.vendor_id == Vendor.id, isouter=True).group_by(Vendor.code, Vendor.name)
        .order_by(Vendor.code)
    ).all()
    return [(c, n, k) for c, n, k in rows]
