"""The recall: from suspect lots to every affected lot, every customer, and a mass balance.

``recall(session, roots)`` walks the genealogy forward from the suspect lots (a vendor
lot, an intermediate, a product lot; several at once) and gathers, set-wise:

* every **affected lot** with its balance (made or received, consumed, shipped,
  returned, ``on_hand = made + returned - consumed - shipped``);
* the **hold list**: affected lots with stock still on hand (put them on hold);
* every **customer** who received an affected lot, with every shipment line;
* the **reconciliation** (mass balance) of each affected lot: where every unit went and
  what is unaccounted for, flagged; and, per production order that used an affected lot,
  an input/output view (see ``Transformation``);
* the receiving, transformation and shipping events of the trace (for FSMA 204), and
  customer returns of affected lots.

Quantities are exact ``Decimal``. Everything returned is plain dataclasses, safe to hand
to another thread. ``write_recall_package`` writes the recall package (JSON, CSV, Excel,
letters, FSMA 204 spreadsheet, summary) atomically.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.jsonutil import dumps, jsonable
from workbench.plant import (
    Consumption,
    Customer,
    Item,
    Lot,
    Output,
    ProductionOrder,
    Receipt,
    Return,
    Shipment,
    Vendor,
)
from workbench.plant.stock import LotBalance, lot_balances
from workbench.progress import report
from workbench.trace.genealogy import Genealogy, trace

CHUNK = 10000
ZERO = Decimal(0)


# --- what a recall holds ---------------------------------------------------------------


@dataclass(frozen=True)
class ItemInfo:
    code: str
    name: str | None
    kind: str
    unit: str
    gtin: str | None


@dataclass(frozen=True)
class AffectedLot:
    """A lot downstream of (or among) the suspect lots, with where its quantity went."""

    balance: LotBalance
    item_name: str | None
    depth: int  # 0 for a suspect lot, n for n lot-to-lot steps downstream
    created_at: datetime | None
    expires_at: datetime | None
    vendor_lot: str | None

    @property
    def lot_id(self) -> int:
        return self.balance.lot_id

    @property
    def item(self) -> str:
        return self.balance.item

    @property
    def lot(self) -> str:
        return self.balance.lot

    @property
    def kind(self) -> str:
        return self.balance.kind

    @property
    def unit(self) -> str:
        return self.balance.unit

    @property
    def on_hand(self) -> Decimal:
        return self.balance.on_hand

    @property
    def label(self) -> str:
        return f"{self.item}/{self.lot}"

    def to_json(self) -> dict[str, Any]:
        b = self.balance
        return jsonable({
            "item": b.item, "item_name": self.item_name, "lot": b.lot, "kind": b.kind,
            "origin": b.origin, "depth": self.depth, "made": b.made, "consumed": b.consumed,
            "shipped": b.shipped, "returned": b.returned, "on_hand": b.on_hand, "unit": b.unit,
            "created_at": self.created_at, "expires_at": self.expires_at, "vendor_lot": self.vendor_lot,
        })


@dataclass(frozen=True)
class ShipmentLine:
    """One line of a shipment of an affected lot to a customer."""

    shipment: str
    shipped_at: datetime
    order_ref: str | None
    customer: str
    item: str
    item_name: str | None
    lot: str
    lot_id: int
    quantity: Decimal
    unit: str

    def to_json(self) -> dict[str, Any]:
        return jsonable({"shipment": self.shipment, "shipped_at": self.shipped_at, "order_ref": self.order_ref,
                         "item": self.item, "lot": self.lot, "quantity": self.quantity, "unit": self.unit})


@dataclass(frozen=True)
class CustomerRecall:
    """A customer who received affected lots, with every shipment line (oldest first)."""

    customer: str
    name: str | None
    contact: str | None
    email: str | None
    phone: str | None
    address: str | None
    lines: tuple[ShipmentLine, ...]

    def quantities(self) -> dict[str, Decimal]:
        """Quantity received per unit."""
        out: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.lines:
            out[line.unit] += line.quantity
        return dict(out)

    def lots(self) -> list[tuple[str, str]]:
        """The (item, lot) pairs this customer received, in order of first shipment."""
        return list(dict.fromkeys((line.item, line.lot) for line in self.lines))

    @property
    def display_name(self) -> str:
        return self.name or self.customer

    def to_json(self) -> dict[str, Any]:
        return {"customer": self.customer, "name": self.name, "contact": self.contact, "email": self.email,
                "phone": self.phone, "address": self.address,
                "shipments": [line.to_json() for line in self.lines]}


@dataclass(frozen=True)
class ReconciliationRow:
    """The mass balance of one affected lot.

    ``made + returned = consumed + shipped + on_hand``, with ``on_hand`` computed, always
    holds; what can go wrong is shown beside it:

    * ``unaccounted``: what left the lot beyond what it held (``LotBalance.unaccounted``;
      over-consumption or over-shipment; the computed on-hand went negative);
    * ``record_difference``: the lot's quantity minus what its receipt lines or order
      outputs record (positive: the lot says more than the documents; negative: fewer);
      ``None`` for opening stock, which has no document;
    * ``returned`` more than was ever ``shipped``.
    """

    item: str
    lot: str
    kind: str
    origin: str
    depth: int
    unit: str
    made: Decimal
    recorded: Decimal | None
    returned: Decimal
    consumed: Decimal
    shipped: Decimal
    on_hand: Decimal
    unaccounted: Decimal
    record_difference: Decimal
    findings: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    def to_json(self) -> dict[str, Any]:
        return jsonable({**{f: getattr(self, f) for f in RECONCILIATION_FIELDS}, "flagged": self.flagged,
                         "findings": list(self.findings)})


RECONCILIATION_FIELDS = ("item", "lot", "kind", "origin", "depth", "unit", "made", "recorded", "returned",
                         "consumed", "shipped", "on_hand", "unaccounted", "record_difference")


@dataclass(frozen=True)
class TransformationLine:
    item: str
    item_name: str | None
    lot: str
    quantity: Decimal
    unit: str
    affected: bool  # an input from (or an output that is) an affected lot


@dataclass(frozen=True)
class Transformation:
    """A production order that used an affected lot: all its inputs and outputs.

    Input/output view: ``affected_share(unit)`` is the part of the order's inputs in that
    unit that came from affected lots (e.g. 250 of 1,000 kg of dry ingredients), the
    exposure of every output lot. Inputs and outputs are not compared with each other,
    since a recipe changes units (kg of dough into cases of cookies).
    """

    order: str
    item: str
    item_name: str | None
    started_at: datetime | None
    finished_at: datetime | None
    inputs: tuple[TransformationLine, ...]
    outputs: tuple[TransformationLine, ...]

    def input_totals(self, affected_only: bool = False) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.inputs:
            if line.affected or not affected_only:
                out[line.unit] += line.quantity
        return dict(out)

    def output_totals(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.outputs:
            out[line.unit] += line.quantity
        return dict(out)

    def affected_share(self, unit: str) -> Decimal | None:
        total = self.input_totals().get(unit)
        if not total:
            return None
        return self.input_totals(affected_only=True).get(unit, ZERO) / total


@dataclass(frozen=True)
class ReceiptLine:
    receipt: str
    received_at: datetime
    po: str | None
    vendor: str
    vendor_name: str | None
    vendor_address: str | None
    item: str
    lot: str
    vendor_lot: str | None
    quantity: Decimal
    unit: str


@dataclass(frozen=True)
class ReturnLine:
    rma: str
    received_at: datetime
    customer: str
    customer_name: str | None
    customer_address: str | None
    item: str
    lot: str
    quantity: Decimal
    unit: str
    reason: str | None


@dataclass(frozen=True)
class RecallTotals:
    """Counts and quantities (per unit) of a recall, and the practitioners' check.

    *Amount in question* is what the suspect lots held (made or received, plus returns);
    *amount found* is what the records place: consumed into traced orders, shipped to
    named customers, or still on hand. 100 % found is a clean trace; more than 100 %
    means more left the suspect lots than they held.
    """

    roots: int
    affected_lots: int
    lots_by_kind: dict[str, int]
    lots_on_hold: int
    on_hold: dict[str, Decimal]
    customers: int
    shipments: int
    shipment_lines: int
    shipped: dict[str, Decimal]
    transformations: int
    flagged: int
    in_question: dict[str, Decimal]
    found: dict[str, Decimal]

    def found_percent(self) -> dict[str, Decimal]:
        return {u: (self.found.get(u, ZERO) * 100 / q).quantize(Decimal("0.1"))
                for u, q in self.in_question.items() if q}

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "roots": self.roots, "affected_lots": self.affected_lots, "lots_by_kind": self.lots_by_kind,
            "lots_on_hold": self.lots_on_hold, "on_hold": self.on_hold, "customers": self.customers,
            "shipments": self.shipments, "shipment_lines": self.shipment_lines, "shipped": self.shipped,
            "transformations": self.transformations, "flagged": self.flagged,
            "amount_in_question": self.in_question, "amount_found": self.found,
            "percent_found": self.found_percent(),
        })


@dataclass
class Recall:
    """Everything a recall needs, as plain data."""

    roots: list[LotRef]
    reason: str | None
    created_at: datetime
    genealogy: Genealogy
    affected: list[AffectedLot]
    customers: list[CustomerRecall]
    reconciliation: list[ReconciliationRow]
    transformations: list[Transformation]
    receipts: list[ReceiptLine]
    returns: list[ReturnLine]
    items: dict[str, ItemInfo]
    totals: RecallTotals
    hold: list[AffectedLot] = field(default_factory=list)

    @property
    def reference(self) -> str:
        """A short reference for letters and files: RC-YYYYMMDD-LOT."""
        first = self.roots[0].lot if self.roots else "NONE"
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in first)
        return f"RC-{self.created_at:%Y%m%d}-{safe}"

    @property
    def lines(self) -> list[ShipmentLine]:
        return [line for c in self.customers for line in c.lines]

    def gtin_of(self, item: str) -> str | None:
        info = self.items.get(item)
        return info.gtin if info else None

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "created_at": jsonable(self.created_at),
            "reason": self.reason,
            "roots": [{"item": r.item, "lot": r.lot} for r in self.roots],
            "affected_lots": [a.to_json() for a in self.affected],
            "hold_list": [{"item": a.item, "lot": a.lot, "on_hand": jsonable(a.on_hand), "unit": a.unit}
                          for a in self.hold],
            "customers": [c.to_json() for c in self.customers],
            "reconciliation": [r.to_json() for r in self.reconciliation],
            "totals": self.totals.to_json(),
        }


# --- building it -----------------------------------------------------------------------


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def hold_list(affected: Iterable[AffectedLot]) -> list[AffectedLot]:
    """The affected lots with stock still on hand: put them on hold (most stock first)."""
    return sorted((a for a in affected if a.on_hand > 0), key=lambda a: (-a.on_hand, a.item, a.lot))


def reconcile(affected: Iterable[AffectedLot], recorded: dict[int, Decimal] | None = None) -> list[ReconciliationRow]:
    """The mass balance of each lot, flagged where units are unaccounted for.

    ``recorded``: per lot id, the quantity its receipt lines or order outputs record (lots
    of origin ``opening`` have none). Flagged rows come first, then by depth, item, lot.
    """
    recorded = recorded or {}
    rows = []
    for a in affected:
        b = a.balance
        rec = recorded.get(b.lot_id) if b.origin != "opening" else None
        if rec is None and b.origin != "opening":
            rec = ZERO  # a received or produced lot with no document at all
        difference = ZERO if rec is None else b.made - rec
        findings = []
        if b.unaccounted:
            findings.append(f"{_q(b.unaccounted)} {b.unit} more left the lot than it held")
        if difference:
            what = "receipt lines" if b.origin == "receipt" else "order outputs"
            findings.append(f"lot quantity differs from its {what} by {_q(difference)} {b.unit}")
        if b.returned > b.shipped:
            findings.append(f"{_q(b.returned - b.shipped)} {b.unit} more returned than shipped")
        rows.append(ReconciliationRow(
            item=b.item, lot=b.lot, kind=b.kind, origin=b.origin, depth=a.depth, unit=b.unit, made=b.made,
            recorded=rec, returned=b.returned, consumed=b.consumed, shipped=b.shipped, on_hand=b.on_hand,
            unaccounted=b.unaccounted, record_difference=difference, findings=tuple(findings)))
    rows.sort(key=lambda r: (not r.flagged, r.depth, r.item, r.lot))
    return rows


def _q(value: Decimal) -> str:
    d = value.normalize()
    return f"{d:,f}" if d != d.to_integral_value() else f"{int(d):,}"


def _items(session: Session, codes: Iterable[str]) -> dict[str, ItemInfo]:
    codes = sorted(set(codes))
    out = {}
    for start in range(0, len(codes), CHUNK):
        for r in session.execute(select(Item.code, Item.name, Item.kind, Item.unit, Item.gtin)
                                 .where(Item.code.in_(codes[start : start + CHUNK]))):
            out[r.code] = ItemInfo(*r)
    return out


def _recorded(session: Session, lot_ids: set[int]) -> dict[int, Decimal]:
    """What receipt lines and order outputs record for each lot."""
    out: dict[int, Decimal] = defaultdict(Decimal)
    for chunk in _chunks(lot_ids):
        for model in (Receipt, Output):
            for lot_id, total in session.execute(
                select(model.lot_id, func.sum(model.quantity)).where(model.lot_id.in_(chunk)).group_by(model.lot_id)
            ):
                out[lot_id] += total or ZERO
    return dict(out)


def _shipment_lines(session: Session, lot_ids: set[int], info: dict[int, tuple[str, str, str | None, str]]):
    """Customers with their shipment lines of the given lots."""
    parties: dict[str, tuple] = {}
    lines: dict[str, list[ShipmentLine]] = defaultdict(list)
    for chunk in _chunks(lot_ids):
        for r in session.execute(
            select(Shipment.code, Shipment.shipped_at, Shipment.order_ref, Shipment.lot_id, Shipment.quantity,
                   Customer.code.label("ccode"), Customer.name, Customer.contact, Customer.email,
                   Customer.phone, Customer.address)
            .join(Customer, Customer.id == Shipment.customer_id).where(Shipment.lot_id.in_(chunk))
        ):
            item, lot, item_name, unit = info[r.lot_id]
            parties[r.ccode] = (r.name, r.contact, r.email, r.phone, r.address)
            lines[r.ccode].append(ShipmentLine(r.code, r.shipped_at, r.order_ref, r.ccode, item, item_name, lot,
                                               r.lot_id, r.quantity, unit))
    customers = []
    for code, party in parties.items():
        ordered = sorted(lines[code], key=lambda ln: (ln.shipped_at, ln.shipment, ln.item, ln.lot))
        customers.append(CustomerRecall(code, *party, lines=tuple(ordered)))
    return customers


def _transformations(session: Session, lot_ids: set[int]) -> list[Transformation]:
    """Every order that consumed an affected lot, with all its inputs and outputs."""
    order_ids: set[int] = set()
    for chunk in _chunks(lot_ids):
        order_ids.update(session.execute(
            select(Consumption.order_id).where(Consumption.lot_id.in_(chunk)).distinct()).scalars())
    inputs: dict[int, list[TransformationLine]] = defaultdict(list)
    outputs: dict[int, list[TransformationLine]] = defaultdict(list)
    orders = []
    for chunk in _chunks(order_ids):
        for r in session.execute(
            select(Consumption.order_id, Consumption.lot_id, Item.code, Item.name, Lot.code.label("lot"),
                   Item.unit, func.sum(Consumption.quantity).label("qty"))
            .join(Lot, Lot.id == Consumption.lot_id).join(Item, Item.id == Lot.item_id)
            .where(Consumption.order_id.in_(chunk))
            .group_by(Consumption.order_id, Consumption.lot_id, Item.code, Item.name, Lot.code, Item.unit)
        ):
            inputs[r.order_id].append(TransformationLine(r.code, r.name, r.lot, r.qty, r.unit, r.lot_id in lot_ids))
        for r in session.execute(
            select(Output.order_id, Output.lot_id, Output.quantity, Item.code, Item.name, Item.unit,
                   Lot.code.label("lot"))
            .join(Lot, Lot.id == Output.lot_id).join(Item, Item.id == Lot.item_id)
            .where(Output.order_id.in_(chunk))
        ):
            outputs[r.order_id].append(TransformationLine(r.code, r.name, r.lot, r.quantity, r.unit,
                                                          r.lot_id in lot_ids))
        orders += session.execute(
            select(ProductionOrder.id, ProductionOrder.code, ProductionOrder.started_at,
                   ProductionOrder.finished_at, Item.code.label("item"), Item.name)
            .join(Item, Item.id == ProductionOrder.item_id).where(ProductionOrder.id.in_(chunk))
        ).all()
    out = []
    for r in orders:
        key = lambda ln: (not ln.affected, ln.item, ln.lot)
        out.append(Transformation(r.code, r.item, r.name, r.started_at, r.finished_at,
                                  tuple(sorted(inputs[r.id], key=key)), tuple(sorted(outputs[r.id], key=key))))
    out.sort(key=lambda t: (t.finished_at or t.started_at or datetime.min, t.order))
    return out


def _receipts(session: Session, lot_ids: set[int], info) -> list[ReceiptLine]:
    out = []
    for chunk in _chunks(lot_ids):
        for r in session.execute(
            select(Receipt.code, Receipt.received_at, Receipt.po, Receipt.lot_id, Receipt.vendor_lot,
                   Receipt.quantity, Vendor.code.label("vcode"), Vendor.name, Vendor.address)
            .join(Vendor, Vendor.id == Receipt.vendor_id).where(Receipt.lot_id.in_(chunk))
        ):
            item, lot, _, unit = info[r.lot_id]
            out.append(ReceiptLine(r.code, r.received_at, r.po, r.vcode, r.name, r.address, item, lot,
                                   r.vendor_lot, r.quantity, unit))
    return sorted(out, key=lambda x: (x.received_at, x.receipt, x.item, x.lot))


def _returns(session: Session, lot_ids: set[int], info) -> list[ReturnLine]:
    out = []
    for chunk in _chunks(lot_ids):
        for r in session.execute(
            select(Return.rma, Return.received_at, Return.lot_id, Return.quantity, Return.reason,
                   Customer.code.label("ccode"), Customer.name, Customer.address)
            .join(Customer, Customer.id == Return.customer_id).where(Return.lot_id.in_(chunk))
        ):
            item, lot, _, unit = info[r.lot_id]
            out.append(ReturnLine(r.rma, r.received_at, r.ccode, r.name, r.address, item, lot, r.quantity,
                                  unit, r.reason))
    return sorted(out, key=lambda x: (x.received_at, x.rma, x.item, x.lot))


def _add(into: dict[str, Decimal], unit: str, value: Decimal) -> None:
    into[unit] = into.get(unit, ZERO) + value


def _totals(roots: list[LotRef], affected: list[AffectedLot], hold: list[AffectedLot],
            customers: list[CustomerRecall], transformations: list[Transformation],
            reconciliation: list[ReconciliationRow]) -> RecallTotals:
    by_kind: dict[str, int] = defaultdict(int)
    on_hold: dict[str, Decimal] = {}
    in_question: dict[str, Decimal] = {}
    found: dict[str, Decimal] = {}
    root_ids = {r.id for r in roots}
    for a in affected:
        by_kind[a.kind] += 1
        if a.lot_id in root_ids:
            b = a.balance
            _add(in_question, b.unit, b.made + b.returned)
            _add(found, b.unit, b.consumed + b.shipped + max(b.on_hand, ZERO))
    for a in hold:
        _add(on_hold, a.unit, a.on_hand)
    shipped: dict[str, Decimal] = {}
    shipments = set()
    n_lines = 0
    for c in customers:
        for line in c.lines:
            _add(shipped, line.unit, line.quantity)
            shipments.add(line.shipment)
            n_lines += 1
    return RecallTotals(
        roots=len(roots), affected_lots=len(affected), lots_by_kind=dict(sorted(by_kind.items())),
        lots_on_hold=len(hold), on_hold=on_hold, customers=len(customers), shipments=len(shipments),
        shipment_lines=n_lines, shipped=shipped, transformations=len(transformations),
        flagged=sum(1 for r in reconciliation if r.flagged), in_question=in_question, found=found)


def recall(session: Session, roots: Sequence[LotRef], reason: str | None = None, progress=None,
           now: datetime | None = None) -> Recall:
    """The recall of ``roots`` (one or more suspect lots): affected lots, customers, balance."""
    roots = list(dict.fromkeys(roots))
    if not roots:
        raise WorkbenchError("A recall needs at least one suspect lot.")
    report(progress, 0.05, "Tracing forward")
    g = trace(session, roots, "forward")
    lot_nodes = {n.data["lot_id"]: n for n in g.lots()}
    ids = set(lot_nodes)
    report(progress, 0.35, "Balancing lots")
    balances = lot_balances(session, ids)
    affected = [
        AffectedLot(balances[i], n.data.get("item_name"), n.data["depth"], n.data.get("created_at"),
                    n.data.get("expires_at"), n.data.get("vendor_lot"))
        for i, n in lot_nodes.items()
    ]
    affected.sort(key=lambda a: (a.depth, a.kind, a.item, a.lot))
    info = {a.lot_id: (a.item, a.lot, a.item_name, a.unit) for a in affected}
    report(progress, 0.5, "Finding customers")
    customers = _shipment_lines(session, ids, info)
    customers.sort(key=lambda c: (-sum(c.quantities().values()), c.customer))
    report(progress, 0.65, "Reconciling")
    reconciliation = reconcile(affected, _recorded(session, ids))
    report(progress, 0.75, "Collecting events")
    transformations = _transformations(session, ids)
    receipts = _receipts(session, ids, info)
    returns = _returns(session, ids, info)
    codes = {a.item for a in affected} | {ln.item for t in transformations for ln in (*t.inputs, *t.outputs)}
    items = _items(session, codes)
    hold = hold_list(affected)
    totals = _totals(g.roots, affected, hold, customers, transformations, reconciliation)
    report(progress, 1.0, "Recall ready")
    created = now or datetime.now(UTC).replace(tzinfo=None)
    return Recall(roots=g.roots, reason=reason, created_at=created, genealogy=g, affected=affected,
                  customers=customers, reconciliation=reconciliation, transformations=transformations,
                  receipts=receipts, returns=returns, items=items, totals=totals, hold=hold)


def with_reason(r: Recall, reason: str | None) -> Recall:
    """The same recall with another stated reason (the letters quote it)."""
    return replace(r, reason=reason)


# --- the package -----------------------------------------------------------------------


def _csv(path: Path, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else _cell(v) for v in row])


def _cell(value) -> str:
    if isinstance(value, Decimal):
        return _plain(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)


def _plain(value: Decimal) -> str:
    d = value.normalize()
    return f"{d:f}" if d != d.to_integral_value() else str(int(d))


def write_reconciliation_csv(r: Recall, path: Path) -> None:
    """One row per affected lot: the mass balance and its findings."""
    header = [*RECONCILIATION_FIELDS, "flagged", "findings"]
    _csv(path, header, ([*(getattr(row, f) for f in RECONCILIATION_FIELDS), "yes" if row.flagged else "no",
                         "; ".join(row.findings)] for row in r.reconciliation))


def write_hold_list_csv(r: Recall, path: Path) -> None:
    """The lots to put on hold: everything affected with stock on hand."""
    _csv(path, ["item", "item_name", "lot", "kind", "on_hand", "unit", "made", "created_at", "expires_at"],
         ([a.item, a.item_name, a.lot, a.kind, a.on_hand, a.unit, a.balance.made, a.created_at, a.expires_at]
          for a in r.hold))


def _check_target(out_dir: Path, force: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise WorkbenchError(f"{out_dir} exists and is not a folder.")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise WorkbenchError(f"The folder {out_dir} is not empty; choose another or use --force to replace it.")


def write_file(name: str, r: Recall, path: Path, letterhead) -> None:
    """Write one file of the package by its name (module-level: worker processes call it)."""
    from workbench.reports.contacts import write_contacts_csv, write_contacts_xlsx
    from workbench.reports.fsma204 import write_fsma204
    from workbench.reports.recall_summary import write_summary

    writers: dict[str, Callable[[], Any]] = {
        "recall.json": lambda: path.write_text(dumps(r.to_json(), indent=1) + "\n", encoding="utf-8"),
        "hold-list.csv": lambda: write_hold_list_csv(r, path),
        "reconciliation.csv": lambda: write_reconciliation_csv(r, path),
        "contacts.csv": lambda: write_contacts_csv(r, path),
        "contacts.xlsx": lambda: write_contacts_xlsx(r, path),
        "fsma204.xlsx": lambda: write_fsma204(r, path, letterhead),
        "summary.pdf": lambda: write_summary(r, path, letterhead),
    }
    writers[name]()


#: Files written beside the letters; the spreadsheets go to worker processes when letters do.
FILES = ("recall.json", "hold-list.csv", "reconciliation.csv", "contacts.csv", "summary.pdf")
SPREADSHEETS = ("fsma204.xlsx", "contacts.xlsx")


def write_recall_package(r: Recall, out_dir: str | Path, letterhead=None, progress=None,
                         force: bool = False, parallel: bool | None = None) -> list[Path]:
    """Write the recall package into ``out_dir``; returns the files written.

    Everything is written into a temporary folder beside ``out_dir`` and renamed into
    place at the end, so a cancel or an error leaves nothing half-written. A non-empty
    existing ``out_dir`` is refused unless ``force`` (then it is replaced).

    With many customers (or ``parallel=True``) the letters and the two spreadsheets are
    made on worker processes, one per core, while this process writes the rest.
    """
    from workbench.reports import letters
    from workbench.settings import load_letterhead

    out_dir = Path(out_dir).resolve()
    _check_target(out_dir, force)
    letterhead = letterhead or load_letterhead()
    if parallel is None:
        parallel = len(r.customers) >= letters.PARALLEL_FROM and letters.workers() > 1
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the package is an ordinary folder
    pool = letters.process_pool() if parallel else None
    try:
        pending = [pool.apply_async(write_file, (name, r, tmp / name, letterhead)) for name in SPREADSHEETS] \
            if pool else []
        local = FILES if pool else (*FILES, *SPREADSHEETS)
        for i, name in enumerate(local):
            report(progress, 0.1 * i / len(local), f"Writing {name}")
            write_file(name, r, tmp / name, letterhead)

        def letters_progress(fraction: float, message: str | None = None) -> None:
            report(progress, 0.1 + 0.85 * fraction, message)

        letters.write_letters(r, letterhead, tmp, progress=letters_progress if progress else None, pool=pool)
        for job in pending:
            report(progress, 0.97, "Finishing the spreadsheets")
            job.get()
        report(progress, 1.0, "Finishing")
        if out_dir.exists():
            if not force and any(out_dir.iterdir()):
                raise WorkbenchError(f"The folder {out_dir} filled up while the package was written; "
                                     "nothing was replaced.")
            shutil.rmtree(out_dir)
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if pool is not None:
            pool.terminate()
    return sorted(p for p in out_dir.rglob("*") if p.is_file())
