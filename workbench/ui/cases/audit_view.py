"""A lot's (or any object's) audit history as a tab, and proving the whole chain."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from workbench.actions import audit as audit_actions
from workbench.ui.ops import Op, run_op
from workbench.ui.widgets import RowsModel, heading, hint, table_view


class AuditView(QWidget):
    """Every audit entry of one object (``lot`` ``ITEM/LOT``, ``case`` code, ``scar`` code)."""

    loaded = Signal()

    def __init__(self, plant, object_type: str, object_key: str, parent=None):
        super().__init__(parent)
        self.plant = plant
        self.object_type, self.object_key = object_type, object_key
        self.error: str | None = None
        self._op: Op | None = None
        self.model = RowsModel(("#", "When (server)", "Who", "Database role", "Action", "Before", "After", "Hash"),
                               right=(0,))
        self.summary = hint()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(heading(f"Audit history of {object_type} {object_key}"))
        layout.addWidget(self.summary)
        layout.addWidget(table_view(self.model), 1)
        self.load()

    def on_changes(self, changes) -> None:
        if not changes.empty:
            self.load()

    def load(self) -> None:
        kind, key = self.object_type, self.object_key
        self._op = run_op(self, lambda _p: audit_actions.history_of(self.plant, kind, key), self._loaded,
                          self._failed)

    def _failed(self, message: str, cancelled: bool) -> None:
        self._op = None
        self.error = message
        self.summary.setText("Cancelled." if cancelled else message)
        self.loaded.emit()

    def _loaded(self, entries) -> None:
        self._op = None
        self.error = None
        self.summary.setText(f"{len(entries)} entries, oldest first; each hash covers the entry and the one "
                             "before it (Cases → Verify the audit trail proves the whole chain).")
        self.model.set_rows([((e.id, f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.db_role or "", e.action,
                               str(e.before)[:120] if e.before is not None else "",
                               str(e.after)[:160] if e.after is not None else "", e.hash[:16] + "…"), e)
                             for e in entries])
        self.loaded.emit()

    def is_idle(self) -> bool:
        return self._op is None
