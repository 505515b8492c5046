"""The Floor tab: who is working, and the Receive, Pick & scan and Holds pages."""

from __future__ import annotations

import getpass

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTabWidget, QVBoxLayout, QWidget

from workbench.actions.changes import Changes
from workbench.ui.floor.holds import HoldsPage
from workbench.ui.floor.picks import PickPage
from workbench.ui.floor.receive import ReceivePage


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no system user name: the worker types one
        return ""


class FloorView(QWidget):
    """Floor mode. Every write goes through ``workbench.actions.floor`` off the UI thread and
    its ``Changes`` are broadcast, so the search, details and genealogy follow at once."""

    def __init__(self, plant, broadcast=None, parent=None):
        super().__init__(parent)
        self.plant = plant
        self._broadcast = broadcast
        self.worker = QLineEdit(_user())
        self.worker.setPlaceholderText("your name")
        self.worker.setMaximumWidth(220)
        top = QHBoxLayout()
        top.addWidget(QLabel("Worker:"))
        top.addWidget(self.worker)
        top.addStretch(1)
        self.pages = QTabWidget()
        self.receive = ReceivePage(self)
        self.picks = PickPage(self)
        self.holds = HoldsPage(self)
        self.pages.addTab(self.picks, "Pick && scan")
        self.pages.addTab(self.receive, "Receive")
        self.pages.addTab(self.holds, "Holds")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages)

    def who(self) -> str:
        return self.worker.text().strip()

    def changed(self, changes: Changes) -> None:
        """A write of this view: tell every view (this one included, through on_changes)."""
        if self._broadcast is not None:
            self._broadcast(changes)
        else:
            self.on_changes(changes)

    def on_changes(self, changes: Changes) -> None:
        if changes.touches_lots():
            self.holds.reload()
            self.picks.reload()
