"""The Cases view: every case (filter by status), a button to open one from the chosen
lots, and the mock recall panel: run one (the clock starts, the lots are traced, the %
found is recorded) and the trend of every mock recall against BRCGS's 4 hours."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.actions import cases
from workbench.facts import LotRef
from workbench.format import quantity as fmt_quantity
from workbench.ui.cases.dialogs import NewCaseDialog
from workbench.ui.ops import run_op
from workbench.ui.widgets import RowsModel, heading, hint, style_plot, table_view

ACCENT = "#1f4e5f"
ALERT = "#c53030"


class MockRecallPanel(QWidget):
    """Mock recalls: the table (time, amounts, grades) and the trend chart."""

    caseActivated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = RowsModel(("Mock recall", "Standard", "Started", "In question", "Found", "% found", "Seconds",
                                "BRCGS 4 h", "FSMA 24 h"), right=(3, 4, 5, 6))
        self.table = table_view(self.model, self.caseActivated.emit)
        self.plot = pg.PlotWidget(background="w")
        style_plot(self.plot, self.font())
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.getPlotItem().setLabel("left", "seconds to 100 % found")
        self.plot.getPlotItem().setLabel("bottom", "mock recall (number of its code)")
        self.plot.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
        self.plot.setMinimumHeight(150)
        row = QSplitter()
        row.addWidget(self.plot)
        row.addWidget(self.table)
        row.setSizes([380, 620])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("Mock recalls"))
        layout.addWidget(hint("A mock recall is timed from its start to 100 % of the traced lots' quantity found; "
                              "BRCGS expects it within 4 hours, FSMA 204 records within 24. Red: not completed."))
        layout.addWidget(row, 1)
        self.history: list = []

    def show_history(self, history) -> None:
        self.history = history
        rows = []
        for code, _title, m in history:
            took = m.elapsed()
            rows.append(((code, m.standard, f"{m.started_at:%Y-%m-%d %H:%M}" if m.started_at else "",
                          fmt_quantity(m.in_question or 0, m.unit or ""), fmt_quantity(m.found or 0, m.unit or ""),
                          f"{m.percent or 0} %", f"{took.total_seconds():.2f}" if took and m.stopped_at else "running",
                          m.grade("BRCGS"), m.grade("FSMA")), code))
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.plot.clear()
        if not history:
            return
        xs = list(range(len(history)))
        seconds = [(m.elapsed().total_seconds() if m.stopped_at and m.elapsed() else 0.0) for _c, _t, m in history]
        brushes = [pg.mkBrush(ACCENT if m.complete and m.stopped_at else ALERT) for _c, _t, m in history]
        self.plot.addItem(pg.BarGraphItem(x=xs, height=seconds, width=0.6, brushes=brushes))
        axis = self.plot.getPlotItem().getAxis("bottom")
        axis.setTicks([[(i, c.rsplit("-", 1)[-1]) for i, (c, _t, _m) in enumerate(history)]])
        limit = 4 * 3600
        if max(seconds, default=0) > limit / 2:
            self.plot.addItem(pg.InfiniteLine(pos=limit, angle=0, pen=pg.mkPen(ALERT, style=Qt.PenStyle.DashLine),
                                              label="BRCGS 4 h", labelOpts={"color": ALERT, "position": 0.95}))


class CasesView(QWidget):
    """Every case; ``caseOpened(code)`` asks the window to open it as a tab."""

    caseOpened = Signal(str)
    changed = Signal(object)
    loaded = Signal()

    def __init__(self, plant, window=None, parent=None):
        super().__init__(parent)
        self.plant = plant
        self.window_ = window
        self._op = None
        self.error: str | None = None
        self.can_write = True
        self.status = QComboBox()
        for key, text in (("active", "Active cases"), ("all", "All cases"), ("closed", "Closed cases")):
            self.status.addItem(text, key)
        self.status.currentIndexChanged.connect(lambda _i: self.load())
        self.new_button = QPushButton("New case…")
        self.new_button.clicked.connect(self.new_case)
        self.mock_button = QPushButton("Run mock recall…")
        self.mock_button.clicked.connect(self.run_mock)
        bar = QHBoxLayout()
        bar.addWidget(heading("Cases"))
        bar.addStretch(1)
        bar.addWidget(self.status)
        bar.addWidget(self.new_button)
        bar.addWidget(self.mock_button)
        self.access = hint()
        self.model = RowsModel(("Case", "Status", "Version", "Opened", "By", "Last change", "By", "Lots", "Title"),
                               right=(2, 7))
        self.table = table_view(self.model, self.caseOpened.emit)
        self.mocks = MockRecallPanel()
        self.mocks.caseActivated.connect(self.caseOpened.emit)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.mocks)
        split.setSizes([500, 360])
        self.message = hint()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.access)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self.load()

    def on_changes(self, changes) -> None:
        if changes.cases or changes.plant:
            self.load()

    def load(self) -> None:
        status = self.status.currentData()
        plant = self.plant

        def read(_p):
            return (cases.list_cases(plant, None if status == "all" else status), cases.mock_history(plant),
                    cases.access(plant))

        self._op = run_op(self, read, self._loaded, self._failed)

    def _failed(self, message: str, cancelled: bool) -> None:
        self._op = None
        self.error = message
        self.message.setText("Cancelled." if cancelled else message)
        self.loaded.emit()

    def _loaded(self, result) -> None:
        self._op = None
        found, history, access = result
        self.can_write = access.can_write
        self.access.setText(f"{self.plant.display_url}: {access.why}."
                            + ("" if self.plant.dialect != "postgresql" else
                               " Changes made by colleagues appear within seconds."))
        self.new_button.setEnabled(access.can_write)
        self.mock_button.setEnabled(access.can_write)
        self.model.set_rows([((s.code, s.status_text, s.version, f"{s.opened_at:%Y-%m-%d %H:%M}", s.opened_by,
                               f"{s.updated_at:%Y-%m-%d %H:%M}", s.updated_by, s.lots, s.title), s.code)
                             for s in found])
        self.table.resizeColumnsToContents()
        self.mocks.show_history(history)
        self.loaded.emit()

    def _chosen(self) -> list[LotRef]:
        chooser = getattr(self.window_, "_chosen_lots", None)
        return list(chooser()) if chooser else []

    def new_case(self, lots: list[LotRef] | None = None) -> None:
        lots = list(lots) if lots else self._chosen()
        dialog = NewCaseDialog(lots, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        title, origin, ref, problem = dialog.values()

        def done(result) -> None:
            self._op = None
            summary, changes = result
            self.changed.emit(changes)
            self.caseOpened.emit(summary.code)

        self._op = run_op(self, lambda _p: cases.open_case(self.plant, title, origin, ref, problem, lots), done,
                          self._failed)

    def run_mock(self, lots: list[LotRef] | None = None, standard: str | None = None) -> None:
        lots = list(lots) if lots else self._chosen()
        if not lots:
            text, ok = QInputDialog.getText(self, "Mock recall", "Lots to trace (ITEM/LOT, separated by spaces):")
            if not ok or not text.strip():
                return
            labels = text.split()
        else:
            labels = None
        if standard is None:
            standard, ok = QInputDialog.getItem(self, "Mock recall", "Graded against:", ["BRCGS", "FSMA"], 0, False)
            if not ok:
                return

        def run(progress):
            chosen = lots or cases.parse_lots(self.plant, labels or [])
            return cases.run_mock_recall(self.plant, chosen, standard, progress)

        def done(r) -> None:
            self._op = None
            m = r.mock
            self.message.setText(f"{r.code}: {m.percent} % found in "
                                 f"{m.elapsed().total_seconds():.2f} s; BRCGS {m.grade('BRCGS')}, "
                                 f"FSMA {m.grade('FSMA')}." if m.stopped_at else f"{r.code}: clock running.")
            self.changed.emit(r.changes)

        self._op = run_op(self, run, done, self._failed, label="Mock recall: tracing…")

    def is_idle(self) -> bool:
        return self._op is None
