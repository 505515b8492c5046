"""Holds: every lot on hold now, with who, when and why; hold another or release one (a
reason is required both ways; the history is kept)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QMessageBox, QPushButton, QVBoxLayout, QWidget

from workbench.actions import floor as actions
from workbench.ui.ops import run_op
from workbench.ui.widgets import Row, RowsModel, heading, hint, table_view


class HoldsPage(QWidget):
    def __init__(self, floor, parent=None):
        super().__init__(parent)
        self.floor = floor
        self.model = RowsModel(["Lot", "Kind", "Since", "By", "Reason"])
        self.table = table_view(self.model)
        hold = QPushButton("Hold a lot…")
        hold.clicked.connect(self.hold)
        self.release_button = QPushButton("Release…")
        self.release_button.clicked.connect(self.release)
        bar = QHBoxLayout()
        bar.addWidget(hold)
        bar.addWidget(self.release_button)
        bar.addStretch(1)
        self.summary = hint("")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Lots on hold"))
        layout.addWidget(hint("A held lot is never proposed for a pick, a scan of it is refused, and it cannot be "
                              "consumed or shipped. Quarantine holds wait for QA release."))
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.reload()

    def reload(self) -> None:
        run_op(self, lambda _p: actions.holds_now(self.floor.plant), self.show_holds)

    def show_holds(self, holds) -> None:
        self.model.set_rows([Row((h.lot.label, h.kind, f"{h.placed_at:%Y-%m-%d %H:%M}", h.placed_by, h.reason), h,
                                 flagged=h.kind == "hold") for h in holds])
        self.summary.setText(f"{len(holds)} lots on hold")

    def _ask(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label)
        return text.strip() if ok and text.strip() else None

    def hold(self) -> None:
        lot = self._ask("Hold a lot", "Lot (ITEM/LOT, lot code or scan):")
        if not lot:
            return
        reason = self._ask("Hold a lot", f"Why is {lot} put on hold?")
        if not reason:
            return
        who = self.floor.who()
        run_op(self, lambda _p: actions.hold(self.floor.plant, [lot], reason, who),
               lambda done: self.floor.changed(done.changes), self._refused)

    def release(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            QMessageBox.information(self, "Release", "Choose the held lot to release.")
            return
        h = self.model.payload(rows[0].row())
        reason = self._ask("Release", f"Why is {h.lot.label} released?")
        if not reason:
            return
        who = self.floor.who()
        run_op(self, lambda _p: actions.release(self.floor.plant, h.lot.label, reason, who),
               lambda done: self.floor.changed(done.changes), self._refused)

    def _refused(self, message: str, cancelled: bool) -> None:
        if not cancelled:
            QMessageBox.warning(self, "Holds", message)
