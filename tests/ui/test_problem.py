"""The error dialog: details the user can copy into a bug report."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from workbench.ui.problem import problem_box


def test_copy_details_puts_message_details_and_log_on_the_clipboard(qtbot):
    box = problem_box(None, "Workbench", "The package could not be written.", "Traceback: …")
    qtbot.addWidget(box)
    copy = next(b for b in box.buttons() if b.text() == "Copy details")
    copy.click()
    text = QGuiApplication.clipboard().text()
    assert "The package could not be written." in text and "Traceback: …" in text and "workbench.log" in text
    assert box.isVisible() is False or box.result() == 0  # copying does not answer the dialog
    assert box.standardButton(box.defaultButton()) == QMessageBox.StandardButton.Ok
