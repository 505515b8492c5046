"""Floor mode: receiving, pick lists with a scan station, overrides and holds, beside the
investigation views. ``install(window)`` adds the Floor menu to the main window."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence


def install(window) -> None:
    """Add *Floor → Floor station…* (Ctrl+Shift+F) to ``window``; one Floor tab at a time."""
    from workbench.ui.floor.view import FloorView

    def open_floor() -> FloorView:
        for index in range(window.workspace.count()):
            widget = window.workspace.widget(index)
            if isinstance(widget, FloorView):
                window.workspace.setCurrentIndex(index)
                return widget
        view = FloorView(window.plant, window.broadcast)
        window.open_tab(view, "Floor")
        return view

    action = QAction("Floor station…", window)
    action.setShortcut(QKeySequence("Ctrl+Shift+F"))
    action.setStatusTip("Receive lots, pick with scans, record overrides and holds")
    action.triggered.connect(open_floor)
    menu = window.menuBar().addMenu("F&loor")
    menu.addAction(action)
    window.open_floor = open_floor
    window.floor_action = action
