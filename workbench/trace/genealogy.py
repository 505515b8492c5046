"""The genealogy engine: forward and backward traces as set-wise database queries.

One recursive CTE walks the indexed ``lot_edges`` table from the start lots (UNION, so a
cycle — a lot reworked into itself — ends instead of looping); a handful of grouped
queries then fetch the lots, orders, operations, receipts, vendors, shipments, customers
and returns around the lots found. The number of round trips does not grow with the
number of lots (ids go a chunk at a time, see ``workbench.plant.query``).

Edges point the way material flows::

    vendor -> receipt -> lot -> order -> lot -> shipment -> customer
    machine -> operation, operator -> operation, operation -> order
    customer -> return -> lot

With a depth limit N, lots up to N lot-to-lot hops away are shown; lots at the limit are
the frontier: shown, but not what lies beyond them (expand them with another trace).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from sqlalchemy import bindparam, func, literal, or_, select, text
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.facts import (
    DIRECTIONS,
    ContainerFacts,
    Edge,
    Genealogy,
    LotFacts,
    LotRef,
    Node,
    NodeId,
    OperationFacts,
    OrderFacts,
    PartyBox,
    PartyFacts,
    PlaceFacts,
    ReceiptFacts,
    ReturnFacts,
    ShipmentFacts,
)
from workbench.plant import (
    Consumption,
    Container,
    Customer,
    Item,
    Location,
    Lot,
    LotEdge,
    Operation,
    Output,
    Packing,
    ProductionOrder,
    Receipt,
    Return,
    Shipment,
    Vendor,
)
from workbench.plant.floor_models import LotHold
from workbench.plant.lookup import lot_refs
from workbench.plant.query import among, chunks, ids_in, ids_value
from workbench.plant.transit import shipment_status
from workbench.trace import edgeindex


def lot_node_id(item: str, lot: str) -> NodeId:
    return NodeId.lot(item, lot)


# --- the walk ----------------------------------------------------------------------------


@cache
def _walk_statement(downstream: bool, limited: bool):
    """The recursive walk over ``lot_edges``, built once per direction.

    It carries only (lot, next lot): UNION (not UNION ALL) drops pairs already found,
    so a cycle ends the recursion.
    """
    e = LotEdge.__table__
    src, dst = (e.c.parent_lot_id, e.c.child_lot_id) if downstream else (e.c.child_lot_id, e.c.parent_lot_id)
    cols = [src.label("src"), dst.label("dst")]
    roots = bindparam("roots", expanding=True)
    if not limited:
        cte = select(*cols).where(src.in_(roots)).cte("walk", recursive=True)
        step = select(*cols).select_from(e).join(cte, src == cte.c.dst)
    else:
        seed = select(*cols, literal(1).label("hops")).where(src.in_(roots))
        cte = seed.cte("walk", recursive=True)
        step = (select(*cols, (cte.c.hops + 1).label("hops")).select_from(e)
                .join(cte, src == cte.c.dst).where(cte.c.hops < bindparam("depth")))
    cte = cte.union(step)
    return select(cte.c.src, cte.c.dst)


_PLANNER_OFF = text(
    "SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin'), "
    "set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)"
)
_PLANNER_RESTORE = text(
    "SELECT set_config('enable_hashjoin', :h, true), set_config('enable_mergejoin', :m, true)"
)


@contextmanager
def _index_walk(conn):
    """On PostgreSQL, make the recursive step an index lookup per frontier lot.

    The planner guesses the recursive work table at ten times the seed and, on small or
    medium plants, prefers hashing the whole edge table on every iteration (40 ms instead
    of 1 ms for a 100-lot trace, measured). The walk is an index walk by design, so hash
    and merge joins are switched off for this one statement and restored after it.
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    hash_join, merge_join, _, _ = conn.execute(_PLANNER_OFF).one()
    try:
        yield
    finally:
        conn.execute(_PLANNER_RESTORE, {"h": hash_join, "m": merge_join})


def walk(session: Session, root_ids: Sequence[int], downstream: bool,
         depth: int | None = None, *, use_index: bool = True) -> dict[int, int]:
    """Lots reachable from ``root_ids``: the fewest lot-to-lot hops to each (roots at 0).

    From the in-memory edge index when it holds exactly the edges this session sees
    (``workbench.trace.edgeindex``), else in one recursive query.
    """
    roots = list(dict.fromkeys(root_ids))
    if depth == 0 or not roots:
        return dict.fromkeys(roots, 0)
    if use_index:
        index = edgeindex.current(session)
        if index is not None:
            return index.walk(roots, downstream, depth)
    return sql_walk(session, roots, downstream, depth)


def sql_walk(session: Session, root_ids: Sequence[int], downstream: bool,
             depth: int | None = None) -> dict[int, int]:
    """``walk`` in one recursive query over ``lot_edges``, whatever the index holds."""
    roots = list(dict.fromkeys(root_ids))
    rows: list = []
    if depth != 0 and roots:
        params = {"roots": roots} if depth is None else {"roots": roots, "depth": depth}
        conn = session.connection()
        with _index_walk(conn):
            rows = conn.execute(_walk_statement(downstream, depth is not None), params).all()
    # Fewest hops, breadth first over the edges the database found.
    adjacent: dict[int, list[int]] = defaultdict(list)
    for s, d in rows:
        adjacent[s].append(d)
    hops = dict.fromkeys(roots, 0)
    queue = deque(roots)
    while queue:
        lot = queue.popleft()
        for nxt in adjacent.get(lot, ()):
            if nxt not in hops:
                hops[nxt] = hops[lot] + 1
                queue.append(nxt)
    return hops


def reachable_lots(session: Session, root_ids: Sequence[int], direction: str = "forward",
                   depth: int | None = None, *, use_index: bool = True) -> set[int]:
    """Ids of every lot reachable from the roots (roots included)."""
    found: set[int] = set(root_ids)
    if direction in ("forward", "both"):
        found |= walk(session, root_ids, True, depth, use_index=use_index).keys()
    if direction in ("backward", "both"):
        found |= walk(session, root_ids, False, depth, use_index=use_index).keys()
    return found


# --- the trace ---------------------------------------------------------------------------


class _Builder:
    """Collects nodes and edges, merging repeated flows between the same two nodes."""

    def __init__(self, g: Genealogy):
        self.g = g
        self.flows: dict[tuple[NodeId, NodeId, str], list] = {}

    def node(self, node: Node) -> NodeId:
        self.g.nodes.setdefault(node.id, node)
        return node.id

    def flow(self, source: NodeId, target: NodeId, kind: str, quantity: Decimal | None = None,
             unit: str | None = None) -> None:
        key = (source, target, kind)
        if key in self.flows:
            entry = self.flows[key]
            if quantity is not None and entry[0] is not None:
                entry[0] += quantity
            if entry[1] != unit:
                entry[1] = None
        else:
            self.flows[key] = [quantity, unit]

    def finish(self) -> None:
        self.g.edges = [Edge(s, t, k, q, u) for (s, t, k), (q, u) in self.flows.items()]


def _party(b: _Builder, kind: str, code: str, row) -> NodeId:
    """The vendor or customer box, made once however many rows name it."""
    node_id = NodeId.of(kind, code)
    if node_id not in b.g.nodes:
        b.node(Node(node_id, kind, code, row.name,
                    PartyBox(PartyFacts(code, row.name, row.contact, row.email, row.phone, row.address))))
    return node_id


def _container(b: _Builder, code: str, kind: str, sscc: str | None) -> NodeId:
    """The pallet or case box (one per code; a re-used SSCC's lives are told apart by the
    shipment lines, which were expanded at their own time)."""
    return b.node(Node(NodeId.of("container", code), "container", code, kind, ContainerFacts(code, kind, sscc)))


def _site(b: _Builder, place: PlaceFacts) -> NodeId:
    """The box of one of our sites (or another location a transfer went to)."""
    return b.node(Node(NodeId.of("site", place.code), "site", place.code, place.name, place))


@cache
def _statement(name: str, dialect: str):
    """The follow-up queries, built once per dialect with one ``ids`` parameter so the
    compiled form is cached and each trace pays only for execution."""
    def in_ids(column):
        return ids_in(column, dialect)

    lot, item, c, o = Lot.__table__, Item.__table__, Consumption.__table__, Output.__table__
    po, op, sh, rt = ProductionOrder.__table__, Operation.__table__, Shipment.__table__, Return.__table__
    rc, cu, ve = Receipt.__table__, Customer.__table__, Vendor.__table__
    src, dst = Location.__table__.alias("ship_from"), Location.__table__.alias("ship_to")
    box, pk = Container.__table__, Packing.__table__
    party = lambda t: (t.c.name, t.c.contact, t.c.email, t.c.phone, t.c.address)
    statements = {
        "lots": select(lot.c.id, lot.c.code, lot.c.quantity, lot.c.created_at, lot.c.expires_at, lot.c.origin,
                       lot.c.vendor_lot, item.c.code.label("item"), item.c.name.label("item_name"),
                       item.c.kind, item.c.unit)
        .join(item, item.c.id == lot.c.item_id).where(in_ids(lot.c.id)),
        "orders": select(po.c.id, po.c.code, po.c.started_at, po.c.finished_at, item.c.code.label("item"),
                         item.c.name.label("item_name"))
        .join(item, item.c.id == po.c.item_id).where(in_ids(po.c.id)),
        "operations": select(op.c.order_id, op.c.step, op.c.machine, op.c.operator, op.c.started_at,
                             op.c.finished_at)
        .where(in_ids(op.c.order_id)).order_by(op.c.order_id, op.c.started_at, op.c.step),
        "consumed_lots": select(c.c.lot_id, c.c.order_id, func.sum(c.c.quantity))
        .where(in_ids(c.c.lot_id)).group_by(c.c.lot_id, c.c.order_id),
        "consumed_by_orders": select(c.c.lot_id, c.c.order_id, func.sum(c.c.quantity))
        .where(in_ids(c.c.order_id)).group_by(c.c.lot_id, c.c.order_id),
        "outputs_of_orders": select(o.c.order_id, o.c.lot_id, o.c.quantity).where(in_ids(o.c.order_id)),
        "outputs_of_lots": select(o.c.order_id, o.c.lot_id, o.c.quantity).where(in_ids(o.c.lot_id)),
        # Customer lines and transfers alike (a transfer has no customer), with where they
        # went, the pallet they travelled on and whether they arrived (``plant.transit``).
        "shipments": select(sh.c.code, sh.c.shipped_at, sh.c.order_ref, sh.c.lot_id, sh.c.quantity,
                            cu.c.code.label("ccode"), *party(cu), src.c.code.label("from_code"),
                            dst.c.code.label("to_code"), dst.c.name.label("to_name"), dst.c.gln.label("to_gln"),
                            dst.c.address.label("to_address"), dst.c.timezone.label("to_tz"),
                            dst.c.kind.label("to_kind"), box.c.code.label("box"), box.c.kind.label("box_kind"),
                            box.c.sscc.label("box_sscc"), shipment_status(sh, rc, dst).label("status"))
        .outerjoin(cu, cu.c.id == sh.c.customer_id).outerjoin(src, src.c.id == sh.c.ship_from_id)
        .outerjoin(dst, dst.c.id == sh.c.ship_to_id).outerjoin(box, box.c.id == sh.c.container_id)
        .where(in_ids(sh.c.lot_id)),
        # Packings of lots (pallets and cases they were packed in), for the boxes.
        "packings": select(pk.c.lot_id, pk.c.quantity, box.c.code, box.c.kind, box.c.sscc)
        .join(box, box.c.id == pk.c.container_id).where(in_ids(pk.c.lot_id)),
        "returns": select(rt.c.rma, rt.c.received_at, rt.c.reason, rt.c.lot_id, rt.c.quantity,
                          cu.c.code.label("ccode"), *party(cu))
        .join(cu, cu.c.id == rt.c.customer_id).where(in_ids(rt.c.lot_id)),
        "receipts": select(rc.c.code.label("rcode"), rc.c.received_at, rc.c.po, rc.c.vendor_lot, rc.c.lot_id,
                           rc.c.quantity, ve.c.code, *party(ve))
        .join(ve, ve.c.id == rc.c.vendor_id).where(in_ids(rc.c.lot_id)),
    }
    return statements[name]


def _rows(session: Session, name: str, ids: Iterable[int]) -> list:
    """Run one follow-up query for all ``ids`` (in chunks), through Core for speed."""
    conn = session.connection()
    statement = _statement(name, conn.dialect.name)
    out: list = []
    for chunk in chunks(ids):
        out += conn.execute(statement, {"ids": ids_value(chunk, conn)}).all()
    return out


def _held(session: Session, lot_ids: Iterable[int]) -> set[int]:
    """Which of these lots have a hold in force (one query per chunk of ids)."""
    held: set[int] = set()
    for chunk in chunks(lot_ids):
        held.update(session.scalars(select(LotHold.lot_id).where(among(LotHold.lot_id, chunk, session),
                                                                   LotHold.released_at.is_(None))))
    return held


def _add_lots(session: Session, b: _Builder, depths: dict[int, int]) -> dict[int, NodeId]:
    ids: dict[int, NodeId] = {}
    held = _held(session, depths)
    for r in _rows(session, "lots", depths):
        nid = NodeId.lot(r.item, r.code)
        ids[r.id] = nid
        b.node(Node(nid, "lot", r.code, r.item_name, LotFacts(
            lot_id=r.id, item=r.item, lot=r.code, item_name=r.item_name, item_kind=r.kind, quantity=r.quantity,
            unit=r.unit, created_at=r.created_at, expires_at=r.expires_at, origin=r.origin,
            vendor_lot=r.vendor_lot, depth=depths[r.id], on_hold=r.id in held)))
    return ids


def _add_orders(session: Session, b: _Builder, order_ids: set[int], with_operations: bool) -> dict[int, NodeId]:
    ids: dict[int, NodeId] = {}
    for r in _rows(session, "orders", order_ids):
        ids[r.id] = b.node(Node(NodeId.of("order", r.code), "order", r.code, r.item_name,
                                OrderFacts(r.item, r.started_at, r.finished_at)))
    if not with_operations:
        return ids
    for op in _rows(session, "operations", order_ids):
        order_node = ids[op.order_id]
        order_code = order_node.key
        facts = OperationFacts(order_code, op.step, op.machine, op.operator, op.started_at, op.finished_at)
        op_id = b.node(Node(facts.node_id, "operation", f"{order_code}/{op.step}", op.step, facts))
        b.flow(op_id, order_node, "performed")
        if op.machine:
            b.flow(b.node(Node(NodeId.of("machine", op.machine), "machine", op.machine)), op_id, "ran")
        if op.operator:
            b.flow(b.node(Node(NodeId.of("operator", op.operator), "operator", op.operator)), op_id, "operated")
    return ids


def _downstream(session: Session, b: _Builder, lots: dict[int, NodeId], inner: set[int], unit_of) -> None:
    """Orders that consumed, shipments and returns of the ``inner`` lots (not the frontier)."""
    consumed = _rows(session, "consumed_lots", inner)
    orders = _add_orders(session, b, {o for _, o, _ in consumed}, with_operations=False)
    for lot_id, order_id, qty in consumed:
        b.flow(lots[lot_id], orders[order_id], "consumed", qty, unit_of(lot_id))
    for order_id, lot_id, qty in _rows(session, "outputs_of_orders", orders):
        if lot_id in lots:
            b.flow(orders[order_id], lots[lot_id], "produced", qty, unit_of(lot_id))
    for r in _rows(session, "shipments", inner):
        sid = b.node(Node(NodeId.of("shipment", r.code), "shipment", r.code, None,
                          ShipmentFacts(r.shipped_at, r.order_ref, r.ccode, r.from_code, r.to_code, r.status,
                                        r.to_name)))
        unit = unit_of(r.lot_id)
        if r.box is None:
            b.flow(lots[r.lot_id], sid, "shipped", r.quantity, unit)
        else:  # lot -> pallet -> shipment: the pallet is shown
            box = _container(b, r.box, r.box_kind, r.box_sscc)
            b.flow(lots[r.lot_id], box, "packed", r.quantity, unit)
            b.flow(box, sid, "shipped", r.quantity, unit)
        if r.ccode is not None:
            b.flow(sid, _party(b, "customer", r.ccode, r), "delivered", r.quantity, unit)
        if r.to_code is not None and (r.ccode is None or r.to_kind == "own_site"):
            site = _site(b, PlaceFacts(r.to_code, r.to_name, r.to_gln, r.to_address, r.to_tz, r.to_kind))
            b.flow(sid, site, "in_transit" if r.status == "in transit" else "delivered", r.quantity, unit)
    for lot_id, qty, code, kind, sscc in _rows(session, "packings", inner):
        b.flow(lots[lot_id], _container(b, code, kind, sscc), "packed", qty, unit_of(lot_id))
    for r in _rows(session, "returns", inner):
        rid = b.node(Node(NodeId.of("return", r.rma), "return", r.rma, None,
                          ReturnFacts(r.received_at, r.reason, r.ccode)))
        cid = _party(b, "customer", r.ccode, r)
        b.flow(cid, rid, "returned", r.quantity, unit_of(r.lot_id))
        b.flow(rid, lots[r.lot_id], "returned", r.quantity, unit_of(r.lot_id))


def _upstream(session: Session, b: _Builder, lots: dict[int, NodeId], inner: set[int], unit_of) -> None:
    """Orders that made, receipts and vendors of the ``inner`` lots (not the frontier)."""
    made = _rows(session, "outputs_of_lots", inner)
    orders = _add_orders(session, b, {o for o, _, _ in made}, with_operations=True)
    for order_id, lot_id, qty in made:
        b.flow(orders[order_id], lots[lot_id], "produced", qty, unit_of(lot_id))
    for lot_id, order_id, qty in _rows(session, "consumed_by_orders", orders):
        if lot_id in lots:
            b.flow(lots[lot_id], orders[order_id], "consumed", qty, unit_of(lot_id))
    for r in _rows(session, "receipts", inner):
        vid = _party(b, "vendor", r.code, r)
        rid = b.node(Node(NodeId.of("receipt", r.rcode), "receipt", r.rcode, None,
                          ReceiptFacts(r.received_at, r.po, r.code, r.vendor_lot)))
        b.flow(vid, rid, "supplied", r.quantity, unit_of(r.lot_id))
        b.flow(rid, lots[r.lot_id], "received", r.quantity, unit_of(r.lot_id))


#: The deepest ``depth`` asked for that means anything (no plant has chains this long).
MAX_DEPTH = 10_000


def trace(session: Session, roots: LotRef | int | Sequence[LotRef | int], direction: str = "forward",
          depth: int | None = None) -> Genealogy:
    """The genealogy of one or more lots, forward (downstream), backward or both."""
    if direction not in DIRECTIONS:
        raise WorkbenchError(f"Direction '{direction}' is not one of {', '.join(DIRECTIONS)}.")
    if depth is not None and depth < 0:
        raise WorkbenchError("A trace depth must be zero or more.")
    if depth is not None and depth > MAX_DEPTH:
        raise WorkbenchError(f"A trace depth of {depth:,} is beyond any plant (at most {MAX_DEPTH:,}); "
                             "leave the depth out to follow every step.")
    items = [roots] if isinstance(roots, (LotRef, int)) else list(roots)
    root_ids = [r.id if isinstance(r, LotRef) else int(r) for r in items]
    refs = lot_refs(session, root_ids)
    missing = [i for i in root_ids if i not in refs]
    if missing:
        raise WorkbenchError(f"No lot has the id {missing[0]}.")
    g = Genealogy(roots=[refs[i] for i in dict.fromkeys(root_ids)], direction=direction, depth=depth)
    b = _Builder(g)

    down: dict[int, int] = {}
    up: dict[int, int] = {}
    if direction in ("forward", "both"):
        down = walk(session, root_ids, True, depth)
    if direction in ("backward", "both"):
        up = walk(session, root_ids, False, depth)
    signed = {lot: -d for lot, d in up.items()}
    signed.update(down)  # a lot both up- and downstream (a cycle) counts as downstream
    lots = _add_lots(session, b, signed)
    units = {f.lot_id: f.unit for f in g.lot_facts()}
    unit_of = units.get

    def inner(hops: dict[int, int]) -> set[int]:
        return {lot for lot, d in hops.items() if depth is None or d < depth}

    if down:
        _downstream(session, b, lots, inner(down), unit_of)
    if up:
        _upstream(session, b, lots, inner(up), unit_of)
    # Lot-to-lot flows are drawn from consumptions and outputs (so an order still in
    # progress shows); an input of an order that lies outside the traced direction (a
    # sibling input of a forward trace) is not drawn.
    b.finish()
    return g


def trace_forward(session: Session, lot: LotRef | int, depth: int | None = None) -> Genealogy:
    return trace(session, lot, "forward", depth)


def trace_backward(session: Session, lot: LotRef | int, depth: int | None = None) -> Genealogy:
    return trace(session, lot, "backward", depth)


# --- what lies beyond ------------------------------------------------------------------------


@dataclass(frozen=True)
class Beyond:
    """What lies next to a lot in the database, to tell whether a "+" has anything to
    open: the lots one step up- and downstream, and how many receipts and producing
    orders (upstream) and consuming orders, shipments and returns (downstream) it has."""

    parents: frozenset[int] = frozenset()
    children: frozenset[int] = frozenset()
    up_records: int = 0
    down_records: int = 0


def more_beyond(session: Session, lot_ids: Iterable[int]) -> dict[int, Beyond]:
    """``Beyond`` for each lot: grouped queries, ids in chunks."""
    ids = sorted(set(lot_ids))
    parents: dict[int, set[int]] = defaultdict(set)
    children: dict[int, set[int]] = defaultdict(set)
    up: dict[int, int] = defaultdict(int)
    down: dict[int, int] = defaultdict(int)
    for chunk in chunks(ids):
        for parent, child in session.execute(
            select(LotEdge.parent_lot_id, LotEdge.child_lot_id).distinct()
            .where(or_(among(LotEdge.parent_lot_id, chunk, session), among(LotEdge.child_lot_id, chunk, session)))
        ):
            parents[child].add(parent)
            children[parent].add(child)
        for table, into, counted in (
            (Output, up, Output.order_id),
            (Receipt, up, Receipt.id),
            (Consumption, down, Consumption.order_id),
            (Shipment, down, Shipment.id),
            (Return, down, Return.id),
        ):
            for lot_id, count in session.execute(
                select(table.lot_id, func.count(func.distinct(counted))).where(among(table.lot_id, chunk, session))
                .group_by(table.lot_id)
            ):
                into[lot_id] += count
    return {i: Beyond(frozenset(parents.get(i, ())), frozenset(children.get(i, ())), up.get(i, 0), down.get(i, 0))
            for i in ids}


