"""Start-up on a bad day: a plant that cannot be opened gives a dialog that offers what
it says, "Open another database…", "Open the demo plant" or "Quit", and acts on it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from workbench.actions.plant import open_for_reading
from workbench.config import default_url
from workbench.errors import WorkbenchError
from workbench.plant import Plant
from workbench.ui import settings

OTHER, DEMO, QUIT = "other", "demo", "quit"
CHOICES = {OTHER: "Open another database…", DEMO: "Open the demo plant", QUIT: "Quit"}


def startup_text(message: str) -> str:
    return (f"{message}\n\nChoose “{CHOICES[OTHER]}” to pick another SQLite file or database URL, "
            f"“{CHOICES[DEMO]}” to work on the built-in demo plant, or “{CHOICES[QUIT]}”.")


def startup_box(message: str, parent: QWidget | None = None) -> tuple[QMessageBox, dict]:
    """The dialog and its buttons by choice (a test presses them)."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Cannot open the plant database", startup_text(message),
                      QMessageBox.StandardButton.NoButton, parent)
    buttons = {OTHER: box.addButton(CHOICES[OTHER], QMessageBox.ButtonRole.AcceptRole),
               DEMO: box.addButton(CHOICES[DEMO], QMessageBox.ButtonRole.ActionRole),
               QUIT: box.addButton(CHOICES[QUIT], QMessageBox.ButtonRole.RejectRole)}
    box.setDefaultButton(buttons[OTHER])
    box.setEscapeButton(buttons[QUIT])
    return box, buttons


def ask(message: str) -> str:
    """Show the start-up problem; the user's choice (OTHER, DEMO or QUIT)."""
    box, buttons = startup_box(message)
    box.exec()
    clicked = box.clickedButton()
    return next((choice for choice, button in buttons.items() if button is clicked), QUIT)


def choose_database() -> str | None:
    """The database the user picks in the Open dialog, or None."""
    from workbench.ui.main_window import OpenDatabaseDialog

    dialog = OpenDatabaseDialog(settings.recent("recent/databases"))
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen_url():
        return dialog.chosen_url()
    return None


def open_at_start(url: str | None, ask: Callable[[str], str] | None = None,
                  choose: Callable[[], str | None] | None = None,
                  opener: Callable[[str | None], Plant] | None = None) -> Plant | None:
    """The plant to start on: ``url``'s, or when it cannot be opened whatever the user
    chooses instead, until one opens; None when the user quits."""
    # Looked up when called, so a test can put its own dialog answers in their place.
    ask = ask or globals()["ask"]
    choose = choose or globals()["choose_database"]
    opener = opener or open_for_reading
    while True:
        try:
            return opener(url)
        except WorkbenchError as exc:
            choice = ask(str(exc))
        if choice == QUIT:
            return None
        if choice == DEMO:
            url = default_url()
        else:
            picked = choose()
            if picked is not None:
                url = picked
