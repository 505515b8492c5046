"""Siblings: other lots that may carry the same defect as a suspect lot, and why.

Those made from any of its upstream lots (shared material), and those made on the same
machines within a time window around its operations (default ±8 hours). Material siblings
are ranked by how specific the shared material is (how few lots it went into); those sharing
only common materials (in more than ``COMMON_REACH`` lots) are marked and folded away.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.facts import LotRef, NodeId, OperationFacts, time_key
from workbench.plant import Lot, Operation, Output, ProductionOrder
from workbench.plant.lookup import lot_refs
from workbench.plant.query import among, chunks
from workbench.rootcause.closure import closure
from workbench.rootcause.history import lot_history
from workbench.rootcause.records import LotHistory, Sibling, Siblings
from workbench.trace.genealogy import walk

DEFAULT_WINDOW = timedelta(hours=8)
#: A material lot that went into more than this many other lots is common (salt, oil,
#: packaging film): sharing it says little about a defect, so such siblings are folded away.
COMMON_REACH = 100


def _lot_created(session: Session, ids: Iterable[int]) -> dict[int, datetime | None]:
    out: dict[int, datetime | None] = {}
    for chunk in chunks(ids):
        out.update((i, c) for i, c in session.execute(select(Lot.id, Lot.created_at).where(among(Lot.id, chunk, session))))
    return out


def _span(started: datetime | None, finished: datetime | None) -> tuple[datetime, datetime] | None:
    start = started or finished
    if start is None:
        return None
    return start, finished or start


def siblings(session: Session, lot: LotRef | int, window: timedelta = DEFAULT_WINDOW,
             history: LotHistory | None = None, common_reach: int = COMMON_REACH) -> Siblings:
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

    # Shared material: everything downstream of any upstream lot, remembering which, and how
    # many lots each upstream lot went into (its reach: the fewer, the more specific).
    shared: dict[int, set[int]] = defaultdict(set)
    reach: dict[int, int] = {}
    for anc, reached in closure(session, ancestors, True).items():
        others = reached - own
        reach[anc] = len(others)
        for other in others:
            shared[other].add(anc)

    # Machine window: operations on the same machines overlapping [start - w, end + w].
    ours = [(op, span) for op in h.operations if op.machine and (span := _span(op.started_at, op.finished_at))]
    near: dict[int, dict[str, list[tuple[OperationFacts, OperationFacts, timedelta]]]] = defaultdict(dict)
    if ours:
        lo = min(s for _, (s, _) in ours) - window
        hi = max(e for _, (_, e) in ours) + window
        rows = session.execute(
            select(ProductionOrder.code, Operation.step, Operation.machine, Operation.operator,
                   Operation.started_at, Operation.finished_at, Output.lot_id)
            .join(ProductionOrder, ProductionOrder.id == Operation.order_id)
            .join(Output, Output.order_id == Operation.order_id)
            .where(among(Operation.machine, sorted({op.machine for op, _ in ours}), session),
                   func.coalesce(Operation.started_at, Operation.finished_at) <= hi,
                   func.coalesce(Operation.finished_at, Operation.started_at) >= lo)
        ).all()
        own_orders = {op.order for op in h.operations}
        for order, step, machine, operator, started, finished, lot_id in rows:
            span = _span(started, finished)
            if lot_id in own or order in own_orders or span is None:
                continue
            theirs = OperationFacts(order, step, machine, operator, started, finished)
            for op, (s, e) in ours:
                if op.machine != machine:
                    continue
                gap = max(span[0] - e, s - span[1], timedelta(0))
                if gap <= window:
                    near[lot_id].setdefault(op.machine or "", []).append((theirs, op, gap))

    refs = lot_refs(session, set(shared) | set(near) | set(ancestors))
    created = _lot_created(session, set(shared) | set(near))
    common = {a for a, n in reach.items() if n > common_reach}
    result.common = {refs[a]: reach[a] for a in sorted(common, key=lambda a: (-reach[a], refs[a].label))}
    for other, ancs in shared.items():
        ranked = sorted(ancs, key=lambda a: (reach[a], refs[a].label))  # most specific first
        labels = [f"{refs[a].label} (in {reach[a]:,} lots)" if a in common else refs[a].label for a in ranked]
        result.by_material.append(Sibling(
            refs[other], "material", created.get(other),
            tuple(NodeId.lot(refs[a].item, refs[a].lot) for a in ranked),
            "shares " + _listing(labels), reach=reach[ranked[0]], common=ancs <= common))
    for other, machines in near.items():
        parts: list[str] = []
        ops: list[OperationFacts] = []
        for machine in sorted(machines):
            pairs = machines[machine]
            best = min(pairs, key=lambda p: p[2])
            theirs, op, gap = best
            when = "overlapping" if gap == timedelta(0) else f"{_hours(gap)} h from"
            parts.append(f"{machine}: {theirs.order} {theirs.step} {when} {op.order} {op.step}")
            ops.extend(dict.fromkeys(p[0] for p in pairs))
        result.by_machine.append(Sibling(
            refs[other], "machine", created.get(other), tuple(NodeId.of("machine", m) for m in sorted(machines)),
            "; ".join(parts), tuple(dict.fromkeys(ops))))
    # Most specific shared material first, then most materials shared, then by date.
    result.by_material.sort(key=lambda s: (s.common, s.reach, -len(s.via), time_key(s.created_at), s.lot.label))
    result.by_machine.sort(key=lambda s: (time_key(s.created_at), s.lot.label))
    return result


def _listing(labels: Sequence[str], limit: int = 4) -> str:
    if len(labels) <= limit:
        return ", ".join(labels)
    return ", ".join(labels[:limit]) + f" and {len(labels) - limit} more"


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f}".rstrip("0").rstrip(".")
