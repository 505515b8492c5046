"""Widgets every view shares: the table of plain rows, its view, headings, plot styling.

``RowsModel`` holds plain values (never ORM objects): each row shows its values as text
(quantities and dates through ``workbench.format``), sorts by the values themselves,
carries a payload (what a double-click on the row opens) and may be flagged (red, bold)
or marked (bold) with a tooltip.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView

from workbench.format import csv_text, number, when
from workbench.ui.style import BORDER, MUTED

ALERT = "#c53030"


def epoch(at: datetime | date) -> float:
    """Seconds since 1970 of a naive UTC time (the date axes show UTC)."""
    if not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day)
    return at.replace(tzinfo=UTC).timestamp()


@dataclass(frozen=True)
class Shown:
    """A cell shown as ``text`` and sorted by ``value`` (a share shown as "40%")."""

    value: Any
    text: str


def cell_text(value: Any) -> str:
    """How a table shows a value: exact quantities, UTC minutes, short floats."""
    if value is None:
        return ""
    if isinstance(value, Shown):
        return value.text
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def sort_key(value: Any) -> tuple:
    """Numbers and dates by value, text without case; blanks last."""
    if isinstance(value, Shown):
        return sort_key(value.value)
    if value is None or value == "":
        return (2, 0.0, "")
    if isinstance(value, bool):
        return (0, float(value), "")
    if isinstance(value, (int, float, Decimal)):
        return (0, float(value), "")
    if isinstance(value, (datetime, date)):
        return (0, epoch(value), "")
    return (1, 0.0, str(value).lower())


@dataclass(frozen=True)
class Row:
    values: tuple[Any, ...]
    payload: Any = None
    flagged: bool = False
    bold: bool = False
    tip: str | None = None


class RowsModel(QAbstractTableModel):
    """Plain rows for a QTableView (see the module docstring)."""

    def __init__(self, headers: Sequence[str], right: Sequence[int] = (), parent=None):
        super().__init__(parent)
        self.headers = list(headers)
        self.right = set(right)
        self.rows: list[Row] = []
        self._texts: list[list[str]] = []
        #: The column and order the user sorted by (None: the order the rows were given in):
        #: new rows are sorted the same way, so the header's indicator never lies.
        self.sorted_by: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Row | tuple[Sequence[Any], Any]], tips: Sequence[str | None] | None = None) -> None:
        """``rows``: ``Row``s, or (values, payload) pairs with ``tips`` beside them."""
        self.beginResetModel()
        made: list[Row] = []
        for i, r in enumerate(rows):
            if not isinstance(r, Row):
                values, payload = r
                r = Row(tuple(values), payload, tip=tips[i] if tips else None)
            made.append(r)
        self.rows = made
        self._texts = [[cell_text(v) for v in r.values] for r in made]
        if self.sorted_by is not None:
            self._sort(*self.sorted_by)
        self.endResetModel()

    def payload(self, row: int) -> Any:
        return self.rows[row].payload

    def is_flagged(self, row: int) -> bool:
        return self.rows[row].flagged

    def text(self, row: int, column: int) -> str:
        return self._texts[row][column]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.flagged:
            return QBrush(QColor(ALERT))
        if role == Qt.ItemDataRole.FontRole and (row.bold or row.flagged):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tip or self._texts[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.headers):  # no indicator: keep the given order
            self.sorted_by = None
            return
        self.sorted_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._sort(column, order)
        self.layoutChanged.emit()

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        paired = sorted(zip(self.rows, self._texts, strict=True), key=lambda p: sort_key(p[0].values[column]),
                        reverse=order == Qt.SortOrder.DescendingOrder)
        self.rows = [p[0] for p in paired]
        self._texts = [p[1] for p in paired]

    def write_csv(self, path: str | Path) -> Path:
        """The rows as shown, as CSV (text cells, never formulas: ``format.csv_text``)."""
        path = Path(path)
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(self.headers)
            w.writerows([csv_text(v) for v in row] for row in self._texts)
        return path


def table_view(model: RowsModel, on_activate: Callable[[Any], None] | None = None, parent=None) -> QTableView:
    """A read-only sortable table with sensible column sizes; double-click calls ``on_activate``."""
    view = QTableView(parent)
    view.setModel(model)
    # No indicator until the user sorts: the rows come in the order the view gives them (the
    # hold list first, the best factor first), and an arrow on the first column would lie.
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setSortIndicatorShown(True)
    if on_activate is not None:
        view.doubleClicked.connect(lambda index: on_activate(model.payload(index.row())))
    return view


def style_plot(plot: pg.PlotWidget, font) -> None:
    """The workbench's look for a pyqtgraph plot: light axes, small ticks, no menu."""
    plot.setMenuEnabled(False)
    plot.hideButtons()
    item = plot.getPlotItem()
    small = QFont(font)
    small.setPointSizeF(8.5)
    for name in ("left", "bottom"):
        ax = item.getAxis(name)
        ax.setPen(pg.mkPen(BORDER))
        ax.setTextPen(pg.mkPen(MUTED))
        ax.setStyle(tickFont=small)


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("panelTitle")
    return label


def hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("panelSubtitle")
    label.setWordWrap(True)
    return label
