"""``GenealogyView``: the interactive genealogy a quality engineer opens step by step.

A toolbar, the zoomable graph (``GraphCanvas``) and a legend. Every trace and every
layout runs on a worker thread through ``run_op`` (see ``jobs``), one at a time in the
order asked; the UI thread only swaps in the result, creates items and animates.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QFontMetricsF, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.trace.explore import DOWNSTREAM, SHIPMENT_SUMMARY, UPSTREAM, GraphState
from workbench.trace.jobs import Expansion, Snapshot, arrange, expand, frontier, open_lot, refresh
from workbench.ui.graph.export import company_paper, export_scene
from workbench.ui.graph.items import KIND_TITLE, MARKS, TITLE_LOD, NodeItem, tier_of
from workbench.ui.graph.legend import Legend
from workbench.ui.graph.scene import GenealogyScene
from workbench.ui.graph.trace_table import TraceTable
from workbench.ui.ops import plant_op, run_op

MIN_ZOOM, MAX_ZOOM = 0.01, 4.0
PAPER = QColor("#f7f9fc")
BAND = QColor("#edf1f7")
BAND_TEXT = QColor("#2d3748")
#: The level bands' header text, in screen pixels (at or above MIN_TEXT_PX).
BAND_TEXT_PX = 12
HIDEABLE = ("vendor", "receipt", "order", "operation", "machine", "operator", "shipment", "customer", "return",
         "site", "container")


_BAND_FONT: list[tuple[QFont, QFontMetricsF]] = []


def _band_font() -> tuple[QFont, QFontMetricsF]:
    """The level bands' header font and its metrics, made once (asked for on every frame)."""
    if not _BAND_FONT:
        font = QFont()
        font.setPixelSize(BAND_TEXT_PX)
        _BAND_FONT.append((font, QFontMetricsF(font)))
    return _BAND_FONT[0]


class GraphCanvas(QGraphicsView):
    """The zoomable, pannable view: wheel zooms around the mouse, dragging the
    background pans, Shift-drag selects with a rubber band."""

    contextMenuRequested = Signal(object, object)  # NodeItem | None, global QPoint

    def __init__(self, scene: GenealogyScene, parent=None):
        super().__init__(scene, parent)
        #: The scene, typed as what it is (``scene()`` says only QGraphicsScene).
        self.graph = scene
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState
                                  | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        # Pan by dragging; scroll bars over a scene with generous margins only distract.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        target = max(MIN_ZOOM, min(MAX_ZOOM, self.zoom() * factor))
        if self.zoom() > 0:
            factor = target / self.zoom()
            self.scale(factor, factor)

    def wheelEvent(self, event) -> None:
        delta = event.angleDelta().y()
        if delta:
            self.zoom_by(1.0015 ** delta)
        event.accept()

    def fit(self, rect: QRectF) -> None:
        """Show all of ``rect``, never enlarged past 100 %."""
        if rect.isEmpty():
            return
        self.fitInView(rect.adjusted(-30, -30, 30, 30), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.0:
            self.resetTransform()
            self.centerOn(rect.center())
        elif self.zoom() < MIN_ZOOM:
            self.zoom_by(1.0)

    def mousePressEvent(self, event) -> None:
        modifiers = event.modifiers()
        rubber = modifiers & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
        if rubber and self.itemAt(event.position().toPoint()) is None:
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)

    def contextMenuEvent(self, event) -> None:
        item = self.node_at(event.pos())
        self.contextMenuRequested.emit(item, event.globalPos())
        event.accept()

    def node_at(self, pos) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        # A plain light paper (a dot grid looked nice but cost a third of every frame),
        # with every other column shaded when the boxes are too small to read: the levels.
        painter.fillRect(rect, PAPER)
        scene = self.graph
        if tier_of(self.zoom()) != MARKS or not scene.levels:
            return
        graph = scene.itemsBoundingRect_of_graph()
        for i, level in enumerate(scene.levels):
            if i % 2 == 0:
                painter.fillRect(QRectF(level.left - 20, graph.top() - 40, level.right - level.left + 40,
                                        graph.height() + 80), BAND)

    def band_headers(self) -> list[tuple[QRectF, list[str], bool]]:
        """The level bands' headers in viewport pixels: (rect, lines, rotated), shown
        when the boxes are marks. Wide columns get one line per kind; narrow ones one
        rotated line; headers that would overlap the previous one are left out."""
        scene = self.graph
        if tier_of(self.zoom()) != MARKS or not scene.levels:
            return []
        metrics = _band_font()[1]
        out: list[tuple[QRectF, list[str], bool]] = []
        last_right = -1e9
        for level in scene.levels:
            x = self.mapFromScene(QPointF(level.x, 0)).x()
            lines = level.summary()
            width = max(metrics.horizontalAdvance(line) for line in lines[:3]) + 12
            spacing = (level.right - level.left + 60) * self.zoom()
            if width <= spacing:
                shown = lines[:3]
                rect = QRectF(x - width / 2, 6, width, metrics.height() * len(shown) + 6)
                rotated = False
            else:
                shown = [" · ".join(lines[:2])]
                length = metrics.horizontalAdvance(shown[0]) + 12
                rect = QRectF(x - metrics.height() / 2 - 3, 6, metrics.height() + 6, length)
                rotated = True
            if rect.left() < last_right + 2:
                continue
            last_right = rect.right()
            out.append((rect, shown, rotated))
        return out

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        headers = self.band_headers()
        if not headers:
            return
        painter.save()
        painter.resetTransform()
        painter.setFont(_band_font()[0])
        for box, lines, rotated in headers:
            painter.setPen(QPen(QColor("#cbd5e0"), 1))
            painter.setBrush(QColor(255, 255, 255, 235))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(BAND_TEXT)
            if rotated:
                painter.save()
                painter.translate(box.center())
                painter.rotate(90)
                painter.drawText(QRectF(-box.height() / 2, -box.width() / 2, box.height(), box.width()),
                                 Qt.AlignmentFlag.AlignCenter, lines[0])
                painter.restore()
            else:
                painter.drawText(box.adjusted(0, 3, 0, -3), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                                 "\n".join(lines))
        painter.restore()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if self.band_headers():  # pinned to the viewport's top: repaint, never scroll them
            self.viewport().update()

    # Every change of the transform tells the scene, which switches level of detail.
    def _zoom_changed(self) -> None:
        before = tier_of(self.graph.zoom)
        self.graph.set_zoom(self.zoom(), self.mapToScene(self.viewport().rect()).boundingRect())
        if tier_of(self.zoom()) != before:
            self.resetCachedContent()  # the shaded level bands come and go

    def scale(self, sx: float, sy: float) -> None:
        super().scale(sx, sy)
        self._zoom_changed()

    def setTransform(self, matrix, combine: bool = False) -> None:
        super().setTransform(matrix, combine)
        self._zoom_changed()

    def resetTransform(self) -> None:
        super().resetTransform()
        self._zoom_changed()

    def fitInView(self, *args) -> None:
        super().fitInView(*args)
        self._zoom_changed()


class GenealogyView(QWidget):
    """Toolbar + graph + legend; API and signals as agreed in the desktop contract."""

    nodeSelected = Signal(object)
    lotActivated = Signal(object)
    recallRequested = Signal(list)
    historyRequested = Signal(object)
    scarRequested = Signal(object)
    commonalityRequested = Signal(list)
    vendorRequested = Signal(str)
    busyChanged = Signal(bool)

    def __init__(self, plant, parent=None):
        super().__init__(parent)
        self.plant = plant
        self.state = GraphState()
        self.snapshot: Snapshot | None = None
        self.message = ""
        self._queue: deque[Callable[[], None]] = deque()
        self._op = None
        self._busy = False
        self._matches: list[str] = []
        self._match_index = -1
        self._centre_after: str | None = None
        self._select_after: str | None = None
        self._last_selected: str | None = None
        self._highlighted: set[str] = set()

        self.scene = GenealogyScene(self)
        self.canvas = GraphCanvas(self.scene, self)
        self.legend = Legend(self)
        self.toolbar = QToolBar(self)
        self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        # The graph and, when asked for, the same genealogy as an indented table beside it.
        self.table = TraceTable(plant, self)
        self.table.hide()
        self.table.nodeChosen.connect(self._table_chose)
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.addWidget(self.canvas)
        self.split.addWidget(self.table)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        layout.addWidget(self.split, 1)
        layout.addWidget(self.legend)

        self.scene.expandRequested.connect(self._expand_clicked)
        self.scene.groupOpenRequested.connect(self.open_group)
        self.scene.nodeSelectionChanged.connect(self._selection_changed)
        self.scene.animationFinished.connect(self._animation_finished)
        self.canvas.contextMenuRequested.connect(self._context_menu)
        # The view would adopt a new scene rect only later, shifting the picture after a
        # fit or centre; take it at once.
        self.scene.sceneRectChanged.connect(self.canvas.setSceneRect)

    # --- toolbar ---------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        tb = self.toolbar
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tb.setMovable(False)
        self.fit_action = tb.addAction("Fit", self.fit_to_window)
        self.fit_action.setShortcut(QKeySequence("Ctrl+0"))
        self.fit_action.setToolTip("Fit the whole graph in the window (Ctrl+0)")
        tb.addAction("−", lambda: self.canvas.zoom_by(1 / 1.25)).setToolTip("Zoom out")
        tb.addAction("+", lambda: self.canvas.zoom_by(1.25)).setToolTip("Zoom in")
        tb.addSeparator()
        self.upstream_action = tb.addAction("◀ Upstream", lambda: self._expand_selected(UPSTREAM))
        self.upstream_action.setToolTip("Open one more level upstream of the selected boxes")
        self.downstream_action = tb.addAction("Downstream ▶", lambda: self._expand_selected(DOWNSTREAM))
        self.downstream_action.setToolTip("Open one more level downstream of the selected boxes")
        show = QToolButton(self)
        show.setText("Show")
        show.setToolTip("Show or hide kinds of boxes")
        show.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(show)
        self.kind_actions: dict[str, QAction] = {}
        for kind in HIDEABLE:
            action = menu.addAction(f"{KIND_TITLE[kind]}s")
            action.setCheckable(True)
            action.setChecked(kind not in self.state.hidden_kinds)
            action.toggled.connect(lambda on, k=kind: self.set_kind_hidden(k, not on))
            self.kind_actions[kind] = action
        menu.addSeparator()
        self.summarise_action = menu.addAction(f"Summarise shipments when over {SHIPMENT_SUMMARY}")
        self.summarise_action.setToolTip("Draw lot → customer edges with the shipments' count and quantity")
        self.summarise_action.setCheckable(True)
        self.summarise_action.setChecked(self.state.summarise_shipments)
        self.summarise_action.toggled.connect(lambda on: self._set_setting("summarise_shipments", on))
        self.fold_action = menu.addAction("Group lots and orders by item, customers by region, when many")
        self.fold_action.setCheckable(True)
        self.fold_action.setChecked(self.state.fold_by_item)
        self.fold_action.toggled.connect(lambda on: self._set_setting("fold_by_item", on))
        show.setMenu(menu)
        tb.addWidget(show)
        tb.addAction("Export…", self._export_clicked).setToolTip(
            "Save the graph as PNG, SVG or PDF (printed on Letter/A4 pages, tiled where needed)")
        self.table_action = tb.addAction("Table", self._table_toggled)
        self.table_action.setCheckable(True)
        self.table_action.setToolTip("Show the genealogy as an indented table beside the graph: sort, filter, "
                                     "export to XLSX")
        tb.addSeparator()
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText("Find lot, item, customer…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(170)
        self.search_box.setMaximumWidth(240)
        self.search_box.setToolTip("Highlight and centre the boxes shown that match (Enter: next match)")
        self.search_box.returnPressed.connect(lambda: self.find(self.search_box.text()))
        tb.addWidget(self.search_box)
        self.status = QLabel(self)
        self.status.setContentsMargins(10, 0, 6, 0)
        self.status.setStyleSheet("color: #4a5568;")
        tb.addWidget(self.status)

    # --- the contract ----------------------------------------------------------------

    def show_lot(self, lot: LotRef) -> None:
        """Show ``lot`` and its direct neighbours, upstream and downstream."""
        base = GraphState(**self.state.settings())
        self.search_box.clear()  # the old lot's search says nothing about the new one
        self._matches, self._match_index = [], -1
        self._queue.clear()
        self._submit(lambda: self._run(lambda s, p: open_lot(s, lot, base, p), f"Tracing {lot.label}…",
                                       fit=True))

    def on_changes(self, changes) -> None:
        """The plant changed: trace what is shown again, keeping its shape."""
        if self.snapshot is None or not changes.touches_lots():
            return

        def start() -> None:
            base, previous, pinned = self.state, self._positions(), self._pin(None)
            self._run(lambda s, p: refresh(s, base, previous, pinned, p), "Updating the genealogy…")

        self._submit(start)

    def highlight(self, node_ids: list[str]) -> None:
        """Mark these nodes (and show any folded into a group or hidden); centre on the first."""
        self._highlighted = set(node_ids)
        wanted = [n for n in node_ids if n in self.state.nodes]
        snap = self.snapshot
        folded = [n for n in wanted if snap is not None and n in snap.visible.folded]
        hidden = {self.state.nodes[n].kind for n in wanted} & self.state.hidden_kinds
        kinds_summarised = snap.visible.summarised if snap is not None else set()
        if any(self.state.nodes[n].kind in kinds_summarised for n in wanted):
            folded += [n for n in wanted if self.state.nodes[n].kind in kinds_summarised]
        if folded or hidden:
            for kind in hidden:
                self.kind_actions[kind].blockSignals(True)
                self.kind_actions[kind].setChecked(True)
                self.kind_actions[kind].blockSignals(False)
            self._centre_after = wanted[0]

            def change(state: GraphState) -> None:
                state.revealed |= set(folded)
                state.hidden_kinds = state.hidden_kinds - hidden
            self._change(change)
        else:
            self.scene.highlight(set(wanted))
            if wanted:
                self.centre_on(wanted[0])

    def export_image(self, path, paper: str | None = None) -> Path:
        """Write the whole graph to ``path``: PNG, SVG or PDF by suffix (a PDF on
        ``paper`` pages, by default the company's paper, tiled where needed)."""
        self.scene.set_zoom(1.0)  # every box drawn in full, not the far-out map
        kinds = sorted({v.group.kind if v.group else v.kind for v in self.snapshot.visible.nodes.values()}
                       if self.snapshot else set())
        where = self.plant.display_url if self.plant is not None else ""
        subtitle = f"{date.today().isoformat()} · {where}" if where else date.today().isoformat()
        try:
            return export_scene(self.scene, self.scene.itemsBoundingRect_of_graph(), path, title=self._title(),
                                subtitle=subtitle, paper=paper or company_paper(), kinds=kinds)
        finally:
            self.scene.set_zoom(self.canvas.zoom())

    def is_idle(self) -> bool:
        return self._op is None and not self._queue and not self.scene.animating()

    # --- more of the API (screenshot mode, main window) ------------------------------

    @property
    def group_threshold(self) -> int:
        return self.state.threshold

    def set_group_threshold(self, threshold: int) -> None:
        """More than this many neighbours of one kind in one direction fold into a group."""
        def change(state: GraphState) -> None:
            state.threshold = max(1, int(threshold))
            state.opened.clear()
        self._change(change)

    def expand(self, node_id: str, direction: str | None = None, depth: int | None = 1) -> None:
        """Open ``depth`` levels (None: all) upstream/downstream (None: both where more lies)."""
        self._submit(lambda: self._expand_now([node_id], direction, depth, anchor=node_id))

    def open_whole_downstream(self) -> None:
        """Open the traced lots' whole downstream trees (the recall's reach)."""
        for root in self.state.roots:
            self.expand(root, DOWNSTREAM, None)

    def expand_all(self, levels: int = 1) -> None:
        """Open ``levels`` more levels everywhere there is more (one job per level)."""
        for _ in range(max(0, levels)):
            self._submit(self._expand_frontier)

    def collapse(self, node_id: str) -> None:
        """Remove what was opened beyond ``node_id`` that no other path keeps."""
        def start() -> None:
            state = self.state.copy()
            if not state.collapse(node_id) and node_id not in self.state.expanded:
                return self._next()
            self._start_arrange(state, anchor=node_id)
        self._submit(start)

    def open_group(self, key: str) -> None:
        """Show the next page of a group's members."""
        def start() -> None:
            group = self.snapshot.visible.nodes[key].group if self.snapshot is not None and key in \
                self.snapshot.visible.nodes else None
            if group is None:
                return self._next()
            state = self.state.copy()
            state.open_group(key)
            self._start_arrange(state, anchor=group.anchor)
        self._submit(start)

    def set_kind_hidden(self, kind: str, hidden: bool) -> None:
        """Hide or show a kind of box (not lots); chains through hidden boxes are bridged."""
        if kind == "lot":
            return
        action = self.kind_actions.get(kind)
        if action is not None and action.isChecked() == hidden:
            action.blockSignals(True)
            action.setChecked(not hidden)
            action.blockSignals(False)

        def change(state: GraphState) -> None:
            state.hidden_kinds = state.hidden_kinds | {kind} if hidden else state.hidden_kinds - {kind}
        self._change(change)

    def _table_toggled(self) -> None:
        shown = self.table_action.isChecked()
        self.table.setVisible(shown)
        if shown:
            self.split.setSizes([self.width() * 3 // 5, self.width() * 2 // 5])
            self.table.show_state(self.state, self._title())

    def _table_chose(self, node_id: str) -> None:
        if node_id in self.scene.nodes:
            self.select(node_id)
        elif node_id in self.state.nodes:
            self.highlight([node_id])  # folded into a group or summarised: show it

    def _set_setting(self, name: str, on: bool) -> None:
        self._change(lambda state: setattr(state, name, on))

    def _change(self, change: Callable[[GraphState], None], anchor: str | None = None) -> None:
        """Change how the graph is shown and lay it out again, in turn with other work
        (the change applies to the state as it is when its turn comes)."""
        def start() -> None:
            state = self.state.copy()
            change(state)
            if self.snapshot is None:
                self.state = state
                return self._next()
            self._start_arrange(state, anchor)
        self._submit(start)

    def reroot(self, node_id: str) -> None:
        node = self.state.nodes.get(node_id)
        if node is None or node.kind != "lot":
            return
        ref = node.lot.ref
        self.show_lot(ref)
        self.lotActivated.emit(ref)

    def fit_to_window(self) -> None:
        self.canvas.fit(self.scene.itemsBoundingRect_of_graph())

    def overview(self, readable_zoom: float = 0.6) -> None:
        """Fit everything; where that would shrink the boxes past reading, stay at a
        readable zoom centred on the traced lot instead (used by the screenshot mode)."""
        self.fit_to_window()
        if self.canvas.zoom() < readable_zoom and self.state.roots:
            self.canvas.zoom_by(readable_zoom / self.canvas.zoom())
            self.scene.set_zoom(self.canvas.zoom())
            self.centre_on(next(iter(self.state.roots)))

    def _bring_into_view(self, anchor: str, born: list[str]) -> None:
        """Scroll (and if need be zoom out, not past legible titles) so the boxes just
        opened next to ``anchor`` are on screen: a box opened near the window's edge
        must not open out of sight."""
        targets = self.scene._targets
        ids = [n for n in [anchor, *born] if n in targets]
        if len(ids) < 2:
            return
        rect = QRectF()
        for nid in ids:
            w, h = self.scene.nodes[nid].width, self.scene.nodes[nid].height
            p = targets[nid]
            rect = rect.united(QRectF(p.x() - w / 2, p.y() - h / 2, w, h))
        port = self.canvas.viewport().rect()
        needed = min(port.width() / (rect.width() + 80), port.height() / (rect.height() + 80))
        if needed < self.canvas.zoom():
            self.canvas.zoom_by(max(needed, min(self.canvas.zoom(), TITLE_LOD)) / self.canvas.zoom())
        visible = self.canvas.mapToScene(port).boundingRect()
        if not visible.contains(rect):
            self.canvas.ensureVisible(rect, 40, 40)

    def centre_on(self, node_id: str) -> None:
        item = self.scene.nodes.get(node_id)
        if item is not None:
            target = self.scene._targets.get(node_id, item.pos()) if hasattr(self.scene, "_targets") else item.pos()
            self.canvas.centerOn(target)

    def find(self, text: str) -> list[str]:  # type: ignore[override]  # not QWidget.find(id)
        """Highlight the boxes matching ``text`` (lot, item, customer… code or name) and
        select and centre the next one; repeated calls step through the matches."""
        text = text.strip().lower()
        if not text:
            self._matches = []
            self.scene.highlight(set())
            return []
        matches = [nid for nid, n in self.state.nodes.items() if _matches(n, text)]
        exact = [nid for nid in matches if _matches(self.state.nodes[nid], text, exact=True)]
        matches = exact + [m for m in matches if m not in exact]
        if matches != self._matches:
            self._matches, self._match_index = matches, -1
        if not matches:
            self._set_status(f"Nothing shown matches “{text}”.")
            self.scene.highlight(set())
            return []
        self._match_index = (self._match_index + 1) % len(matches)
        current = matches[self._match_index]
        self._set_status(f"Match {self._match_index + 1} of {len(matches)}")
        self.highlight(matches)
        self.select(current)
        return matches

    def select(self, node_id: str) -> None:
        item = self.scene.nodes.get(node_id)
        if item is None:
            self._select_after = node_id
            return
        self.scene.clearSelection()
        item.setSelected(True)
        self.centre_on(node_id)

    def selected_nodes(self) -> list:
        return [i.node for i in self.scene.selectedItems() if isinstance(i, NodeItem) and i.node is not None]

    def selected_lots(self) -> list[LotRef]:
        return [n.lot.ref for n in self.selected_nodes() if n.kind == "lot"]

    # --- background jobs -------------------------------------------------------------

    def _submit(self, start: Callable[[], None]) -> None:
        self._queue.append(start)
        self._set_busy(True)
        if self._op is None and not self.scene.animating():
            self._next()

    def _next(self) -> None:
        self._op = None
        if not self._queue:
            self._set_busy(not self.is_idle())
            self._refresh_status()
            return
        self._queue.popleft()()

    def _run(self, fn, label: str | None, fit: bool = False) -> None:
        self._set_status(label or "Working…")
        self._op = run_op(self, plant_op(self.plant, fn), lambda snap: self._apply(snap, fit=fit),
                          self._failed, label=label)

    def _start_arrange(self, state: GraphState, anchor: str | None) -> None:
        previous, pinned = self._positions(), self._pin(anchor)
        self._set_status("Laying out…")
        self._op = run_op(self, lambda progress: arrange(state, previous, pinned, anchor),
                          self._apply, self._failed, label="Laying out the genealogy…")

    def _expand_now(self, node_ids: list[str], direction: str | None, depth: int | None, anchor: str | None) -> None:
        node_ids = [n for n in node_ids if n in self.state.nodes]
        if not node_ids or self.snapshot is None:
            return self._next()
        if direction is not None and depth == 1 and not self._has_more(node_ids, direction):
            self._set_status(f"Everything {direction} of the selected box{'es' if len(node_ids) > 1 else ''} "
                             "is already open.")
            return self._next()
        expansions = []
        for d in (UPSTREAM, DOWNSTREAM) if direction is None else (direction,):
            if direction is None and not self._has_more(node_ids, d):
                continue
            expansions.append(Expansion(tuple(node_ids), d, depth))
        if not expansions:
            expansions = [Expansion(tuple(node_ids), d, depth) for d in (UPSTREAM, DOWNSTREAM)]
        base, previous, pinned = self.state, self._positions(), self._pin(anchor)
        self._run(lambda s, p: expand(s, base, expansions, previous, pinned, anchor, p), "Opening the genealogy…")

    def _expand_frontier(self) -> None:
        if self.snapshot is None:
            return self._next()
        expansions = frontier(self.state, self.snapshot.visible)
        if not expansions:
            return self._next()
        base, previous, pinned = self.state, self._positions(), self._pin(None)
        self._run(lambda s, p: expand(s, base, expansions, previous, pinned, None, p), "Opening the genealogy…")

    def _has_more(self, node_ids: list[str], direction: str) -> bool:
        if self.snapshot is None:
            return True
        for nid in node_ids:
            v = self.snapshot.visible.nodes.get(nid)
            if v is None or v.kind != "lot":
                return True
            if (v.more_upstream if direction == UPSTREAM else v.more_downstream):
                return True
        return False

    def _positions(self) -> dict[str, tuple[float, float]]:
        targets = getattr(self.scene, "_targets", {})
        out = {}
        for nid, item in self.scene.nodes.items():
            p = targets.get(nid, item.pos())
            out[nid] = (p.x(), p.y())
        return out

    def _pin(self, anchor: str | None) -> dict[str, tuple[float, float]]:
        """Which box keeps its place: the one acted on, else the selected one, else the
        one nearest the middle of the window."""
        positions = self._positions()
        if anchor in positions:
            return {anchor: positions[anchor]}
        selected = [i.node_id for i in self.scene.selectedItems() if isinstance(i, NodeItem)]
        if selected and selected[0] in positions:
            return {selected[0]: positions[selected[0]]}
        if not positions:
            return {}
        centre = self.canvas.mapToScene(self.canvas.viewport().rect().center())
        nearest = min(positions, key=lambda n: (positions[n][0] - centre.x()) ** 2 + (positions[n][1] - centre.y()) ** 2)
        return {nearest: positions[nearest]}

    def _apply(self, snap: Snapshot, fit: bool = False) -> None:
        self._op = None
        self.state = snap.state
        self.snapshot = snap
        self.scene.apply(snap, animate=not fit and self.isVisible())
        self.legend.set_kinds({v.group.kind if v.group else v.kind for v in snap.visible.nodes.values()})
        self.scene.highlight(self._highlighted & set(self.scene.nodes))
        if fit:
            # A lot just opened: everything if it can be read, else the traced lot and its
            # neighbours with their codes readable (Fit still shows the whole graph).
            self.overview(readable_zoom=TITLE_LOD)
        elif snap.anchor:
            self._bring_into_view(snap.anchor, [i.node_id for i in self.scene._born])
        if self._centre_after in self.scene.nodes:
            self.centre_on(self._centre_after)
        self._centre_after = None
        pending = self._select_after
        if pending in self.scene.nodes:
            self._select_after = None
            self.select(pending)
        self._selection_changed()
        self._refresh_status()
        if self.table.isVisible():
            self.table.show_state(self.state, self._title())

    def _animation_finished(self) -> None:
        # Also emitted from inside scene.apply when nothing moves: go on from the event
        # loop, after _apply has finished.
        # With self as context, the call is dropped if the view is deleted meanwhile
        # (the window replaces it when another database is opened).
        QTimer.singleShot(0, self, self._after_animation)

    def _after_animation(self) -> None:
        if self._op is None and not self.scene.animating():
            self._next()

    def _failed(self, message: str, cancelled: bool) -> None:
        self._op = None
        self._set_status("Cancelled." if cancelled else message, error=not cancelled)
        self._queue.clear()
        self._next()

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.message = text
        self.status.setStyleSheet(f"color: {'#c53030' if error else '#4a5568'};")
        self.status.setText(text)

    def _refresh_status(self) -> None:
        if self.snapshot is None or self._op is not None:
            return
        v = self.snapshot.visible
        lots = sum(1 for n in v.nodes.values() if n.kind == "lot")
        groups = sum(1 for n in v.nodes.values() if n.kind == "group")
        text = f"{_count(lots, 'lot')} · {_count(len(v.nodes), 'box', 'boxes')}"
        if groups:
            text += f" · {_count(groups, 'group')}"
        if v.summarised:
            text += " · shipments summarised on the edges"
        if not (self.message and self.message.startswith(("Match", "Everything"))):
            self._set_status(text)

    def _title(self) -> str:
        roots = [self.state.nodes[r] for r in self.state.roots if r in self.state.nodes]
        return "Genealogy of " + ", ".join(n.lot.ref.label for n in roots) if roots else "Genealogy"

    # --- user actions ----------------------------------------------------------------

    def _expand_clicked(self, node_id: str, direction: str) -> None:
        self.expand(node_id, direction or None)

    def _expand_selected(self, direction: str) -> None:
        ids = [i.node_id for i in self.scene.selectedItems() if isinstance(i, NodeItem) and i.node is not None]
        if not ids:
            ids = list(self.state.roots)
        self._submit(lambda: self._expand_now(ids, direction, 1, anchor=ids[0] if len(ids) == 1 else None))

    def _selection_changed(self) -> None:
        items = [i for i in self.scene.selectedItems() if isinstance(i, NodeItem)]
        self.upstream_action.setEnabled(bool(items) or bool(self.state.roots))
        if len(items) == 1:
            self.scene.show_path_to(items[0].node_id)
            if items[0].node is not None and self._last_selected != items[0].node_id:
                self._last_selected = items[0].node_id
                if self.table.isVisible():
                    self.table.select_node(items[0].node_id)
                self.nodeSelected.emit(items[0].node)
        else:
            self.scene.show_path_to(None)
            if not items:
                self._last_selected = None

    def _export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export genealogy", f"{self._title()}.png",
                                              "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)")
        if not path:
            return
        try:
            self.export_image(path)
        except WorkbenchError as exc:
            QMessageBox.warning(self, "Export genealogy", str(exc))
        else:
            self._set_status(f"Saved {Path(path).name}")

    def _context_menu(self, item: NodeItem | None, global_pos) -> None:
        menu = self.context_menu(item)
        if menu is not None:
            menu.exec(global_pos)

    def context_menu(self, item: NodeItem | None) -> QMenu | None:
        """The menu for a box (tests read its actions); None on the background."""
        menu = QMenu(self)
        if item is None:
            menu.addAction("Fit to window", self.fit_to_window)
            menu.addAction("Open one more level everywhere", lambda: self.expand_all(1))
            return menu
        if not item.isSelected():
            self.scene.clearSelection()
            item.setSelected(True)
        nid = item.node_id
        if item.visible.group is not None:
            g = item.visible.group
            menu.addAction(f"Show next {min(len(g.members), 50)} of {len(g.members)}", lambda: self.open_group(nid))
            return menu
        node = item.node
        menu.addAction("Expand upstream", lambda: self.expand(nid, UPSTREAM))
        menu.addAction("Expand downstream", lambda: self.expand(nid, DOWNSTREAM))
        menu.addAction("Expand whole upstream tree", lambda: self.expand(nid, UPSTREAM, None))
        menu.addAction("Expand whole downstream tree", lambda: self.expand(nid, DOWNSTREAM, None))
        collapse = menu.addAction("Collapse branch", lambda: self.collapse(nid))
        collapse.setEnabled(nid not in self.state.roots)
        menu.addSeparator()
        if node.kind == "lot":
            menu.addAction("Re-root view here", lambda: self.reroot(nid))
        else:
            menu.addAction(f"Hide {KIND_TITLE[node.kind].lower()}s", lambda: self.set_kind_hidden(node.kind, True))
        menu.addSeparator()
        lots = self.selected_lots()
        if lots:
            menu.addAction("Start recall…", lambda: self.recallRequested.emit(lots))
        if node.kind == "lot":
            ref = node.lot.ref
            menu.addAction("History…", lambda: self.historyRequested.emit(ref))
            if node.lot.origin == "receipt":
                menu.addAction("Supplier corrective action…", lambda: self.scarRequested.emit(ref))
        if node.kind == "vendor":
            menu.addAction("Vendor…", lambda: self.vendorRequested.emit(node.code))
        if len(lots) >= 2:
            menu.addAction("Commonality…", lambda: self.commonalityRequested.emit(lots))
        return menu


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _matches(node, text: str, exact: bool = False) -> bool:
    values = [node.code, node.name or ""]
    if node.kind == "lot":
        f = node.lot
        values += [f.item, f.lot, f.vendor_lot or "", f.ref.label]
    values = [v.lower() for v in values if v]
    return text in values if exact else any(text in v for v in values)
