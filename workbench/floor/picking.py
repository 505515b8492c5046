"""Pick lists: what to take for a production order's materials or a shipment, the lots the
rule proposes (with where and why), and what has been picked so far."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import NotFound, WorkbenchError
from workbench.facts import LotRef
from workbench.floor.codes import next_code
from workbench.floor.holds import _who
from workbench.floor.proposals import choose_lots, passed_over_text
from workbench.floor.receiving import Amount, find_item, positive
from workbench.floor.rules import home_site, pick_rules
from workbench.floor.stock import candidates
from workbench.plant import Customer, Item, Lot, ProductionOrder
from workbench.plant.floor_models import (
    LotPlace,
    Pick,
    PickLine,
    PickList,
    PickOverride,
    PickProposal,
    StoragePlace,
)

ZERO = Decimal(0)


@dataclass(frozen=True)
class ProposalView:
    lot: LotRef
    quantity: Decimal
    location: str | None
    expires_at: datetime | None
    why: str
    picked: Decimal = ZERO


@dataclass(frozen=True)
class PickView:
    lot: LotRef
    quantity: Decimal
    picked_by: str
    picked_at: datetime
    override_reason: str | None = None


@dataclass(frozen=True)
class LineView:
    id: int
    line_no: int
    item: str
    item_name: str | None
    unit: str
    quantity: Decimal
    rule: str
    proposals: list[ProposalView]
    picks: list[PickView]

    @property
    def picked(self) -> Decimal:
        return sum((p.quantity for p in self.picks), ZERO)

    @property
    def remaining(self) -> Decimal:
        return max(self.quantity - self.picked, ZERO)

    @property
    def proposed(self) -> Decimal:
        return sum((p.quantity for p in self.proposals), ZERO)

    @property
    def done(self) -> bool:
        return self.picked >= self.quantity


@dataclass(frozen=True)
class PickListView:
    id: int
    code: str
    purpose: str
    status: str
    site: str
    created_at: datetime
    created_by: str
    order: str | None = None
    product: str | None = None
    customer: str | None = None
    shipment: str | None = None
    order_ref: str | None = None
    lines: list[LineView] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every line picked in full."""
        return all(line.done for line in self.lines)

    def line_for_item(self, item: str) -> list[LineView]:
        return [line for line in self.lines if line.item == item]


def parse_needs(texts: list[str]) -> list[tuple[str, str]]:
    """``ITEM=QTY`` pairs as typed on the command line."""
    out = []
    for text in texts:
        item, sep, qty = text.partition("=")
        if not sep or not item.strip() or not qty.strip():
            raise WorkbenchError(f"'{text}' is not ITEM=QUANTITY (for example RM-OATS=120.5).")
        out.append((item.strip(), qty.strip()))
    return out


def open_pick_list(session: Session, *, purpose: str, needs: list[tuple[str, Amount]], by: str, at: datetime,
                   order: str | None = None, product: str | None = None, customer: str | None = None,
                   shipment: str | None = None, order_ref: str | None = None, code: str | None = None) -> PickListView:
    """A new pick list with the rule's proposal for each line (checked, then written)."""
    who = _who(by)
    if not needs:
        raise WorkbenchError("Name what to pick, as ITEM=QUANTITY, at least one.")
    lines = []
    seen = set()
    for item_code, qty in needs:
        item = find_item(session, item_code)
        if item.id in seen:
            raise WorkbenchError(f"{item.code} is named twice; give its total quantity once.")
        seen.add(item.id)
        lines.append((item, positive(qty, f"quantity of {item.code}")))
    row = PickList(purpose=purpose, site=home_site(session), status="open", created_at=at, created_by=who)
    if purpose == "production":
        row.order_id = _production_order(session, order, product, at).id
        if any(item.kind == "product" for item, _ in lines):
            names = ", ".join(item.code for item, _ in lines if item.kind == "product")
            raise WorkbenchError(f"{names} is a finished product; production picks materials and intermediates.")
    elif purpose == "shipment":
        c = session.scalars(select(Customer).where(Customer.code == (customer or "").strip())).first()
        if c is None:
            raise NotFound(f"There is no customer '{customer}'." if customer else "Name the customer (--customer CODE).")
        row.customer_id = c.id
        row.shipment_code = (shipment or "").strip() or None
        row.order_ref = (order_ref or "").strip() or None
    else:
        raise WorkbenchError(f"A pick list is for production or a shipment, not '{purpose}'.")
    row.code = (code or "").strip() or next_code(session, PickList.code, f"PK{at:%y}-", width=5)
    if session.execute(select(PickList.id).where(PickList.code == row.code)).first() is not None:
        raise WorkbenchError(f"The pick list {row.code} exists already.")
    session.add(row)
    session.flush()
    rules = pick_rules(session, [item for item, _ in lines])
    found = candidates(session, [item.id for item, _ in lines])
    for n, (item, qty) in enumerate(lines, 1):
        line = PickLine(pick_list_id=row.id, line_no=n, item_id=item.id, quantity=qty, rule=rules[item.id])
        session.add(line)
        session.flush()
        choice = choose_lots(found.get(item.id, []), qty, rules[item.id], at, row.site, item.unit)
        note = passed_over_text(choice.passed_over)
        for rank, p in enumerate(choice.lots, 1):
            why = p.why + (f"; {note}" if note and rank == 1 else "")
            session.add(PickProposal(pick_line_id=line.id, rank=rank, lot_id=p.candidate.lot_id,
                                     quantity=p.quantity, why=why))
    session.flush()
    return load_pick_list(session, row.code)


def _production_order(session: Session, order: str | None, product: str | None, at: datetime) -> ProductionOrder:
    code = (order or "").strip()
    if not code:
        raise WorkbenchError("Name the production order (--order CODE).")
    po = session.scalars(select(ProductionOrder).where(ProductionOrder.code == code)).first()
    if po is not None:
        if po.finished_at is not None:
            raise WorkbenchError(f"Production order {code} was finished on {po.finished_at:%Y-%m-%d %H:%M}; "
                                 "it takes no more picks.")
        if product is not None and session.get_one(Item, po.item_id).code != product.strip():
            raise WorkbenchError(f"Production order {code} makes {session.get_one(Item, po.item_id).code}, "
                                 f"not {product}.")
        return po
    if product is None or not product.strip():
        raise WorkbenchError(f"Production order {code} is new: say what it makes (--product ITEM).")
    item = find_item(session, product)
    if item.kind == "material":
        raise WorkbenchError(f"{item.code} is a purchased material; a production order makes an "
                             "intermediate or a product.")
    po = ProductionOrder(code=code, item_id=item.id, started_at=at)
    session.add(po)
    session.flush()
    return po


def find_pick_list(session: Session, code: str) -> PickList:
    row = session.scalars(select(PickList).where(PickList.code == code.strip())).first()
    if row is None:
        raise NotFound(f"There is no pick list '{code}'.")
    return row


def load_pick_list(session: Session, code: str) -> PickListView:
    """The pick list with its lines, proposals and picks, in a fixed handful of queries."""
    row = find_pick_list(session, code)
    items = {i.id: i for i in session.scalars(
        select(Item).join(PickLine, PickLine.item_id == Item.id).where(PickLine.pick_list_id == row.id))}
    lines = session.scalars(select(PickLine).where(PickLine.pick_list_id == row.id).order_by(PickLine.line_no)).all()
    line_ids = [line.id for line in lines]
    proposals = defaultdict(list)
    for p, code_, location, expires in session.execute(
            select(PickProposal, Lot.code, StoragePlace.code, Lot.expires_at)
            .join(Lot, Lot.id == PickProposal.lot_id)
            .outerjoin(LotPlace, LotPlace.lot_id == Lot.id).outerjoin(StoragePlace, StoragePlace.id == LotPlace.location_id)
            .where(PickProposal.pick_line_id.in_(line_ids)).order_by(PickProposal.rank)):
        proposals[p.pick_line_id].append((p, code_, location, expires))
    picks = defaultdict(list)
    for pick, code_, reason in session.execute(
            select(Pick, Lot.code, PickOverride.reason).join(Lot, Lot.id == Pick.lot_id)
            .outerjoin(PickOverride, PickOverride.id == Pick.override_id)
            .where(Pick.pick_line_id.in_(line_ids)).order_by(Pick.picked_at, Pick.id)):
        picks[pick.pick_line_id].append((pick, code_, reason))
    views = []
    for line in lines:
        item = items[line.item_id]
        got = [PickView(LotRef(p.lot_id, item.code, c), p.quantity, p.picked_by, p.picked_at, r)
               for p, c, r in picks[line.id]]
        by_lot: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for picked in got:
            by_lot[picked.lot.id] += picked.quantity
        props = [ProposalView(LotRef(p.lot_id, item.code, c), p.quantity, loc, exp, p.why, by_lot.get(p.lot_id, ZERO))
                 for p, c, loc, exp in proposals[line.id]]
        views.append(LineView(line.id, line.line_no, item.code, item.name, item.unit, line.quantity, line.rule,
                              props, got))
    order = product = customer = None
    if row.order_id is not None:
        po = session.get_one(ProductionOrder, row.order_id)
        order, product = po.code, session.get_one(Item, po.item_id).code
    if row.customer_id is not None:
        customer = session.get_one(Customer, row.customer_id).code
    return PickListView(row.id, row.code, row.purpose, row.status, row.site, row.created_at, row.created_by,
                        order, product, customer, row.shipment_code, row.order_ref, views)


def open_pick_lists(session: Session) -> list[tuple[str, str, str]]:
    """(code, purpose, what for) of every open pick list, newest first."""
    rows = session.execute(
        select(PickList.code, PickList.purpose, ProductionOrder.code, Customer.code, PickList.shipment_code)
        .outerjoin(ProductionOrder, ProductionOrder.id == PickList.order_id)
        .outerjoin(Customer, Customer.id == PickList.customer_id)
        .where(PickList.status == "open").order_by(PickList.created_at.desc(), PickList.id.desc()))
    return [(code, purpose, order or " ".join(x for x in (customer, shipment) if x))
            for code, purpose, order, customer, shipment in rows]
