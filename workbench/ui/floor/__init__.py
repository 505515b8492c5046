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


def hold_recall(parent, plant, roots, reason: str) -> None:
    """Ask who and why (the recall's reason first), then hold the recall's whole hold list."""
    import getpass

    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from workbench.actions import floor as actions
    from workbench.ui.ops import run_op

    why, ok = QInputDialog.getText(parent, "Put hold list on hold", "Reason for the holds:", text=reason.strip())
    if not ok or not why.strip():
        return
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no system user name
        who = "workbench"

    def done(result) -> None:
        window = parent.window()
        if hasattr(window, "broadcast"):
            window.broadcast(result.changes)
        placed = result.result
        QMessageBox.information(parent, "Holds", f"{len(placed.placed)} lots put on hold"
                                + (f"; {len(placed.already)} were on hold already." if placed.already else "."))

    run_op(parent, lambda _p: actions.hold_recall(plant, list(roots), why.strip(), who), done)
