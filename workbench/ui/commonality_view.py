"""The "Commonality" view: what several defective lots share that the other lots don't.

A table of every upstream factor (material lot, vendor lot, vendor, machine, operator,
shift, order) ranked by ``workbench.rootcause.commonality.commonality`` — defective share,
baseline share, lift and the one-sided Fisher exact p-value — beside a bar chart of the
top factors (defective share against baseline share). Selecting a factor emits
``factorActivated(node_ids)``, which the main window forwards to the genealogy view's
``highlight``. The defective set can also be taken from customer returns with a chosen
reason.
"""

from __future__ import annotations

import math
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.facts import LotRef
from workbench.format import count
from workbench.rootcause.commonality import (
    commonality,
    defective_from_reasons,
    defective_from_returns,
    lots_from_list,
    return_reasons,
)
from workbench.rootcause.records import Commonality, Factor
from workbench.ui.ops import plant_op, run_op
from workbench.ui.widgets import RowsModel, Shown, heading, hint, style_plot, table_view

DEFECTIVE = "#c53030"
BASELINE = "#a0aec0"
SELECTED = "#2b6cb0"
TOP = 15
KIND_TITLES = {"lot": "Lot", "vendor_lot": "Vendor lot", "vendor": "Vendor", "machine": "Machine",
               "operator": "Operator", "shift": "Shift", "order": "Order"}


def _lift(f: Factor) -> float:
    return 1e9 if math.isinf(f.lift) else f.lift


def _lift_text(f: Factor) -> str:
    return "new" if math.isinf(f.lift) else f"{f.lift:.2f}"


class FactorChart(QWidget):
    """Horizontal bars: each top factor's defective share (red) and baseline share (grey)."""

    factorClicked = Signal(int)  # rank (0 = best)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = pg.PlotWidget(background="w")
        style_plot(self.plot, self.font())
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.showGrid(x=True, y=False, alpha=0.15)
        self.plot.getPlotItem().getAxis("left").setWidth(190)
        self.plot.getPlotItem().setLabel("bottom", "share of lots exposed")
        self.plot.addLegend(offset=(-10, 4), labelTextSize="8pt", colCount=2, brush=pg.mkBrush(255, 255, 255, 230))
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.count = 0
        self.marker: pg.BarGraphItem | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def show_factors(self, factors: list[Factor]) -> None:
        item = self.plot.getPlotItem()
        for it in list(item.items):
            if isinstance(it, pg.BarGraphItem):
                self.plot.removeItem(it)
        item.legend.clear()
        self.marker = None
        top = factors[:TOP]
        self.count = len(top)
        ys = [-i for i in range(len(top))]
        labels = [(-i, f"{i + 1}. {f.label[:34]}") for i, f in enumerate(top)]
        item.getAxis("left").setTicks([labels])
        if top:
            d = pg.BarGraphItem(x0=[0] * len(top), x1=[f.defective_share for f in top], y=[y + 0.19 for y in ys],
                                height=0.36, brush=pg.mkBrush(DEFECTIVE), pen=pg.mkPen(None))
            b = pg.BarGraphItem(x0=[0] * len(top), x1=[f.baseline_share for f in top], y=[y - 0.19 for y in ys],
                                height=0.36, brush=pg.mkBrush(BASELINE), pen=pg.mkPen(None))
            self.plot.addItem(d)
            self.plot.addItem(b)
            item.legend.addItem(d, "defective lots")
            item.legend.addItem(b, "baseline lots")
        self.plot.setXRange(0, 1.05, padding=0)
        # Room above the best factor for the legend.
        self.plot.setYRange(-max(len(top), 1) + 0.4, 2.0, padding=0)

    def mark(self, rank: int | None) -> None:
        if self.marker is not None:
            self.plot.removeItem(self.marker)
            self.marker = None
        if rank is not None and rank < self.count:
            self.marker = pg.BarGraphItem(x0=[-0.01], x1=[1.05], y=[-rank], height=0.96,
                                          brush=pg.mkBrush(43, 108, 176, 40), pen=pg.mkPen(SELECTED))
            self.marker.setZValue(-1)
            self.plot.addItem(self.marker)

    def _clicked(self, event) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        rank = round(-vb.mapSceneToView(event.scenePos()).y())
        if 0 <= rank < self.count:
            self.factorClicked.emit(rank)

    def export_image(self, path: str | Path) -> Path:
        from pyqtgraph.exporters import ImageExporter

        exporter = ImageExporter(self.plot.getPlotItem())
        exporter.parameters()["width"] = max(1000, self.plot.width() * 2)
        exporter.export(str(path))
        return Path(path)


class CommonalityView(QWidget):
    """Ranked upstream factors of a set of defective lots, as a table and a chart."""

    factorActivated = Signal(list)  # genealogy node ids to highlight
    loaded = Signal()
    titleChanged = Signal(str)  # the tab's title, when the defective lots change

    def __init__(self, plant, lots: list[LotRef], parent=None):
        super().__init__(parent)
        self.plant = plant
        self.lots = list(lots)
        self.result: Commonality | None = None
        self.error: str | None = None
        self._ops: set = set()

        self.title = heading(f"Commonality of {len(self.lots)} defective lots")
        self.summary = hint("Ranking…")
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("All factors", None)
        for kind, title in KIND_TITLES.items():
            self.kind_filter.addItem(f"{title}s", kind)
        self.kind_filter.currentIndexChanged.connect(self._show)
        # Defective lots from returns: a text the reason contains (as the command line's
        # --returns-reason), or several reasons ticked at once, or a pasted list of lots.
        self.reason_text = QLineEdit()
        self.reason_text.setPlaceholderText("Reason contains… e.g. illness")
        self.reason_text.setClearButtonEnabled(True)
        self.reason_text.setMinimumWidth(180)
        self.reason_text.setToolTip("Take as defective every lot returned with a reason containing this text "
                                    "(any case), as `workbench commonality --returns-reason TEXT` does")
        self.reason_text.returnPressed.connect(self._use_returns_clicked)
        self.reason_text.textChanged.connect(lambda _t: self._update_use())
        self.reasons = QToolButton()
        self.reasons.setText("Reasons ▾")
        self.reasons.setToolTip("Tick one or more return reasons (with the number of lots returned for each)")
        self.reasons.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.reasons_menu = QMenu(self.reasons)
        self.reasons.setMenu(self.reasons_menu)
        self.reason_actions: list = []
        self.use_returns = QPushButton("Use returns")
        self.use_returns.setToolTip("Rank the lots returned with the reasons given as the defective lots")
        self.use_returns.setEnabled(False)
        self.use_returns.clicked.connect(self._use_returns_clicked)
        self.paste = QPushButton("Paste lots…")
        self.paste.setToolTip("Paste a list of defective lots (ITEM/LOT, lot codes or barcodes, one a line)")
        self.paste.clicked.connect(self._paste_clicked)
        export = QPushButton("Export…")
        export.setToolTip("Save the ranking as CSV (and the chart as PNG beside it)")
        export.clicked.connect(self._export_clicked)
        # The title on its own line: beside the controls it would widen the window past 1366 px.
        self.title.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(QLabel("Defective from returns:"))
        bar.addWidget(self.reason_text)
        bar.addWidget(self.reasons)
        bar.addWidget(self.use_returns)
        bar.addWidget(self.paste)
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.kind_filter)
        bar.addWidget(export)

        self.model = RowsModel(("#", "Factor", "Kind", "Defective", "Baseline", "Def. %", "Base %", "Lift",
                                "p-value"), right=(0, 3, 4, 5, 6, 7, 8))
        self.table = table_view(self.model)
        self.table.clicked.connect(lambda index: self.activate(self.model.payload(index.row())))
        self.table.activated.connect(lambda index: self.activate(self.model.payload(index.row())))
        self.chart = FactorChart()
        self.chart.factorClicked.connect(self._chart_clicked)
        self.defective_model = RowsModel(("Defective lot",))
        defective_table = table_view(self.defective_model)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.chart)
        right.addWidget(defective_table)
        right.setSizes([520, 160])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setSizes([820, 480])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        note = hint("Baseline: the other lots of the same items made in the same period (the defective lots' "
                    "dates ± 7 days). Lift = defective share / baseline share ('new': no baseline lot has it). "
                    "p-value: one-sided Fisher exact test. Shifts: early 06–14, late 14–22, night 22–06.")
        layout.addWidget(note)
        self._load_reasons()
        if self.lots:
            self.rank(self.lots)
        else:
            self.summary.setText("Choose a return reason to take the returned lots as defective.")

    # --- loading -------------------------------------------------------------------------

    def _track(self, op) -> None:
        self._ops.add(op)
        op.done.connect(lambda: self._ops.discard(op))

    def _load_reasons(self) -> None:
        def loaded(reasons) -> None:
            self.reasons_menu.clear()
            self.reason_actions = []
            for reason, n in reasons:
                action = self.reasons_menu.addAction(f"{reason} ({n} lot{'' if n == 1 else 's'})")
                action.setCheckable(True)
                action.setData(reason)
                action.toggled.connect(lambda _on: self._update_use())
                self.reason_actions.append(action)
            completer = QCompleter([r for r, _ in reasons], self.reason_text)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.reason_text.setCompleter(completer)
            self.reasons.setEnabled(bool(reasons))
            self._update_use()

        self._track(run_op(self, plant_op(self.plant, lambda s, p: return_reasons(s)), loaded,
                           lambda m, c: self.reasons.setToolTip(m)))

    def checked_reasons(self) -> list[str]:
        return [a.data() for a in self.reason_actions if a.isChecked()]

    def _update_use(self) -> None:
        chosen = self.checked_reasons()
        self.use_returns.setEnabled(bool(chosen) or bool(self.reason_text.text().strip()))
        self.reasons.setText(f"Reasons ({len(chosen)}) ▾" if chosen else "Reasons ▾")

    def on_changes(self, changes) -> None:
        if changes.touches_lots() and self.lots:
            self.rank(self.lots)

    def rank(self, lots: list[LotRef]) -> None:
        self.lots = list(lots)
        self.title.setText(f"Commonality of {len(self.lots)} defective lot{'' if len(self.lots) == 1 else 's'}")
        self.titleChanged.emit(f"Commonality ({len(self.lots)} lot{'' if len(self.lots) == 1 else 's'})")
        self.summary.setText("Ranking…")
        chosen = list(self.lots)
        self._track(run_op(self, plant_op(self.plant, lambda s, p: commonality(s, chosen, progress=p)),
                           self._ranked, self._failed, label=f"Ranking the factors of {len(chosen)} lots…"))

    def use_returns_reason(self, reason: str) -> None:
        """Take every lot returned with ``reason`` as defective and rank again."""
        def found(lots) -> None:
            if not lots:
                self.summary.setText(f"No return has a reason containing '{reason}'.")
                return
            self.rank(lots)

        self._track(run_op(self, plant_op(self.plant, lambda s, p: defective_from_returns(s, reason)), found,
                           self._failed))

    def use_returns_reasons(self, reasons: list[str]) -> None:
        """Take every lot returned with one of these exact reasons as defective."""
        def found(lots) -> None:
            if not lots:
                self.summary.setText("No return has these reasons.")
                return
            self.rank(lots)

        chosen = list(reasons)
        self._track(run_op(self, plant_op(self.plant, lambda s, p: defective_from_reasons(s, chosen)), found,
                           self._failed))

    def use_pasted(self, text: str) -> None:
        """Take the lots of a pasted list (see ``lots_from_list``) as defective."""
        self._track(run_op(self, plant_op(self.plant, lambda s, p: lots_from_list(s, text)), self.rank,
                           self._failed))

    def _use_returns_clicked(self) -> None:
        chosen = self.checked_reasons()
        text = self.reason_text.text().strip()
        if chosen:
            self.use_returns_reasons(chosen)
        elif text:
            self.use_returns_reason(text)

    def _paste_clicked(self) -> None:
        text, ok = QInputDialog.getMultiLineText(
            self, "Defective lots", "Paste the defective lots, one a line (ITEM/LOT, a lot code or a barcode):")
        if ok and text.strip():
            self.use_pasted(text)

    def _failed(self, message: str, cancelled: bool) -> None:
        self.error = message
        self.summary.setText("Cancelled." if cancelled else f"Could not rank: {message}")
        self.loaded.emit()

    def _ranked(self, result: Commonality) -> None:
        self.result = result
        self.error = None
        p = result.period
        period = f" made {p[0]:%Y-%m-%d} to {p[1]:%Y-%m-%d}" if p else ""
        top = result.factors[0] if result.factors else None
        lead = (f" · most common: <b>{top.label}</b> ({top.defective_exposed}/{top.defective_total} defective, "
                f"{top.baseline_exposed}/{top.baseline_total} baseline, p = {top.p_value:.2g})") if top else ""
        self.summary.setText(f"{count(len(result.defective), 'defective lot')} of {', '.join(result.items)} against "
                             f"{count(len(result.baseline), 'baseline lot')}{period} · "
                             f"{count(len(result.factors), 'factor')}{lead}")
        self.defective_model.set_rows([((r.label,), r) for r in result.defective])
        self._show()
        self.loaded.emit()

    # --- showing -------------------------------------------------------------------------

    def shown_factors(self) -> list[Factor]:
        if self.result is None:
            return []
        kind = self.kind_filter.currentData()
        return [f for f in self.result.factors if kind is None or f.kind == kind]

    def _show(self) -> None:
        factors = self.shown_factors()
        rank = {id(f): i + 1 for i, f in enumerate(self.result.factors)} if self.result else {}
        # Shares, lift and p shown as text, sorted as numbers ('new' lift sorts as infinity).
        self.model.set_rows([
            ((rank[id(f)], f.label, KIND_TITLES[f.kind], f"{f.defective_exposed}/{f.defective_total}",
              f"{f.baseline_exposed}/{f.baseline_total}", Shown(f.defective_share, f"{f.defective_share:.0%}"),
              Shown(f.baseline_share, f"{f.baseline_share:.0%}"), Shown(_lift(f), _lift_text(f)),
              Shown(f.p_value, f"{f.p_value:.2g}")), f) for f in factors],
            tips=[f"{f.label}: {f.defective_exposed} of {f.defective_total} defective lots and "
                  f"{f.baseline_exposed} of {f.baseline_total} baseline lots share it; lift {_lift_text(f)}"
                  for f in factors])
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, max(self.table.columnWidth(1), 220))
        self.chart.show_factors(factors)

    def activate(self, factor: Factor) -> None:
        """Highlight ``factor``: in the chart here, and in the genealogy via the signal."""
        factors = self.shown_factors()
        rank = next((i for i, f in enumerate(factors) if f is factor), None)
        self.chart.mark(rank)
        self.factorActivated.emit(list(factor.node_ids))

    def _chart_clicked(self, rank: int) -> None:
        factors = self.shown_factors()
        for row in range(self.model.rowCount()):
            if self.model.payload(row) is factors[rank]:
                self.table.selectRow(row)
                break
        self.activate(factors[rank])

    def is_idle(self) -> bool:
        return not self._ops

    # --- export --------------------------------------------------------------------------

    def export_csv(self, path: str | Path) -> Path:
        return self.model.write_csv(path)

    def export_chart(self, path: str | Path) -> Path:
        return self.chart.export_image(path)

    def _export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the ranking", "commonality.csv", "CSV (*.csv)")
        if path:
            self.export_csv(path)
            self.export_chart(Path(path).with_suffix(".png"))
