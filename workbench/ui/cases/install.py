"""Puts cases into the main window: a Cases menu and toolbar button, the Cases view and a
tab per case, and the change listener that brings colleagues' writes (PostgreSQL NOTIFY)
into ``MainWindow.broadcast``. ``install_cases(window)`` is the hook the window calls when
it is built, ``window.cases.stop_listening()`` the one it calls when it closes."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMessageBox, QToolBar

from workbench.actions.audit import verify as audit_verify
from workbench.ui.cases.audit_view import AuditView
from workbench.ui.cases.case_tab import CaseTab
from workbench.ui.cases.cases_view import CasesView
from workbench.ui.cases.listener import ChangeListener
from workbench.ui.ops import run_op
from workbench.ui.style import icon


class CaseDesk(QObject):
    """The window's case side: opens views and tabs, runs the change listener."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.listener: ChangeListener | None = None
        self.live = QLabel()
        window.statusBar().addPermanentWidget(self.live)
        self._build_actions()
        window.plantChanged.connect(lambda _p: self.start_listening())
        self.start_listening()

    def _build_actions(self) -> None:
        w = self.window
        self.cases_action = QAction(icon("details"), "Cases", w)
        self.cases_action.setStatusTip("Investigations and mock recalls: open, work and close them")
        self.cases_action.setToolTip(self.cases_action.statusTip())
        self.cases_action.triggered.connect(lambda _c=False: self.open_cases())
        self.new_action = QAction("New case from the chosen lots…", w)
        self.new_action.triggered.connect(lambda _c=False: self.open_cases().new_case(w._chosen_lots()))
        self.mock_action = QAction("Mock recall of the chosen lots…", w)
        self.mock_action.triggered.connect(lambda _c=False: self.open_cases().run_mock(w._chosen_lots()))
        self.history_action = QAction("Audit history of the chosen lot", w)
        self.history_action.triggered.connect(lambda _c=False: self.open_lot_history())
        self.verify_action = QAction("Verify the audit trail", w)
        self.verify_action.triggered.connect(lambda _c=False: self.verify_trail())
        menu = w.menuBar().addMenu("&Cases")
        for a in (self.cases_action, self.new_action, self.mock_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.history_action)
        menu.addAction(self.verify_action)
        toolbar = w.findChild(QToolBar, "mainToolBar")
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addAction(self.cases_action)

    # -- views -------------------------------------------------------------------------

    def _tab_of(self, kind, key=None):
        ws = self.window.workspace
        for i in range(1, ws.count()):
            widget = ws.widget(i)
            if isinstance(widget, kind) and (key is None or getattr(widget, "code", None) == key):
                return i, widget
        return None, None

    def open_cases(self) -> CasesView:
        index, view = self._tab_of(CasesView)
        if view is not None:
            self.window.workspace.setCurrentIndex(index)
            return view
        view = CasesView(self.window.plant, self.window)
        view.caseOpened.connect(self.open_case)
        view.changed.connect(self.window.broadcast)
        self.window.open_tab(view, "Cases")
        return view

    def open_case(self, code: str) -> CaseTab:
        index, tab = self._tab_of(CaseTab, code)
        if tab is not None:
            self.window.workspace.setCurrentIndex(index)
            return tab
        tab = CaseTab(self.window.plant, code, self.window)
        tab.changed.connect(self.window.broadcast)
        tab.lotActivated.connect(self.window.open_lot)
        self.window.open_tab(tab, code)
        return tab

    def open_lot_history(self) -> AuditView | None:
        chosen = self.window._chosen_lots()
        if not chosen:
            self.window.statusBar().showMessage("Choose a lot first (in the search results or the genealogy).", 5000)
            return None
        view = AuditView(self.window.plant, "lot", chosen[0].label)
        self.window.open_tab(view, f"Audit {chosen[0].label}")
        return view

    def verify_trail(self) -> None:
        plant = self.window.plant

        def done(v) -> None:
            if v.ok:
                QMessageBox.information(self.window, "Audit trail",
                                        f"The audit trail verifies: {v.entries} entries, head #{v.head_id}\n"
                                        f"{v.head_hash}")
            else:
                QMessageBox.warning(self.window, "Audit trail",
                                    f"The audit trail does not verify ({len(v.problems)} problems):\n\n"
                                    + "\n".join(v.problems[:12]))

        run_op(self.window, lambda _p: audit_verify(plant), done, label="Verifying the audit trail…")

    # -- colleagues' changes -----------------------------------------------------------

    def start_listening(self) -> None:
        self.stop_listening()
        listener = ChangeListener(self.window.plant.url, self)
        if not listener.supported:
            self.live.setText("")
            return
        listener.changed.connect(self._heard)
        self.listener = listener
        if listener.start():
            self.live.setText("● live")
            self.live.setToolTip("Changes made by colleagues on this PostgreSQL plant appear within seconds")
        else:
            self.live.setText("○ not live")
            self.live.setToolTip(f"Colleagues' changes are not heard: {listener.listener.error}")

    def stop_listening(self) -> None:
        if self.listener is not None:
            self.listener.stop()
            self.listener.deleteLater()
            self.listener = None

    def _heard(self, changes, line: str) -> None:
        self.window.statusBar().showMessage(f"Changed by a colleague: {line}", 8000)
        self.window.broadcast(changes)


def install_cases(window) -> CaseDesk:
    window.cases = CaseDesk(window)
    return window.cases
