"""Supplier quality: the facts of a supplier corrective-action request (SCAR) and a
vendor's quality history.

* ``scar_facts``: what an 8D request states for D2 (problem: vendor, item, vendor lot,
  our lot, PO, receipt date and quantity) and D3 (containment: quantity still on hand
  and to hold, quantity consumed, the affected downstream lots, products and customers
  from the forward trace).
* ``issue_scar``: records the request as a ``SupplierAction`` (the caller commits).
* ``vendor_quality``: a vendor's receipts and lots, which of them were implicated in
  customer returns (of the lot or anything made from it) or in a SCAR, a monthly series
  for the chart, and its open SCARs.

The schema has no table of recalls, so "implicated" means: a customer return traced to
the lot (downstream at any depth) or a SCAR issued on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import NotFound, WorkbenchError
from workbench.facts import LotRef
from workbench.jsonutil import jsonable
from workbench.plant import Customer, Item, Lot, Receipt, Return, SupplierAction, Vendor
from workbench.plant.lookup import lot_refs
from workbench.plant.stock import lot_balances
from workbench.rootcause.engine import closure
from workbench.trace.genealogy import Genealogy, trace

CHUNK = 10000
ZERO = Decimal(0)
#: Days the vendor has to answer D4-D8 unless the engineer chooses otherwise.
DEFAULT_RESPONSE_DAYS = 14


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class VendorInfo:
    code: str
    name: str | None
    contact: str | None
    email: str | None
    phone: str | None
    address: str | None

    @property
    def display(self) -> str:
        return f"{self.name} ({self.code})" if self.name else self.code


@dataclass(frozen=True)
class ReceiptLine:
    code: str
    received_at: datetime
    po: str | None
    vendor_lot: str | None
    quantity: Decimal


@dataclass(frozen=True)
class DownstreamLot:
    """A lot made from the suspect lot (at any depth), with what is left of it."""

    lot: LotRef
    item_name: str | None
    item_kind: str
    unit: str
    depth: int
    created_at: datetime | None
    made: Decimal
    on_hand: Decimal


@dataclass(frozen=True)
class AffectedCustomer:
    code: str
    name: str | None
    shipments: int
    lots: int
    #: Quantity shipped per unit.
    quantity: dict[str, Decimal]


@dataclass(frozen=True)
class ScarRecord:
    """A SCAR as recorded (``SupplierAction``)."""

    code: str
    vendor: str
    lot: LotRef
    issued_at: datetime
    due_at: datetime | None
    problem: str | None
    status: str

    @property
    def overdue(self) -> bool:
        return self.status == "open" and self.due_at is not None and self.due_at < _now()


@dataclass
class ScarFacts:
    """D2 and D3 of an 8D request for one purchased lot: plain data."""

    lot: LotRef
    item_name: str | None
    unit: str
    vendor: VendorInfo
    vendor_lot: str | None
    receipts: list[ReceiptLine]
    received: Decimal
    on_hand: Decimal
    consumed: Decimal
    shipped: Decimal
    returned: Decimal
    downstream: list[DownstreamLot]
    customers: list[AffectedCustomer]
    returns: list[dict[str, Any]]
    scars: list[ScarRecord]
    genealogy: Genealogy

    @property
    def po(self) -> str | None:
        return next((r.po for r in self.receipts if r.po), None)

    @property
    def received_at(self) -> datetime:
        return min(r.received_at for r in self.receipts)

    @property
    def products(self) -> list[tuple[str, str | None, int]]:
        """Finished products reached: (item, name, number of lots)."""
        counts: dict[tuple[str, str | None], int] = defaultdict(int)
        for d in self.downstream:
            if d.item_kind == "product":
                counts[(d.lot.item, d.item_name)] += 1
        return [(item, name, n) for (item, name), n in sorted(counts.items())]

    def default_problem(self) -> str | None:
        """A problem statement from the customer return reasons traced to the lot, if any."""
        reasons = list(dict.fromkeys(r["reason"] for r in self.returns if r["reason"]))
        if not reasons:
            return None
        return "Customer returns traced to this lot: " + "; ".join(reasons[:3]) + "."

    def downstream_on_hand(self) -> dict[str, Decimal]:
        """Quantity still on hand in downstream lots, per unit (to hold)."""
        out: dict[str, Decimal] = defaultdict(Decimal)
        for d in self.downstream:
            if d.on_hand > 0:
                out[d.unit] += d.on_hand
        return dict(out)

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "lot": {"item": self.lot.item, "lot": self.lot.lot, "item_name": self.item_name, "unit": self.unit},
            "vendor": vars(self.vendor), "vendor_lot": self.vendor_lot, "po": self.po,
            "receipts": [vars(r) for r in self.receipts], "received": self.received, "on_hand": self.on_hand,
            "consumed": self.consumed, "shipped": self.shipped, "returned": self.returned,
            "downstream": [{"item": d.lot.item, "lot": d.lot.lot, "kind": d.item_kind, "depth": d.depth,
                            "made": d.made, "on_hand": d.on_hand, "unit": d.unit} for d in self.downstream],
            "products": [{"item": i, "name": n, "lots": k} for i, n, k in self.products],
            "customers": [{"code": c.code, "name": c.name, "shipments": c.shipments, "lots": c.lots,
                           "quantity": c.quantity} for c in self.customers],
            "returns": self.returns,
            "scars": [_scar_json(s) for s in self.scars],
        })


def _scar_json(s: ScarRecord) -> dict[str, Any]:
    return {"code": s.code, "vendor": s.vendor, "item": s.lot.item, "lot": s.lot.lot, "issued_at": s.issued_at,
            "due_at": s.due_at, "problem": s.problem, "status": s.status, "overdue": s.overdue}


def _vendor_info(v: Vendor) -> VendorInfo:
    return VendorInfo(v.code, v.name, v.contact, v.email, v.phone, v.address)


def _lot_id(lot: LotRef | int) -> int:
    return lot.id if isinstance(lot, LotRef) else int(lot)


def _scars(session: Session, where) -> list[ScarRecord]:
    rows = session.execute(
        select(SupplierAction, Vendor.code).join(Vendor, Vendor.id == SupplierAction.vendor_id)
        .where(where).order_by(SupplierAction.issued_at, SupplierAction.code)
    ).all()
    refs = lot_refs(session, {a.lot_id for a, _ in rows})
    return [ScarRecord(a.code, v, refs[a.lot_id], a.issued_at, a.due_at, a.problem, a.status) for a, v in rows]


def scar_facts(session: Session, lot: LotRef | int) -> ScarFacts:
    """The facts for a SCAR on a purchased lot: receipt, balance and downstream reach."""
    lot_id = _lot_id(lot)
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
    vendor = _vendor_info(receipts[0][1])
    lines = [ReceiptLine(r.code, r.received_at, r.po, r.vendor_lot or the_lot.vendor_lot, r.quantity)
             for r, _ in receipts]

    g = trace(session, lot_id, "forward")
    below = [n for n in g.lots() if n.data["lot_id"] != lot_id]
    balances = lot_balances(session, [lot_id] + [n.data["lot_id"] for n in below])
    own = balances[lot_id]
    downstream = sorted(
        (DownstreamLot(LotRef(n.data["lot_id"], n.data["item"], n.data["lot"]), n.data["item_name"],
                       n.data["item_kind"], n.data["unit"], n.data["depth"], n.data["created_at"],
                       balances[n.data["lot_id"]].made, balances[n.data["lot_id"]].on_hand)
         for n in below),
        key=lambda d: (d.depth, d.lot.item, d.lot.lot))

    # Customers: lot -shipped-> shipment -delivered-> customer, from the trace.
    shipped_lot: dict[str, set[str]] = defaultdict(set)
    for e in g.edges:
        if e.kind == "shipped":
            shipped_lot[e.target].add(e.source)
    per_customer: dict[str, dict[str, Any]] = {}
    for e in g.edges:
        if e.kind != "delivered":
            continue
        c = g.nodes[e.target]
        entry = per_customer.setdefault(c.code, {"name": c.name, "shipments": set(), "lots": set(),
                                                 "quantity": defaultdict(Decimal)})
        entry["shipments"].add(e.source)
        entry["lots"] |= shipped_lot[e.source]
        if e.quantity is not None:
            entry["quantity"][e.unit or ""] += e.quantity
    customers = sorted(
        (AffectedCustomer(code, v["name"], len(v["shipments"]), len(v["lots"]), dict(v["quantity"]))
         for code, v in per_customer.items()),
        key=lambda c: (-sum(c.quantity.values()), c.code))
    returns = []
    for e in g.edges:
        if e.kind == "returned" and e.target.startswith("lot:"):
            r = g.nodes[e.source]
            returns.append({"rma": r.code, "received_at": r.data["received_at"], "customer": r.data["customer"],
                            "lot": e.target.split(":", 1)[1], "quantity": e.quantity, "unit": e.unit,
                            "reason": r.data["reason"]})
    returns.sort(key=lambda r: (r["received_at"], r["rma"]))
    return ScarFacts(
        lot=ref, item_name=item.name, unit=item.unit, vendor=vendor,
        vendor_lot=next((r.vendor_lot for r in lines if r.vendor_lot), the_lot.vendor_lot),
        receipts=lines, received=sum((r.quantity for r in lines), ZERO), on_hand=own.on_hand,
        consumed=own.consumed, shipped=own.shipped, returned=own.returned, downstream=downstream,
        customers=customers, returns=returns,
        scars=_scars(session, SupplierAction.lot_id == lot_id), genealogy=g)


def next_scar_code(session: Session, at: datetime) -> str:
    """``SCAR-YYYY-NNNN``, numbered per year in the order issued."""
    prefix = f"SCAR-{at:%Y}-"
    codes = session.execute(
        select(SupplierAction.code).where(SupplierAction.code.like(f"{prefix}%"))
    ).scalars().all()
    numbers = [int(c[len(prefix):]) for c in codes if c[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def issue_scar(session: Session, lot: LotRef | int, problem: str, due: date | datetime | None = None,
               issued_at: datetime | None = None) -> str:
    """Record a SCAR to the lot's vendor and return its code (the caller commits).

    ``due``: the vendor's response date (default ``DEFAULT_RESPONSE_DAYS`` days after issue).
    """
    lot_id = _lot_id(lot)
    problem = (problem or "").strip()
    if not problem:
        raise WorkbenchError("Describe the defect found (the problem) for the SCAR.")
    receipt = session.execute(
        select(Receipt.vendor_id).where(Receipt.lot_id == lot_id).order_by(Receipt.received_at)
    ).first()
    if receipt is None:
        ref = lot_refs(session, [lot_id]).get(lot_id)
        if ref is None:
            raise NotFound(f"No lot has the id {lot_id}.")
        raise WorkbenchError(f"Lot {ref.label} was not received from a vendor; "
                             "a supplier corrective action needs a purchased lot.")
    issued = issued_at or _now()
    due_at = response_due(issued, due)
    if due_at < issued:
        raise WorkbenchError(f"The response due date {due_at:%Y-%m-%d} is before the issue date.")
    code = next_scar_code(session, issued)
    session.add(SupplierAction(code=code, vendor_id=receipt.vendor_id, lot_id=lot_id, issued_at=issued,
                               due_at=due_at, problem=problem, status="open"))
    session.flush()
    return code


def response_due(issued: datetime, due: date | datetime | None) -> datetime:
    """The due date-time: end of the given day, or ``DEFAULT_RESPONSE_DAYS`` after issue."""
    if due is None:
        return datetime.combine((issued + timedelta(days=DEFAULT_RESPONSE_DAYS)).date(), time(23, 59))
    if isinstance(due, datetime):
        return due
    return datetime.combine(due, time(23, 59))


# --- vendor quality ----------------------------------------------------------------------


@dataclass(frozen=True)
class VendorReceipt:
    code: str
    received_at: datetime
    po: str | None
    lot: LotRef
    item_name: str | None
    vendor_lot: str | None
    quantity: Decimal
    unit: str
    #: Customer returns traced to this lot (of the lot or anything made from it).
    returns: int
    scars: int

    @property
    def implicated(self) -> bool:
        return self.returns > 0 or self.scars > 0


@dataclass(frozen=True)
class MonthPoint:
    month: date
    receipts: int
    implicated: int
    returns: int
    scars: int


@dataclass
class VendorQuality:
    vendor: VendorInfo
    receipts: list[VendorReceipt]
    returns: list[dict[str, Any]]
    monthly: list[MonthPoint]
    scars: list[ScarRecord] = field(default_factory=list)

    @property
    def lots(self) -> int:
        return len({r.lot for r in self.receipts})

    @property
    def implicated_lots(self) -> list[LotRef]:
        return sorted({r.lot for r in self.receipts if r.implicated}, key=lambda r: r.label)

    @property
    def open_scars(self) -> list[ScarRecord]:
        return [s for s in self.scars if s.status == "open"]

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "vendor": vars(self.vendor), "lots": self.lots, "receipts": [
                {"code": r.code, "received_at": r.received_at, "po": r.po, "item": r.lot.item, "lot": r.lot.lot,
                 "vendor_lot": r.vendor_lot, "quantity": r.quantity, "unit": r.unit, "returns": r.returns,
                 "scars": r.scars, "implicated": r.implicated} for r in self.receipts],
            "implicated_lots": [r.label for r in self.implicated_lots],
            "returns": self.returns,
            "monthly": [vars(m) for m in self.monthly],
            "scars": [_scar_json(s) for s in self.scars],
            "open_scars": [s.code for s in self.open_scars],
        })


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
    returns: list[dict[str, Any]] = []
    returns_of: dict[int, int] = defaultdict(int)
    for chunk in _chunks(source_of):
        for rma, received_at, lot_id, qty, reason, customer in session.execute(
            select(Return.rma, Return.received_at, Return.lot_id, Return.quantity, Return.reason, Customer.code)
            .join(Customer, Customer.id == Return.customer_id).where(Return.lot_id.in_(chunk))
        ):
            sources = sorted(source_of[lot_id])
            for s in sources:
                returns_of[s] += 1
            returns.append({"rma": rma, "received_at": received_at, "customer": customer, "lot_id": lot_id,
                            "quantity": qty, "reason": reason,
                            "from_lots": [refs[s].label for s in sources]})
    returned_refs = lot_refs(session, {r["lot_id"] for r in returns})
    for r in returns:
        r["lot"] = returned_refs[r.pop("lot_id")].label
    returns.sort(key=lambda r: (r["received_at"], r["rma"], r["lot"]))
    scars = _scars(session, SupplierAction.vendor_id == vendor.id)
    scars_of: dict[int, int] = defaultdict(int)
    for s in scars:
        scars_of[s.lot.id] += 1
    receipts = [VendorReceipt(r.code, r.received_at, r.po, refs[r.lot_id], r.name, r.vendor_lot or r.lot_vendor_lot,
                              r.quantity, r.unit, returns_of.get(r.lot_id, 0), scars_of.get(r.lot_id, 0))
                for r in rows]

    stamps = [r.received_at for r in receipts] + [r["received_at"] for r in returns] + [s.issued_at for s in scars]
    monthly: list[MonthPoint] = []
    if stamps:
        counts: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for r in receipts:
            counts[_month(r.received_at)][0] += 1
            counts[_month(r.received_at)][1] += r.implicated
        for r in returns:
            counts[_month(r["received_at"])][2] += 1
        for s in scars:
            counts[_month(s.issued_at)][3] += 1
        monthly = [MonthPoint(m, *counts.get(m, [0, 0, 0, 0]))
                   for m in _months(_month(min(stamps)), _month(max(stamps)))]
    return VendorQuality(_vendor_info(vendor), receipts, returns, monthly, scars)


def vendors(session: Session) -> list[tuple[str, str | None, int]]:
    """Every vendor with its number of receipt lines (for pickers)."""
    rows = session.execute(
        select(Vendor.code, Vendor.name, func.count(Receipt.id))
        .join(Receipt, Receipt.vendor_id == Vendor.id, isouter=True).group_by(Vendor.code, Vendor.name)
        .order_by(Vendor.code)
    ).all()
    return [(c, n, k) for c, n, k in rows]


__all__ = [
    "DEFAULT_RESPONSE_DAYS", "AffectedCustomer", "DownstreamLot", "MonthPoint", "ReceiptLine", "ScarFacts",
    "ScarRecord", "VendorInfo", "VendorQuality", "VendorReceipt", "issue_scar", "next_scar_code",
    "response_due", "scar_facts", "vendor_quality", "vendors",
]
