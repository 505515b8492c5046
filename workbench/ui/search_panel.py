"""The search panel: one field for anything that names a lot, and the lots found.

Typing feeds a completer from a background query (debounced, so a fast typist or a USB
scanner does not start one query per key); Enter runs ``workbench.lots.search.search`` in the
background and fills a sortable, filterable table. Double-click or Enter on a row opens
the lot's genealogy; the context menu starts the investigations.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QSortFilterProxyModel,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.facts import LotRef
from workbench.format import day as fmt_date
from workbench.format import quantity as fmt_quantity
from workbench.lots.search import SearchHit, completions, search
from workbench.plant import Plant
from workbench.ui.ops import plant_op, run_op
from workbench.ui.style import STATUS_COLOURS, icon

COMPLETION_DELAY_MS = 150
#: Results follow the typing after this pause (Enter searches at once; a scanner ends with Enter).
SEARCH_DELAY_MS = 350

#: (header, SearchHit attribute) of the result columns, in order.
COLUMNS = (
    ("Item", "item"),
    ("Lot", "lot"),
    ("Status", "status"),
    ("On hand", "on_hand"),
    ("Unit", "unit"),
    ("Description", "item_name"),
    ("Quantity", "quantity"),
    ("Kind", "kind"),
    ("Created", "created_at"),
    ("Expires", "expires_at"),
    ("Matched on", "matched_on"),
)
_NUMERIC = {"on_hand", "quantity"}


class HitTableModel(QAbstractTableModel):
    """Search hits as table rows; ``Qt.UserRole`` gives each cell's sort key."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        attr = COLUMNS[index.column()][1]
        value = getattr(hit, attr)
        if role == Qt.ItemDataRole.DisplayRole:
            if attr in _NUMERIC:
                return fmt_quantity(value)
            if isinstance(value, datetime):
                return fmt_date(value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.UserRole:
            if isinstance(value, Decimal):
                return float(value)
            if isinstance(value, datetime):
                return value.isoformat()
            return "" if value is None else str(value).casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and attr in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and attr == "status":
            return QColor(STATUS_COLOURS.get(hit.status, "#1a202c"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.item} {hit.item_name or ''}\nLot {hit.lot} — matched on {hit.matched_on}"
        return None

    def hit(self, row: int) -> SearchHit:
        return self.hits[row]


class SearchPanel(QWidget):
    """Search field, completer, filter box and result table."""

    lotActivated = Signal(object)  # LotRef: open its genealogy
    lotSelected = Signal(object)  # LotRef: show its details
    recallRequested = Signal(list)
    historyRequested = Signal(object)
    commonalityRequested = Signal(list)
    searchFinished = Signal(int)  # number of hits
    selectionChanged = Signal()

    def __init__(self, plant: Plant, parent=None):
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.plant = plant
        self._generation = 0
        self._completion_generation = 0
        #: Which investigations exist (the main window sets these; the menu disables the rest).
        #: The text whose results are shown (searched again when the plant changes).
        self._shown_text = ""

        self.field = QLineEdit()
        self.field.setObjectName("searchField")
        self.field.setPlaceholderText("Lot, item, customer, vendor, PO… or scan")
        self.field.setToolTip("Results appear as you type; Enter searches at once")
        self.field.setClearButtonEnabled(True)
        self.field.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.field.returnPressed.connect(self._enter)
        self.field.textEdited.connect(self._edited)

        self._completion_model = QStringListModel(self)
        self.completer = QCompleter(self._completion_model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.activated.connect(self.search)
        self.field.setCompleter(self.completer)
        self._completion_timer = QTimer(self)
        self._completion_timer.setSingleShot(True)
        self._completion_timer.setInterval(COMPLETION_DELAY_MS)
        self._completion_timer.timeout.connect(self._complete)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search_typed)

        self.summary = QLabel("")
        self.summary.setObjectName("hint")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter results")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMaximumWidth(200)

        self.model = HitTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter.textChanged.connect(self._filter)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # keep the ranked order until asked
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((124, 88, 84, 70, 42, 160, 70, 84, 84, 84, 100)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._activate_index)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.selectionChanged.emit())
        self.table.installEventFilter(self)

        self.placeholder = QLabel(
            "<p style='font-size:11pt; font-weight:600; color:#1a202c'>Find a lot</p>"
            "<p>Type or scan any of:</p>"
            "<ul style='margin-left:-20px'>"
            "<li>a lot code or vendor lot number</li>"
            "<li>an item code or a word of its name</li>"
            "<li>a purchase order or receipt → lots received</li>"
            "<li>a shipment or customer order → lots shipped</li>"
            "<li>a production order or RMA</li>"
            "<li>a customer's code or name → lots shipped to them</li>"
            "<li>a vendor's code or name → lots received from them</li>"
            "<li>a GS1 barcode (element string or Digital Link)</li>"
            "<li>an EPCIS lot identifier, or a pallet's SSCC → the lots it carried</li></ul>"
            "<p>Results appear as you type; Enter searches at once. Exact matches are listed "
            "first, then codes and names that start with the text.</p>"
        )
        self.placeholder.setObjectName("hint")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.placeholder.setContentsMargins(6, 10, 6, 6)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.table)

        self.result_bar = QWidget()
        bar = QHBoxLayout(self.result_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.filter)
        self.filter.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addWidget(self.field)
        layout.addWidget(self.result_bar)
        layout.addWidget(self.stack, 1)

    # -- searching ---------------------------------------------------------------------

    def set_plant(self, plant: Plant) -> None:
        self.plant = plant
        self._generation += 1
        self.model.set_hits([])
        self.summary.setText("")
        self.filter.hide()
        self.stack.setCurrentWidget(self.placeholder)

    def on_changes(self, changes) -> None:
        """The plant changed: the results shown are asked for again."""
        if changes.touches_lots() and self._shown_text:
            self.search(self._shown_text)

    def search(self, text: str, typed: bool = False) -> None:
        """Search in the background; the table fills when the answer comes back.

        ``typed``: started by the pause after typing, so the field keeps the focus and a
        single exact hit is selected, not opened."""
        text = text.strip()
        if self.field.text() != text:
            self.field.setText(text)
        self._completion_timer.stop()
        self._search_timer.stop()
        popup = self.completer.popup()
        if not typed and popup is not None:
            popup.hide()
        if not text:
            return
        self._generation += 1
        generation = self._generation
        self.summary.setText(f"Searching for “{text}”…")
        run_op(self, plant_op(self.plant, lambda s, _p: search(s, text)),
               lambda hits: self._show(generation, text, hits, typed),
               lambda message, _cancelled: self._failed(generation, message))

    def _show(self, generation: int, text: str, hits: list[SearchHit], typed: bool = False) -> None:
        if generation != self._generation:
            return  # an older search finished after a newer one started
        self._shown_text = text
        self.model.set_hits(hits)
        self.proxy.sort(-1)
        self.selectionChanged.emit()
        exact = sum(1 for h in hits if h.exact)
        if not hits:
            self.summary.setText(f"Nothing found for “{text}”.")
        else:
            lots = "lot" if len(hits) == 1 else "lots"
            self.summary.setText(f"{len(hits)} {lots} for “{text}”" + (f", {exact} exact" if exact else ""))
        self.stack.setCurrentWidget(self.table if hits else self.placeholder)
        self.filter.setVisible(bool(hits))
        if hits:
            self.table.selectRow(0)
            if not typed:
                self.table.setFocus()
        self.searchFinished.emit(len(hits))
        if len(hits) == 1 and hits[0].exact and not typed:
            self.lotActivated.emit(hits[0].ref)

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.summary.setText(message)

    def _enter(self) -> None:
        self.search(self.field.text())

    def _edited(self, text: str) -> None:
        self._completion_timer.start()
        if len(text.strip()) >= 2:
            self.summary.setText("Searching as you type… (Enter searches at once)")
            self._search_timer.start()
        else:
            self._search_timer.stop()

    def _search_typed(self) -> None:
        self.search(self.field.text(), typed=True)

    def _complete(self) -> None:
        text = self.field.text().strip()
        if len(text) < 2:
            return
        self._completion_generation += 1
        generation = self._completion_generation

        def show(words: list[str]) -> None:
            if generation != self._completion_generation or self.field.text().strip() != text:
                return
            self._completion_model.setStringList(words)
            if words and self.field.hasFocus():
                self.completer.complete()

        run_op(self, plant_op(self.plant, lambda s, _p: completions(s, text)), show, lambda *_: None)

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)

    # -- rows --------------------------------------------------------------------------

    def selected_hits(self) -> list[SearchHit]:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.hit(r) for r in rows]

    def selected_lots(self) -> list[LotRef]:
        return [h.ref for h in self.selected_hits()]

    def _activate_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.lotActivated.emit(self.model.hit(self.proxy.mapToSource(index).row()).ref)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.lotSelected.emit(self.model.hit(self.proxy.mapToSource(current).row()).ref)

    def eventFilter(self, obj, event):
        if obj is self.table and event.type() == event.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._activate_index(self.table.currentIndex())
                return True
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy_selection()
                return True
        return super().eventFilter(obj, event)

    def copy_selection(self) -> None:
        """Selected rows as tab-separated text with a header line (pastes into a spreadsheet)."""
        hits = self.selected_hits()
        if not hits:
            return
        columns = range(len(COLUMNS))
        lines = ["\t".join(COLUMNS[c][0] for c in columns)]
        for hit in hits:
            row = self.model.hits.index(hit)
            lines.append("\t".join(self.model.data(self.model.index(row, c)) for c in columns))
        QGuiApplication.clipboard().setText("\n".join(lines) + "\n")

    def context_menu(self) -> QMenu:
        """The row menu for the current selection (built here so tests can inspect it)."""
        lots = self.selected_lots()
        menu = QMenu(self)
        open_action = menu.addAction(icon("genealogy"), "Open genealogy")
        open_action.setEnabled(len(lots) == 1)
        open_action.triggered.connect(lambda: self.lotActivated.emit(lots[0]))
        menu.addSeparator()
        recall = menu.addAction(icon("recall"), "Start recall…")
        recall.setEnabled(bool(lots))
        recall.triggered.connect(lambda: self.recallRequested.emit(lots))
        history = menu.addAction(icon("history"), "History…")
        history.setEnabled(len(lots) == 1)
        history.triggered.connect(lambda: self.historyRequested.emit(lots[0]))
        commonality = menu.addAction(icon("commonality"), "Commonality…")
        commonality.setEnabled(len(lots) >= 2)
        commonality.triggered.connect(lambda: self.commonalityRequested.emit(lots))
        menu.addSeparator()
        copy = QAction("Copy", menu)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setEnabled(bool(lots))
        copy.triggered.connect(self.copy_selection)
        menu.addAction(copy)
        return menu

    def _menu(self, pos) -> None:
        if not self.table.indexAt(pos).isValid():
            return
        self.context_menu().exec(self.table.viewport().mapToGlobal(pos))
