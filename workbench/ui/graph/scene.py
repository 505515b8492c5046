"""The genealogy scene: holds the items, applies new layouts with an animation, and
turns what happens on items into signals for the view (the diagramscene pattern)."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

from PySide6.QtCore import QEasingCurve, QPointF, QRectF, QSize, Qt, QTimer, QVariantAnimation, Signal
from PySide6.QtGui import QColor, QPainterPath, QPen, QPixmapCache
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene, QGraphicsSimpleTextItem

from workbench.trace.explore import DOWNSTREAM, UPSTREAM, node_size
from workbench.trace.jobs import Snapshot
from workbench.ui.graph.items import (
    EDGE_COLOUR,
    ITEM_CACHE_ZOOM,
    KIND_TITLE,
    LABEL_LOD,
    MARKS,
    ROOT_COLOUR,
    EdgeItem,
    NodeItem,
    style_of,
    tier_of,
)

ANIMATION_MS = 250
#: The map is drawn in horizontal bands this tall (scene pixels).
MAP_BAND = 4000.0
PIXMAP_CACHE_KB = 128 * 1024
#: From this many boxes on, zoomed-out boxes are cached as pixmaps (see NodeItem).
MANY_BOXES = 400
#: Below this zoom a big graph's map is cached as a pixmap (see ``_settle_detail``).
MAP_ZOOM = 0.15
#: From this many boxes on, a zoom threshold switches the items on screen at once and
#: the others SETTLE_BATCH at a time from the event loop (see ``set_zoom``).
SETTLE_ALL_UNDER = 1500
SETTLE_BATCH = 100
#: Above this many boxes a new layout is applied at once: animating thousands of items
#: costs more than it tells.
ANIMATE_LIMIT = 1500
#: With more edges than this, selecting a box fades the edges off its path.
DIM_OVER = 40
#: Room around the graph, so any box can be brought to the middle of the window.
MARGIN = 2000.0


@dataclass
class Level:
    """One column of the drawing: where it lies and what it holds, per kind."""

    x: float
    left: float
    right: float
    counts: dict[str, int]

    def summary(self) -> list[str]:
        """``["45 lots", "3 returns"]``: the kinds by count, groups counted by members."""
        ranked = sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [f"{n:,} {KIND_TITLE.get(k, k).lower()}{'' if n == 1 else 's'}" for k, n in ranked]


def levels_of(positions: dict[str, QPointF], visible: dict) -> list[Level]:
    """Group box centres into columns (dot centres a rank on one x) and count what each
    holds; a group counts as its members."""
    columns: dict[int, list[str]] = defaultdict(list)
    for nid, p in positions.items():
        columns[round(p.x() / 4)].append(nid)
    out = []
    for key in sorted(columns):
        counts: dict[str, int] = defaultdict(int)
        left = right = None
        for nid in columns[key]:
            v = visible.get(nid)
            if v is None:
                continue
            if v.group is not None:
                counts[v.group.kind] += len(v.group.members)
            else:
                counts[v.kind] += 1
            w = node_size(v.kind)[0] / 2
            x = positions[nid].x()
            left = x - w if left is None else min(left, x - w)
            right = x + w if right is None else max(right, x + w)
        if counts and left is not None and right is not None:
            out.append(Level(key * 4.0, left, right, dict(counts)))
    return out


Point = tuple[float, float]


def _cubics(path: QPainterPath) -> list[tuple[Point, Point, Point, Point]]:
    """The cubic Béziers of an edge's path (lines as straight cubics)."""
    out = []
    last: Point = (0.0, 0.0)
    i, n = 0, path.elementCount()
    while i < n:
        e = path.elementAt(i)
        here = (e.x, e.y)
        if e.isCurveTo() and i + 2 < n:
            c2, end = path.elementAt(i + 1), path.elementAt(i + 2)
            out.append((last, here, (c2.x, c2.y), (end.x, end.y)))
            last = (end.x, end.y)
            i += 3
            continue
        if e.isLineTo():
            out.append((last, last, here, here))
        last = here
        i += 1
    return out


def _cut(a: Point, b: Point, c: Point, d: Point, most: float) -> list[tuple[Point, Point, Point, Point]]:
    """A cubic split in halves (de Casteljau) until no piece is taller than ``most``."""
    if max(a[1], b[1], c[1], d[1]) - min(a[1], b[1], c[1], d[1]) <= most:
        return [(a, b, c, d)]

    def mid(p: Point, q: Point) -> Point:
        return ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)

    ab, bc, cd = mid(a, b), mid(b, c), mid(c, d)
    abc, bcd = mid(ab, bc), mid(bc, cd)
    m = mid(abc, bcd)
    return _cut(a, ab, abc, m, most) + _cut(m, bcd, cd, d, most)


class _RectIndex:
    """Rectangles in a coarse grid, for quick "does this overlap anything" questions."""

    CELL = 200.0

    def __init__(self, rects: list[QRectF]):
        self.cells: dict[tuple[int, int], list[QRectF]] = defaultdict(list)
        for r in rects:
            self.add(r)

    def _keys(self, r: QRectF):
        for i in range(int(r.left() // self.CELL), int(r.right() // self.CELL) + 1):
            for j in range(int(r.top() // self.CELL), int(r.bottom() // self.CELL) + 1):
                yield i, j

    def add(self, r: QRectF) -> None:
        for key in self._keys(r):
            self.cells[key].append(r)

    def hits(self, r: QRectF) -> bool:
        return any(r.intersects(other) for key in self._keys(r) for other in self.cells.get(key, ()))


class GenealogyScene(QGraphicsScene):
    """Items by node id; signals for what the user asked of them."""

    expandRequested = Signal(str, str)  # node id, direction ("" for both)
    groupOpenRequested = Signal(str)  # group key
    nodeSelectionChanged = Signal()
    animationFinished = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, str], EdgeItem] = {}
        self.roots: list[str] = []
        self.animation: QVariantAnimation | None = None
        self._selection_pending = False
        self._drag_line = QGraphicsPathItem()
        self._drag_line.setPen(QPen(QColor("#2563eb"), 2, Qt.PenStyle.DashLine))
        self._drag_line.setZValue(10)
        self._drag_line.hide()
        self.addItem(self._drag_line)
        self._drag_hint = QGraphicsSimpleTextItem()
        self._drag_hint.setBrush(QColor("#2563eb"))
        self._drag_hint.setZValue(10)
        self._drag_hint.hide()
        self.addItem(self._drag_hint)
        self.setBackgroundBrush(QColor("#f7f9fc"))
        self.zoom = 1.0
        #: The columns of the drawing (see ``levels_of``), for the level bands.
        self.levels: list[Level] = []
        self._graph_rect: QRectF | None = None
        self._map: list[QGraphicsItem] = []
        self._map_stale = False
        self._map_on = False
        self._map_far = False
        self._pending: deque[NodeItem | EdgeItem] = deque()
        self._settling = False
        # Box pixmaps of a zoomed-out view of a few hundred boxes exceed Qt's default
        # 10 MB pixmap cache; a thrashing cache repaints every box on every frame.
        if QPixmapCache.cacheLimit() < PIXMAP_CACHE_KB:
            QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)

    # --- applying a snapshot -------------------------------------------------------

    def apply(self, snap: Snapshot, animate: bool = True) -> None:
        """Show ``snap``: drop what left, add what came, move everything into place."""
        if self.animation is not None:
            self.animation.stop()
            self._finish_animation()
        visible, lay = snap.visible, snap.layout
        self._graph_rect = None
        self.roots = [r for r in snap.state.roots if r in visible.nodes]
        for key in [k for k in self.edges if k not in {(e.source, e.target) for e in visible.edges}]:
            self._remove_edge(key)
        for nid in [n for n in self.nodes if n not in visible.nodes]:
            item = self.nodes.pop(nid)
            self.removeItem(item)
        anchor = self.nodes.get(snap.anchor) if snap.anchor else None
        grow_from = anchor.pos() if anchor is not None else None
        starts: dict[str, QPointF] = {}
        born: list[NodeItem] = []
        for nid, v in visible.nodes.items():
            shown = self.nodes.get(nid)
            if shown is None:
                item = NodeItem(v)
                item.set_cache_for_zoom(self.zoom, len(visible.nodes) > MANY_BOXES)
                self.nodes[nid] = item
                self.addItem(item)
                born.append(item)
                x, y = lay.positions[nid]
                start = grow_from if grow_from is not None else QPointF(x, y)
                item.setPos(start)
                starts[nid] = start
            else:
                shown.update_visible(v)
                starts[nid] = shown.pos()
        for e in visible.edges:
            key = (e.source, e.target)
            edge = self.edges.get(key)
            if edge is not None and edge.label != e.label:
                self._remove_edge(key)
                edge = None
            if edge is None:
                edge = EdgeItem(self.nodes[e.source], self.nodes[e.target], e.kind, e.label)
                edge.set_detail(self.zoom >= LABEL_LOD)
                self.edges[key] = edge
                self.addItem(edge)
        self._routes = lay.edge_paths
        #: Graphviz's bounding box of the drawing: every box and every edge lies inside.
        self.drawing = QRectF(lay.left, lay.top, lay.width, lay.height)
        self._targets = {nid: QPointF(*lay.positions[nid]) for nid in visible.nodes}
        self._starts = {nid: p for nid, p in starts.items() if p != self._targets[nid]}
        self._born = born
        if animate and self._starts and len(visible.nodes) <= ANIMATE_LIMIT:
            for item in born:
                item.setOpacity(0.0)
            self.animation = QVariantAnimation(self)
            self.animation.setDuration(ANIMATION_MS)
            self.animation.setStartValue(0.0)
            self.animation.setEndValue(1.0)
            self.animation.setEasingCurve(QEasingCurve.Type.OutCubic)
            self.animation.valueChanged.connect(self._step)
            self.animation.finished.connect(self._finish_animation)
            self.animation.start()
        else:
            self._finish_animation()

    def _step(self, t: float) -> None:
        for nid, start in self._starts.items():
            end = self._targets[nid]
            self.nodes[nid].setPos(start + (end - start) * t)
        for item in self._born:
            item.setOpacity(t)

    def _finish_animation(self) -> None:
        if self.animation is not None:
            self.animation.valueChanged.disconnect(self._step)
            self.animation.finished.disconnect(self._finish_animation)
            self.animation.deleteLater()
            self.animation = None
        if not hasattr(self, "_targets"):
            return
        for nid, pos in self._targets.items():
            item = self.nodes.get(nid)
            if item is not None:
                item.setPos(pos)
                item.setOpacity(1.0)
        for key, edge in self.edges.items():
            edge.set_route(self._routes.get(key))
        self._place_labels()
        self._graph_rect = None
        rect = self.itemsBoundingRect_of_graph()
        self.setSceneRect(rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))
        self.levels = levels_of(self._targets, {nid: item.visible for nid, item in self.nodes.items()})
        self._map_stale = True
        if len(self.nodes) > MANY_BOXES:
            self._build_map()  # with the layout, not at the first zoom out
        self._settle_detail()
        self._cache_map()
        self.animationFinished.emit()

    def _place_labels(self) -> None:
        """Keep an edge's quantity only where it covers no box and no label kept
        before it (the path to the selected box first, then in drawing order):
        a fan of 40 edges shows the labels there is room for, not a pile."""
        taken: list[QRectF] = [item.body_rect().translated(item.pos()) for item in self.nodes.values()]
        index = _RectIndex(taken)
        edges = sorted((e for e in self.edges.values() if e.label_box is not None),
                       key=lambda e: not e.on_path)
        for edge in edges:
            label = edge.label_rect()
            if label is None:
                continue
            rect = label.adjusted(-2, -1, 2, 1)
            fits = not index.hits(rect)
            edge.set_label_fits(fits)
            if fits:
                index.add(rect)

    def set_zoom(self, zoom: float, in_view: QRectF | None = None) -> None:
        """Level of detail per zoom, switched only when a threshold is crossed: edge
        labels and arrowheads, how boxes are cached (see ``NodeItem``) and the map.

        In a big graph the items ``in_view`` (the window's part of the scene) switch at
        once and the others a slice at a time from the event loop (SETTLE_BATCH items
        per turn), so crossing a threshold costs a frame what is on screen, not what
        the whole graph holds. Without ``in_view`` (an export) everything switches now."""
        def band(z: float) -> tuple[int, bool, bool, bool]:
            return tier_of(z), z >= ITEM_CACHE_ZOOM, z >= 2, z >= LABEL_LOD

        before = band(self.zoom)
        self.zoom = zoom
        if band(zoom) != before:
            self._settle_detail(in_view)
        self._cache_map()

    # --- the map: a big graph seen from far away -------------------------------------

    def map_shown(self) -> bool:
        return self._map_on

    def _settle_detail(self, in_view: QRectF | None = None) -> None:
        """Bring every item to the current zoom's detail (see ``set_zoom``).

        The map: where boxes are only marks (below TITLE_LOD) in a big graph, it is
        drawn as a map, one filled path per kind and band and one path of edges per
        band (a handful of C++ items) instead of thousands of items, each of which
        costs a call per frame even when cached. The boxes stay in the scene without
        contents (no painting, still hit by clicks), except those that say something
        the map does not: the selected, highlighted, traced and path boxes paint
        themselves over it."""
        wanted = tier_of(self.zoom) == MARKS and len(self.nodes) > MANY_BOXES
        if wanted and (self._map_stale or not self._map):
            self._build_map()
        if wanted != self._map_on:
            self._map_on = wanted
            for item in self._map:
                item.setVisible(wanted)
        self._pending.clear()
        if in_view is None or len(self.nodes) <= SETTLE_ALL_UNDER:
            for node in self.nodes.values():
                self._settle(node)
            for edge in self.edges.values():
                self._settle(edge)
            return
        margin = max(in_view.width(), in_view.height()) / 2
        for item in self.items(in_view.adjusted(-margin, -margin, margin, margin)):
            if isinstance(item, NodeItem):
                self._settle(item)
                for edge in item.edges:
                    self._settle(edge)
        self._pending.extend(self.nodes.values())
        self._pending.extend(self.edges.values())
        if not self._settling:
            self._settling = True
            QTimer.singleShot(0, self, self._settle_some)

    def _settle(self, item: NodeItem | EdgeItem) -> None:
        if isinstance(item, NodeItem):
            item.set_cache_for_zoom(self.zoom, len(self.nodes) > MANY_BOXES)
            self.mark_on_map(item)
        else:
            item.set_detail(self.zoom >= LABEL_LOD)
            item.setVisible(not self._map_on)

    def _settle_some(self) -> None:
        self._settling = False
        for _ in range(min(SETTLE_BATCH, len(self._pending))):
            item = self._pending.popleft()
            if item.scene() is self:
                self._settle(item)
        if self._pending:
            self._settling = True
            QTimer.singleShot(0, self, self._settle_some)

    def settling(self) -> bool:
        """Items are still switching to the current zoom's detail (see ``set_zoom``)."""
        return bool(self._pending)

    def _cache_map(self) -> None:
        """Far out (below MAP_ZOOM) the map is cached as pixmaps drawn once at MAP_ZOOM,
        then only scaled; closer it is drawn as the paths it is."""
        if not self._map_on or (self.zoom < MAP_ZOOM) == self._map_far:
            return
        self._map_far = far = self.zoom < MAP_ZOOM
        for item in self._map:
            r = item.boundingRect()
            size = QSize(max(1, int(r.width() * MAP_ZOOM)), max(1, int(r.height() * MAP_ZOOM)))
            item.setCacheMode(QGraphicsItem.CacheMode.ItemCoordinateCache if far
                              else QGraphicsItem.CacheMode.NoCache, size if far else QSize())

    def mark_on_map(self, node: NodeItem) -> None:
        """A box paints itself unless the map shows it (see ``_settle_detail``)."""
        plain = self._map_on and not (node.isSelected() or node.highlighted or node.on_path or node.visible.root)
        if bool(node.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents) != plain:
            node.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, plain)
            node.update()

    def _build_map(self) -> None:
        """The map's items, in horizontal bands MAP_BAND tall (a tall drawing is mostly
        off screen: a band off screen costs nothing), long edges cut where they cross."""
        for item in self._map:
            self.removeItem(item)
        self._map = []
        self._map_stale = False
        self._map_far = False
        boxes: dict[tuple[int, str], QPainterPath] = {}
        for item in self.nodes.values():
            colour = ROOT_COLOUR.name() if item.visible.root else style_of(
                item.visible.group.kind if item.visible.group else item.kind)[1].name()
            r = item.body_rect().translated(item.pos())
            boxes.setdefault((int(r.top() // MAP_BAND), colour), QPainterPath()).addRect(r)
        lines: dict[int, QPainterPath] = {}
        for edge in self.edges.values():
            for a, b, c, d in _cubics(edge.path()):
                for piece in _cut(a, b, c, d, MAP_BAND / 2):
                    band = int(min(p[1] for p in piece) // MAP_BAND)
                    path = lines.setdefault(band, QPainterPath())
                    path.moveTo(*piece[0])
                    path.cubicTo(*piece[1], *piece[2], *piece[3])
        pen = QPen(EDGE_COLOUR, 0)
        for path in lines.values():
            item = self.addPath(path, pen)
            item.setZValue(-0.5)
            self._map.append(item)
        for (_, colour), path in boxes.items():
            item = self.addPath(path, QPen(Qt.PenStyle.NoPen), QColor(colour))
            item.setZValue(-0.4)
            self._map.append(item)
        for item in self._map:
            item.setVisible(self._map_on)

    def animating(self) -> bool:
        return self.animation is not None

    def _remove_edge(self, key: tuple[str, str]) -> None:
        edge = self.edges.pop(key)
        for end in (edge.source, edge.target):
            if end is not None and edge in end.edges:
                end.edges.remove(edge)
        self.removeItem(edge)

    def itemsBoundingRect_of_graph(self) -> QRectF:
        """The boxes' and edges' extent, without the drag helpers (measured once per
        layout at rest: the background asks for it on every frame)."""
        if self._graph_rect is not None and self.animation is None:
            return QRectF(self._graph_rect)
        rect = self._measure_graph()
        if self.animation is None:
            self._graph_rect = QRectF(rect)
        return rect

    def _measure_graph(self) -> QRectF:
        rect = QRectF()
        for item in self.nodes.values():
            rect = rect.united(item.sceneBoundingRect())
        for edge in self.edges.values():
            rect = rect.united(edge.path().boundingRect())
        return rect

    # --- highlighting --------------------------------------------------------------

    def highlight(self, node_ids: set[str]) -> None:
        for nid, item in self.nodes.items():
            item.set_highlighted(nid in node_ids)

    def show_path_to(self, node_id: str | None) -> None:
        """Mark the path from the root to ``node_id`` (fewest hops, either way)."""
        on_nodes: set[str] = set()
        on_edges: set[tuple[str, str]] = set()
        if node_id in self.nodes and self.roots:
            neighbours: dict[str, list[tuple[str, tuple[str, str]]]] = defaultdict(list)
            for s, t in self.edges:
                neighbours[s].append((t, (s, t)))
                neighbours[t].append((s, (s, t)))
            came: dict[str, tuple[str, tuple[str, str]] | None] = dict.fromkeys(self.roots)
            queue = deque(self.roots)
            while queue and node_id not in came:
                current = queue.popleft()
                for nxt, key in neighbours[current]:
                    if nxt not in came:
                        came[nxt] = (current, key)
                        queue.append(nxt)
            if node_id in came:
                step = node_id
                while (back := came.get(step)) is not None:
                    on_nodes.add(step)
                    step, key = back
                    on_edges.add(key)
                on_nodes.add(step)
        for nid, item in self.nodes.items():
            item.set_on_path(nid in on_nodes and len(on_nodes) > 1)
        # In a busy graph, fade what is neither on the path nor at the selected box.
        focus = len(on_nodes) > 1 and len(self.edges) > DIM_OVER
        for key, edge in self.edges.items():
            edge.set_on_path(key in on_edges)
            edge.set_dimmed(focus and key not in on_edges and node_id not in key)

    # --- item callbacks ------------------------------------------------------------

    def node_selection_changed(self, item: NodeItem) -> None:
        # Many items change at once on a click; tell the view once.
        if not self._selection_pending:
            self._selection_pending = True
            QTimer.singleShot(0, self, self._emit_selection)

    def _emit_selection(self) -> None:
        self._selection_pending = False
        self.nodeSelectionChanged.emit()

    def node_double_clicked(self, item: NodeItem, side: str | None) -> None:
        if item.visible.group is not None:
            self.groupOpenRequested.emit(item.node_id)
        else:
            self.expandRequested.emit(item.node_id, side or "")

    def drag_started(self, item: NodeItem, direction: str) -> None:
        self._drag_line.setPath(QPainterPath())
        self._drag_line.show()
        self._drag_hint.setText(f"Release to open {direction}")
        self._drag_hint.show()

    def drag_moved(self, start: QPointF, pos: QPointF, outward: float) -> None:
        path = QPainterPath(start)
        path.cubicTo(QPointF((start.x() + pos.x()) / 2, start.y()), QPointF((start.x() + pos.x()) / 2, pos.y()), pos)
        self._drag_line.setPath(path)
        self._drag_line.setPen(QPen(QColor("#2563eb" if outward >= 24 else "#94a3b8"), 2, Qt.PenStyle.DashLine))
        self._drag_hint.setPos(pos + QPointF(12, -18))

    def drag_finished(self, item: NodeItem, direction: str | None) -> None:
        self._drag_line.hide()
        self._drag_hint.hide()
        if direction in (UPSTREAM, DOWNSTREAM):
            self.expandRequested.emit(item.node_id, direction)


__all__ = ["EDGE_COLOUR", "GenealogyScene"]
