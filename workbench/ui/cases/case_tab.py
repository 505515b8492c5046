"""One case as a tab: its header (status, version, who changed it last), suspect lots,
the record (timeline), its audit history, and the genealogy views that were open on it,
restored when the case is opened again. Every button is one action of
``workbench.actions.cases``, run off the UI thread; a stale edit is refused with who
changed the case, and the tab reloads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.actions import audit as audit_actions
from workbench.actions import case_reports, cases
from workbench.actions.recall import write_recall_package
from workbench.cases.records import CASE_STATUSES, CaseDetail, status_word
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.format import quantity as fmt_quantity
from workbench.ui.cases.dialogs import ScarFollowUpDialog, SignDialog
from workbench.ui.graph.view import GenealogyView
from workbench.ui.ops import Op, run_op
from workbench.ui.widgets import RowsModel, heading, hint, table_view


class CaseTab(QWidget):
    """The case ``code``; ``changed`` carries the ``Changes`` of each write made here."""

    changed = Signal(object)
    lotActivated = Signal(object)
    loaded = Signal()

    def __init__(self, plant, code: str, window=None, parent=None):
        super().__init__(parent)
        self.plant = plant
        self.code = code
        self.window_ = window
        self.detail: CaseDetail | None = None
        self.can_write = True
        self.error: str | None = None
        self._op: Op | None = None
        self._views_restored = False
        self.genealogies: dict[str, GenealogyView] = {}

        self.title = heading(code)
        self.state = hint()
        self.message = hint()
        self.buttons: list[QPushButton | QToolButton] = []
        bar = QHBoxLayout()
        for text, slot in (("Note…", lambda: self._entry("note")), ("Hypothesis…", lambda: self._entry("hypothesis")),
                           ("Decision…", lambda: self._entry("decision")), ("Add lots", self._add_lots),
                           ("Hold on-hand stock", self._hold), ("Recall package…", self._package),
                           ("Attach…", self._attach)):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, s=slot: s())
            bar.addWidget(b)
            self.buttons.append(b)
        self.status_button = QToolButton()
        self.status_button.setText("Status ▾")
        self.status_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.status_button)
        for st in CASE_STATUSES[:-1]:
            menu.addAction(status_word(st), self._status_action(st))
        self.status_button.setMenu(menu)
        bar.addWidget(self.status_button)
        self.buttons.append(self.status_button)
        self.close_button = QPushButton("Close and sign…")
        self.close_button.clicked.connect(self._close)
        bar.addWidget(self.close_button)
        self.buttons.append(self.close_button)
        bar.addStretch(1)
        more = QToolButton()
        more.setText("Documents ▾")
        more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        docs = QMenu(more)
        docs.addAction("Case summary PDF…", self._report)
        docs.addAction("Archive for the auditor…", self._archive)
        docs.addAction("SCAR follow-up…", self._scar)
        docs.addAction("Reopen…", self._reopen)
        more.setMenu(docs)
        bar.addWidget(more)

        self.lots = RowsModel(("Lot", "Role", "Why", "Added by"))
        self.lots_table = table_view(self.lots, self.open_genealogy)
        self.record = RowsModel(("When", "By", "Kind", "What"))
        self.history = RowsModel(("#", "When (server)", "Who", "Role", "Action", "After"), right=(0,))
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self._close_view)
        self.record_table = table_view(self.record)
        self.history_table = table_view(self.history)
        self.tabs.addTab(self.record_table, "Record")
        self.tabs.addTab(self.history_table, "Audit history")
        for i in range(2):
            self.tabs.tabBar().setTabButton(i, self.tabs.tabBar().ButtonPosition.RightSide, None)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel("Suspect lots (double-click: genealogy)"))
        lv.addWidget(self.lots_table)
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setSizes([330, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.state)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self.load()

    # -- loading -----------------------------------------------------------------------

    def on_changes(self, changes) -> None:
        if changes.cases or changes.scars or changes.holds:
            self.load()

    def load(self) -> None:
        code, plant = self.code, self.plant

        def read(_p):
            detail = cases.show_case(plant, code)
            return detail, audit_actions.history_of(plant, "case", detail.code), cases.access(plant)

        self._op = run_op(self, read, self._loaded, self._failed)

    def _failed(self, message: str, cancelled: bool) -> None:
        self._op = None
        self.error = message
        self.message.setText("Cancelled." if cancelled else message)
        self.loaded.emit()
        if not cancelled and self.detail is not None:
            self.load()  # e.g. a stale edit: show what is there now

    def _loaded(self, result) -> None:
        self._op = None
        self.error = None
        d, history, access = result
        self.detail = d
        self.can_write = access.can_write
        s = d.summary
        self.title.setText(f"{s.code} · {s.title}")
        mock = ""
        if d.mock:
            m = d.mock
            mock = (f" · mock recall {m.standard}: {fmt_quantity(m.found or 0, m.unit or '')} of "
                    f"{fmt_quantity(m.in_question or 0, m.unit or '')} found ({m.percent} %), "
                    f"BRCGS {m.grade('BRCGS')}, FSMA {m.grade('FSMA')}")
        self.state.setText(f"<b>{s.status_text}</b> · version {s.version} · opened {s.opened_at:%Y-%m-%d %H:%M} by "
                           f"{s.opened_by} · last change {s.updated_at:%Y-%m-%d %H:%M} by {s.updated_by}"
                           + (f" · SCARs {', '.join(d.scars)}" if d.scars else "") + mock
                           + ("" if access.can_write else f" · <span style='color:#c53030'>{access.why}</span>"))
        self.lots.set_rows([((c.lot.label, c.role, c.why, c.added_by), c.lot) for c in d.lots])
        self.record.set_rows([((f"{e.at:%Y-%m-%d %H:%M}", e.by, e.kind,
                                (f"{e.lot.label}: " if e.lot else "") + (e.text or "")), e) for e in d.entries])
        self.history.set_rows([((e.id, f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.db_role or "", e.action,
                                 str(e.after)[:160] if e.after else ""), e) for e in history])
        for table in (self.lots_table, self.record_table, self.history_table):
            table.resizeColumnsToContents()
            for col in range(table.model().columnCount() - 1):
                table.setColumnWidth(col, min(table.columnWidth(col), 220))
        closed = s.status == "closed"
        for b in self.buttons:
            b.setEnabled(self.can_write and not closed)
        if not self._views_restored:
            self._views_restored = True
            for v in d.views:
                ref = next((c.lot for c in d.lots if c.lot.label == v.get("lot")), None)
                if ref is not None:
                    self._add_genealogy(ref, save=False)
        self.loaded.emit()

    # -- genealogy views kept with the case --------------------------------------------

    def open_genealogy(self, lot: LotRef) -> None:
        if lot.label in self.genealogies:
            self.tabs.setCurrentWidget(self.genealogies[lot.label])
            return
        self._add_genealogy(lot, save=True)

    def _add_genealogy(self, lot: LotRef, save: bool) -> None:
        view = GenealogyView(self.plant, self)
        view.lotActivated.connect(self.lotActivated.emit)
        self.genealogies[lot.label] = view
        self.tabs.setCurrentIndex(self.tabs.addTab(view, lot.label))
        view.show_lot(lot)
        if save:
            self._save_views()

    def _close_view(self, index: int) -> None:
        if index < 2:
            return
        widget = self.tabs.widget(index)
        label = next((k for k, v in self.genealogies.items() if v is widget), None)
        self.tabs.removeTab(index)
        if label:
            del self.genealogies[label]
        if widget is not None:
            widget.deleteLater()
        self._save_views()

    def _save_views(self) -> None:
        if not self.can_write or (self.detail and self.detail.summary.status == "closed"):
            return
        views = [{"lot": label} for label in self.genealogies]
        code = self.code
        run_op(self, lambda _p: cases.save_views(self.plant, code, views), None, self._failed)

    def is_idle(self) -> bool:
        return self._op is None and all(v.is_idle() for v in self.genealogies.values())

    # -- writing -----------------------------------------------------------------------

    def _write(self, fn, done_text: str) -> None:
        def finished(result) -> None:
            self._op = None
            changes = result[1] if isinstance(result, tuple) else result
            self.message.setText(done_text + (f" {result[2]}." if isinstance(result, tuple) and len(result) > 2
                                              else ""))
            self.changed.emit(changes)
            self.load()

        self._op = run_op(self, lambda _p: fn(), finished, self._failed)

    def _version(self) -> int | None:
        return self.detail.version if self.detail else None

    def _entry(self, kind: str) -> None:
        text, ok = QInputDialog.getMultiLineText(self, f"Add a {kind}", f"The {kind}:")
        if ok and text.strip():
            self._write(lambda: cases.add_entry(self.plant, self.code, kind, text), f"{kind.capitalize()} added.")

    def _chosen_lots(self) -> list[LotRef]:
        chooser = getattr(self.window_, "_chosen_lots", None)
        return list(chooser()) if chooser else []

    def _add_lots(self) -> None:
        lots = self._chosen_lots()
        if not lots:
            text, ok = QInputDialog.getText(self, "Add suspect lots", "Lots (ITEM/LOT, separated by spaces):")
            if not ok or not text.strip():
                return
            labels = text.split()
            self._write(lambda: cases.add_lots(self.plant, self.code, cases.parse_lots(self.plant, labels),
                                               "added in the app"), "Lots added.")
            return
        self._write(lambda: cases.add_lots(self.plant, self.code, lots, "chosen in the app"), "Lots added.")

    def _hold(self) -> None:
        def run():
            r = cases.case_recall(self.plant, self.code)
            if not r.hold:
                raise WorkbenchError("Nothing of the case's lots is on hand: nothing to hold.")
            return cases.place_hold(self.plant, self.code, [a.ref for a in r.hold], "hold list of the case")

        self._write(run, "Holds recorded.")

    def _package(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the recall package (a new, empty one)")
        if not folder:
            return

        def run():
            r = cases.case_recall(self.plant, self.code)
            files = write_recall_package(r, folder, force=False)
            return cases.record_package(self.plant, self.code, r, Path(folder), files)

        self._write(run, f"Recall package written to {folder} and recorded with its manifest.")

    def _attach(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Keep a file with the case")
        if path:
            self._write(lambda: cases.attach(self.plant, self.code, path), "File kept with its SHA-256.")

    def _status_action(self, status: str) -> Callable[[], None]:
        return lambda: self._status(status)

    def _status(self, status: str) -> None:
        version = self._version()
        self._write(lambda: cases.set_status(self.plant, self.code, status, version), f"Now {status_word(status)}.")

    def _close(self) -> None:
        dialog = SignDialog(f"Close {self.code}", self.plant.dialect == "postgresql", self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, meaning, password = dialog.values()
        version = self._version()
        self._write(lambda: cases.close_case(self.plant, self.code, version, name, meaning, password),
                    "Closed and signed:")

    def _reopen(self) -> None:
        why, ok = QInputDialog.getText(self, f"Reopen {self.code}", "Why is the case reopened?")
        if ok and why.strip():
            version = self._version()
            self._write(lambda: cases.reopen_case(self.plant, self.code, version, why), "Reopened.")

    def _report(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Case summary", f"{self.code}.pdf", "PDF (*.pdf)")
        if path:
            mock = bool(self.detail and self.detail.mock)
            writer = case_reports.mock_report_pdf if mock else case_reports.case_summary_pdf
            run_op(self, lambda _p: writer(self.plant, self.code, path, force=True),  # the dialog asked
                   lambda p: self.message.setText(f"Written: {p}"), self._failed)

    def _archive(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Archive for the auditor", f"{self.code}.zip", "Zip (*.zip)")
        if path:
            run_op(self, lambda _p: case_reports.archive_case(self.plant, self.code, path, force=True),
                   lambda r: self.message.setText(f"Written: {r.path} ({r.files} files)"
                                                  + (f"; {len(r.problems)} problems: {r.problems[0]}" if r.problems
                                                     else "")), self._failed)

    def _scar(self) -> None:
        if not self.detail or not self.detail.scars:
            QMessageBox.information(self, "SCAR follow-up", f"{self.code} has no SCAR yet: issue one from a "
                                    "purchased lot (right-click → Supplier corrective action…).")
            return
        code = self.detail.scars[-1]
        if len(self.detail.scars) > 1:
            code, ok = QInputDialog.getItem(self, "SCAR follow-up", "SCAR:", self.detail.scars, 0, False)
            if not ok:
                return
        dialog = ScarFollowUpDialog(self.plant, code, self)
        dialog.changed.connect(self.changed.emit)
        dialog.exec()
