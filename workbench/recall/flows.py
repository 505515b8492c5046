"""The quantity flow of a recall (a Sankey diagram), as plain data and plain geometry.

``recall_flows(recall)`` follows the suspect quantity from the suspect lots through every
intermediate and finished lot to the customers, the stock still on hand and whatever the
records cannot place. Every band is measured in one unit, the suspect lots' own (kg of
almonds, say): an order that consumed 40 kg of a suspect lot passes those 40 kg on to its
output lots in proportion to their quantities, so a lot of 100 cases made with 40 kg of
almonds carries 0.4 kg per case, and its 60 cases shipped to a customer are a 24 kg band
(the band also keeps its own quantity, "60 cs", for the label). Suspect lots in different
units are measured in percent of each (100 each).

Each lot balances exactly (``fractions.Fraction``, no rounding): what comes in (its share
of the suspect quantity, its returns) equals what goes out (into orders, to customers, on
hand, in transit). Where the records place more than the lot held (over-consumption, the
computed on-hand below zero) the difference comes in as a red *unaccounted* band; where
they place less, it goes out as one. So the sinks add up to the suspect lots' mass balance:
the amount in question plus returns plus what is unaccounted for.

``layout_flows(flows)`` places the boxes in columns (suspect lots, then each level
downstream, then customers and stock) and the bands between them: plain rectangles and
ribbons that the app, the SVG/PDF/PNG writers and the tests draw or check alike. It is pure
computation, safe on any thread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from workbench.facts import LotRef, ShipmentLine
from workbench.format import quantity as fmt_quantity
from workbench.recall.records import AffectedLot, Recall

ZERO = Fraction(0)

#: Kinds of boxes. Sources bring quantity in, sinks take it out; lots do both.
SOURCE_KINDS = ("returned", "unaccounted-in")
SINK_KINDS = ("customer", "on-hand", "in-transit", "unaccounted-out", "no-output", "rework")
#: Kinds drawn in red: what the records cannot place.
ALERT_KINDS = ("unaccounted-in", "unaccounted-out")


@dataclass
class FlowNode:
    """A box of the diagram: a lot, a customer, or a source or sink of quantity."""

    id: str
    kind: str  # "lot" or one of SOURCE_KINDS / SINK_KINDS
    label: str
    detail: str = ""
    lot: LotRef | None = None
    customer: str | None = None
    level: int = 0  # lots: steps downstream of the suspect lots (longest path)
    #: Its own quantity per unit (a lot's made + returned; a customer's cases received).
    native: dict[str, Decimal] = field(default_factory=dict)

    @property
    def alert(self) -> bool:
        return self.kind in ALERT_KINDS


@dataclass(frozen=True)
class FlowLink:
    """A band: ``value`` of the suspect quantity from ``source`` to ``target``.

    ``quantity``/``unit`` is what the records say moved, in the source lot's unit (or the
    target's, for a band into a lot from a source box); ``via`` names the orders or
    shipments it went through.
    """

    source: str
    target: str
    value: Fraction
    quantity: Decimal
    unit: str
    via: tuple[str, ...] = ()

    @property
    def alert(self) -> bool:
        return self.source.startswith("unaccounted") or self.target.startswith("unaccounted")


@dataclass
class QuantityFlows:
    roots: list[LotRef]
    measure: str  # the unit every band is measured in ("kg", or "%" of each suspect lot)
    nodes: dict[str, FlowNode]
    links: list[FlowLink]

    def inflow(self, node_id: str) -> Fraction:
        return sum((ln.value for ln in self.links if ln.target == node_id), ZERO)

    def outflow(self, node_id: str) -> Fraction:
        return sum((ln.value for ln in self.links if ln.source == node_id), ZERO)

    def value(self, node_id: str) -> Fraction:
        return max(self.inflow(node_id), self.outflow(node_id))

    def total(self, kinds: tuple[str, ...]) -> Fraction:
        """The quantity through the boxes of these kinds (sources: out; sinks: in)."""
        ids = {n.id for n in self.nodes.values() if n.kind in kinds}
        return sum((ln.value for ln in self.links if (ln.target in ids and kinds != SOURCE_KINDS)
                    or (ln.source in ids and kinds == SOURCE_KINDS)), ZERO)

    def in_question(self) -> Fraction:
        """What the suspect lots held (made or received, plus returns), in ``measure``."""
        root_ids = {_lot_id(r.id) for r in self.roots}
        return sum((ln.value for ln in self.links if ln.target in root_ids
                    and (ln.source == "suspect" or ln.source.startswith("returned:"))), ZERO)

    def describe(self, value: Fraction) -> str:
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        places = Decimal(1) if exact >= 100 else Decimal("0.1") if exact >= 10 else Decimal("0.01")
        shown = _short(exact.quantize(places))
        if self.measure == "%":
            return f"{shown} %"
        return fmt_quantity(shown, self.measure)


def _lot_id(lot_id: int) -> str:
    return f"lot:{lot_id}"


def _f(value: Decimal) -> Fraction:
    return Fraction(value)


def _short(value: Decimal) -> Decimal:
    return value.normalize() if value == value.to_integral() else value


def _toposort(lots: list[int], edges: dict[int, dict[int, Fraction]]) -> tuple[list[int], set[tuple[int, int]]]:
    """Lots in an order where every edge goes forward, and the edges that close a cycle."""
    order: list[int] = []
    state: dict[int, int] = {}  # 1 on the stack, 2 done
    back: set[tuple[int, int]] = set()
    for start in lots:
        if start in state:
            continue
        stack: list[tuple[int, list[int]]] = [(start, sorted(edges.get(start, ())))]
        state[start] = 1
        while stack:
            node, todo = stack[-1]
            if todo:
                nxt = todo.pop(0)
                if state.get(nxt) == 1:
                    back.add((node, nxt))
                elif nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, sorted(edges.get(nxt, ()))))
            else:
                state[node] = 2
                order.append(node)
                stack.pop()
    order.reverse()
    return order, back


def recall_flows(recall: Recall) -> QuantityFlows:
    """The quantity flow of ``recall`` (see the module's description)."""
    affected = {a.lot_id: a for a in recall.affected}
    by_label = {(a.item, a.lot): a.lot_id for a in recall.affected}
    root_ids = [r.id for r in recall.roots if r.id in affected]
    units = {affected[i].unit for i in root_ids}
    measure = units.pop() if len(units) == 1 else "%"

    # Lot to lot through orders: native quantity consumed, split over the order's outputs.
    share: dict[int, dict[int, Fraction]] = defaultdict(dict)  # input lot -> output lot -> native qty
    via: dict[tuple[int, int], list[str]] = defaultdict(list)
    no_output: dict[int, tuple[Fraction, list[str]]] = {}
    consumed_detail: dict[int, Fraction] = defaultdict(Fraction)
    for t in recall.transformations:
        outs = [(by_label[(o.item, o.lot)], _f(o.quantity)) for o in t.outputs
                if (o.item, o.lot) in by_label and o.quantity > 0]
        made = sum((q for _, q in outs), ZERO)
        for line in t.inputs:
            src = by_label.get((line.item, line.lot))
            if src is None or not line.affected:
                continue
            q = _f(line.quantity)
            consumed_detail[src] += q
            if not made:
                old, orders = no_output.get(src, (ZERO, []))
                no_output[src] = (old + q, [*orders, t.order])
                continue
            for dst, oq in outs:
                share[src][dst] = share[src].get(dst, ZERO) + q * oq / made
                via[(src, dst)].append(t.order)

    order, back = _toposort(root_ids + sorted(affected), dict(share))
    level: dict[int, int] = {}
    for lot in order:
        level.setdefault(lot, 0)
        for dst in share.get(lot, {}):
            if (lot, dst) not in back:
                level[dst] = max(level.get(dst, 0), level[lot] + 1)

    nodes: dict[str, FlowNode] = {}
    links: list[FlowLink] = []

    def node(nid: str, kind: str, label: str, detail: str = "", *, lot: LotRef | None = None,
             customer: str | None = None, level: int = 0, native: dict[str, Decimal] | None = None) -> FlowNode:
        if nid not in nodes:
            nodes[nid] = FlowNode(nid, kind, label, detail, lot=lot, customer=customer, level=level,
                                  native={} if native is None else native)
        return nodes[nid]

    def link(src: str, dst: str, value: Fraction, qty: Fraction, unit: str, through: Iterable[str] = ()) -> None:
        if value <= 0 and qty <= 0:
            return
        links.append(FlowLink(src, dst, value, _short(Decimal(qty.numerator) / Decimal(qty.denominator)),
                              unit, tuple(dict.fromkeys(through))))

    lines_by_lot: dict[int, dict[str, list[ShipmentLine]]] = defaultdict(lambda: defaultdict(list))
    for c in recall.customers:
        for sl in c.lines:
            lines_by_lot[sl.lot_id][c.customer].append(sl)
    names = {c.customer: c.display_name for c in recall.customers}

    inflow: dict[int, Fraction] = defaultdict(Fraction)  # suspect quantity arriving from parent lots
    if root_ids:
        node("suspect", "suspect", "Suspect lots")
    for lot_id in order:
        a: AffectedLot = affected[lot_id]
        b = a.balance
        nid = _lot_id(lot_id)
        made, returned = _f(b.made), _f(b.returned)
        node(nid, "lot", a.label, a.item_name or "", lot=a.ref, level=level[lot_id],
             native={b.unit: b.made + b.returned})
        if lot_id in root_ids:
            whole = made + returned
            base = (Fraction(100) / whole if whole else ZERO) if measure == "%" else Fraction(1)
            # The suspect quantity itself; a suspect lot made from another adds what came from it.
            link("suspect", nid, made * base, made, b.unit)
            factor = base + (inflow[lot_id] / made if made else ZERO)
        else:
            factor = inflow[lot_id] / made if made else ZERO
            if not made and inflow[lot_id]:  # suspect quantity into a lot that records none made
                sink = node(f"unaccounted-out:{lot_id}", "unaccounted-out", "Not placed",
                            f"{a.label} records nothing made")
                link(nid, sink.id, inflow[lot_id], ZERO, b.unit)
        if returned:
            back_in = node(f"returned:{lot_id}", "returned", "Returned", f"returns of {a.label}")
            link(back_in.id, nid, returned * factor, returned, b.unit)

        out_native = ZERO
        for dst, q in sorted(share.get(lot_id, {}).items()):
            out_native += q
            if (lot_id, dst) in back:
                sink = node(f"rework:{dst}", "rework", "Reworked into an earlier lot", affected[dst].label)
                link(nid, sink.id, q * factor, q, b.unit, via[(lot_id, dst)])
            else:
                inflow[dst] += q * factor
                link(nid, _lot_id(dst), q * factor, q, b.unit, via[(lot_id, dst)])
        if lot_id in no_output:
            q, orders = no_output[lot_id]
            out_native += q
            sink = node("no-output", "no-output", "Consumed, no lot made", "orders with no output recorded")
            link(nid, sink.id, q * factor, q, b.unit, orders)
        for customer, lines in sorted(lines_by_lot.get(lot_id, {}).items()):
            q = sum((_f(ln.quantity) for ln in lines), ZERO)
            out_native += q
            sink = node(f"customer:{customer}", "customer", names.get(customer, customer), customer,
                        customer=customer)
            for ln in lines:
                sink.native[ln.unit] = sink.native.get(ln.unit, Decimal(0)) + ln.quantity
            link(nid, sink.id, q * factor, q, b.unit, [ln.shipment for ln in lines])
        if b.in_transit:
            q = _f(b.in_transit)
            out_native += q
            link(nid, node("in-transit", "in-transit", "In transit", "to one of our sites").id, q * factor, q, b.unit)
        if b.on_hand > 0:
            q = _f(b.on_hand)
            out_native += q
            link(nid, node("on-hand", "on-hand", "On hand (hold)", "stock still in our sites").id,
                 q * factor, q, b.unit)
        lost = _f(b.transferred) - _f(b.arrived)
        # What the records place beyond (or short of) what the lot held.
        residual = out_native - (made + returned)
        if residual > 0:
            red = node(f"unaccounted-in:{lot_id}", "unaccounted-in", "Unaccounted",
                       f"{fmt_quantity(_short(Decimal(residual.numerator) / Decimal(residual.denominator)), b.unit)}"
                       f" left {a.label} beyond what it held")
            link(red.id, nid, residual * factor, residual, b.unit)
        elif residual < 0:
            sink = node(f"unaccounted-out:{lot_id}", "unaccounted-out", "Not placed",
                        "lost in transit" if lost > 0 else f"not placed by the records of {a.label}")
            link(nid, sink.id, -residual * factor, -residual, b.unit)

    roots = [LotRef(i, affected[i].item, affected[i].lot) for i in root_ids]
    return QuantityFlows(roots=roots, measure=measure, nodes=nodes, links=links)


# --- layout -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    node: FlowNode
    x: float
    y: float
    w: float
    h: float
    value: Fraction
    column: int


@dataclass(frozen=True)
class Ribbon:
    """A band from the right side of one box to the left side of another."""

    link: FlowLink
    x0: float
    y0: float  # top at the source
    x1: float
    y1: float  # top at the target
    thickness: float


@dataclass
class FlowLayout:
    flows: QuantityFlows
    width: float
    height: float
    boxes: dict[str, Box]
    ribbons: list[Ribbon]
    columns: int
    #: Where the column titles go (x of each column's boxes).
    column_x: list[float] = field(default_factory=list)

    def column_title(self, column: int) -> str:
        if column == self.columns - 1:
            return "Customers and stock"
        kinds = {b.node.kind for b in self.boxes.values() if b.column == column}
        lots = [b for b in self.boxes.values() if b.column == column and b.node.kind == "lot"]
        if lots and min(b.node.level for b in lots) == 0 and "suspect" not in kinds:
            return "Suspect lots"
        if lots:
            return f"Level {min(b.node.level for b in lots)}"
        return ""


NODE_WIDTH = 14.0
GAP = 8.0
MIN_GAP = 2.0
MIN_BOX = 3.0
MARGIN_X = 180.0  # room for the labels of the first and last columns
MARGIN_Y = 30.0


def layout_flows(flows: QuantityFlows, width: float = 1200.0, height: float = 700.0) -> FlowLayout:
    """Columns of boxes and the ribbons between them (see the module's description)."""
    nodes = {k: n for k, n in flows.nodes.items() if k != "suspect"}
    value = {k: flows.value(k) for k in nodes}
    nodes = {k: n for k, n in nodes.items() if value[k] > 0}
    lots_max = max((n.level for n in nodes.values() if n.kind == "lot"), default=0)
    has_sources = any(n.kind in SOURCE_KINDS for n in nodes.values())
    shift = 1 if has_sources and any(n.kind in SOURCE_KINDS and _target_level(flows, n.id, nodes) == 0
                                     for n in nodes.values()) else 0
    last = lots_max + 1 + shift
    column: dict[str, int] = {}
    for k, n in nodes.items():
        if n.kind == "lot":
            column[k] = n.level + shift
        elif n.kind in SOURCE_KINDS:
            column[k] = _target_level(flows, k, nodes) + shift - 1
        else:
            column[k] = last
    by_col: dict[int, list[str]] = defaultdict(list)
    for k, c in column.items():
        by_col[c].append(k)
    ncols = last + 1

    totals = {c: sum((value[k] for k in ids), ZERO) for c, ids in by_col.items()}
    biggest = max(totals.values(), default=Fraction(1)) or Fraction(1)
    usable = height - 2 * MARGIN_Y
    # Crowded columns (forty customers) close their gaps up to a third of the height.
    gaps = {c: max(MIN_GAP, min(GAP, usable * 0.3 / max(1, len(ids) - 1))) for c, ids in by_col.items()}

    def need(scale: float) -> float:
        return max((sum(max(MIN_BOX, float(value[k]) * scale) for k in ids) + gaps[c] * (len(ids) - 1)
                    for c, ids in by_col.items()), default=0.0)

    # The largest scale at which every column fits (every box at least MIN_BOX high); where
    # even the smallest does not fit, the picture grows taller.
    lo, hi = 0.0, usable / float(biggest)
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if need(mid) <= usable else (lo, mid)
    scale = lo if lo > 0 else hi / 1000
    height = max(height, need(scale) + 2 * MARGIN_Y)

    step = (width - 2 * MARGIN_X - NODE_WIDTH) / max(1, ncols - 1)
    xs = [MARGIN_X + c * step for c in range(ncols)]
    heights = {k: max(MIN_BOX, float(value[k]) * scale) for k in nodes}

    # Order each column by where its bands come from (left to right), sources by their target.
    y_mid: dict[str, float] = {}
    incoming: dict[str, list[FlowLink]] = defaultdict(list)
    outgoing: dict[str, list[FlowLink]] = defaultdict(list)
    for ln in flows.links:
        if ln.source in nodes and ln.target in nodes:
            incoming[ln.target].append(ln)
            outgoing[ln.source].append(ln)

    def place(c: int, key: Callable[[str], tuple[float, int]]) -> None:
        ids = sorted(by_col.get(c, []), key=key)
        total = sum(heights[k] for k in ids) + gaps.get(c, GAP) * (len(ids) - 1)
        y = MARGIN_Y + max(0.0, (height - 2 * MARGIN_Y - total) / 2)
        for k in ids:
            y_mid[k] = y + heights[k] / 2
            y += heights[k] + gaps.get(c, GAP)

    def bary(k: str, links: list[FlowLink], end: str) -> float | None:
        pts = [(y_mid[getattr(ln, end)], float(ln.value)) for ln in links if getattr(ln, end) in y_mid]
        weight = sum(w for _, w in pts)
        return sum(y * w for y, w in pts) / weight if weight else None

    rank = {k: i for i, k in enumerate(sorted(nodes, key=lambda k: (_kind_rank(nodes[k].kind), nodes[k].label, k)))}
    for c in range(ncols):
        def key(k: str, c: int = c) -> tuple[float, int]:
            b = bary(k, incoming[k], "source")
            return (b if b is not None else 1e9 + rank[k], rank[k])
        place(c, key)
    for c in range(ncols - 1, -1, -1):  # sources and roots: beside what they feed
        if any(nodes[k].kind in SOURCE_KINDS for k in by_col.get(c, [])):
            def key2(k: str, c: int = c) -> tuple[float, int]:
                b = bary(k, outgoing[k], "target") if nodes[k].kind in SOURCE_KINDS else y_mid[k]
                return (b if b is not None else y_mid[k], rank[k])
            place(c, key2)

    boxes = {k: Box(nodes[k], xs[column[k]], y_mid[k] - heights[k] / 2, NODE_WIDTH, heights[k], value[k], column[k])
             for k in nodes}
    ribbons: list[Ribbon] = []
    out_y = {k: b.y for k, b in boxes.items()}
    in_y = {k: b.y for k, b in boxes.items()}
    drawn = [ln for ln in flows.links if ln.source in boxes and ln.target in boxes]
    drawn.sort(key=lambda ln: (boxes[ln.source].x, boxes[ln.source].y, boxes[ln.target].y))
    for ln in drawn:
        t = float(ln.value) * scale
        s, d = boxes[ln.source], boxes[ln.target]
        ribbons.append(Ribbon(ln, s.x + s.w, out_y[ln.source], d.x, 0.0, t))
        out_y[ln.source] += t
    # Into each box, bands stacked in the order of their sources' heights.
    for k in boxes:
        into = sorted((i for i, r in enumerate(ribbons) if r.link.target == k),
                      key=lambda i: (ribbons[i].y0, ribbons[i].x0))
        for i in into:
            r = ribbons[i]
            ribbons[i] = Ribbon(r.link, r.x0, r.y0, r.x1, in_y[k], r.thickness)
            in_y[k] += r.thickness
    return FlowLayout(flows, width, height, boxes, ribbons, ncols, xs)


def _kind_rank(kind: str) -> int:
    order = ("lot", "returned", "unaccounted-in", "customer", "in-transit", "on-hand", "no-output", "rework",
             "unaccounted-out")
    return order.index(kind) if kind in order else len(order)


def _target_level(flows: QuantityFlows, node_id: str, nodes: dict[str, FlowNode]) -> int:
    targets = [nodes[ln.target].level for ln in flows.links if ln.source == node_id and ln.target in nodes]
    return min(targets, default=0)


def band_label(flows: QuantityFlows, link: FlowLink) -> str:
    """What a band says when pointed at: its quantity, its share of the suspect quantity, via."""
    own = fmt_quantity(link.quantity, link.unit)
    text = f"{own} ({flows.describe(link.value)} of the suspect quantity)" if link.unit != flows.measure \
        else own
    if link.via:
        more = f" +{len(link.via) - 3}" if len(link.via) > 3 else ""
        text += " via " + ", ".join(link.via[:3]) + more
    return text


#: Label text size in layout units (pixels on screen, 0.75 pt in print).
LABEL_SIZE = 11.0


@dataclass(frozen=True)
class BoxLabel:
    lines: tuple[str, ...]
    x: float
    y: float  # baseline of the first line
    anchor: str  # "start" (text to the right of x) or "end" (to the left)

    @property
    def text(self) -> str:
        return " · ".join(self.lines)


#: Longest label line, in characters (about what fits between two columns).
LABEL_CHARS = 30


def label_chars(layout: FlowLayout, column: int) -> int:
    """How many characters of label fit beside a box of ``column`` (to the next column or the edge)."""
    if column in (0, layout.columns - 1) or layout.columns < 2:
        room = MARGIN_X - 8
    else:
        room = layout.column_x[1] - layout.column_x[0] - NODE_WIDTH - 8
    return max(6, int(room / (LABEL_SIZE * 0.56)))


def _clip(text: str, room: int = LABEL_CHARS) -> str:
    return text if len(text) <= room else text[:room - 1] + "…"


def box_label(layout: FlowLayout, box: Box) -> BoxLabel | None:
    """The label drawn beside ``box``: one or two lines as the box's height allows, or None
    where the box is too thin for a line of text (its name is then in its tooltip); boxes of
    unaccounted quantity are always labelled. Text goes left of the first column, right elsewhere."""
    room = box.h + MIN_GAP
    n = box.node
    room_chars = label_chars(layout, box.column)
    if room < LABEL_SIZE + 2 and not n.alert:
        return None
    amount = layout.flows.describe(box.value)
    if n.kind == "customer" and n.native:
        amount = ", ".join(fmt_quantity(q, u) for u, q in n.native.items())
    lines: tuple[str, ...]
    if n.kind == "lot" and n.lot is not None and not n.alert:
        first = (f"{n.lot.lot} · {amount}",)
        lines = (_clip(n.lot.item, room_chars), *first) if room >= 2 * LABEL_SIZE + 4 else first
        return _placed(layout, box, lines)
    name = n.label
    if n.alert:
        lines = (f"{n.label} · {amount}",)
        if n.detail and room >= 2 * LABEL_SIZE + 4:
            lines = (*lines, _clip(n.detail, room_chars))
    elif room >= 2 * LABEL_SIZE + 4:
        lines = (_clip(name, room_chars), _clip(amount, room_chars))
    else:
        lines = (_clip(f"{name} · {amount}", room_chars),)
    return _placed(layout, box, lines)


def _placed(layout: FlowLayout, box: Box, lines: tuple[str, ...]) -> BoxLabel:
    height = LABEL_SIZE * 1.2 * len(lines)
    y = box.y + box.h / 2 - height / 2 + LABEL_SIZE * 0.95
    if box.column == 0:
        return BoxLabel(lines, box.x - 4, y, "end")
    return BoxLabel(lines, box.x + box.w + 4, y, "start")


def ribbon_points(r: Ribbon, steps: int = 24) -> list[tuple[float, float]]:
    """The outline of a ribbon as a polygon (for writers without Bézier curves)."""
    top = _bezier(r.x0, r.y0, r.x1, r.y1, steps)
    bottom = _bezier(r.x0, r.y0 + r.thickness, r.x1, r.y1 + r.thickness, steps)
    return top + bottom[::-1]


def _bezier(x0: float, y0: float, x1: float, y1: float, steps: int) -> list[tuple[float, float]]:
    mx = (x0 + x1) / 2
    pts = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        x = u ** 3 * x0 + 3 * u * u * t * mx + 3 * u * t * t * mx + t ** 3 * x1
        y = u ** 3 * y0 + 3 * u * u * t * y0 + 3 * u * t * t * y1 + t ** 3 * y1
        pts.append((x, y))
    return pts


#: Colours per kind of box (bands take their source's, lighter).
COLOURS = {"lot": "#2b6cb0", "customer": "#2f855a", "on-hand": "#b7791f", "in-transit": "#805ad5",
           "returned": "#718096", "no-output": "#718096", "rework": "#718096",
           "unaccounted-in": "#c53030", "unaccounted-out": "#c53030"}


def colour_of(kind: str) -> str:
    return COLOURS.get(kind, "#4a5568")


def band_colour(layout: FlowLayout, r: Ribbon) -> str:
    if r.link.alert:
        return COLOURS["unaccounted-in"]
    return colour_of(layout.boxes[r.link.target].node.kind if layout.boxes[r.link.target].node.kind != "lot"
                     else "lot")
