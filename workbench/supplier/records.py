"""What a supplier corrective-action request and a vendor's quality history hold, as plain
data (no database code: the SCAR report renders these)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from workbench.facts import Genealogy, LotRef, PartyFacts, ReceiptLine, ReturnLine
from workbench.jsonutil import json_object
from workbench.recall.records import AffectedLot, CustomerRecall

#: Days the vendor has to answer D4-D8 unless the engineer chooses otherwise.
DEFAULT_RESPONSE_DAYS = 14


def now() -> datetime:
    """Naive UTC, to the second, as the plant stores times."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


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
        return self.status == "open" and self.due_at is not None and self.due_at < now()

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "vendor": self.vendor, "item": self.lot.item, "lot": self.lot.lot,
                "issued_at": self.issued_at, "due_at": self.due_at, "problem": self.problem,
                "status": self.status, "overdue": self.overdue}


@dataclass
class ScarFacts:
    """D2 and D3 of an 8D request for one purchased lot: plain data.

    ``downstream`` and ``customers`` are the recall's own answer for the lot (its forward
    reach), so a SCAR and a recall of the same lot can never disagree.
    """

    lot: LotRef
    item_name: str | None
    unit: str
    vendor: PartyFacts
    vendor_lot: str | None
    receipts: list[ReceiptLine]
    received: Decimal
    on_hand: Decimal
    consumed: Decimal
    shipped: Decimal
    returned: Decimal
    downstream: list[AffectedLot]
    customers: list[CustomerRecall]
    returns: list[ReturnLine]
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
            if d.kind == "product":
                counts[(d.item, d.item_name)] += 1
        return [(item, name, n) for (item, name), n in sorted(counts.items())]

    def default_problem(self) -> str | None:
        """A problem statement from the customer return reasons traced to the lot, if any."""
        reasons = list(dict.fromkeys(r.reason for r in self.returns if r.reason))
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
        return json_object({
            "lot": {"item": self.lot.item, "lot": self.lot.lot, "item_name": self.item_name, "unit": self.unit},
            "vendor": vars(self.vendor), "vendor_lot": self.vendor_lot, "po": self.po,
            "receipts": [{"code": r.receipt, "received_at": r.received_at, "po": r.po, "vendor_lot": r.vendor_lot,
                          "quantity": r.quantity} for r in self.receipts],
            "received": self.received, "on_hand": self.on_hand,
            "consumed": self.consumed, "shipped": self.shipped, "returned": self.returned,
            "downstream": [{"item": d.item, "lot": d.lot, "kind": d.kind, "depth": d.depth,
                            "made": d.balance.made, "on_hand": d.on_hand, "unit": d.unit} for d in self.downstream],
            "products": [{"item": i, "name": n, "lots": k} for i, n, k in self.products],
            "customers": [{"code": c.customer, "name": c.name, "shipments": c.shipment_count, "lots": len(c.lots()),
                           "quantity": c.quantities()} for c in self.customers],
            "returns": [r.to_json() for r in self.returns],
            "scars": [s.to_json() for s in self.scars],
        })


@dataclass(frozen=True)
class VendorReceipt:
    """A receipt line of the vendor's, with what was later traced to its lot."""

    line: ReceiptLine
    item_name: str | None
    #: Customer returns traced to this lot (of the lot or anything made from it).
    returns: int
    scars: int

    @property
    def lot(self) -> LotRef:
        return self.line.ref

    @property
    def implicated(self) -> bool:
        return self.returns > 0 or self.scars > 0


@dataclass(frozen=True)
class TracedReturn:
    """A customer return of a lot made from (or being) one of the vendor's lots."""

    line: ReturnLine
    #: The vendor's lots it was traced to ("ITEM/LOT").
    from_lots: tuple[str, ...]
    #: What caused it (``workbench.supplier.causes``) and whether that is the vendor's lot.
    cause: str = "unknown"
    vendor_attributable: bool = True
    why: str = ""

    def to_json(self) -> dict[str, Any]:
        r = self.line
        return json_object({"rma": r.rma, "received_at": r.received_at, "customer": r.customer, "quantity": r.quantity,
                         "reason": r.reason, "from_lots": list(self.from_lots), "lot": r.ref.label,
                         "cause": self.cause, "vendor_attributable": self.vendor_attributable, "why": self.why})


@dataclass(frozen=True)
class MonthPoint:
    month: date
    receipts: int
    implicated: int
    returns: int
    scars: int


@dataclass
class VendorQuality:
    vendor: PartyFacts
    receipts: list[VendorReceipt]
    returns: list[TracedReturn]
    monthly: list[MonthPoint]
    #: SCARs that count against the vendor (all but those closed as not the vendor's cause).
    scars: list[ScarRecord] = field(default_factory=list)
    #: Returns traced to its lots whose cause is not the vendor's (transit, picking, our process…).
    excluded: list[TracedReturn] = field(default_factory=list)
    #: SCARs closed as not the vendor's cause.
    cleared_scars: list[ScarRecord] = field(default_factory=list)

    @property
    def lots(self) -> int:
        return len({r.lot for r in self.receipts})

    @property
    def implicated_lots(self) -> list[LotRef]:
        return sorted({r.lot for r in self.receipts if r.implicated}, key=lambda r: r.label)

    @property
    def open_scars(self) -> list[ScarRecord]:
        return [s for s in self.scars if s.status != "closed"]

    def to_json(self) -> dict[str, Any]:
        return json_object({
            "vendor": vars(self.vendor), "lots": self.lots, "receipts": [
                {"code": r.line.receipt, "received_at": r.line.received_at, "po": r.line.po, "item": r.lot.item,
                 "lot": r.lot.lot, "vendor_lot": r.line.vendor_lot, "quantity": r.line.quantity, "unit": r.line.unit,
                 "returns": r.returns, "scars": r.scars, "implicated": r.implicated} for r in self.receipts],
            "implicated_lots": [r.label for r in self.implicated_lots],
            "returns": [r.to_json() for r in self.returns],
            "monthly": [vars(m) for m in self.monthly],
            "scars": [s.to_json() for s in self.scars],
            "open_scars": [s.code for s in self.open_scars],
            "excluded_returns": [r.to_json() for r in self.excluded],
            "cleared_scars": [s.code for s in self.cleared_scars],
        })
