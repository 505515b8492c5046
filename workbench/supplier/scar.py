"""The facts of a supplier corrective-action request (SCAR, 8D) and recording one.

* ``scar_facts``: what an 8D request states for D2 (problem: vendor, item, vendor lot,
  our lot, PO, receipt date and quantity) and D3 (containment: quantity still on hand
  and to hold, quantity consumed, the affected downstream lots, products and customers,
  which are the recall's answer for the lot).
* ``issue_scar``: records the request as a ``SupplierAction`` (the caller commits).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from workbench.errors import NotFound, WorkbenchError
from workbench.facts import LotRef, PartyFacts, ReceiptLine
from workbench.plant import Item, Lot, Receipt, SupplierAction, Vendor
from workbench.plant.lookup import lot_refs
from workbench.recall.engine import recall
from workbench.supplier.records import DEFAULT_RESPONSE_DAYS, ScarFacts, ScarRecord, now

ZERO = Decimal(0)


def vendor_facts(v: Vendor) -> PartyFacts:
    return PartyFacts(v.code, v.name, v.contact, v.email, v.phone, v.address)


def lot_id_of(lot: LotRef | int) -> int:
    return lot.id if isinstance(lot, LotRef) else int(lot)


def recorded_scars(session: Session, where: ColumnElement[bool]) -> list[ScarRecord]:
    """The SCARs matching ``where`` (a condition on ``SupplierAction``), oldest first."""
    rows = session.execute(
        select(SupplierAction, Vendor.code).join(Vendor, Vendor.id == SupplierAction.vendor_id)
        .where(where).order_by(SupplierAction.issued_at, SupplierAction.code)
    ).all()
    refs = lot_refs(session, {a.lot_id for a, _ in rows})
    return [ScarRecord(a.code, v, refs[a.lot_id], a.issued_at, a.due_at, a.problem, a.status) for a, v in rows]


def scar_facts(session: Session, lot: LotRef | int) -> ScarFacts:
    """The facts for a SCAR on a purchased lot: receipt, balance and downstream reach."""
    lot_id = lot_id_of(lot)
    row = session.execute(
        select(Lot, Item).join(Item, Item.id == Lot.item_id).where(Lot.id == lot_id)
    ).first()
    if row is None:
        raise NotFound(f"No lot has the id {lot_id}.")
    the_lot, item = row
    ref = LotRef(the_lot.id, item.code, the_lot.code)
    receipts = session.execute(
        select(Receipt, Vendor).join(Vendor, Vendor.id == Receipt.vendor_id)
        .where(Receipt.lot_id == lot_id).order_by(Receipt.received_at, Receipt.code)
    ).all()
    if not receipts:
        raise WorkbenchError(f"Lot {ref.label} was not received from a vendor ({the_lot.origin}); "
                             "a supplier corrective action needs a purchased lot.")
    vendor = vendor_facts(receipts[0][1])
    lines = [ReceiptLine(r.code, r.received_at, r.po, v.code, v.name, ref.item, ref.lot, lot_id,
                         r.vendor_lot or the_lot.vendor_lot, r.quantity, item.unit)
             for r, v in receipts]

    reach = recall(session, [ref])
    own = next(a.balance for a in reach.affected if a.lot_id == lot_id)
    downstream = sorted((a for a in reach.affected if a.lot_id != lot_id), key=lambda d: (d.depth, d.item, d.lot))
    returns = sorted(reach.returns, key=lambda r: (r.received_at, r.rma))
    return ScarFacts(
        lot=ref, item_name=item.name, unit=item.unit, vendor=vendor,
        vendor_lot=next((r.vendor_lot for r in lines if r.vendor_lot), the_lot.vendor_lot),
        receipts=lines, received=sum((r.quantity for r in lines), ZERO), on_hand=own.on_hand,
        consumed=own.consumed, shipped=own.shipped, returned=own.returned, downstream=downstream,
        customers=reach.customers, returns=returns,
        scars=recorded_scars(session, SupplierAction.lot_id == lot_id), genealogy=reach.genealogy)


def next_scar_code(session: Session, at: datetime) -> str:
    """``SCAR-YYYY-NNNN``, numbered per year in the order issued."""
    prefix = f"SCAR-{at:%Y}-"
    codes = session.execute(
        select(SupplierAction.code).where(SupplierAction.code.like(f"{prefix}%"))
    ).scalars().all()
    numbers = [int(c[len(prefix):]) for c in codes if c[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def response_due(issued: datetime, due: date | datetime | None) -> datetime:
    """The due date-time: end of the given day, or ``DEFAULT_RESPONSE_DAYS`` after issue."""
    if due is None:
        return datetime.combine((issued + timedelta(days=DEFAULT_RESPONSE_DAYS)).date(), time(23, 59))
    if isinstance(due, datetime):
        return due
    return datetime.combine(due, time(23, 59))


def issue_scar(session: Session, lot: LotRef | int, problem: str, due: date | datetime | None = None,
               issued_at: datetime | None = None) -> ScarRecord:
    """Record a SCAR to the lot's vendor and return it (the caller commits).

    ``due``: the vendor's response date (default ``DEFAULT_RESPONSE_DAYS`` days after issue).
    """
    lot_id = lot_id_of(lot)
    problem = (problem or "").strip()
    if not problem:
        raise WorkbenchError("Describe the defect found (the problem) for the SCAR.")
    ref = lot_refs(session, [lot_id]).get(lot_id)
    if ref is None:
        raise NotFound(f"No lot has the id {lot_id}.")
    receipt = session.execute(
        select(Receipt.vendor_id, Vendor.code).join(Vendor, Vendor.id == Receipt.vendor_id)
        .where(Receipt.lot_id == lot_id).order_by(Receipt.received_at)
    ).first()
    if receipt is None:
        raise WorkbenchError(f"Lot {ref.label} was not received from a vendor; "
                             "a supplier corrective action needs a purchased lot.")
    issued = issued_at or now()
    due_at = response_due(issued, due)
    if due_at < issued:
        raise WorkbenchError(f"The response due date {due_at:%Y-%m-%d} is before the issue date.")
    code = next_scar_code(session, issued)
    session.add(SupplierAction(code=code, vendor_id=receipt.vendor_id, lot_id=lot_id, issued_at=issued,
                               due_at=due_at, problem=problem, status="open"))
    session.flush()
    return ScarRecord(code, receipt.code, ref, issued, due_at, problem, "open")
