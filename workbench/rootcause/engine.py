"""Root cause: from a defective lot back to what it shares with other lots.

Three questions a quality engineer asks once a defect is found (see docs on 8D, D4):

* **History** (``lot_history``): everything upstream of the lot — lots, receipts,
  vendors and vendor lots, orders and their operations with machine, operator, start
  and end — as one time-ordered list of events.
* **Siblings** (``siblings``): other lots that may carry the same defect: those made
  from any of its upstream lots (shared material), and those made on the same machines
  within a time window around its operations (default ±8 hours).
* **Commonality** (``commonality``): given several defective lots, every upstream
  factor — material lot, vendor lot, vendor, machine, operator, shift, order — ranked by
  how much more often the defective lots share it than the other lots of the same items
  made in the same period (the baseline). The significance is the one-sided Fisher exact
  test on the 2x2 table (exposed / not exposed x defective / baseline).

Shifts come from an operation's start time, in the plant's recorded (naive) time:
06:00-13:59 "early", 14:00-21:59 "late", 22:00-05:59 "night".

Everything is set-wise: one recursive query that carries the root lot id walks the
``lot_edges`` of all lots at once (``closure``), then a few grouped queries fetch the
orders, operations and receipts around the lots found.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from scipy.stats import hypergeom
from sqlalchemy import ARRAY, Integer, any_, bindparam, func, select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.jsonutil import jsonable
from workbench.plant import Item, Lot, LotEdge, Operation, Output, ProductionOrder, Receipt, Return, Vendor
from workbench.plant.lookup import lot_refs
from workbench.trace.genealogy import Genealogy, lot_node_id, trace, walk

CHUNK = 10000
DEFAULT_WINDOW = timedelta(hours=8)
#: Default padding of the baseline period around the defective lots' creation dates.
DEFAULT_PERIOD_PAD = timedelta(days=7)
FACTOR_KINDS = ("lot", "vendor_lot", "vendor", "machine", "operator", "shift", "order")
#: Tie-break between factors with the same statistics: the most upstream, most
#: specific cause first (a vendor lot explains more than the machine that used it).
_KIND_RANK = {kind: rank for rank, kind in enumerate(FACTOR_KINDS)}


def _chunks(ids: Iterable[int], size: int = CHUNK) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _among(session: Session, column, ids: list[int]):
    """``column IN ids``; on PostgreSQL one array parameter (``= ANY(:ids)``) instead of
    thousands of bind parameters, which psycopg spends most of a large query converting."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)


def _refs(session: Session, ids: Iterable[int]) -> dict[int, LotRef]:
    """LotRefs of many lots (like ``lookup.lot_refs``, with ``_among`` for big sets)."""
    out: dict[int, LotRef] = {}
    for chunk in _chunks(ids):
        for row in session.execute(
            select(Lot.id, Item.code, Lot.code).join(Item, Item.id == Lot.item_id).where(_among(session, Lot.id, chunk))
        ):
            out[row[0]] = LotRef(*row)
    return out


def shift_of(at: datetime | None) -> str | None:
    """The shift an operation started in: early 06-14, late 14-22, night 22-06."""
    if at is None:
        return None
    if 6 <= at.hour < 14:
        return "early"
    if 14 <= at.hour < 22:
        return "late"
    return "night"


def closure(session: Session, root_ids: Iterable[int], downstream: bool) -> dict[int, set[int]]:
    """For each root lot, every lot reachable from it (itself excluded), in one query per chunk.

    A recursive CTE that carries the root id along the walk, so one query answers for
    all roots at once; UNION (not UNION ALL) ends cycles and repeated paths.
    """
    e = LotEdge.__table__
    src, dst = (e.c.parent_lot_id, e.c.child_lot_id) if downstream else (e.c.child_lot_id, e.c.parent_lot_id)
    reach: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(root_ids):
        seed = select(src.label("root"), dst.label("lot")).where(_among(session, src, chunk))
        cte = seed.cte("reach", recursive=True)
        step = select(cte.c.root, dst).select_from(e).join(cte, src == cte.c.lot)
        cte = cte.union(step)
        for root, lot in session.execute(select(cte.c.root, cte.c.lot)):
            if root != lot:
                reach[root].add(lot)
    return reach


# --- history -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UpstreamLot:
    """A lot that went into the suspect lot (depth -1 = direct input), with its receipt."""

    lot: LotRef
    item_name: str | None
    item_kind: str
    origin: str
    depth: int
    created_at: datetime | None
    quantity: Any
    unit: str
    vendor: str | None = None
    vendor_name: str | None = None
    vendor_lot: str | None = None
    receipt: str | None = None
    po: str | None = None
    received_at: datetime | None = None


@dataclass(frozen=True)
class OperationRecord:
    """One operation of an order: which machine and operator, from when to when."""

    order: str
    step: str
    machine: str | None
    operator: str | None
    started_at: datetime | None
    finished_at: datetime | None
    #: The lots the order made ("ITEM/LOT").
    made: tuple[str, ...] = ()

    @property
    def node_id(self) -> str:
        return f"operation:{self.order}/{self.step}"

    @property
    def shift(self) -> str | None:
        return shift_of(self.started_at)


@dataclass(frozen=True)
class HistoryEvent:
    """One dated thing that happened upstream of the lot. ``node`` is a genealogy node id."""

    at: datetime | None
    kind: str  # received | opening | operation | produced
    text: str
    node: str
    until: datetime | None = None
    machine: str | None = None
    operator: str | None = None


@dataclass
class LotHistory:
    """The backward investigation of one lot, plain data."""

    lot: LotRef
    item_name: str | None
    created_at: datetime | None
    upstream: list[UpstreamLot]
    orders: list[dict[str, Any]]
    operations: list[OperationRecord]
    events: list[HistoryEvent]
    genealogy: Genealogy

    @property
    def vendors(self) -> list[str]:
        return sorted({u.vendor for u in self.upstream if u.vendor})

    @property
    def machines(self) -> list[str]:
        return sorted({o.machine for o in self.operations if o.machine})

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "lot": {"item": self.lot.item, "lot": self.lot.lot, "item_name": self.item_name,
                    "created_at": self.created_at},
            "upstream": [{**_lot_json(u.lot), "item_name": u.item_name, "kind": u.item_kind, "origin": u.origin,
                          "depth": u.depth, "created_at": u.created_at, "quantity": u.quantity, "unit": u.unit,
                          "vendor": u.vendor, "vendor_lot": u.vendor_lot, "receipt": u.receipt, "po": u.po,
                          "received_at": u.received_at} for u in self.upstream],
            "orders": self.orders,
            "operations": [{"order": o.order, "step": o.step, "machine": o.machine, "operator": o.operator,
                            "started_at": o.started_at, "finished_at": o.finished_at, "shift": o.shift,
                            "made": list(o.made)} for o in self.operations],
            "events": [{"at": e.at, "until": e.until, "kind": e.kind, "text": e.text, "node": e.node}
                       for e in self.events],
        })


def _lot_json(ref: LotRef) -> dict[str, str]:
    return {"item": ref.item, "lot": ref.lot}


def _sort_time(at: datetime | None) -> tuple[int, datetime]:
    return (0, at) if at is not None else (1, datetime.min)


def lot_history(session: Session, lot: LotRef | int) -> LotHistory:
    """Everything upstream of ``lot``, with its orders and operations, in time order."""
    g = trace(session, lot, "backward")
    root = g.roots[0]
    root_node = g.nodes[lot_node_id(root.item, root.lot)]
    received: dict[str, Any] = {}  # lot node -> receipt node
    vendor_of: dict[str, Any] = {}  # receipt node -> vendor node
    made_by: dict[str, list[str]] = defaultdict(list)  # order node -> lot labels
    for e in g.edges:
        if e.kind == "received":
            received[e.target] = g.nodes[e.source]
        elif e.kind == "supplied":
            vendor_of[e.target] = g.nodes[e.source]
        elif e.kind == "produced":
            made_by[e.source].append(e.target.split(":", 1)[1])

    upstream: list[UpstreamLot] = []
    events: list[HistoryEvent] = []
    for n in g.lots():
        d = n.data
        ref = LotRef(d["lot_id"], d["item"], d["lot"])
        rec = received.get(n.id)
        ven = vendor_of.get(rec.id) if rec else None
        if n.id != root_node.id:
            upstream.append(UpstreamLot(
                lot=ref, item_name=d["item_name"], item_kind=d["item_kind"], origin=d["origin"],
                depth=d["depth"], created_at=d["created_at"], quantity=d["quantity"], unit=d["unit"],
                vendor=ven.code if ven else None, vendor_name=ven.name if ven else None,
                vendor_lot=(rec.data["vendor_lot"] if rec else None) or d["vendor_lot"],
                receipt=rec.code if rec else None, po=rec.data["po"] if rec else None,
                received_at=rec.data["received_at"] if rec else None))
        if rec is not None:
            vl = rec.data["vendor_lot"] or d["vendor_lot"]
            events.append(HistoryEvent(
                rec.data["received_at"], "received",
                f"Received {ref.label}" + (f" (vendor lot {vl})" if vl else "")
                + (f" from {ven.code}" if ven else "") + f" on {rec.code}"
                + (f", PO {rec.data['po']}" if rec.data["po"] else ""), n.id))
        elif d["origin"] == "opening":
            events.append(HistoryEvent(d["created_at"], "opening", f"Opening stock {ref.label}", n.id))

    orders = []
    for n in g.of_kind("order"):
        made = sorted(made_by.get(n.id, []))
        orders.append({"order": n.code, "item": n.data["item"], "started_at": n.data["started_at"],
                       "finished_at": n.data["finished_at"], "made": made})
        events.append(HistoryEvent(n.data["finished_at"] or n.data["started_at"], "produced",
                                   f"Order {n.code} made {', '.join(made)}", n.id))
    orders.sort(key=lambda o: (_sort_time(o["started_at"]), o["order"]))
    made_of = {o["order"]: tuple(o["made"]) for o in orders}

    operations = []
    for n in g.of_kind("operation"):
        d = n.data
        op = OperationRecord(d["order"], d["step"], d["machine"], d["operator"], d["started_at"],
                             d["finished_at"], made_of.get(d["order"], ()))
        operations.append(op)
        where = f" on {op.machine}" if op.machine else ""
        who = f" by {op.operator}" if op.operator else ""
        events.append(HistoryEvent(op.started_at, "operation", f"{op.order} {op.step}{where}{who}", n.id,
                                   until=op.finished_at, machine=op.machine, operator=op.operator))
    operations.sort(key=lambda o: (_sort_time(o.started_at), o.order, o.step))
    upstream.sort(key=lambda u: (-u.depth, u.lot.item, u.lot.lot))  # direct inputs first
    order_rank = {"received": 0, "opening": 0, "operation": 1, "produced": 2}
    events.sort(key=lambda e: (_sort_time(e.at), order_rank[e.kind], e.text))
    return LotHistory(root, root_node.name, root_node.data["created_at"], upstream, orders, operations,
                      events, g)


# --- siblings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sibling:
    """Another lot that may carry the same defect, and why.

    ``kind`` is "material" (made from one of the suspect lot's upstream lots, listed in
    ``via`` as lot node ids) or "machine" (made by an order with an operation on one of
    the suspect lot's machines within the window; ``via`` holds machine node ids and
    ``operations`` those operations).
    """

    lot: LotRef
    kind: str
    created_at: datetime | None
    via: tuple[str, ...]
    reason: str
    operations: tuple[OperationRecord, ...] = ()


@dataclass
class Siblings:
    lot: LotRef
    window: timedelta
    by_material: list[Sibling] = field(default_factory=list)
    by_machine: list[Sibling] = field(default_factory=list)

    def lots(self) -> set[LotRef]:
        return {s.lot for s in self.by_material} | {s.lot for s in self.by_machine}

    def to_json(self) -> dict[str, Any]:
        def one(s: Sibling) -> dict[str, Any]:
            return {**_lot_json(s.lot), "kind": s.kind, "created_at": s.created_at, "via": list(s.via),
                    "reason": s.reason}
        return jsonable({"lot": _lot_json(self.lot), "window_hours": self.window.total_seconds() / 3600,
                         "by_material": [one(s) for s in self.by_material],
                         "by_machine": [one(s) for s in self.by_machine]})


def _lot_created(session: Session, ids: Iterable[int]) -> dict[int, datetime | None]:
    out: dict[int, datetime | None] = {}
    for chunk in _chunks(ids):
        out.update((i, c) for i, c in session.execute(select(Lot.id, Lot.created_at).where(_among(session, Lot.id, chunk))))
    return out


def _span(started: datetime | None, finished: datetime | None) -> tuple[datetime, datetime] | None:
    start = started or finished
    if start is None:
        return None
    return start, finished or start


def siblings(session: Session, lot: LotRef | int, window: timedelta = DEFAULT_WINDOW,
             history: LotHistory | None = None) -> Siblings:
    """Lots that share a material lot with ``lot``, or ran on its machines within ``window``.

    The lot itself, its upstream lots and its downstream lots are not siblings (they are
    its own genealogy). Pass ``history`` when it is already at hand to save the trace.
    """
    if window < timedelta(0):
        raise WorkbenchError("The machine window must be zero hours or more.")
    h = history or lot_history(session, lot)
    root = h.lot
    ancestors = {u.lot.id: u.lot for u in h.upstream}
    descendants = set(walk(session, [root.id], True))
    own = {root.id} | set(ancestors) | descendants
    result = Siblings(root, window)

    # Shared material: everything downstream of any upstream lot, remembering which.
    shared: dict[int, set[int]] = defaultdict(set)
    for anc, reached in closure(session, ancestors, True).items():
        for other in reached - own:
            shared[other].add(anc)

    # Machine window: operations on the same machines overlapping [start - w, end + w].
    ours = [(op, span) for op in h.operations if op.machine and (span := _span(op.started_at, op.finished_at))]
    near: dict[int, dict[str, list[tuple[OperationRecord, OperationRecord, timedelta]]]] = defaultdict(dict)
    if ours:
        lo = min(s for _, (s, _) in ours) - window
        hi = max(e for _, (_, e) in ours) + window
        rows = session.execute(
            select(ProductionOrder.code, Operation.step, Operation.machine, Operation.operator,
                   Operation.started_at, Operation.finished_at, Output.lot_id)
            .join(ProductionOrder, ProductionOrder.id == Operation.order_id)
            .join(Output, Output.order_id == Operation.order_id)
            .where(Operation.machine.in_(sorted({op.machine for op, _ in ours})),
                   func.coalesce(Operation.started_at, Operation.finished_at) <= hi,
                   func.coalesce(Operation.finished_at, Operation.started_at) >= lo)
        ).all()
        own_orders = {op.order for op in h.operations}
        for order, step, machine, operator, started, finished, lot_id in rows:
            span = _span(started, finished)
            if lot_id in own or order in own_orders or span is None:
                continue
            theirs = OperationRecord(order, step, machine, operator, started, finished)
            for op, (s, e) in ours:
                if op.machine != machine:
                    continue
                gap = max(span[0] - e, s - span[1], timedelta(0))
                if gap <= window:
                    near[lot_id].setdefault(machine, []).append((theirs, op, gap))

    refs = lot_refs(session, set(shared) | set(near) | set(ancestors))
    created = _lot_created(session, set(shared) | set(near))
    for other, ancs in shared.items():
        labels = sorted(refs[a].label for a in ancs)
        result.by_material.append(Sibling(
            refs[other], "material", created.get(other),
            tuple(lot_node_id(refs[a].item, refs[a].lot) for a in sorted(ancs, key=lambda a: refs[a].label)),
            "shares " + _listing(labels)))
    for other, machines in near.items():
        parts, ops = [], []
        for machine in sorted(machines):
            pairs = machines[machine]
            best = min(pairs, key=lambda p: p[2])
            theirs, op, gap = best
            when = "overlapping" if gap == timedelta(0) else f"{_hours(gap)} h from"
            parts.append(f"{machine}: {theirs.order} {theirs.step} {when} {op.order} {op.step}")
            ops.extend(dict.fromkeys(p[0] for p in pairs))
        result.by_machine.append(Sibling(
            refs[other], "machine", created.get(other), tuple(f"machine:{m}" for m in sorted(machines)),
            "; ".join(parts), tuple(dict.fromkeys(ops))))
    # Most shared material first (closest relatives), then by date.
    result.by_material.sort(key=lambda s: (-len(s.via), _sort_time(s.created_at), s.lot.label))
    result.by_machine.sort(key=lambda s: (_sort_time(s.created_at), s.lot.label))
    return result


def _listing(labels: Sequence[str], limit: int = 4) -> str:
    if len(labels) <= limit:
        return ", ".join(labels)
    return ", ".join(labels[:limit]) + f" and {len(labels) - limit} more"


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f}".rstrip("0").rstrip(".")


# --- commonality -------------------------------------------------------------------------


@dataclass(frozen=True)
class Factor:
    """An upstream factor and how much more the defective lots share it than the baseline.

    ``code`` names it ("ITEM/LOT" for a lot, the vendor lot for a vendor lot, the code
    otherwise); ``node_ids`` are the genealogy nodes to highlight. ``lift`` is ``inf``
    when no baseline lot shares the factor (JSON: null).
    """

    kind: str
    code: str
    item: str | None
    lot: str | None
    vendor: str | None
    vendor_lot: str | None
    defective_exposed: int
    defective_total: int
    baseline_exposed: int
    baseline_total: int
    p_value: float
    node_ids: tuple[str, ...]
    #: Lot-to-lot hops upstream of the nearest defective lot (lots only), for tie-breaks.
    depth: int = 0

    @property
    def defective_share(self) -> float:
        return self.defective_exposed / self.defective_total if self.defective_total else 0.0

    @property
    def baseline_share(self) -> float:
        return self.baseline_exposed / self.baseline_total if self.baseline_total else 0.0

    @property
    def lift(self) -> float:
        if self.baseline_share == 0:
            return math.inf if self.defective_share > 0 else 0.0
        return self.defective_share / self.baseline_share

    @property
    def label(self) -> str:
        if self.kind == "vendor_lot":
            return f"vendor lot {self.code} ({self.vendor})"
        if self.kind == "lot":
            return f"lot {self.code}"
        return f"{self.kind} {self.code}"

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "kind": self.kind, "code": self.code, "item": self.item, "lot": self.lot, "vendor": self.vendor,
            "vendor_lot": self.vendor_lot, "defective_exposed": self.defective_exposed,
            "defective_total": self.defective_total, "baseline_exposed": self.baseline_exposed,
            "baseline_total": self.baseline_total, "defective_share": round(self.defective_share, 6),
            "baseline_share": round(self.baseline_share, 6),
            "lift": None if math.isinf(self.lift) else round(self.lift, 6),
            "p_value": float(f"{self.p_value:.6g}"), "node_ids": list(self.node_ids)})


@dataclass
class Commonality:
    defective: list[LotRef]
    items: list[str]
    period: tuple[datetime, datetime] | None
    baseline: list[LotRef]
    factors: list[Factor]

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "defective": [r.label for r in self.defective], "items": self.items,
            "period": list(self.period) if self.period else None, "baseline_lots": len(self.baseline),
            "factors": [f.to_json() for f in self.factors]})


@dataclass
class _Exposure:
    """Who is exposed to a factor, and how to describe it."""

    kind: str
    code: str
    item: str | None = None
    lot: str | None = None
    vendor: str | None = None
    vendor_lot: str | None = None
    depth: int = 0
    nodes: set[str] = field(default_factory=set)
    roots: set[int] = field(default_factory=set)


def _exposures(session: Session, roots: set[int]) -> dict[tuple[str, str], _Exposure]:
    """Every upstream factor of each root lot, set-wise: (kind, code) -> exposure."""
    ancestors = closure(session, roots, False)
    all_lots = set(roots).union(*ancestors.values()) if ancestors else set(roots)
    refs = _refs(session, all_lots)
    factors: dict[tuple[str, str], _Exposure] = {}

    def expose(kind: str, code: str, exposed: set[int], node: str, **kw) -> None:
        f = factors.get((kind, code))
        if f is None:
            f = factors[(kind, code)] = _Exposure(kind, code, **kw)
        f.roots |= exposed
        f.nodes.add(node)

    # Receipts: vendor and vendor lot of every purchased lot in reach.
    receipts: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for chunk in _chunks(all_lots):
        for lot_id, vendor, vendor_lot, lot_vendor_lot in session.execute(
            select(Receipt.lot_id, Vendor.code, Receipt.vendor_lot, Lot.vendor_lot)
            .join(Vendor, Vendor.id == Receipt.vendor_id).join(Lot, Lot.id == Receipt.lot_id)
            .where(_among(session, Receipt.lot_id, chunk))
        ):
            receipts[lot_id].append((vendor, vendor_lot or lot_vendor_lot))
    # Orders that made each lot in reach, and their operations.
    made_by: dict[int, list[tuple[str, int]]] = defaultdict(list)
    order_ids: set[int] = set()
    for chunk in _chunks(all_lots):
        for lot_id, order_id, code in session.execute(
            select(Output.lot_id, Output.order_id, ProductionOrder.code)
            .join(ProductionOrder, ProductionOrder.id == Output.order_id).where(_among(session, Output.lot_id, chunk))
        ):
            made_by[lot_id].append((code, order_id))
            order_ids.add(order_id)
    ops: dict[int, list[tuple[str, str | None, str | None, datetime | None]]] = defaultdict(list)
    for chunk in _chunks(order_ids):
        for order_id, code, step, machine, operator, started in session.execute(
            select(Operation.order_id, ProductionOrder.code, Operation.step, Operation.machine,
                   Operation.operator, Operation.started_at)
            .join(ProductionOrder, ProductionOrder.id == Operation.order_id).where(_among(session, Operation.order_id, chunk))
        ):
            ops[order_id].append((f"operation:{code}/{step}", machine, operator, started))

    # Invert once: which roots each lot lies upstream of. Then each factor is the union
    # of those sets over its lots — a few set unions per lot instead of a call per pair.
    below: dict[int, set[int]] = defaultdict(set)
    for root, reach in ancestors.items():
        for lot_id in reach:
            below[lot_id].add(root)
    for lot_id, exposed in below.items():
        ref = refs[lot_id]
        node = lot_node_id(ref.item, ref.lot)
        vendors = receipts.get(lot_id, [])
        expose("lot", ref.label, exposed, node, item=ref.item, lot=ref.lot,
               vendor=vendors[0][0] if vendors else None, vendor_lot=vendors[0][1] if vendors else None)
        for vendor, vendor_lot in vendors:
            expose("vendor", vendor, exposed, f"vendor:{vendor}")
            if vendor_lot:
                expose("vendor_lot", f"{vendor}/{ref.item}/{vendor_lot}", exposed, node, item=ref.item,
                       vendor=vendor, vendor_lot=vendor_lot)
    # Orders (and their machines, operators, shifts) that made a root or anything upstream.
    for lot_id in set(below) | set(roots):
        exposed = below.get(lot_id, set()) | ({lot_id} if lot_id in roots else set())
        for order_code, order_id in made_by.get(lot_id, ()):
            expose("order", order_code, exposed, f"order:{order_code}")
            for op_node, machine, operator, started in ops.get(order_id, ()):
                if machine:
                    expose("machine", machine, exposed, f"machine:{machine}")
                if operator:
                    expose("operator", operator, exposed, f"operator:{operator}")
                shift = shift_of(started)
                if shift:
                    expose("shift", shift, exposed, op_node)
    return factors


def _default_period(created: Sequence[datetime | None]) -> tuple[datetime, datetime] | None:
    known = [c for c in created if c is not None]
    if not known:
        return None
    return min(known) - DEFAULT_PERIOD_PAD, max(known) + DEFAULT_PERIOD_PAD


def commonality(session: Session, defective: Sequence[LotRef | int],
                period: tuple[datetime, datetime] | None = None, progress=None) -> Commonality:
    """Rank every upstream factor of the defective lots against the baseline lots.

    Baseline: the other lots of the defective lots' items created within ``period``
    (default: the defective lots' creation dates ± 7 days). For each factor, defective
    share = defective lots exposed / defective lots, baseline share likewise over the
    baseline lots, lift = their ratio, and p_value = P(at least this many exposed
    defective lots | exposure independent of defect), the one-sided Fisher exact test
    (the hypergeometric upper tail, identical to ``scipy.stats.fisher_exact(...,
    alternative="greater")``). Best first: smallest p, then highest lift, then share.
    """
    from workbench.progress import report

    ids = list(dict.fromkeys(r.id if isinstance(r, LotRef) else int(r) for r in defective))
    if not ids:
        raise WorkbenchError("Name at least one defective lot.")
    refs = lot_refs(session, ids)
    missing = [i for i in ids if i not in refs]
    if missing:
        raise WorkbenchError(f"No lot has the id {missing[0]}.")
    report(progress, 0.05, "Finding the baseline lots")
    rows = session.execute(select(Lot.id, Lot.item_id, Lot.created_at).where(Lot.id.in_(ids))).all()
    item_ids = sorted({r.item_id for r in rows})
    if period is None:
        period = _default_period([r.created_at for r in rows])
    baseline_ids: set[int] = set()
    if period is not None:
        baseline_ids = set(session.execute(
            select(Lot.id).where(Lot.item_id.in_(item_ids), Lot.created_at >= period[0],
                                 Lot.created_at <= period[1])
        ).scalars()) - set(ids)
    items = sorted(session.execute(select(Item.code).where(Item.id.in_(item_ids))).scalars())
    report(progress, 0.2, f"Walking upstream of {len(ids)} defective and {len(baseline_ids)} baseline lots")
    exposures = _exposures(session, set(ids) | baseline_ids)
    report(progress, 0.8, "Ranking factors")
    defective_set = set(ids)
    n1, n2 = len(ids), len(baseline_ids)
    chosen = [f for f in exposures.values() if f.roots & defective_set]
    a = np.array([len(f.roots & defective_set) for f in chosen], dtype=int)
    c = np.array([len(f.roots) for f in chosen], dtype=int) - a
    # One-sided Fisher exact: the chance of >= a exposed among the n1 defective lots when
    # a + c of the n1 + n2 lots are exposed, drawn without replacement.
    p = hypergeom.sf(a - 1, n1 + n2, a + c, n1) if len(chosen) else np.array([])
    depth = _upstream_depths(session, ids)
    factors = [
        Factor(f.kind, f.code, f.item, f.lot, f.vendor, f.vendor_lot, int(a[i]), n1, int(c[i]), n2,
               float(min(1.0, max(0.0, p[i]))), tuple(sorted(f.nodes)),
               depth.get((f.item, f.lot), 0) if f.kind == "lot" else 0)
        for i, f in enumerate(chosen)
    ]
    factors = _without_echoes(factors)
    factors.sort(key=lambda f: (f.p_value, -f.lift, -f.defective_share, _KIND_RANK[f.kind], -f.depth, f.code))
    all_refs = _refs(session, baseline_ids)
    report(progress, 1.0, "Done")
    return Commonality([refs[i] for i in ids], items, period,
                       sorted(all_refs.values(), key=lambda r: r.label), factors)


def _upstream_depths(session: Session, ids: list[int]) -> dict[tuple[str, str], int]:
    """Fewest hops from the defective lots up to each upstream lot, keyed (item, lot)."""
    hops = walk(session, ids, False)
    refs = _refs(session, hops)
    return {(refs[i].item, refs[i].lot): d for i, d in hops.items()}


def _without_echoes(factors: list[Factor]) -> list[Factor]:
    """Drop a vendor-lot factor that only repeats one lot factor (one receipt, one lot).

    A vendor lot is worth its own row only when it came in as several of our lots;
    otherwise the lot row already carries the vendor lot.
    """
    lots = {f.node_ids for f in factors if f.kind == "lot"}
    return [f for f in factors if not (f.kind == "vendor_lot" and f.node_ids in lots)]


def defective_from_returns(session: Session, reason_contains: str) -> list[LotRef]:
    """The lots named in customer returns whose reason contains the text (any case)."""
    text = reason_contains.strip().lower()
    if not text:
        raise WorkbenchError("Give some text of the return reason to look for.")
    ids = session.execute(
        select(Return.lot_id).where(func.lower(Return.reason).contains(text, autoescape=True)).distinct()
    ).scalars().all()
    return sorted(lot_refs(session, ids).values(), key=lambda r: r.label)


def return_reasons(session: Session) -> list[tuple[str, int]]:
    """Return reasons with the number of lots returned for each, most frequent first."""
    rows = session.execute(
        select(Return.reason, func.count(func.distinct(Return.lot_id)))
        .where(Return.reason.is_not(None)).group_by(Return.reason)
    ).all()
    return sorted(((r, n) for r, n in rows), key=lambda x: (-x[1], x[0]))
