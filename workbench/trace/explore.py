"""What the interactive genealogy shows: the expansion state, with no Qt in it.

``GraphState`` is the graph the user has opened so far: the traces merged into one node
and edge set, which lots were expanded in which direction, how much more lies beyond
each lot, which node kinds are hidden and which groups were opened. It is plain data;
a background job takes a copy, merges a new trace into it and lays it out, and the view
swaps the result in on the UI thread, so the state is never shared between threads.

``GraphState.visible()`` turns it into what is drawn (``VisibleGraph``):

- hidden kinds (operations, operators…) are bridged: a machine that ran an operation of
  an order links straight to the order while operations are hidden;
- a node with more than ``threshold`` neighbours of one kind in one direction shows them
  as one group box ("438 orders"), together with everything that hangs only beyond them,
  so a material used everywhere never floods the view; opening a group reveals its
  members a page at a time.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from workbench.facts import Edge, Genealogy, Node
from workbench.format import quantity as format_quantity
from workbench.trace.genealogy import Beyond

UPSTREAM = "upstream"
DOWNSTREAM = "downstream"
TRACE_DIRECTION = {UPSTREAM: "backward", DOWNSTREAM: "forward"}
#: Neighbours of one kind in one direction beyond which they are shown as a group.
GROUP_THRESHOLD = 25
#: How many members one "open group" reveals at a time.
GROUP_PAGE = 50
#: Kinds hidden when a view opens: operations and operators are detail most
#: investigations open only on demand (machines stay: they are root-cause suspects).
DEFAULT_HIDDEN = frozenset({"operation", "operator"})
#: Above this many shipment boxes, shipments are summarised on the lot -> customer edges
#: ("3 shipments · 240 cs") instead of drawn: in a recall-sized tree they are the
#: tallest column and say least (the customer and the quantity are what matter).
SHIPMENT_SUMMARY = 40
SUMMARISED_KINDS = ("shipment", "container")
#: Above this many lots (or orders) in one view, those of one item fold into one box
#: per item ("120 lots · FG-BAR-ALMOND"), at least ITEM_GROUP_MIN of them: a material
#: used everywhere then reads as an item-level flow (Oracle's lot genealogy, Odoo's
#: unfoldable lines), and each box opens a page at a time.
ITEM_GROUP_OVER = 80
ITEM_GROUP_MIN = 4
#: Above this many customers in one view, customers fold by region (state or country,
#: from their address) when a region has at least two of them.
CUSTOMER_GROUP_OVER = 30
#: Box sizes in pixels per kind (the layout job and the items use the same numbers).
NODE_SIZE = {"lot": (184.0, 62.0), "group": (172.0, 56.0)}
OTHER_SIZE = (164.0, 46.0)


def node_size(kind: str) -> tuple[float, float]:
    return NODE_SIZE.get(kind, OTHER_SIZE)


@dataclass
class GroupInfo:
    """A group box: ``members`` (first-level neighbours still folded) of ``kind`` on the
    ``direction`` side of ``anchor``; ``absorbed`` counts what hangs only beyond them."""

    key: str
    anchor: str
    direction: str
    kind: str
    members: list[str]
    absorbed: int
    total: int
    quantity: str = ""
    #: For a group of one item's lots or orders (not one box's fan): the item code.
    item: str = ""

    @property
    def title(self) -> str:
        noun = self.kind if len(self.members) == 1 else f"{self.kind}s"
        return f"{len(self.members):,} {noun}"


@dataclass
class VisibleNode:
    id: str
    kind: str
    node: Node | None = None
    group: GroupInfo | None = None
    root: bool = False
    more_upstream: bool = False
    more_downstream: bool = False


@dataclass(frozen=True)
class VisibleEdge:
    source: str
    target: str
    kind: str
    label: str = ""


@dataclass
class VisibleGraph:
    nodes: dict[str, VisibleNode] = field(default_factory=dict)
    edges: list[VisibleEdge] = field(default_factory=list)
    #: Real node id -> the group box that folds it.
    folded: dict[str, str] = field(default_factory=dict)
    #: Kinds summarised on the edges (bridged) because there were too many to draw.
    summarised: frozenset[str] = frozenset()


class ViewSettings(TypedDict):
    """How a view is shown: the keyword arguments of ``GraphState`` that ``settings`` keeps."""

    hidden_kinds: frozenset[str]
    threshold: int
    summarise_shipments: bool
    fold_by_item: bool


@dataclass
class GraphState:
    """The genealogy opened so far, and how it is shown. Plain data: copy, then change."""

    roots: list[str] = field(default_factory=list)
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)
    expanded: dict[str, set[str]] = field(default_factory=dict)
    more: dict[str, Beyond] = field(default_factory=dict)
    hidden_kinds: frozenset[str] = DEFAULT_HIDDEN
    opened: dict[str, int] = field(default_factory=dict)
    revealed: set[str] = field(default_factory=set)
    threshold: int = GROUP_THRESHOLD
    #: Summarise shipments on the edges when there are more than SHIPMENT_SUMMARY.
    summarise_shipments: bool = True
    #: Fold lots and orders by item, customers by region, when a view holds many.
    fold_by_item: bool = True

    def settings(self) -> ViewSettings:
        """How the view is shown (kept when a new lot is opened or the plant changes)."""
        return {"hidden_kinds": self.hidden_kinds, "threshold": self.threshold,
                "summarise_shipments": self.summarise_shipments, "fold_by_item": self.fold_by_item}

    def copy(self) -> GraphState:
        clone = copy.copy(self)
        clone.roots = list(self.roots)
        clone.nodes = dict(self.nodes)
        clone.edges = dict(self.edges)
        clone.expanded = {k: set(v) for k, v in self.expanded.items()}
        clone.more = dict(self.more)
        clone.opened = dict(self.opened)
        clone.revealed = set(self.revealed)
        return clone

    # --- changing ------------------------------------------------------------------

    def merge(self, g: Genealogy) -> list[str]:
        """Add a trace; mark the lots it opened as expanded. Returns the new node ids."""
        added: list[str] = [nid for nid in g.nodes if nid not in self.nodes]
        for nid, node in g.nodes.items():
            self.nodes.setdefault(nid, node)
        for e in g.edges:
            self.edges.setdefault((e.source, e.target, e.kind), e)
        for node in g.lots():
            d = node.lot.depth
            inner = g.depth is None or abs(d) < g.depth
            if not inner:
                continue
            if g.direction in ("forward", "both") and d >= 0:
                self.expanded.setdefault(node.id, set()).add(DOWNSTREAM)
            if g.direction in ("backward", "both") and d <= 0:
                self.expanded.setdefault(node.id, set()).add(UPSTREAM)
        return added

    def lots_needing_counts(self) -> dict[int, str]:
        return {n.lot.lot_id: nid for nid, n in self.nodes.items() if n.kind == "lot" and nid not in self.more}

    def successors(self, node_id: str) -> list[str]:
        return [t for (s, t, _) in self.edges if s == node_id]

    def predecessors(self, node_id: str) -> list[str]:
        return [s for (s, t, _) in self.edges if t == node_id]

    def expansion_roots(self, node_id: str, direction: str) -> list[str]:
        """The lots to trace from when ``node_id`` is expanded in ``direction``.

        A lot expands itself. Any other node expands *through* itself: an order, a
        shipment or a receipt opens the lots on its far side (an order expanded upstream
        also re-traces its outputs, which reveals every input it consumed).
        """
        node = self.nodes.get(node_id)
        if node is None:
            return []
        if node.kind == "lot":
            return [node_id]
        forward = direction == DOWNSTREAM
        found: list[str] = []
        seen = {node_id}
        queue = deque([node_id])
        while queue:
            current = queue.popleft()
            for nxt in (self.successors(current) if forward else self.predecessors(current)):
                if nxt in seen:
                    continue
                seen.add(nxt)
                if self.nodes[nxt].kind == "lot":
                    found.append(nxt)
                else:
                    queue.append(nxt)
        if node.kind == "order" and not forward:
            found += [t for t in self.successors(node_id) if self.nodes[t].kind == "lot"]
        return list(dict.fromkeys(found))

    def collapse(self, node_id: str) -> list[str]:
        """Remove what lies beyond ``node_id`` that no other path links to a root.

        Returns the removed ids. The roots cannot be collapsed (re-open the lot instead).
        """
        if node_id in self.roots or node_id not in self.nodes:
            return []
        neighbours: dict[str, set[str]] = defaultdict(set)
        for s, t, _ in self.edges:
            neighbours[s].add(t)
            neighbours[t].add(s)
        keep = set(self.roots) | {node_id}
        queue = deque(self.roots)
        while queue:
            current = queue.popleft()
            for nxt in neighbours[current]:
                if nxt not in keep:
                    keep.add(nxt)
                    queue.append(nxt)
        removed = [nid for nid in self.nodes if nid not in keep]
        for nid in removed:
            del self.nodes[nid]
            self.expanded.pop(nid, None)
            self.revealed.discard(nid)
        self.edges = {k: e for k, e in self.edges.items() if k[0] in keep and k[1] in keep}
        self.expanded.pop(node_id, None)
        self.opened = {k: v for k, v in self.opened.items() if _group_anchor(k) in keep and _group_anchor(k) != node_id}
        return removed

    def open_group(self, key: str, page: int = GROUP_PAGE) -> None:
        self.opened[key] = self.opened.get(key, 0) + page

    # --- what is drawn -------------------------------------------------------------

    def visible(self) -> VisibleGraph:
        """The drawn graph: hidden kinds bridged, big fans folded into groups."""
        shown = {nid for nid, n in self.nodes.items() if n.kind == "lot" or n.kind not in self.hidden_kinds}
        summarised: frozenset[str] = frozenset()
        for kind in SUMMARISED_KINDS:  # shipments and the pallets/cases they travel in
            many = [nid for nid in shown if self.nodes[nid].kind == kind]
            if self.summarise_shipments and len(many) > SHIPMENT_SUMMARY:
                summarised |= {kind}
                shown -= set(many) - self.revealed
        edges = self._bridged(shown)
        succ: dict[str, list[str]] = defaultdict(list)
        pred: dict[str, list[str]] = defaultdict(list)
        for (s, t) in edges:
            succ[s].append(t)
            pred[t].append(s)
        protected = set(self.roots) | set(self.expanded) | self.revealed
        by_pair: dict[tuple[str, str], list[Edge]] = defaultdict(list)
        for (s, t, _), e in self.edges.items():
            by_pair[(s, t)].append(e)
        folded: dict[str, str] = {}
        groups: dict[str, GroupInfo] = {}
        for anchor in self._breadth_first(shown, succ, pred):
            if anchor in folded:
                continue
            for direction, fan, back in ((DOWNSTREAM, succ, pred), (UPSTREAM, pred, succ)):
                by_kind: dict[str, list[str]] = defaultdict(list)
                for nb in fan.get(anchor, ()):
                    if nb not in folded and nb not in protected:
                        by_kind[self.nodes[nb].kind].append(nb)
                for kind, members in by_kind.items():
                    if len(members) <= self.threshold:
                        continue
                    key = f"group:{anchor}|{direction}|{kind}"
                    members.sort(key=lambda m: self.nodes[m].code)
                    still = members[self.opened.get(key, 0):]
                    if not still:
                        continue
                    absorbed = self._beyond(still, fan, back, protected, folded)
                    for m in still + absorbed:
                        folded[m] = key
                    quantity = self._sum_label(anchor, still, direction, by_pair)
                    groups[key] = GroupInfo(key, anchor, direction, kind, still, len(absorbed),
                                            len(members), quantity)
        if self.fold_by_item:
            self._fold_items(shown, protected - set(self.expanded), folded, groups, by_pair)
        out = VisibleGraph(folded=folded, summarised=summarised)
        more = self._more_to_open()
        for nid in self.nodes:  # in a stable order: dot's result depends on it
            if nid not in shown or nid in folded:
                continue
            node = self.nodes[nid]
            up, down = more.get(nid, (False, False))
            out.nodes[nid] = VisibleNode(nid, node.kind, node=node, root=nid in self.roots,
                                         more_upstream=up, more_downstream=down)
        for key, info in groups.items():
            out.nodes[key] = VisibleNode(key, "group", group=info)
        drawn: dict[tuple[str, str], int] = {}
        merged: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for (s, t), (kind, label) in edges.items():
            a, b = folded.get(s, s), folded.get(t, t)
            if a == b:
                continue
            merged[(a, b)].append((s, t))
            if (a, b) in drawn:
                continue
            drawn[(a, b)] = len(out.edges)
            if a != s or b != t:
                group = groups.get(a) or groups.get(b)
                label = group.quantity if group and not group.item and {group.anchor} & {a, b} else ""
            out.edges.append(VisibleEdge(a, b, kind, label))
        for pair, index in drawn.items():  # edges into or out of an item group: their sum
            if any(groups[k].item for k in pair if k in groups):
                was = out.edges[index]
                out.edges[index] = VisibleEdge(was.source, was.target, was.kind,
                                               _merged_label(merged[pair], by_pair))
        return out

    def _fold_items(self, shown: set[str], protected: set[str], folded: dict[str, str],
                    groups: dict[str, GroupInfo], by_pair: dict[tuple[str, str], list[Edge]]) -> None:
        """Fold lots and orders by item when a view holds more than ITEM_GROUP_OVER of
        a kind (see ITEM_GROUP_OVER); the roots and revealed boxes stay."""
        for kind, over, smallest, key_of in (("lot", ITEM_GROUP_OVER, ITEM_GROUP_MIN, _item_of),
                                             ("order", ITEM_GROUP_OVER, ITEM_GROUP_MIN, _item_of),
                                             ("customer", CUSTOMER_GROUP_OVER, 2, _region_of)):
            candidates = [nid for nid in shown if self.nodes[nid].kind == kind and nid not in folded]
            if len(candidates) <= over:
                continue
            by_item: dict[str, list[str]] = defaultdict(list)
            for nid in candidates:
                if nid not in protected:
                    by_item[key_of(self.nodes[nid])].append(nid)
            for item, members in sorted(by_item.items()):
                key = f"group:item|{kind}|{item}"
                members.sort(key=lambda m: self.nodes[m].code)
                still = members[self.opened.get(key, 0):]
                if len(still) < smallest or not item:
                    continue
                for m in still:
                    folded[m] = key
                quantity = ""
                if kind == "lot":
                    total, units = Decimal(0), set()
                    for m in still:
                        f = self.nodes[m].lot
                        if f.quantity is not None:
                            total += f.quantity
                        units.add(f.unit)
                    quantity = format_quantity(total, units.pop()) if len(units) == 1 else ""
                groups[key] = GroupInfo(key, key, DOWNSTREAM, kind, still, 0, len(members), quantity, item=item)

    def _more_to_open(self) -> dict[str, tuple[bool, bool]]:
        """(more upstream, more downstream) per lot not yet expanded that way: a
        neighbouring lot, receipt, order, shipment or return the graph lacks."""
        lot_ids = {n.lot.lot_id for n in self.nodes.values() if n.kind == "lot"}
        up_records: dict[str, int] = defaultdict(int)
        down_records: dict[str, int] = defaultdict(int)
        for (s, t, kind) in self.edges:
            if kind in ("produced", "received"):
                up_records[t] += 1
            elif kind in ("consumed", "shipped"):
                down_records[s] += 1
            elif kind == "returned" and self.nodes[t].kind == "lot":
                down_records[t] += 1
        out = {}
        for nid, beyond in self.more.items():
            done = self.expanded.get(nid, set())
            up = UPSTREAM not in done and (not beyond.parents <= lot_ids or beyond.up_records > up_records[nid])
            down = DOWNSTREAM not in done and (not beyond.children <= lot_ids
                                               or beyond.down_records > down_records[nid])
            out[nid] = (up, down)
        return out

    def _bridged(self, shown: set[str]) -> dict[tuple[str, str], tuple[str, str]]:
        """Edges between shown nodes; chains through hidden nodes become one edge."""
        out: dict[tuple[str, str], tuple[str, str]] = {}
        hidden_succ: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for (s, t, kind), e in self.edges.items():
            if s in shown and t in shown:
                out.setdefault((s, t), (kind, format_quantity(e.quantity, e.unit)))
            else:
                hidden_succ[s].append((t, kind))
        through: dict[tuple[str, str], list[Edge]] = defaultdict(list)
        for (s, t, kind), e in self.edges.items():
            if s not in shown or t in shown:
                continue
            stack, seen = [t], {t}
            while stack:
                h = stack.pop()
                for nxt, _kind in hidden_succ.get(h, ()):
                    if nxt in shown:
                        if (s, nxt) not in out or through.get((s, nxt)):
                            through[(s, nxt)].append(e)
                            out[(s, nxt)] = (kind, "")
                    elif nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
        for key, first in through.items():
            out[key] = (out[key][0], _through_label(first, self.nodes))
        return out

    def _breadth_first(self, shown: set[str], succ: dict[str, list[str]], pred: dict[str, list[str]]) -> list[str]:
        order = [r for r in self.roots if r in shown]
        seen = set(order)
        queue = deque(order)
        while queue:
            current = queue.popleft()
            for nxt in list(succ.get(current, ())) + list(pred.get(current, ())):
                if nxt not in seen:
                    seen.add(nxt)
                    order.append(nxt)
                    queue.append(nxt)
        order += sorted(shown - seen)
        return order

    def _beyond(self, members: list[str], fan: dict[str, list[str]], back: dict[str, list[str]], protected: set[str],
                folded: dict[str, str]) -> list[str]:
        """Nodes reachable only through ``members`` in the fan's direction."""
        group = set(members)
        absorbed: list[str] = []
        queue = deque(members)
        while queue:
            current = queue.popleft()
            for nxt in fan.get(current, ()):
                if nxt in group or nxt in protected or nxt in folded:
                    continue
                if all(p in group for p in back.get(nxt, ())):
                    group.add(nxt)
                    absorbed.append(nxt)
                    queue.append(nxt)
        return absorbed

    @staticmethod
    def _sum_label(anchor: str, members: list[str], direction: str,
                   by_pair: dict[tuple[str, str], list[Edge]]) -> str:
        """The total flowing between the anchor and a group, when it has one unit."""
        total = Decimal(0)
        units: set[str | None] = set()
        for m in members:
            for e in by_pair.get((anchor, m) if direction == DOWNSTREAM else (m, anchor), ()):
                if e.quantity is None:
                    return ""
                total += e.quantity
                units.add(e.unit)
        if len(units) != 1:
            return ""
        return format_quantity(total, units.pop())


def _merged_label(pairs: list[tuple[str, str]], by_pair: dict[tuple[str, str], list[Edge]]) -> str:
    total = Decimal(0)
    units: set[str | None] = set()
    for pair in pairs:
        for e in by_pair.get(pair, ()):
            if e.quantity is None:
                return ""
            total += e.quantity
            units.add(e.unit)
    return format_quantity(total, units.pop()) if len(units) == 1 else ""


_US_STATE = re.compile(r",\s*([A-Z]{2})\s+\d{5}(?:-\d{4})?\s*$")


def _region_of(node: Node) -> str:
    """A customer's region from its address: the US state ("SC") or the last line (country)."""
    party = getattr(node.facts, "party", None)
    address = getattr(party, "address", None) or ""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    for line in lines:
        found = _US_STATE.search(line)
        if found:
            return found.group(1)
    return lines[-1] if len(lines) > 1 else ""


def _item_of(node: Node) -> str:
    facts = node.facts
    if node.kind == "lot":
        return node.lot.item
    return getattr(facts, "item", "") or ""


def _through_label(first: list[Edge], nodes: dict[str, Node]) -> str:
    """The label of a bridged edge: what left the source through hidden boxes, e.g.
    "3 shipments · 240 cs" (the quantities of the first hidden step, one unit)."""
    steps = {e.target: e for e in first}.values()
    kinds = {nodes[e.target].kind for e in steps if e.target in nodes}
    units = {e.unit for e in steps}
    amount = ""
    quantities = [e.quantity for e in steps if e.quantity is not None]
    if len(units) == 1 and len(quantities) == len(steps):
        amount = format_quantity(sum(quantities, Decimal(0)), units.pop())
    if kinds == {"shipment"} and len(steps) > 1:
        return f"{len(steps)} shipments · {amount}" if amount else f"{len(steps)} shipments"
    return amount


def _group_anchor(key: str) -> str:
    return key[len("group:"):].split("|", 1)[0]


def lot_ids_of(state: GraphState, node_ids: Iterable[str]) -> list[int]:
    return [state.nodes[n].lot.lot_id for n in node_ids if n in state.nodes and state.nodes[n].kind == "lot"]
