"""The one error dialog: a sentence for the user, details they can copy into a report."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.logs import log_file


def problem_box(parent: QWidget | None, title: str, message: str, details: str | None = None,
                icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> QMessageBox:
    """A message box with the sentence, "Show Details…" holding *details* and the log's place,
    and a "Copy details" button that puts both on the clipboard without closing the box."""
    box = QMessageBox(icon, title, message, QMessageBox.StandardButton.Ok, parent)
    full = "\n\n".join(part for part in (message, details, f"Log: {log_file()}") if part)
    box.setDetailedText(full)
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    copy.clicked.disconnect()  # an action-role button would close the box; copying must not
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(full))
    box.setDefaultButton(QMessageBox.StandardButton.Ok)
    return box


def show_problem(parent: QWidget | None, title: str, message: str, details: str | None = None,
                 icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> None:
    problem_box(parent, title, message, details, icon).exec()
