"""The main window: find a lot on the left, its genealogy and timeline in the middle,
the facts about the selection on the right, further investigations as tabs.

The window owns no business logic: searches, details and traces run in the core through
``workbench.ui.ops.run_op``; writes go through ``workbench.actions`` and return the
``Changes`` they made, which ``broadcast`` hands to every open view.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QElapsedTimer, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.actions.changes import Changes
from workbench.actions.imports import import_into
from workbench.demo import INCIDENT
from workbench.facts import LotRef
from workbench.interchange.bundle import ImportFailed
from workbench.lots.details import LotDetails, lot_details
from workbench.plant import Plant, open_plant
from workbench.plant.counts import plant_counts
from workbench.plant.lookup import find_lot_label
from workbench.plant.session import redact
from workbench.ui import epcis_export, epcis_import, settings
from workbench.ui.cases.install import CaseDesk, install_cases
from workbench.ui.commonality_view import CommonalityView
from workbench.ui.floor import install as install_floor
from workbench.ui.graph import GenealogyView
from workbench.ui.history_view import HistoryView
from workbench.ui.lot_panel import DetailsPanel
from workbench.ui.ops import plant_op, run_op, wait_idle
from workbench.ui.recall_view import RecallView
from workbench.ui.scar_dialog import ScarDialog
from workbench.ui.search_panel import SearchPanel
from workbench.ui.style import icon
from workbench.ui.timeline import LotTimeline
from workbench.ui.vendor_view import VendorView


def _lot_key(plant: Plant) -> str:
    """Recent lots are kept per database (lot ids mean nothing in another one)."""
    return "recent/lots/" + "".join(c if c.isalnum() else "_" for c in redact(plant.url))[-80:]


def remembered_url(url: str) -> str:
    """What the recent-databases list keeps: never a password (the user types it again)."""
    return redact(url)


class WelcomePage(QWidget):
    """What the genealogy tab shows before a lot is open: how to start, recent lots."""

    lotChosen = Signal(str)  # "ITEM/LOT"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("detailsBody")
        self.recent = QLabel()
        self.recent.setObjectName("placeholderText")
        self.recent.setTextFormat(Qt.TextFormat.RichText)
        self.recent.linkActivated.connect(self.lotChosen.emit)
        logo = QLabel()
        logo.setPixmap(icon("app").pixmap(QSize(56, 56)))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("Open a lot to see its genealogy")
        title.setObjectName("placeholderTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            "Search on the left for a lot code, vendor lot, item, purchase order or shipment,<br>"
            "or scan a GS1 barcode; double-click a result to trace it.<br>"
            "The graph shows where the lot came from and where it went; click a box for its facts."
        )
        text.setObjectName("placeholderText")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.recent.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for w in (logo, title, text, self.recent, self.note):
            layout.addWidget(w)
            layout.addSpacing(8)
        layout.addStretch(3)

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def set_recent(self, labels: list[str], suggestion: str | None = None) -> None:
        links = [f"<a href='{lab}'>{lab}</a>" for lab in labels[:6]]
        parts = []
        if links:
            parts.append("Recent lots: " + " · ".join(links))
        if suggestion and suggestion not in labels[:6]:
            parts.append(f"Try the demo incident: <a href='{suggestion}'>{suggestion}</a>")
        self.recent.setText("<br>".join(parts))


class OpenDatabaseDialog(QDialog):
    """A SQLAlchemy URL, a picked .sqlite file, or a recent database."""

    def __init__(self, recent: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Open plant database")
        self.setMinimumWidth(560)
        self.url = QComboBox()
        self.url.setEditable(True)
        self.url.addItems(recent)
        self.url.setCurrentText(recent[0] if recent else "")
        editor = self.url.lineEdit()
        if editor is not None:
            editor.setPlaceholderText("sqlite:///plant.sqlite or postgresql+psycopg://user@host/db")
        browse = QPushButton("SQLite file…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.url, 1)
        row.addWidget(browse)
        hint = QLabel("A database URL (SQLite or PostgreSQL), or pick a SQLite file.")
        hint.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Database"))
        layout.addLayout(row)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Plant database", "", "SQLite databases (*.sqlite *.db);;All files (*)")
        if path:
            self.url.setCurrentText(f"sqlite:///{Path(path).resolve()}")

    def chosen_url(self) -> str:
        text = self.url.currentText().strip()
        if text and "://" not in text:  # a bare file path
            text = f"sqlite:///{Path(text).expanduser().resolve()}"
        return text


def show_import_result(parent: QWidget, outcome) -> None:
    """The import summary, or every FILE:LINE fault, in a dialog."""
    box = QDialog(parent)
    text = QPlainTextEdit()
    text.setReadOnly(True)
    if isinstance(outcome, ImportFailed):
        box.setWindowTitle("Import refused")
        head = QLabel(f"<b>{outcome}</b> Correct these lines and import again:")
        text.setPlainText("\n".join(str(f) for f in outcome.faults))
    else:
        box.setWindowTitle("Import finished")
        head = QLabel(f"<b>{outcome.inserted:,} new rows</b> imported from {outcome.directory} "
                      f"({outcome.present:,} already present) in {outcome.seconds:.1f} s.")
        lines = [f"{f.file}: {f.read:,} read, {f.inserted:,} new, {f.present:,} present" for f in outcome.files]
        lines += [f"Warning: {w}" for w in outcome.warnings]
        lines += [f"Ignored: {name}" for name in outcome.ignored]
        text.setPlainText("\n".join(lines))
    head.setWordWrap(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(box.reject)
    layout = QVBoxLayout(box)
    layout.addWidget(head)
    layout.addWidget(text)
    layout.addWidget(buttons)
    box.resize(640, 360)
    box.exec()


#: The details panel's narrowest (pixels): keys (KEY_WIDTH) and a value such as "2026-05-12 04:00".
DETAILS_MIN_WIDTH = 300


class MainWindow(QMainWindow):
    """Search, genealogy, timeline, details; more views open as tabs."""

    #: The case desk (``workbench.ui.cases.install``), set while the window is built.
    cases: CaseDesk

    lotOpened = Signal(object)  # LotRef whose genealogy is now shown
    plantChanged = Signal(object)
    changesBroadcast = Signal(object)  # the Changes every view was just told about

    def __init__(self, plant: Plant, parent=None, persist: bool = True):
        super().__init__(parent)
        self.plant = plant
        #: Restore and save the window layout (off for screenshots, which must look the same everywhere).
        self.persist = persist
        self.current_lot: LotRef | None = None
        self.genealogy: GenealogyView | None = None
        self.setWindowTitle("Lot-trace workbench")
        self.setWindowIcon(icon("app"))
        self.setObjectName("mainWindow")
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        self.search_panel = SearchPanel(plant)
        self.search_panel.lotActivated.connect(self.open_lot)
        self.search_panel.lotSelected.connect(self.preview_lot)
        self.search_panel.selectionChanged.connect(self._update_actions)
        self.search_panel.recallRequested.connect(self.start_recall)
        self.search_panel.historyRequested.connect(self.open_history)
        self.search_panel.commonalityRequested.connect(self.open_commonality)
        self.search_dock = self._dock("Find lots", "searchDock", self.search_panel, Qt.DockWidgetArea.LeftDockWidgetArea)

        self.details = DetailsPanel(plant)
        self.details.lotActivated.connect(self.open_lot)
        self.details.loaded.connect(self._details_loaded)
        self.details_dock = self._dock("Details", "detailsDock", self.details, Qt.DockWidgetArea.RightDockWidgetArea)
        # Wide enough for a fact and its value (a lot code, a date and time) side by side; the
        # panel scrolls down, never sideways, and a narrower dock would clip the values.
        self.details.setMinimumWidth(DETAILS_MIN_WIDTH)

        self.timeline = LotTimeline()
        self.welcome = WelcomePage()
        self.welcome.lotChosen.connect(self.open_lot_label)
        self.graph_stack = QStackedWidget()
        self.graph_stack.addWidget(self.welcome)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("genealogySplitter")
        self.splitter.addWidget(self.graph_stack)
        self.splitter.addWidget(self.timeline)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.workspace = QTabWidget()
        self.workspace.setDocumentMode(False)
        self.workspace.setTabsClosable(True)
        self.workspace.tabCloseRequested.connect(self._close_tab)
        self.workspace.addTab(self.splitter, icon("genealogy"), "Genealogy")
        self.workspace.tabBar().setTabButton(0, self.workspace.tabBar().ButtonPosition.RightSide, None)
        self.workspace.currentChanged.connect(lambda _i: self._update_actions())
        self.setCentralWidget(self.workspace)
        self._build_graph()

        self._build_actions()
        self._build_menus()
        install_floor(self)
        self._build_status_bar()
        self._restore_layout()
        self._refresh_welcome()
        self._update_actions()
        self.load_counts()
        install_cases(self)

    # -- construction ------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_graph(self) -> None:
        """A genealogy view on the current plant (replacing the old plant's)."""
        if self.genealogy is not None:
            self.graph_stack.removeWidget(self.genealogy)
            self.genealogy.deleteLater()
            self.genealogy = None
        view = GenealogyView(self.plant, self)
        view.nodeSelected.connect(self.details.show_node)
        view.lotActivated.connect(self.open_lot)
        view.recallRequested.connect(self.start_recall)
        view.historyRequested.connect(self.open_history)
        view.scarRequested.connect(self.open_scar)
        view.commonalityRequested.connect(self.open_commonality)
        view.vendorRequested.connect(self.open_vendor)
        view.busyChanged.connect(self._busy)
        self.genealogy = view
        self.graph_stack.addWidget(view)

    def _action(self, text: str, slot, icon_name: str | None = None, shortcut=None, tip: str | None = None) -> QAction:
        action = QAction(icon(icon_name) if icon_name else QIcon(), text, self)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            action.setShortcut(shortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        return action

    def _build_actions(self) -> None:
        self.open_db_action = self._action("Open database…", self.open_database_dialog, "database",
                                           QKeySequence.StandardKey.Open, "Open another plant database")
        self.import_action = self._action("Import bundle…", self.import_bundle_dialog, "import", "Ctrl+I",
                                          "Import a folder of CSV files into this plant")
        self.export_action = self._action("Export view…", self.export_view, "export", "Ctrl+E",
                                          "Save the current view as an image")
        self.quit_action = self._action("Quit", self.close, None, QKeySequence.StandardKey.Quit)
        self.find_action = self._action("Find lot", self.focus_search, "search", QKeySequence.StandardKey.Find,
                                        "Type or scan a lot, item, order or document")
        self.recall_action = self._action("Start recall…", lambda: self.start_recall(self._chosen_lots()),
                                          "recall", None, "Trace the chosen lots forward: lots, customers, hold list")
        self.history_action = self._action("History…", lambda: self.open_history(self._chosen_lot()), "history",
                                           None, "Everything that happened to the lot, and its siblings")
        self.commonality_action = self._action("Commonality…", lambda: self.open_commonality(self._chosen_lots()),
                                               "commonality", None, "What several defective lots have in common")
        self.scar_action = self._action("Supplier corrective action…", lambda: self.open_scar(self._chosen_lot()),
                                        "scar", None, "Issue a SCAR to the vendor of a purchased lot")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_db_action)
        self.recent_db_menu = file_menu.addMenu("Recent databases")
        self.recent_db_menu.aboutToShow.connect(self._fill_recent_databases)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(epcis_import.install(self))
        file_menu.addAction(epcis_export.install(self))
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        lot_menu = bar.addMenu("&Lot")
        lot_menu.addAction(self.find_action)
        self.recent_lot_menu = lot_menu.addMenu("Recent lots")
        self.recent_lot_menu.aboutToShow.connect(self._fill_recent_lots)
        investigate = bar.addMenu("&Investigate")
        for action in (self.recall_action, self.history_action, self.commonality_action, self.scar_action):
            investigate.addAction(action)
        view = bar.addMenu("&View")
        view.addAction(self.search_dock.toggleViewAction())
        view.addAction(self.details_dock.toggleViewAction())
        tools = self.addToolBar("Main")
        tools.setObjectName("mainToolBar")
        tools.setMovable(False)
        tools.setIconSize(QSize(18, 18))
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.open_db_action, self.import_action, self.export_action):
            tools.addAction(action)
        tools.addSeparator()
        for action in (self.recall_action, self.history_action, self.commonality_action, self.scar_action):
            tools.addAction(action)

    def _build_status_bar(self) -> None:
        self.db_label = QLabel()
        self.counts_label = QLabel()
        self.lot_label = QLabel()
        self.busy_label = QLabel()
        bar = self.statusBar()
        bar.addWidget(self.db_label)
        bar.addWidget(self.counts_label)
        bar.addPermanentWidget(self.busy_label)
        bar.addPermanentWidget(self.lot_label)
        self._show_database()

    def _show_database(self) -> None:
        backend = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(self.plant.dialect, self.plant.dialect)
        self.db_label.setText(f"{backend} · {self.plant.display_url}")
        self.db_label.setToolTip(self.plant.display_url)
        self.setWindowTitle(f"Lot-trace workbench — {self.plant.display_url}")

    # -- persistence -------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry, state = settings.window_layout("mainWindow") if self.persist else (None, None)
        # Docks first: the geometry is kept within the minimum size of the docks shown.
        self._fresh_layout = not isinstance(state, QByteArray | bytes) or not self.restoreState(state)
        if not isinstance(geometry, QByteArray | bytes) or not self.restoreGeometry(geometry):
            self.resize(1600, 1000)
        splitter = settings.value("mainWindow/splitter") if self.persist else None
        if splitter is None or not self.splitter.restoreState(splitter):
            self.splitter.setSizes([700, 220])

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fresh_layout:  # dock sizes only take once the window is shown
            self._fresh_layout = False
            width = self.width()
            self.resizeDocks([self.search_dock, self.details_dock], [int(width * 0.36), int(width * 0.27)],
                             Qt.Orientation.Horizontal)

    def save_layout(self) -> None:
        if not self.persist:
            return
        settings.save_window("mainWindow", self.saveGeometry(), self.saveState())
        settings.save_value("mainWindow/splitter", self.splitter.saveState())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cases.stop_listening()
        self.save_layout()
        wait_idle(10000)  # let running queries finish before their widgets go
        super().closeEvent(event)

    # -- lots --------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_dock.show()
        self.search_panel.field.setFocus()
        self.search_panel.field.selectAll()

    def open_lot(self, lot: LotRef) -> None:
        """Show ``lot``'s genealogy in the first tab, its facts and its timeline."""
        self.current_lot = lot
        self.workspace.setCurrentIndex(0)
        self.lot_label.setText(f"Lot {lot.label}")
        settings.push_recent(_lot_key(self.plant), lot.label)
        if self.genealogy is not None:
            self.graph_stack.setCurrentWidget(self.genealogy)
            self.genealogy.show_lot(lot)
        self.show_lot_details(lot)
        self._update_actions()
        self.lotOpened.emit(lot)

    def open_lot_label(self, label: str) -> None:
        """Open a lot named ``ITEM/LOT`` (recent lots, the welcome page)."""
        def failed(message: str, _cancelled: bool) -> None:
            QMessageBox.warning(self, "Open lot", message)

        run_op(self, plant_op(self.plant, lambda s, _p: find_lot_label(s, label)), self.open_lot, failed)

    def show_lot_details(self, lot: LotRef) -> None:
        self.details.show_lot(lot)

    def preview_lot(self, lot: LotRef) -> None:
        """A search result was selected: its details, and its genealogy unless the graph
        already holds it (so Details never describes a lot the graph does not show)."""
        self.details.show_lot(lot)
        view = self.genealogy
        if view is None:
            return
        node_id = f"lot:{lot.item}/{lot.lot}"
        if node_id in view.state.nodes:
            view.select(node_id)
            return
        self.current_lot = lot
        self.lot_label.setText(f"Lot {lot.label}")
        self.graph_stack.setCurrentWidget(view)
        view.show_lot(lot)
        self._update_actions()

    def _details_loaded(self, details) -> None:
        """The timeline follows the lot whose facts are shown."""
        if isinstance(details, LotDetails):
            self.timeline.show_lot(details)

    def load_lot_details(self, lot: LotRef, on_loaded) -> None:
        run_op(self, plant_op(self.plant, lambda s, _p: lot_details(s, lot.id)), on_loaded)

    def _chosen_lots(self) -> list[LotRef]:
        lots = self.search_panel.selected_lots() if self.search_dock.isVisible() else []
        if not lots and self.current_lot is not None:
            lots = [self.current_lot]
        return lots

    def _chosen_lot(self) -> LotRef | None:
        if self.current_lot is not None:
            return self.current_lot
        lots = self.search_panel.selected_lots()
        return lots[0] if lots else None

    def _update_actions(self) -> None:
        has_lot = self.current_lot is not None or bool(self.search_panel.selected_lots())
        for action in (self.recall_action, self.history_action, self.commonality_action, self.scar_action):
            action.setEnabled(has_lot)

    def _refresh_welcome(self) -> None:
        suggestion = None
        if "demo-plant" in self.plant.url:
            suggestion = f"{INCIDENT.item}/{INCIDENT.lot}"
        self.welcome.set_recent(self.recent_lots(), suggestion)

    def recent_lots(self) -> list[str]:
        """``ITEM/LOT`` labels of the lots last opened on this database, newest first."""
        return settings.recent(_lot_key(self.plant))

    def _fill_recent_lots(self) -> None:
        self.recent_lot_menu.clear()
        labels = self.recent_lots()
        for label in labels:
            self.recent_lot_menu.addAction(label, partial(self.open_lot_label, label))
        if not labels:
            self.recent_lot_menu.addAction("(none yet)").setEnabled(False)

    # -- investigations ----------------------------------------------------------------

    def open_tab(self, widget: QWidget, title: str) -> int:
        """Open ``widget`` as a closable tab and show it."""
        index = self.workspace.addTab(widget, title)
        self.workspace.setCurrentIndex(index)
        return index

    def _close_tab(self, index: int) -> None:
        if index == 0:
            return
        widget = self.workspace.widget(index)
        self.workspace.removeTab(index)
        if widget is not None:
            widget.deleteLater()

    def start_recall(self, lots: list[LotRef]) -> None:
        if not lots:
            return
        view = RecallView(self.plant, list(lots))
        view.lotSelected.connect(self.details.show_lot)
        view.lotActivated.connect(self.open_lot)
        view.customerSelected.connect(lambda code: self.details.show_party("customer", code))
        title = f"Recall {lots[0].label}" + (f" +{len(lots) - 1}" if len(lots) > 1 else "")
        self.open_tab(view, title)

    def open_history(self, lot: LotRef | None) -> None:
        if lot is None:
            return
        self.open_tab(HistoryView(self.plant, lot), f"History {lot.label}")

    def open_commonality(self, lots: list[LotRef]) -> None:
        if not lots:
            return
        view = CommonalityView(self.plant, list(lots))
        view.factorActivated.connect(self._highlight_factor)
        view.titleChanged.connect(lambda text, v=view: self.workspace.setTabText(self.workspace.indexOf(v), text))
        self.open_tab(view, f"Commonality ({len(lots)} lot{'' if len(lots) == 1 else 's'})")

    def _highlight_factor(self, node_ids: list) -> None:
        if self.genealogy is not None:
            self.workspace.setCurrentIndex(0)
            self.genealogy.highlight(list(node_ids))

    def open_scar(self, lot: LotRef | None) -> None:
        if lot is None:
            return
        dialog = ScarDialog(self.plant, lot, self)
        dialog.issued.connect(lambda _code, _path: self.broadcast(Changes(scars=True, lots=frozenset({lot.id}))))
        dialog.exec()

    def open_vendor(self, vendor_code: str) -> None:
        self.open_tab(VendorView(self.plant, vendor_code), f"Vendor {vendor_code}")

    # -- file menu ---------------------------------------------------------------------

    def open_database_dialog(self) -> None:
        dialog = OpenDatabaseDialog(settings.recent("recent/databases"), self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen_url():
            self.open_database(dialog.chosen_url())

    def open_database(self, url: str) -> None:
        """Open another plant in the background; say what to do if it cannot be opened."""
        self.statusBar().showMessage(f"Opening {redact(url)}…")

        def failed(message: str, _cancelled: bool) -> None:
            self.statusBar().clearMessage()
            database_problem(self, message)

        run_op(self, lambda _p: open_plant(url, readonly=True), self.switch_plant, failed, label=f"Opening {redact(url)}…")

    def switch_plant(self, plant: Plant) -> None:
        """Show another plant: views of the old one close, searches start afresh."""
        old, self.plant = self.plant, plant
        self.statusBar().clearMessage()
        settings.push_recent("recent/databases", remembered_url(plant.url))
        for index in range(self.workspace.count() - 1, 0, -1):
            self._close_tab(index)
        self.current_lot = None
        self.lot_label.setText("")
        self.search_panel.set_plant(plant)
        self.details.set_plant(plant)
        self.timeline.clear()
        self.graph_stack.setCurrentWidget(self.welcome)
        self._build_graph()
        self._show_database()
        self._refresh_welcome()
        self._update_actions()
        self.load_counts()
        self.plantChanged.emit(plant)
        if old is not plant:
            old.dispose()

    def _fill_recent_databases(self) -> None:
        self.recent_db_menu.clear()
        urls = settings.recent("recent/databases")
        for url in urls:
            self.recent_db_menu.addAction(url, partial(self.open_database, url))
        if not urls:
            self.recent_db_menu.addAction("(none yet)").setEnabled(False)

    def load_counts(self) -> None:
        plant = self.plant
        run_op(self, plant_op(plant, lambda s, _p: plant_counts(s)),
               lambda c: self.counts_label.setText(str(c)) if plant is self.plant else None,
               lambda message, _c: self.counts_label.setText(message))

    def import_bundle_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import bundle (folder of CSV files)")
        if folder:
            self.import_bundle(folder)

    def import_bundle(self, folder: str) -> None:
        """Import in the background, in one transaction; show the summary or the faults."""
        plant = self.plant

        def run(progress):
            try:
                return import_into(plant, folder, progress)
            except ImportFailed as exc:
                return exc

        def done(outcome) -> None:
            if isinstance(outcome, ImportFailed):
                show_import_result(self, outcome)
                return
            summary, changes = outcome
            show_import_result(self, summary)
            self.broadcast(changes)

        run_op(self, run, done, label=f"Importing {folder}…")

    # -- keeping every view current ---------------------------------------------------

    def broadcast(self, changes: Changes) -> None:
        """A write changed the plant: every open view refreshes what it shows."""
        if changes.empty:
            return
        if changes.plant:
            self.load_counts()
        self.search_panel.on_changes(changes)
        self.details.on_changes(changes)
        if self.genealogy is not None:
            self.genealogy.on_changes(changes)
        for index in range(1, self.workspace.count()):
            view = self.workspace.widget(index)
            on_changes = getattr(view, "on_changes", None)
            if on_changes is not None:
                on_changes(changes)
        self.changesBroadcast.emit(changes)

    def export_view(self) -> None:
        """Save the current tab: the genealogy through its own exporter, others as a picture."""
        widget = self.workspace.currentWidget()
        target = self.genealogy if widget is self.splitter and self.genealogy is not None else widget
        can_vector = hasattr(target, "export_image")
        filters = "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)" if can_vector else "PNG image (*.png)"
        path, _ = QFileDialog.getSaveFileName(self, "Export view", "genealogy.png" if can_vector else "view.png",
                                              filters)
        if not path:
            return
        try:
            exporter = getattr(target, "export_image", None)
            if exporter is not None:
                exporter(path)
            elif not target.grab().save(path):
                raise OSError(f"could not write {path}")
        except Exception as exc:  # noqa: BLE001 - shown to the user
            QMessageBox.warning(self, "Export view", f"The view could not be saved: {exc}")
            return
        self.statusBar().showMessage(f"Saved {path}", 5000)

    # -- idle state --------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        self.busy_label.setText("Laying out…" if busy else "")

    def is_idle(self) -> bool:
        """No genealogy (the main one, or one inside a history tab) is still laying out or moving."""
        return all(view.is_idle() for view in self.findChildren(GenealogyView))

    def wait_until_idle(self, timeout_ms: int = 60000) -> bool:
        """Process events until no background work runs and the graph is laid out."""
        timer = QElapsedTimer()
        timer.start()
        while True:
            remaining = max(1, timeout_ms - timer.elapsed())
            if not wait_idle(remaining):
                return False
            if self.is_idle() and wait_idle(1):
                return True
            if timer.elapsed() > timeout_ms:
                return False


def database_problem(parent: QWidget | None, message: str) -> None:
    """A database that cannot be opened: say why and what to do, never a traceback."""
    from workbench.ui import problem

    problem.show_problem(
        parent, "Cannot open the plant database",
        f"{message}\n\nFile → Open database… opens another plant.",
        icon=QMessageBox.Icon.Critical,
    )
