"""The app on a bad day: a corrupt or foreign database gives a dialog in plain words,
and the start-up dialog offers what its text promises and does it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from workbench.plant import open_plant
from workbench.ui import startup

RAW_WORDS = ("DatabaseError", "sqlalche.me", "sqlite3.", "Traceback", "(Background on this error")


@pytest.fixture
def corrupt_file(tmp_path):
    path = tmp_path / "plant.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    return path


@pytest.fixture
def foreign_file(tmp_path):
    import sqlite3

    path = tmp_path / "accounts.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (number integer)")
    return path


def test_the_start_up_dialog_has_the_buttons_its_text_names(qtbot):
    box, buttons = startup.startup_box("The database x is not a workbench plant database.")
    qtbot.addWidget(box)
    assert {b.text() for b in box.buttons()} == set(startup.CHOICES.values())
    for choice, label in startup.CHOICES.items():
        assert label in box.text() and buttons[choice].text() == label
    assert box.escapeButton() is buttons[startup.QUIT]


@pytest.mark.parametrize("choice", [startup.OTHER, startup.DEMO, startup.QUIT])
def test_each_button_does_what_it_says(qtbot, choice, monkeypatch):
    box, buttons = startup.startup_box("x")
    qtbot.addWidget(box)
    monkeypatch.setattr(startup, "startup_box", lambda message, parent=None: (box, buttons))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: buttons[choice].click() or 0)
    assert startup.ask("x") == choice


def test_start_up_goes_on_with_what_the_user_chooses(corrupt_file, db_url):
    said, opened = [], []

    def opener(url):
        opened.append(url)
        return open_plant(url, readonly=True)

    answers = iter([startup.OTHER, startup.OTHER])
    choices = iter([None, db_url])  # first the Open dialog is cancelled: asked again
    plant = startup.open_at_start(f"sqlite:///{corrupt_file}", ask=lambda m: said.append(m) or next(answers),
                                  choose=lambda: next(choices), opener=opener)
    try:
        assert plant is not None and plant.url == db_url
    finally:
        plant.dispose()
    assert len(said) == 2 and "not a workbench plant database" in said[0]
    assert not any(w in s for s in said for w in RAW_WORDS)
    demo: list[str] = []
    replies = iter([startup.DEMO, startup.QUIT])
    assert startup.open_at_start(f"sqlite:///{corrupt_file}", ask=lambda m: next(replies),
                                 opener=lambda url: demo.append(url) or open_plant(f"sqlite:///{corrupt_file}")) is None
    from workbench.config import default_url
    assert demo == [f"sqlite:///{corrupt_file}", default_url()]
    assert startup.open_at_start(f"sqlite:///{corrupt_file}", ask=lambda m: startup.QUIT) is None


@pytest.mark.parametrize("which", ["corrupt_file", "foreign_file"])
def test_file_open_of_a_corrupt_or_foreign_database_says_so_in_plain_words(make_main_window, small_plant, qtbot,
                                                                         message_boxes, request, which):
    path = request.getfixturevalue(which)
    window = make_main_window(small_plant.plant)
    window.open_database(f"sqlite:///{path}")
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=20_000)
    ((kind, _title, message),) = message_boxes
    message_boxes.clear()
    assert kind == "critical"
    assert ("not a workbench plant database" in message) if which == "corrupt_file" else ("holds other tables" in message)
    assert not any(w in message for w in RAW_WORDS)
    assert window.plant is small_plant.plant  # still on the plant it had
