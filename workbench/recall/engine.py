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

Quantities are exact ``Decimal``. Everything returned is the plain records of
``workbench.recall.records``, safe to hand to another thread; the package of files is
written by ``workbench.reports.package`` from them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.facts import ItemFacts, LotRef, NodeId, PartyFacts, ReceiptLine, ReturnLine, ShipmentLine
from workbench.plant import (
    Consumption,
    Container,
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
from workbench.plant.keydata import key_data
from workbench.plant.query import among, chunks
from workbench.plant.sites import in_transit, places, site_stock
from workbench.plant.stock import lot_balances
from workbench.progress import ProgressFn, report
from workbench.recall.records import (
    AffectedLot,
    CustomerRecall,
    Recall,
    RecallTotals,
    ReconciliationRow,
    Transformation,
    TransformationLine,
    hold_list,
    reconcile,
)
from workbench.trace.genealogy import trace

ZERO = Decimal(0)
#: (item, lot, item name, unit) of each affected lot, by id.
LotInfo = dict[int, tuple[str, str, str | None, str]]


def _items(session: Session, codes: Iterable[str]) -> dict[str, ItemFacts]:
    stmt = select(Item.code, Item.name, Item.kind, Item.unit, Item.gtin, Item.shelf_life_days)
    out = {}
    for chunk in chunks(codes):
        for r in session.execute(stmt.where(among(Item.code, chunk, session))):
            out[r.code] = ItemFacts(*r)
    return out


def _recorded(session: Session, lot_ids: set[int]) -> dict[int, Decimal]:
    """What receipt lines and order outputs record for each lot."""
    out: dict[int, Decimal] = defaultdict(Decimal)
    for chunk in chunks(lot_ids):
        for model, creating in ((Receipt, Receipt.shipment_id.is_(None)), (Output, true())):
            # A receipt that names a shipment line is an arrival of the same lot, not its making.
            for lot_id, total in session.execute(
                select(model.lot_id, func.sum(model.quantity)).where(among(model.lot_id, chunk, session), creating)
                .group_by(model.lot_id)
            ):
                out[lot_id] += total or ZERO
    return dict(out)


def _shipment_lines(session: Session, lot_ids: set[int], info: LotInfo) -> list[CustomerRecall]:
    """Customers with their shipment lines of the given lots."""
    parties: dict[str, PartyFacts] = {}
    lines: dict[str, list[ShipmentLine]] = defaultdict(list)
    stmt = (select(Shipment.code, Shipment.shipped_at, Shipment.order_ref, Shipment.lot_id, Shipment.quantity,
                   Customer.code.label("ccode"), Customer.name, Customer.contact, Customer.email,
                   Customer.phone, Customer.address, Shipment.ship_from_id, Shipment.ship_to_id,
                   Container.code.label("box"))
            .join(Customer, Customer.id == Shipment.customer_id)
            .outerjoin(Container, Container.id == Shipment.container_id))
    rows: list[Any] = []
    for chunk in chunks(lot_ids):
        rows += session.execute(stmt.where(among(Shipment.lot_id, chunk, session))).all()
    named = places(session, [r.ship_from_id for r in rows] + [r.ship_to_id for r in rows])
    for r in rows:
        item, lot, item_name, unit = info[r.lot_id]
        party = parties.setdefault(r.ccode, PartyFacts(r.ccode, r.name, r.contact, r.email, r.phone, r.address))
        lines[r.ccode].append(ShipmentLine(r.code, r.shipped_at, r.order_ref, r.ccode, party.name, item,
                                           item_name, lot, r.lot_id, r.quantity, unit, named.get(r.ship_from_id),
                                           named.get(r.ship_to_id), r.box))
    customers = []
    for code, party in parties.items():
        ordered = sorted(lines[code], key=lambda ln: (ln.shipped_at, ln.shipment, ln.item, ln.lot))
        customers.append(CustomerRecall(party, lines=tuple(ordered)))
    return customers


def _transformations(session: Session, lot_ids: set[int]) -> list[Transformation]:
    """Every order that consumed an affected lot, with all its inputs and outputs."""
    order_ids: set[int] = set()
    for chunk in chunks(lot_ids):
        order_ids.update(session.execute(
            select(Consumption.order_id).where(among(Consumption.lot_id, chunk, session)).distinct()).scalars())
    inputs: dict[int, list[TransformationLine]] = defaultdict(list)
    outputs: dict[int, list[TransformationLine]] = defaultdict(list)
    orders: list[Any] = []
    for chunk in chunks(order_ids):
        for r in session.execute(
            select(Consumption.order_id, Consumption.lot_id, Item.code, Item.name, Lot.code.label("lot"),
                   Item.unit, func.sum(Consumption.quantity).label("qty"))
            .join(Lot, Lot.id == Consumption.lot_id).join(Item, Item.id == Lot.item_id)
            .where(among(Consumption.order_id, chunk, session))
            .group_by(Consumption.order_id, Consumption.lot_id, Item.code, Item.name, Lot.code, Item.unit)
        ):
            inputs[r.order_id].append(TransformationLine(r.code, r.name, r.lot, r.qty, r.unit, r.lot_id in lot_ids))
        for o in session.execute(
            select(Output.order_id, Output.lot_id, Output.quantity, Item.code, Item.name, Item.unit,
                   Lot.code.label("lot"))
            .join(Lot, Lot.id == Output.lot_id).join(Item, Item.id == Lot.item_id)
            .where(among(Output.order_id, chunk, session))
        ):
            outputs[o.order_id].append(TransformationLine(o.code, o.name, o.lot, o.quantity, o.unit,
                                                          o.lot_id in lot_ids))
        orders += session.execute(
            select(ProductionOrder.id, ProductionOrder.code, ProductionOrder.started_at,
                   ProductionOrder.finished_at, Item.code.label("item"), Item.name, ProductionOrder.location_id)
            .join(Item, Item.id == ProductionOrder.item_id).where(among(ProductionOrder.id, chunk, session))
        ).all()
    out = []
    named = places(session, [r.location_id for r in orders])
    for r in orders:
        key = lambda ln: (not ln.affected, ln.item, ln.lot)
        out.append(Transformation(r.code, r.item, r.name, r.started_at, r.finished_at,
                                  tuple(sorted(inputs[r.id], key=key)), tuple(sorted(outputs[r.id], key=key)),
                                  named.get(r.location_id)))
    out.sort(key=lambda t: (t.finished_at or t.started_at or datetime.min, t.order))
    return out


def _receipts(session: Session, lot_ids: set[int], info: LotInfo,
              parties: dict[NodeId, PartyFacts]) -> list[ReceiptLine]:
    """Receipt lines of the given lots; their vendors go into ``parties``."""
    out = []
    stmt = (select(Receipt.code, Receipt.received_at, Receipt.po, Receipt.lot_id, Receipt.vendor_lot,
                   Receipt.quantity, Vendor.code.label("vcode"), Vendor.name, Vendor.contact, Vendor.email,
                   Vendor.phone, Vendor.address, Receipt.location_id, Receipt.ship_from_id,
                   Lot.tlc_source_id, Lot.tlc_source_ref)
            .join(Vendor, Vendor.id == Receipt.vendor_id).join(Lot, Lot.id == Receipt.lot_id))
    rows: list[Any] = []
    for chunk in chunks(lot_ids):
        rows += session.execute(stmt.where(among(Receipt.lot_id, chunk, session))).all()
    named = places(session, [x for r in rows for x in (r.location_id, r.ship_from_id, r.tlc_source_id)])
    for r in rows:
        item, lot, _, unit = info[r.lot_id]
        parties.setdefault(NodeId.of("vendor", r.vcode),
                           PartyFacts(r.vcode, r.name, r.contact, r.email, r.phone, r.address))
        out.append(ReceiptLine(r.code, r.received_at, r.po, r.vcode, r.name, item, lot, r.lot_id,
                               r.vendor_lot, r.quantity, unit, named.get(r.location_id), named.get(r.ship_from_id),
                               named.get(r.tlc_source_id), r.tlc_source_ref))
    return sorted(out, key=lambda x: (x.received_at, x.receipt, x.item, x.lot))


def _returns(session: Session, lot_ids: set[int], info: LotInfo,
             parties: dict[NodeId, PartyFacts]) -> list[ReturnLine]:
    """Return lines of the given lots; their customers go into ``parties``."""
    out = []
    stmt = (select(Return.rma, Return.received_at, Return.lot_id, Return.quantity, Return.reason,
                   Customer.code.label("ccode"), Customer.name, Customer.contact, Customer.email,
                   Customer.phone, Customer.address)
            .join(Customer, Customer.id == Return.customer_id))
    for chunk in chunks(lot_ids):
        for r in session.execute(stmt.where(among(Return.lot_id, chunk, session))):
            item, lot, _, unit = info[r.lot_id]
            parties.setdefault(NodeId.of("customer", r.ccode),
                               PartyFacts(r.ccode, r.name, r.contact, r.email, r.phone, r.address))
            out.append(ReturnLine(r.rma, r.received_at, r.ccode, r.name, item, lot, r.lot_id, r.quantity,
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


def recall(session: Session, roots: Sequence[LotRef], reason: str | None = None, progress: ProgressFn | None = None,
           now: datetime | None = None) -> Recall:
    """The recall of ``roots`` (one or more suspect lots): affected lots, customers, balance."""
    roots = list(dict.fromkeys(roots))
    if not roots:
        raise WorkbenchError("A recall needs at least one suspect lot.")
    report(progress, 0.05, "Tracing forward")
    g = trace(session, roots, "forward")
    lot_facts = {f.lot_id: f for f in g.lot_facts()}
    ids = set(lot_facts)
    report(progress, 0.35, "Balancing lots")
    balances = lot_balances(session, ids)
    affected = [AffectedLot(balances[i], f.item_name, f.depth, f.created_at, f.expires_at, f.vendor_lot)
                for i, f in lot_facts.items()]
    affected.sort(key=lambda a: (a.depth, a.kind, a.item, a.lot))
    info = {a.lot_id: (a.item, a.lot, a.item_name, a.unit) for a in affected}
    report(progress, 0.5, "Finding customers")
    customers = _shipment_lines(session, ids, info)
    customers.sort(key=lambda c: (-sum(c.quantities().values()), c.customer))
    report(progress, 0.65, "Reconciling")
    reconciliation = reconcile(affected, _recorded(session, ids))
    report(progress, 0.75, "Collecting events")
    transformations = _transformations(session, ids)
    parties = {NodeId.of("customer", c.customer): c.party for c in customers}
    receipts = _receipts(session, ids, info, parties)
    returns = _returns(session, ids, info, parties)
    codes = {a.item for a in affected} | {ln.item for t in transformations for ln in (*t.inputs, *t.outputs)}
    items = _items(session, codes)
    hold = hold_list(affected)
    report(progress, 0.8, "Stock per site and shipments in transit")
    sites = [s for s in site_stock(session, ids) if s.on_hand != 0]
    transit = in_transit(session, ids)
    totals = _totals(g.roots, affected, hold, customers, transformations, reconciliation)
    report(progress, 1.0, "Recall ready")
    created = now or datetime.now(UTC).replace(tzinfo=None)
    return Recall(roots=g.roots, reason=reason, created_at=created, genealogy=g, affected=affected,
                  customers=customers, reconciliation=reconciliation, transformations=transformations,
                  receipts=receipts, returns=returns, items=items, totals=totals, hold=hold, parties=parties,
                  sites=sites, in_transit=transit, key_data=key_data(session, ids))


