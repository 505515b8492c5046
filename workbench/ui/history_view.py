"""The "History" view of a lot: where it came from, when, on which machines, and its siblings.

Left, the genealogy graph opened fully upstream; right, a Gantt-style timeline (one row
per machine, a bar per operation: the suspect lot's own operations in blue, its
siblings' operations on the same machines in orange, the ± window shaded) over three
tables: the time-ordered events, the upstream lots with their receipts, and the
siblings with the reason each one is a sibling. The data is ``workbench.rootcause``'s
``lot_history`` and ``siblings``, loaded in the background.

``RowsModel`` (a small read-only, sortable table model of plain rows) lives here and is
shared by the other root-cause views.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from workbench.facts import LotRef, OperationFacts
from workbench.format import count
from workbench.format import quantity as fmt_quantity
from workbench.format import when as fmt_time
from workbench.rootcause.history import lot_history
from workbench.rootcause.records import LotHistory, Siblings
from workbench.rootcause.siblings import COMMON_REACH, DEFAULT_WINDOW, siblings
from workbench.trace.genealogy import lot_node_id
from workbench.ui.ops import Op, plant_op, run_op
from workbench.ui.style import MUTED
from workbench.ui.widgets import RowsModel, epoch, heading, hint, style_plot, table_view

OURS = "#2b6cb0"
OWN_ORDER = "#1a4a80"
SIBLING = "#dd6b20"
WINDOW_FILL = "#ebf4ff"


class MachineGantt(QWidget):
    """Operations per machine on a time axis: the suspect lot's, its siblings', the window."""

    def __init__(self, parent=None):
        super().__init__(parent)
        axis = pg.DateAxisItem(orientation="bottom", utcOffset=0)
        self.plot = pg.PlotWidget(axisItems={"bottom": axis}, background="w")
        style_plot(self.plot, self.font())
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.showGrid(x=True, y=False, alpha=0.15)
        self.plot.getPlotItem().getAxis("left").setWidth(90)
        self.legend = self.plot.addLegend(offset=(10, 4), labelTextSize="8pt", colCount=3,
                                          brush=pg.mkBrush(255, 255, 255, 230))
        self.bars: list[tuple[float, float, int, OperationFacts, str]] = []
        self.machines: list[str] = []
        self.plot.scene().sigMouseMoved.connect(self._hover)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def show_history(self, history: LotHistory, sib: Siblings | None) -> None:
        self.plot.clear()
        self.legend.clear()
        self.bars = []
        ours = [op for op in history.operations if op.machine and (op.started_at or op.finished_at)]
        theirs: list[OperationFacts] = []
        if sib is not None:
            seen = set()
            for s in sib.by_machine:
                for op in s.operations:
                    if op.machine and (op.order, op.step) not in seen:
                        seen.add((op.order, op.step))
                        theirs.append(op)
        self.machines = sorted({op.machine for op in ours if op.machine} | {op.machine for op in theirs if op.machine})
        row = {m: i for i, m in enumerate(self.machines)}
        self.plot.getPlotItem().getAxis("left").setTicks([[(i, m) for m, i in row.items()]])
        own_order = {op.order for op in ours if history.lot.label in op.made}
        window = sib.window if sib is not None else DEFAULT_WINDOW

        def span(op: OperationFacts) -> tuple[float, float]:
            start = op.started_at or op.finished_at
            assert start is not None  # only operations with a time are drawn
            end = op.finished_at or start
            return epoch(start), max(epoch(end), epoch(start) + 60)

        def line(op: OperationFacts) -> int:
            return row[op.machine or ""]

        if ours and window > timedelta(0):
            w = window.total_seconds()
            spans = [span(op) for op in ours]
            band = pg.BarGraphItem(x0=[s - w for s, _ in spans], x1=[e + w for _, e in spans],
                                   y=[line(op) for op in ours], height=0.84,
                                   brush=pg.mkBrush(WINDOW_FILL), pen=pg.mkPen(None))
            band.setZValue(-2)
            self.plot.addItem(band)
            self.legend.addItem(band, f"± {window.total_seconds() / 3600:g} h window")
        for ops, colour, height, name in ((theirs, SIBLING, 0.34, "Siblings"),
                                          (ours, OURS, 0.56, "This lot")):
            if not ops:
                continue
            spans = [span(op) for op in ops]
            pens = [pg.mkPen(OWN_ORDER, width=2) if op.order in own_order and colour == OURS else pg.mkPen(None)
                    for op in ops]
            item = pg.BarGraphItem(x0=[s for s, _ in spans], x1=[e for _, e in spans],
                                   y=[line(op) for op in ops], height=height,
                                   brush=pg.mkBrush(colour), pens=pens)
            self.plot.addItem(item)
            self.legend.addItem(item, name)
            kind = "ours" if colour == OURS else "sibling"
            self.bars += [(s, e, line(op), op, kind) for (s, e), op in zip(spans, ops, strict=False)]
        if self.bars:
            lo = min(b[0] for b in self.bars)
            hi = max(b[1] for b in self.bars)
            pad = max((hi - lo) * 0.04, 3600)
            self.plot.setXRange(lo - pad, hi + pad, padding=0)
        # One empty row on top keeps the legend clear of the bars.
        self.plot.setYRange(-0.7, max(len(self.machines), 1) + 0.5, padding=0)

    def bar_at(self, x: float, y: float, tolerance: float):
        for s, e, r, op, kind in reversed(self.bars):
            if abs(y - r) <= 0.3 and s - tolerance <= x <= e + tolerance:
                return op, kind
        return None

    def _hover(self, pos: QPointF) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if not self.bars or not vb.sceneBoundingRect().contains(pos):
            return
        p = vb.mapSceneToView(pos)
        hit = self.bar_at(p.x(), p.y(), 4 * vb.viewPixelSize()[0])
        if hit is None:
            QToolTip.hideText()
            return
        op, kind = hit
        who = "sibling" if kind == "sibling" else "suspect lot's history"
        text = (f"<b>{op.order} · {op.step}</b> ({who})<br>{op.machine} · {op.operator or 'no operator'}<br>"
                f"<span style='color:{MUTED}'>{fmt_time(op.started_at)} – {fmt_time(op.finished_at)} UTC</span>")
        QToolTip.showText(self.plot.mapToGlobal(self.plot.mapFromScene(pos)), text, self.plot)

    def export_image(self, path: str | Path) -> Path:
        from pyqtgraph.exporters import ImageExporter

        path = Path(path)
        exporter = ImageExporter(self.plot.getPlotItem())
        exporter.parameters()["width"] = max(1200, self.plot.width() * 2)
        exporter.export(str(path))
        return path


# --- the view ----------------------------------------------------------------------------


def siblings_summary(sib: Siblings) -> str:
    """ "12 by specific material (878 through common materials folded: RM-SALT/R1 in 1,631 lots), 3 by machine…" """
    folded = len(sib.folded())
    common = ""
    if folded:
        names = ", ".join(f"{r.label} in {n:,} lots" for r, n in list(sib.common.items())[:2])
        more = f" and {len(sib.common) - 2} more" if len(sib.common) > 2 else ""
        common = f" ({folded:,} through common materials folded away: {names}{more})"
    return (f"{len(sib.specific()):,} by shared material{common}, {len(sib.by_machine):,} by machine within "
            f"±{sib.window.total_seconds() / 3600:g} h")


class HistoryView(QWidget):
    """Backward history of one lot with its genealogy, machine timeline and siblings."""

    lotActivated = Signal(object)  # LotRef: open this lot (e.g. a sibling)
    loaded = Signal()

    def __init__(self, plant, lot: LotRef, parent=None):
        super().__init__(parent)
        self.plant = plant
        self.lot = lot
        self.history: LotHistory | None = None
        self.siblings: Siblings | None = None
        self._op: Op | None = None
        self.error: str | None = None

        self.title = heading(f"History of {lot.label}")
        self.summary = hint("Loading…")
        self.window_box = QDoubleSpinBox()
        self.window_box.setRange(0, 24 * 14)
        self.window_box.setDecimals(1)
        self.window_box.setSingleStep(1)
        self.window_box.setSuffix(" h")
        self.window_box.setValue(DEFAULT_WINDOW.total_seconds() / 3600)
        self.window_box.setToolTip("Machine window: lots made on the same machines within this many hours "
                                   "of the suspect lot's operations are siblings")
        self.window_box.editingFinished.connect(self.refresh_siblings)
        export_chart = QPushButton("Export timeline…")
        export_chart.clicked.connect(self._export_timeline_clicked)
        export_tables = QPushButton("Export tables…")
        export_tables.clicked.connect(self._export_tables_clicked)
        # The title wraps: beside the controls, a long lot label would otherwise set the view's
        # (and so the window's) minimum width beyond a 1366-pixel screen. The summary has a line
        # of its own, the whole width.
        self.title.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(QLabel("Machine window ±"))
        bar.addWidget(self.window_box)
        bar.addWidget(export_chart)
        bar.addWidget(export_tables)

        self.gantt = MachineGantt()
        self.events = RowsModel(("When", "Until", "Machine", "Operator", "What"))
        self.upstream = RowsModel(("Lot", "Item", "Kind", "Depth", "Quantity", "Vendor", "Vendor lot",
                                   "Receipt", "PO", "Received"), right=(3, 4))
        self.sibling_rows = RowsModel(("Lot", "Why", "Made", "Because"))
        tabs = QTabWidget()
        self.tables = [table_view(self.events, self._node_activated),
                       table_view(self.upstream, self._lot_activated),
                       table_view(self.sibling_rows, self._lot_activated)]
        for table, name in zip(self.tables[:2], ("Events", "Upstream lots"), strict=True):
            tabs.addTab(table, name)
        sib_box = QWidget()
        sib_layout = QVBoxLayout(sib_box)
        sib_layout.setContentsMargins(0, 4, 0, 0)
        self.show_common = QCheckBox("Show siblings that share only common materials")
        self.show_common.setToolTip("Materials that went into more than "
                                    f"{COMMON_REACH} other lots (salt, oil, packaging) say little about a defect")
        self.show_common.toggled.connect(self._fill_siblings)
        sib_layout.addWidget(self.show_common)
        sib_layout.addWidget(self.tables[2], 1)
        tabs.addTab(sib_box, "Siblings")
        self.tabs = tabs

        right = QSplitter(Qt.Orientation.Vertical)
        gantt_box = QWidget()
        gl = QVBoxLayout(gantt_box)
        gl.setContentsMargins(0, 0, 0, 0)
        gl.addWidget(hint("Operations by machine: blue the suspect lot's (dark outline: its own order), "
                          "orange its siblings'; shaded the machine window. Hover a bar for details."))
        gl.addWidget(self.gantt, 1)
        right.addWidget(gantt_box)
        right.addWidget(tabs)
        right.setSizes([320, 360])

        self.graph = self._make_graph()
        split = QSplitter(Qt.Orientation.Horizontal)
        if self.graph is not None:
            split.addWidget(self.graph)
        split.addWidget(right)
        split.setSizes([640, 600])  # the genealogy as wide as the timeline and tables
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.load()

    def _make_graph(self):
        """The shared genealogy view, opened fully upstream of the lot (if the app has it)."""
        try:
            from workbench.ui.graph.items import TITLE_LOD
            from workbench.ui.graph.view import GenealogyView
        except ImportError:  # pragma: no cover - the graph ships with the app
            return None
        graph = GenealogyView(self.plant, self)
        graph.show_lot(self.lot)
        graph.expand(lot_node_id(self.lot.item, self.lot.lot), "upstream", None)
        graph.lotActivated.connect(self.lotActivated)
        self._fitted = False

        def settled(busy: bool) -> None:
            # Fit once the full upstream is laid out (the first fit saw only the neighbours).
            if not busy and not self._fitted and graph.is_idle():
                self._fitted = True
                # Fit when it is readable; a long upstream would fit as a strip of marks in
                # this narrow pane, so stay at a readable zoom on the lot, its inputs beside it.
                graph.overview(readable_zoom=TITLE_LOD)

        graph.busyChanged.connect(settled)
        return graph

    def _fill_siblings(self) -> None:
        """Specific material siblings (most specific first) and machine siblings; those sharing only
        common materials when asked for."""
        sib = self.siblings
        if sib is None:
            return
        material = sib.by_material if self.show_common.isChecked() else sib.specific()
        rows = [((s.lot.label, "common material" if s.common else "shared material", s.created_at, s.reason),
                 s.lot) for s in material]
        rows += [((s.lot.label, "same machine", s.created_at, s.reason), s.lot) for s in sib.by_machine]
        self.sibling_rows.set_rows(rows)
        folded = len(sib.folded())
        self.show_common.setText(f"Show {folded:,} sibling{'s' if folded != 1 else ''} that share only common "
                                 "materials" if folded else "No sibling shares only common materials")
        self.show_common.setEnabled(bool(folded))
        self.tabs.setTabText(2, f"Siblings ({len(rows):,})")

    @property
    def machine_window(self) -> timedelta:
        return timedelta(hours=self.window_box.value())

    # --- loading -------------------------------------------------------------------------

    def on_changes(self, changes) -> None:
        if changes.touches_lots():
            self.load()

    def load(self) -> None:
        window = self.machine_window
        lot = self.lot

        def work(session, progress):
            progress(0.1, "Tracing upstream")
            h = lot_history(session, lot)
            progress(0.6, "Finding siblings")
            return h, siblings(session, lot, window, history=h)

        self._op = run_op(self, plant_op(self.plant, work), self._loaded, self._failed)

    def refresh_siblings(self) -> None:
        """Recompute the siblings for a new machine window (the history stays)."""
        if self.history is None or (self.siblings is not None and self.siblings.window == self.machine_window):
            return
        h, window, lot = self.history, self.machine_window, self.lot
        self._op = run_op(self, plant_op(self.plant, lambda s, p: (h, siblings(s, lot, window, history=h))),
                          self._loaded, self._failed)

    def _failed(self, message: str, cancelled: bool) -> None:
        self._op = None
        self.error = message
        self.summary.setText("Cancelled." if cancelled else f"Could not load the history: {message}")
        self.loaded.emit()

    def _loaded(self, result) -> None:
        self._op = None
        self.history, self.siblings = result
        h, sib = self.history, self.siblings
        made = f", made {fmt_time(h.created_at)}" if h.created_at else ""
        self.title.setText(f"History of {h.lot.label}")
        # What is there, never "0 upstream lots from 0 vendors" (a purchased lot has no upstream).
        parts = [f"{h.item_name or h.lot.item}{made}"]
        if h.upstream:
            vendors = f" from {count(len(h.vendors), 'vendor')}" if h.vendors else ""
            parts.append(f"{count(len(h.upstream), 'upstream lot')}{vendors}")
        else:
            parts.append("nothing upstream (received or opening stock)")
        if h.operations:
            parts.append(f"{count(len(h.operations), 'operation')} on {count(len(h.machines), 'machine')}")
        parts.append(f"siblings: {siblings_summary(sib)}")
        self.summary.setText(" · ".join(parts))
        self.gantt.show_history(h, sib)
        self.events.set_rows([((e.at, e.end, e.machine, e.operator, e.label), e.node) for e in h.events])
        self.upstream.set_rows([
            ((u.lot.lot, u.lot.item, u.item_kind, u.depth, fmt_quantity(u.quantity, u.unit), u.vendor, u.vendor_lot,
              u.receipt, u.po, u.received_at), u.lot) for u in h.upstream])
        self._fill_siblings()
        for table in self.tables:
            table.resizeColumnsToContents()
            for col in range(table.model().columnCount() - 1):
                table.setColumnWidth(col, min(table.columnWidth(col), 190))
        self.loaded.emit()

    def is_idle(self) -> bool:
        return self._op is None and (self.graph is None or self.graph.is_idle())

    # --- actions -------------------------------------------------------------------------

    def _node_activated(self, node_id: str) -> None:
        if self.graph is not None and node_id:
            self.graph.highlight([node_id])

    def _lot_activated(self, lot: LotRef) -> None:
        if self.graph is not None and self.history is not None and lot in {u.lot for u in self.history.upstream}:
            self.graph.highlight([lot_node_id(lot.item, lot.lot)])
        else:
            self.lotActivated.emit(lot)

    def export_timeline(self, path: str | Path) -> Path:
        return self.gantt.export_image(path)

    def export_tables(self, folder: str | Path) -> list[Path]:
        """Events, upstream lots and siblings as CSV files in ``folder``."""
        folder = Path(folder)
        stem = f"history-{self.lot.item}-{self.lot.lot}".replace("/", "-")
        return [self.events.write_csv(folder / f"{stem}-events.csv"),
                self.upstream.write_csv(folder / f"{stem}-upstream.csv"),
                self.sibling_rows.write_csv(folder / f"{stem}-siblings.csv")]

    def _export_timeline_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export timeline", f"history-{self.lot.lot}.png",
                                              "PNG image (*.png)")
        if path:
            self.export_timeline(path)

    def _export_tables_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export the history tables (CSV) to")
        if folder:
            self.export_tables(folder)


__all__ = ["HistoryView", "MachineGantt"]
