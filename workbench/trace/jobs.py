"""The background work of the genealogy view: trace, merge, lay out. No Qt here.

Each function runs on a worker thread (through ``run_op``/``plant_op``) on a *copy* of
the view's ``GraphState`` and returns a ``Snapshot`` the view swaps in on the UI thread.
Queries and the Graphviz layout both happen here, so the UI thread only creates items
and animates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from workbench.facts import LotRef, NodeId
from workbench.progress import ProgressFn, report
from workbench.trace.explore import (
    DOWNSTREAM,
    TRACE_DIRECTION,
    UPSTREAM,
    GraphState,
    VisibleGraph,
    lot_ids_of,
    node_size,
)
from workbench.trace.genealogy import more_beyond, trace
from workbench.trace.layout import Layout, LayoutNode, Point, layout


@dataclass
class Snapshot:
    """A state, what of it is drawn, and where: the unit the view swaps in."""

    state: GraphState
    visible: VisibleGraph
    layout: Layout
    #: The node the new picture grows out of (expanded node), or None.
    anchor: str | None = None


@dataclass(frozen=True)
class Expansion:
    """Open ``depth`` more levels (None: all) in ``direction`` from ``node_ids``."""

    node_ids: tuple[str, ...]
    direction: str
    depth: int | None = 1


def arrange(state: GraphState, previous: dict[str, Point], pinned: dict[str, Point],
            anchor: str | None = None) -> Snapshot:
    """Lay out what ``state`` shows: shown nodes first in their on-screen order (an
    ordering hint for dot), then new ones; translated to keep the ``pinned`` nodes."""
    visible = state.visible()
    ids = list(visible.nodes)
    old = sorted((i for i in ids if i in previous), key=lambda i: (previous[i][1], previous[i][0]))
    new = [i for i in ids if i not in previous]
    nodes = [LayoutNode(i, *node_size(visible.nodes[i].kind)) for i in old + new]
    edges = [(e.source, e.target, e.label) for e in visible.edges]
    # A return flows back into the lot it was shipped from (customer -> return -> lot):
    # laid out the other way round, so the return box sits beside its lot, next to the
    # shipments, and both of its edges stay short instead of looping round the graph.
    turned = [(e.source, e.target) for e in visible.edges
              if e.kind == "returned" and "return" in (visible.nodes[e.source].kind, visible.nodes[e.target].kind)]
    return Snapshot(state, visible, layout(nodes, edges, pinned, turned_edges=turned), anchor)


def _count_new_lots(session: Session, state: GraphState) -> None:
    needed = state.lots_needing_counts()
    for lot_id, counts in more_beyond(session, needed).items():
        state.more[needed[lot_id]] = counts


def open_lot(session: Session, lot: LotRef, base: GraphState, progress: ProgressFn | None = None) -> Snapshot:
    """A fresh view of ``lot`` and its direct neighbours both ways."""
    state = GraphState(**base.settings())
    report(progress, 0.1, f"Tracing {lot.label}…")
    g = trace(session, lot, "both", depth=1)
    state.roots = [NodeId.lot(r.item, r.lot) for r in g.roots]
    state.merge(g)
    _count_new_lots(session, state)
    report(progress, 0.6, "Laying out…")
    return arrange(state, {}, {})


def expand(session: Session, base: GraphState, expansions: Sequence[Expansion], previous: dict[str, Point],
           pinned: dict[str, Point], anchor: str | None = None, progress: ProgressFn | None = None) -> Snapshot:
    """Merge one trace per expansion into a copy of ``base`` and lay it out."""
    state = base.copy()
    for i, x in enumerate(expansions):
        report(progress, 0.1 + 0.5 * i / max(1, len(expansions)), "Tracing…")
        roots: list[str] = []
        for nid in x.node_ids:
            roots += state.expansion_roots(nid, x.direction)
        lot_ids = lot_ids_of(state, dict.fromkeys(roots))
        if not lot_ids:
            continue
        state.merge(trace(session, lot_ids, TRACE_DIRECTION[x.direction], depth=x.depth))
        for nid in x.node_ids:  # a node expanded "through" counts as expanded too
            state.expanded.setdefault(nid, set()).add(x.direction)
    _count_new_lots(session, state)
    report(progress, 0.7, "Laying out…")
    return arrange(state, previous, pinned, anchor)


def frontier(state: GraphState, visible: VisibleGraph) -> list[Expansion]:
    """One level more in every direction where a shown lot has more to open."""
    up = tuple(n.id for n in visible.nodes.values() if n.more_upstream)
    down = tuple(n.id for n in visible.nodes.values() if n.more_downstream)
    out = []
    if up:
        out.append(Expansion(up, UPSTREAM))
    if down:
        out.append(Expansion(down, DOWNSTREAM))
    return out


def refresh(session: Session, base: GraphState, previous: dict[str, Point], pinned: dict[str, Point],
            progress: ProgressFn | None = None) -> Snapshot:
    """The same view traced again after the plant changed: the same roots, expansions, groups
    and hidden kinds; new records appear, retracted ones go."""
    roots = [base.nodes[r].lot.ref for r in base.roots if r in base.nodes and base.nodes[r].kind == "lot"]
    state = GraphState(**base.settings(), opened=dict(base.opened),
                       revealed=set(base.revealed))
    if not roots:
        return arrange(state, previous, pinned)
    report(progress, 0.1, "Tracing again…")
    g = trace(session, roots, "both", depth=1)
    state.roots = [NodeId.lot(r.item, r.lot) for r in g.roots]
    state.merge(g)
    wanted = {(nid, d) for nid, directions in base.expanded.items() for d in directions}
    while True:
        # A box opened two levels out needs the level before it first: replay in rounds.
        ready = [(nid, d) for nid, d in wanted if nid in state.nodes and d not in state.expanded.get(nid, set())]
        if not ready:
            break
        for direction in (UPSTREAM, DOWNSTREAM):
            ids = tuple(sorted(nid for nid, d in ready if d == direction))
            if not ids:
                continue
            roots_of = [r for nid in ids for r in state.expansion_roots(nid, direction)]
            lot_ids = lot_ids_of(state, dict.fromkeys(roots_of))
            if lot_ids:
                state.merge(trace(session, lot_ids, TRACE_DIRECTION[direction], depth=1))
            for nid in ids:
                state.expanded.setdefault(nid, set()).add(direction)
        wanted -= set(ready)
    _count_new_lots(session, state)
    report(progress, 0.7, "Laying out…")
    return arrange(state, previous, pinned)
