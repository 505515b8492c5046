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

import gc
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, cast, overload

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    FromClause,
    Select,
    Table,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, KeyedColumnElement

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
from workbench.plant.query import among, chunks, ids_in, ids_value
from workbench.plant.transit import shipment_status
from workbench.plant.types import Quantity
from workbench.trace import edgeindex

if TYPE_CHECKING:
    from psycopg import Cursor


def lot_node_id(item: str, lot: str) -> NodeId:
    return NodeId.lot(item, lot)


# --- the walk ----------------------------------------------------------------------------


@cache
def _walk_statement(downstream: bool, limited: bool) -> Select[tuple[int, int]]:
    """The recursive walk over ``lot_edges``, built once per direction.

    It carries only (lot, next lot): UNION (not UNION ALL) drops pairs already found,
    so a cycle ends the recursion.
    """
    e = LotEdge.__table__
    src, dst = (e.c.parent_lot_id, e.c.child_lot_id) if downstream else (e.c.child_lot_id, e.c.parent_lot_id)
    cols = [src.label("src"), dst.label("dst")]
    roots: BindParameter[int] = bindparam("roots", expanding=True)
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
def _index_walk(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, make the recursive step an index lookup per frontier lot.

    The planner guesses the recursive work table at ten times the seed and, on small or
    medium plants, prefers hashing the whole edge table on every iteration (40 ms instead
    of 1 ms for a 100-lot trace, measured). The walk is an index walk by design, so hash
    and merge joins are switched off for this one statement and restored after it (a
    trace's follow-up queries get the same, see ``_Fetcher``: the shipments query hashed
    all 68,000 pallets of a 100k-lot plant for 245 lines, 100 ms instead of 5, measured,
    so the trace grew with the plant). Nested, the outer one decides.
    """
    if conn.dialect.name != "postgresql" or conn.info.get("workbench_index_walk"):
        yield
        return
    conn.info["workbench_index_walk"] = True
    try:
        with _planner_off(conn):
            yield
    finally:
        conn.info.pop("workbench_index_walk", None)


@contextmanager
def _planner_off(conn: Connection) -> Iterator[None]:
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
    rows: Sequence[Any] = []
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
    """Collects nodes and edges, merging repeated flows between the same two nodes.

    Quantities are summed as the integers the database holds (millionths, see
    ``plant.types``) and become Decimals once per edge, in ``finish``.
    """

    def __init__(self, g: Genealogy):
        self.g = g
        self.nodes = g.nodes
        #: (summed quantity, unit) of each flow; the unit is None once the flows disagree on it.
        self.flows: dict[tuple[NodeId, NodeId, str], tuple[int | Decimal | None, str | None]] = {}
        self.parties: dict[tuple[str, str], NodeId] = {}

    def node(self, node: Node) -> NodeId:
        self.nodes.setdefault(node.id, node)
        return node.id

    def flow(self, source: NodeId, target: NodeId, kind: str, quantity: int | Decimal | None = None,
             unit: str | None = None) -> None:
        key = (source, target, kind)
        entry = self.flows.get(key)
        if entry is None:
            self.flows[key] = (quantity, unit)
            return
        summed, was = entry
        if quantity is not None and summed is not None:
            summed += quantity
        self.flows[key] = (summed, was if was == unit else None)

    def finish(self) -> None:
        qty = _quantity
        self.g.edges = [Edge(s, t, k, None if q is None else qty(q), u) for (s, t, k), (q, u) in self.flows.items()]


_quantity_type = Quantity()
_SQLITE = sqlite_dialect.dialect()
_quantities: dict[int, Decimal] = {}


def _quantity(value: int | Decimal) -> Decimal:
    """Millionths as the exact Decimal the ORM would give (PostgreSQL sums come as numeric);
    Decimals are immutable, so the common ones are made once."""
    key = value if type(value) is int else int(value)
    found = _quantities.get(key)
    if found is None:
        made = _quantity_type.process_result_value(key, _SQLITE)  # the conversion ignores the dialect
        assert made is not None
        found = made
        if len(_quantities) > 100_000:
            _quantities.clear()
        _quantities[key] = found
    return found


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a trace builds its objects: a trace makes no
    cycles, and each collection walks every object alive, so a 40,000-box trace spent
    half its time in them (measured)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _party(b: _Builder, kind: str, code: str, name: str | None, contact: str | None, email: str | None,
           phone: str | None, address: str | None) -> NodeId:
    """The vendor or customer box, made once however many rows name it."""
    key = (kind, code)
    node_id = b.parties.get(key)
    if node_id is None:
        node_id = b.parties[key] = NodeId.of(kind, code)
        if node_id not in b.nodes:
            b.nodes[node_id] = Node(node_id, kind, code, name,
                                    PartyBox(PartyFacts(code, name, contact, email, phone, address)))
    return node_id


def _container(b: _Builder, code: str, kind: str, sscc: str | None) -> NodeId:
    """The pallet or case box (one per code; a re-used SSCC's lives are told apart by the
    shipment lines, which were expanded at their own time)."""
    node_id = NodeId.of("container", code)
    if node_id not in b.nodes:
        b.nodes[node_id] = Node(node_id, "container", code, kind, ContainerFacts(code, kind, sscc))
    return node_id


@cache
def _statement(name: str, dialect: str) -> Select[tuple[Any, ...]]:
    """The follow-up queries, built once per dialect with one ``ids`` parameter. Each
    returns plain tuples in the column order written here (see ``_rows``)."""
    def in_ids(column: Column[Any]) -> ColumnElement[bool]:
        return ids_in(column, dialect)

    lot, item, c, o = (cast(Table, m.__table__) for m in (Lot, Item, Consumption, Output))
    po, op, sh, rt = (cast(Table, m.__table__) for m in (ProductionOrder, Operation, Shipment, Return))
    rc, cu, ve = (cast(Table, m.__table__) for m in (Receipt, Customer, Vendor))
    src, dst = Location.__table__.alias("ship_from"), Location.__table__.alias("ship_to")
    box, pk, hold = (cast(Table, m.__table__) for m in (Container, Packing, LotHold))

    def party(t: FromClause) -> tuple[KeyedColumnElement[Any], ...]:
        return (t.c.name, t.c.contact, t.c.email, t.c.phone, t.c.address)

    held = exists().where(hold.c.lot_id == lot.c.id, hold.c.released_at.is_(None))
    statements: dict[str, Select[tuple[Any, ...]]] = {
        # 0 id, 1 code, 2 quantity, 3 created_at, 4 expires_at, 5 origin, 6 vendor_lot, 7 item,
        # 8 item name, 9 item kind, 10 unit, 11 a hold in force
        "lots": select(lot.c.id, lot.c.code, lot.c.quantity, lot.c.created_at, lot.c.expires_at, lot.c.origin,
                       lot.c.vendor_lot, item.c.code, item.c.name, item.c.kind, item.c.unit,
                       case((held, 1), else_=0))
        .join(item, item.c.id == lot.c.item_id).where(in_ids(lot.c.id)),
        # id, code, started_at, finished_at, item, item name
        "orders": select(po.c.id, po.c.code, po.c.started_at, po.c.finished_at, item.c.code, item.c.name)
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
        # went, the pallet they travelled on and whether they arrived (``plant.transit``):
        # 0 code, 1 shipped_at, 2 order_ref, 3 lot_id, 4 quantity, 5 customer, 6-10 its party
        # columns, 11 from, 12 to, 13 to name, 14 to GLN, 15 to address, 16 to time zone,
        # 17 to kind, 18 pallet, 19 pallet kind, 20 pallet SSCC, 21 status
        "shipments": select(sh.c.code, sh.c.shipped_at, sh.c.order_ref, sh.c.lot_id, sh.c.quantity,
                            cu.c.code, *party(cu), src.c.code, dst.c.code, dst.c.name, dst.c.gln,
                            dst.c.address, dst.c.timezone, dst.c.kind, box.c.code, box.c.kind,
                            box.c.sscc, shipment_status(sh, rc, dst, per_line=True))
        .outerjoin(cu, cu.c.id == sh.c.customer_id).outerjoin(src, src.c.id == sh.c.ship_from_id)
        .outerjoin(dst, dst.c.id == sh.c.ship_to_id).outerjoin(box, box.c.id == sh.c.container_id)
        .where(in_ids(sh.c.lot_id)),
        # Packings of lots (pallets and cases they were packed in), for the boxes.
        "packings": select(pk.c.lot_id, pk.c.quantity, box.c.code, box.c.kind, box.c.sscc)
        .join(box, box.c.id == pk.c.container_id).where(in_ids(pk.c.lot_id)),
        # 0 rma, 1 received_at, 2 reason, 3 lot_id, 4 quantity, 5 customer, 6-10 its party columns
        "returns": select(rt.c.rma, rt.c.received_at, rt.c.reason, rt.c.lot_id, rt.c.quantity,
                          cu.c.code, *party(cu))
        .join(cu, cu.c.id == rt.c.customer_id).where(in_ids(rt.c.lot_id)),
        # 0 code, 1 received_at, 2 po, 3 vendor_lot, 4 lot_id, 5 quantity, 6 vendor, 7-11 its party columns
        "receipts": select(rc.c.code, rc.c.received_at, rc.c.po, rc.c.vendor_lot, rc.c.lot_id,
                           rc.c.quantity, ve.c.code, *party(ve))
        .join(ve, ve.c.id == rc.c.vendor_id).where(in_ids(rc.c.lot_id)),
    }
    return statements[name]


_compiled: dict[tuple[str, str], tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}


def _compile(conn: Connection, name: str) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
    """A follow-up query as the driver's SQL text, its parameter order (positional drivers)
    and its fixed parameters, compiled once per dialect."""
    key = (name, conn.dialect.name)
    found = _compiled.get(key)
    if found is None:
        compiled = _statement(name, conn.dialect.name).compile(dialect=conn.dialect)
        fixed = {k: v for k, v in compiled.params.items() if k != "ids"}
        order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
        found = _compiled[key] = (str(compiled), order, fixed)
    return found


@overload
def _when(value: datetime | str) -> datetime: ...
@overload
def _when(value: None) -> None: ...
def _when(value: datetime | str | None) -> datetime | None:
    """A date-time column of a follow-up query: SQLite hands it back as text (the ORM's
    types are skipped for speed, see ``_rows``), parsed only for the boxes made."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


#: Planner settings for a trace's follow-up queries on PostgreSQL (see ``_index_walk``),
#: saved and restored on the server, so they travel in the same pipeline as the queries.
_PG_SAVE = ("SELECT set_config('workbench.enable_hashjoin', current_setting('enable_hashjoin'), true), "
            "set_config('workbench.enable_mergejoin', current_setting('enable_mergejoin'), true)")
_PG_OFF = "SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)"
_PG_RESTORE = ("SELECT set_config('enable_hashjoin', current_setting('workbench.enable_hashjoin'), true), "
               "set_config('enable_mergejoin', current_setting('workbench.enable_mergejoin'), true)")


class _Fetcher:
    """Runs a trace's follow-up queries on the session's own DBAPI connection (same
    transaction), as plain tuples: quantities stay integer millionths, date-times are
    what the driver gives (pass them through ``_when``). Row objects and per-value type
    conversion were half the cost of a trace (measured).

    On PostgreSQL the queries that do not wait for each other's answers are sent together
    (``prefetch``, psycopg's pipeline mode): a trace takes three round trips, not ten, and
    its queries run with hash and merge joins off (see ``_index_walk``)."""

    def __init__(self, session: Session):
        self.conn = session.connection()
        self.pipelined = self.conn.dialect.name == "postgresql"
        self.ready: dict[tuple[str, frozenset[int]], list[tuple[Any, ...]]] = {}
        self.planner_off = False

    def prefetch(self, queries: list[tuple[str, Iterable[int]]], *, first: bool = False, last: bool = False) -> None:
        """Run ``queries`` now, in one round trip (PostgreSQL; SQLite has none to save and
        runs each when asked). ``first`` switches the planner to index lookups, ``last``
        restores it."""
        if not self.pipelined:
            return
        raw: Any = self.conn.connection.dbapi_connection
        pending: list[tuple[tuple[str, frozenset[int]], list[Cursor[tuple[Any, ...]]]]] = []
        with raw.pipeline():
            if first:
                raw.execute(_PG_SAVE)
                raw.execute(_PG_OFF)
                self.planner_off = True
            for name, ids in queries:
                key = (name, frozenset(ids))
                if key in self.ready or any(k == key for k, _ in pending):
                    continue
                sql, _, fixed = _compile(self.conn, name)
                cursors = [raw.execute(sql, dict(fixed, ids=ids_value(chunk, self.conn))) for chunk in chunks(key[1])]
                pending.append((key, cursors))
            if last and self.planner_off:
                raw.execute(_PG_RESTORE)
                self.planner_off = False
        for key, cursors in pending:
            self.ready[key] = [row for c in cursors for row in c.fetchall()]

    def close(self) -> None:
        """Restore the planner if a trace stopped half-way."""
        if self.planner_off:
            raw: Any = self.conn.connection.dbapi_connection
            raw.execute(_PG_RESTORE)
            self.planner_off = False

    def rows(self, name: str, ids: Iterable[int]) -> list[tuple[Any, ...]]:
        """The rows of one follow-up query for all ``ids`` (in chunks)."""
        key = (name, frozenset(ids))
        found = self.ready.get(key)
        if found is not None:
            return found
        sql, order, fixed = _compile(self.conn, name)
        out: list[tuple[Any, ...]] = []
        cursor = self.conn.connection.cursor()
        try:
            for chunk in chunks(key[1]):
                params = dict(fixed, ids=ids_value(chunk, self.conn))
                cursor.execute(sql, [params[k] for k in order] if order is not None else params)
                out += cursor.fetchall()
        finally:
            cursor.close()
        return out


def _add_lots(f: _Fetcher, b: _Builder, depths: dict[int, int]) -> dict[int, tuple[NodeId, str]]:
    """The lot boxes; returns each lot's box id and unit."""
    ids: dict[int, tuple[NodeId, str]] = {}
    nodes = b.nodes
    qty = _quantity
    for (lot_id, code, quantity, created, expires, origin, vendor_lot, item, item_name, kind, unit,
         held) in f.rows("lots", depths):
        nid = NodeId.lot(item, code)
        ids[lot_id] = (nid, unit)
        nodes.setdefault(nid, Node(nid, "lot", code, item_name, LotFacts(
            lot_id=lot_id, item=item, lot=code, item_name=item_name, item_kind=kind, quantity=qty(quantity),
            unit=unit, created_at=_when(created), expires_at=_when(expires), origin=origin, vendor_lot=vendor_lot,
            depth=depths[lot_id], on_hold=bool(held))))
    return ids


def _add_orders(f: _Fetcher, b: _Builder, order_ids: set[int], with_operations: bool) -> dict[int, NodeId]:
    ids: dict[int, NodeId] = {}
    nodes = b.nodes
    for order_id, code, started, finished, item, item_name in f.rows("orders", order_ids):
        nid = ids[order_id] = NodeId.of("order", code)
        if nid not in nodes:
            nodes[nid] = Node(nid, "order", code, item_name, OrderFacts(item, _when(started), _when(finished)))
    if not with_operations:
        return ids
    for order_id, step, machine, operator, started, finished in f.rows("operations", order_ids):
        order_node = ids[order_id]
        order_code = order_node.key
        facts = OperationFacts(order_code, step, machine, operator, _when(started), _when(finished))
        op_id = b.node(Node(facts.node_id, "operation", f"{order_code}/{step}", step, facts))
        b.flow(op_id, order_node, "performed")
        if machine:
            b.flow(b.node(Node(NodeId.of("machine", machine), "machine", machine)), op_id, "ran")
        if operator:
            b.flow(b.node(Node(NodeId.of("operator", operator), "operator", operator)), op_id, "operated")
    return ids


def _downstream(f: _Fetcher, b: _Builder, lots: dict[int, tuple[NodeId, str]], inner: set[int]) -> None:
    """Orders that consumed, shipments and returns of the ``inner`` lots (not the frontier)."""
    consumed = f.rows("consumed_lots", inner)
    orders = _add_orders(f, b, {o for _, o, _ in consumed}, with_operations=False)
    flow, nodes = b.flow, b.nodes
    for lot_id, order_id, qty in consumed:
        lot, unit = lots[lot_id]
        flow(lot, orders[order_id], "consumed", qty, unit)
    for order_id, lot_id, qty in f.rows("outputs_of_orders", orders):
        if lot_id in lots:
            lot, unit = lots[lot_id]
            flow(orders[order_id], lot, "produced", qty, unit)
    shipments: dict[str, NodeId] = {}
    for r in f.rows("shipments", inner):
        code, shipped_at, order_ref, lot_id, qty, ccode = r[0], r[1], r[2], r[3], r[4], r[5]
        to_code, to_kind, status = r[12], r[17], r[21]
        sid = shipments.get(code)
        if sid is None:
            sid = shipments[code] = NodeId.of("shipment", code)
            if sid not in nodes:
                nodes[sid] = Node(sid, "shipment", code, None, ShipmentFacts(
                    _when(shipped_at), order_ref, ccode, r[11], to_code, status, r[13]))
        lot, unit = lots[lot_id]
        if r[18] is None:
            flow(lot, sid, "shipped", qty, unit)
        else:  # lot -> pallet -> shipment: the pallet is shown
            box = _container(b, r[18], r[19], r[20])
            flow(lot, box, "packed", qty, unit)
            flow(box, sid, "shipped", qty, unit)
        if ccode is not None:
            flow(sid, _party(b, "customer", ccode, *r[6:11]), "delivered", qty, unit)
        if to_code is not None and (ccode is None or to_kind == "own_site"):
            site = NodeId.of("site", to_code)
            if site not in nodes:
                nodes[site] = Node(site, "site", to_code, r[13],
                                   PlaceFacts(to_code, r[13], r[14], r[15], r[16], to_kind))
            flow(sid, site, "in_transit" if status == "in transit" else "delivered", qty, unit)
    for lot_id, qty, code, kind, sscc in f.rows("packings", inner):
        lot, unit = lots[lot_id]
        flow(lot, _container(b, code, kind, sscc), "packed", qty, unit)
    for r in f.rows("returns", inner):
        rma, received_at, reason, lot_id, qty, ccode = r[:6]
        rid = NodeId.of("return", rma)
        if rid not in nodes:
            nodes[rid] = Node(rid, "return", rma, None, ReturnFacts(_when(received_at), reason, ccode))
        cid = _party(b, "customer", ccode, *r[6:11])
        lot, unit = lots[lot_id]
        flow(cid, rid, "returned", qty, unit)
        flow(rid, lot, "returned", qty, unit)


def _upstream(f: _Fetcher, b: _Builder, lots: dict[int, tuple[NodeId, str]], inner: set[int]) -> None:
    """Orders that made, receipts and vendors of the ``inner`` lots (not the frontier)."""
    made = f.rows("outputs_of_lots", inner)
    orders = _add_orders(f, b, {o for o, _, _ in made}, with_operations=True)
    flow, nodes = b.flow, b.nodes
    for order_id, lot_id, qty in made:
        lot, unit = lots[lot_id]
        flow(orders[order_id], lot, "produced", qty, unit)
    for lot_id, order_id, qty in f.rows("consumed_by_orders", orders):
        if lot_id in lots:
            lot, unit = lots[lot_id]
            flow(lot, orders[order_id], "consumed", qty, unit)
    for r in f.rows("receipts", inner):
        rcode, received_at, po, vendor_lot, lot_id, qty, vcode = r[:7]
        vid = _party(b, "vendor", vcode, *r[7:12])
        rid = NodeId.of("receipt", rcode)
        if rid not in nodes:
            nodes[rid] = Node(rid, "receipt", rcode, None, ReceiptFacts(_when(received_at), po, vcode, vendor_lot))
        lot, unit = lots[lot_id]
        flow(vid, rid, "supplied", qty, unit)
        flow(rid, lot, "received", qty, unit)


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
    root_ids = list(dict.fromkeys(r.id if isinstance(r, LotRef) else int(r) for r in items))
    with _gc_paused():
        return _trace(session, root_ids, direction, depth)


def _trace(session: Session, root_ids: list[int], direction: str, depth: int | None) -> Genealogy:
    g = Genealogy(roots=[], direction=direction, depth=depth)
    b = _Builder(g)

    down: dict[int, int] = {}
    up: dict[int, int] = {}
    if direction in ("forward", "both"):
        down = walk(session, root_ids, True, depth)
    if direction in ("backward", "both"):
        up = walk(session, root_ids, False, depth)
    signed = {lot: -d for lot, d in up.items()}
    signed.update(down)  # a lot both up- and downstream (a cycle) counts as downstream
    f = _Fetcher(session)
    try:
        _assemble(f, b, signed, down, up, root_ids, depth)
    finally:
        f.close()
    # Lot-to-lot flows are drawn from consumptions and outputs (so an order still in
    # progress shows); an input of an order that lies outside the traced direction (a
    # sibling input of a forward trace) is not drawn.
    b.finish()
    return g


def _assemble(f: _Fetcher, b: _Builder, signed: dict[int, int], down: dict[int, int], up: dict[int, int],
              root_ids: list[int], depth: int | None) -> None:
    def inner(hops: dict[int, int]) -> set[int]:
        return {lot for lot, d in hops.items() if depth is None or d < depth}

    inner_down, inner_up = inner(down), inner(up)
    queries: list[tuple[str, Iterable[int]]] = [("lots", signed)]
    if down:
        queries += [("consumed_lots", inner_down), ("shipments", inner_down), ("packings", inner_down),
                    ("returns", inner_down)]
    if up:
        queries += [("outputs_of_lots", inner_up), ("receipts", inner_up)]
    f.prefetch(queries, first=True)
    then: list[tuple[str, Iterable[int]]] = []
    if down:
        consumers = {o for _, o, _ in f.rows("consumed_lots", inner_down)}
        then += [("orders", consumers), ("outputs_of_orders", consumers)]
    if up:
        makers = {o for o, _, _ in f.rows("outputs_of_lots", inner_up)}
        then += [("orders", makers), ("operations", makers), ("consumed_by_orders", makers)]
    f.prefetch(then, last=True)
    g = b.g
    lots = _add_lots(f, b, signed)
    missing = [i for i in root_ids if i not in lots]
    if missing:  # a lot that does not exist has no edges either: it is found here
        raise WorkbenchError(f"No lot has the id {missing[0]}.")
    root_facts = {facts.lot_id: facts for facts in g.lot_facts() if facts.depth == 0}
    g.roots = [root_facts[i].ref for i in root_ids]
    if down:
        _downstream(f, b, lots, inner_down)
    if up:
        _upstream(f, b, lots, inner_up)


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


