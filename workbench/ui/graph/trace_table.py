"""``TraceTable``: the genealogy beside the graph as an indented tree table.

Rows come from ``workbench.trace.table`` (the state the graph holds, no query); the stock
on hand is read on a worker. Sortable by any column, filtered by any text (a row stays
when it or a row below it matches), exported to XLSX with outline levels, and in step
with the graph: choosing a row selects its box, selecting a box selects its row.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.format import quantity as format_quantity
from workbench.outfile import check_file, written
from workbench.reports.trace_table import write_trace_xlsx
from workbench.trace.explore import GraphState
from workbench.trace.table import COLUMNS, TraceRow, trace_rows, with_on_hand
from workbench.ui.ops import plant_op, run_op

NODE_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


def _shown(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


class TraceTable(QWidget):
    """The indented genealogy table; ``nodeChosen`` when the user picks a row."""

    nodeChosen = Signal(str)

    def __init__(self, plant, parent=None):
        super().__init__(parent)
        self.plant = plant
        self.rows: list[TraceRow] = []
        self.title = "Genealogy"
        self._generation = 0
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSortRole(SORT_ROLE)
        self.tree = QTreeView(self)
        self.tree.setModel(self.proxy)
        # Rows in genealogy order, with no arrow, until a column is clicked (then the arrow shows it).
        self.tree.header().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.tree.setSortingEnabled(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.selectionModel().currentRowChanged.connect(self._current_changed)
        self.tree.header().sectionClicked.connect(lambda _i: self.tree.header().setSortIndicatorShown(True))
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter rows (item, lot, customer…)")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.summary = QLabel(self)
        self.summary.setObjectName("hint")
        export = QPushButton("Export XLSX…", self)
        export.setToolTip("Save the table as a spreadsheet that folds by level")
        export.clicked.connect(self._export_clicked)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addWidget(self.filter, 1)
        bar.addWidget(export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

    def show_state(self, state: GraphState, title: str = "Genealogy") -> None:
        """Fill from the genealogy shown; the stock on hand follows from a worker."""
        self.title = title
        rows = trace_rows(state)
        self._fill(rows)
        self._generation += 1
        generation = self._generation
        if self.plant is not None and rows:
            run_op(self, plant_op(self.plant, lambda s, _p: with_on_hand(s, rows)),
                   lambda done: self._fill(done) if generation == self._generation else None,
                   lambda message, _c: self.summary.setText(message))

    def _fill(self, rows: list[TraceRow]) -> None:
        self.rows = rows
        self.model.removeRows(0, self.model.rowCount())
        items: list[QStandardItem] = []
        for order, r in enumerate(rows):
            cells = []
            for column, value in enumerate(r.values()):
                text = format_quantity(value, None) if column in (5, 9) and isinstance(value, Decimal) else _shown(value)
                cell = QStandardItem(text)
                cell.setData(r.node_id, NODE_ROLE)
                cell.setData(order if column == 0 else (value if value is not None else ""), SORT_ROLE)
                if column in (0, 5, 9):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r.repeated:
                    cell.setToolTip("Listed above too; opened there")
                cells.append(cell)
            parent = self.model.invisibleRootItem() if r.parent < 0 else items[r.parent]
            parent.appendRow(cells)
            items.append(cells[0])
        self.tree.expandToDepth(1)
        for column in range(len(COLUMNS)):
            self.tree.resizeColumnToContents(column)
        lots = sum(1 for r in rows if r.kind == "lot" and not r.repeated)
        shipments = sum(1 for r in rows if r.kind == "shipment")
        self.summary.setText(f"  {lots:,} lot{'' if lots == 1 else 's'} · {shipments:,} shipment line"
                             f"{'' if shipments == 1 else 's'} (from what the graph has opened)")

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if text:
            self.tree.expandAll()

    def select_node(self, node_id: str) -> None:
        """Select the first row of ``node_id`` (quietly: no ``nodeChosen``)."""
        matches = self.proxy.match(self.proxy.index(0, 0), NODE_ROLE, node_id, 1,
                                   Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        if matches:
            self.tree.selectionModel().blockSignals(True)
            self.tree.setCurrentIndex(matches[0])
            self.tree.selectionModel().blockSignals(False)
            self.tree.scrollTo(matches[0])

    def _current_changed(self, current, _previous) -> None:
        if current.isValid():
            self.nodeChosen.emit(current.data(NODE_ROLE))

    def export_xlsx(self, path: str | Path) -> Path:
        """Write the table to ``path`` whole or not at all (the file dialog asked before replacing a file)."""
        target = check_file(path, "the trace table", "trace.xlsx", True, (".xlsx",), ".xlsx")
        with written(target, True) as work:
            write_trace_xlsx(self.rows, work, self.title)
        return target

    def _export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the trace table", f"{self.title}.xlsx",
                                              "Excel workbook (*.xlsx)")
        if not path:
            return
        try:
            self.export_xlsx(path)
        except (OSError, WorkbenchError) as exc:
            QMessageBox.warning(self, "Export the trace table", str(exc))
