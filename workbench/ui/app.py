"""Starting the desktop workbench: the application, the plant, the main window.

``run(args)`` serves ``workbench gui``. A database that cannot be opened is explained in
a message box (the CLI's one sentence in screenshot mode), never a traceback.
``--screenshot`` opens the window as asked, waits until every background query and the
graph layout are done, saves a PNG of the window and exits: the README screenshots are
made this way, offscreen.
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from workbench.actions.plant import open_for_reading
from workbench.errors import WorkbenchError
from workbench.interchange.epcisload.lookup import find_lot_named
from workbench.ui import settings
from workbench.ui.ops import plant_op, run_op, wait_idle
from workbench.ui.style import apply_style, icon

DEFAULT_SIZE = (1600, 1000)
SCREENSHOT_TIMEOUT_MS = 120_000


def parse_size(text: str | None) -> tuple[int, int]:
    """``1600x1000`` -> (1600, 1000)."""
    if not text:
        return DEFAULT_SIZE
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise WorkbenchError(f"--size '{text}' is not WIDTHxHEIGHT, e.g. 1600x1000.") from None
    if width < 400 or height < 300:
        raise WorkbenchError(f"--size '{text}' is too small; the window needs at least 400x300.")
    return width, height


def application() -> QApplication:
    """The one QApplication, styled (made here unless a test harness made it)."""
    settings.init_names()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    apply_style(app)
    app.setWindowIcon(icon("app"))
    return app


def find_lot_in_background(window, text: str, item: str | None):
    """The LotRef named by ``--lot``/``--item`` (looked up off the UI thread), or an error message."""
    outcome: dict[str, object] = {}
    run_op(window, plant_op(window.plant, lambda s, _p: find_lot_named(s, text, item=item)),
           lambda ref: outcome.update(ref=ref), lambda message, _c: outcome.update(error=message))
    wait_idle(SCREENSHOT_TIMEOUT_MS)
    return outcome.get("ref"), outcome.get("error")


def run(args: argparse.Namespace) -> int:
    from workbench.ui import startup
    from workbench.ui.main_window import MainWindow

    size = parse_size(args.size)
    if args.expand and not 0 <= args.expand <= 50:
        raise WorkbenchError("--expand must be between 0 and 50 levels.")
    app = application()
    screenshot = args.screenshot
    if screenshot:
        plant = open_for_reading(args.db)
    else:
        opened = startup.open_at_start(args.db)
        if opened is None:
            return 1
        plant = opened

    window = MainWindow(plant, persist=not screenshot)
    if screenshot or args.size:
        window.resize(*size)
    window.show()
    if not screenshot:
        settings.push_recent("recent/databases", plant.display_url)
    try:
        if args.search:
            window.search_panel.search(args.search)
            wait_idle(SCREENSHOT_TIMEOUT_MS)
        if args.lot:
            ref, error = find_lot_in_background(window, args.lot, args.item)
            if error:
                if screenshot:
                    raise WorkbenchError(str(error))
                QMessageBox.warning(window, "Open lot", str(error))
            else:
                window.open_lot(ref)
                if getattr(args, "downstream", False) and window.genealogy is not None:
                    window.wait_until_idle(SCREENSHOT_TIMEOUT_MS)
                    window.genealogy.open_whole_downstream()
                    window.wait_until_idle(SCREENSHOT_TIMEOUT_MS)
                    window.genealogy.fit_to_window()
                if getattr(args, "table", False) and window.genealogy is not None:
                    window.genealogy.table_action.trigger()
                    window.wait_until_idle(SCREENSHOT_TIMEOUT_MS)
                    window.genealogy.fit_to_window()
                if args.expand and window.genealogy is not None and hasattr(window.genealogy, "expand_all"):
                    window.wait_until_idle(SCREENSHOT_TIMEOUT_MS)
                    window.genealogy.expand_all(args.expand)
                    # Show what was opened, as legibly as the window allows.
                    window.wait_until_idle(SCREENSHOT_TIMEOUT_MS)
                    window.genealogy.overview()
        if screenshot:
            return save_screenshot(window, screenshot)
    except BaseException:
        window.close()
        plant.dispose()
        raise
    code = app.exec()
    plant.dispose()
    return code


def save_screenshot(window, path: str) -> int:
    """Wait for every query and layout, then save the window as a PNG."""
    try:
        if not window.wait_until_idle(SCREENSHOT_TIMEOUT_MS):
            raise WorkbenchError("The window was still busy after two minutes; no screenshot was saved.")
        for _ in range(5):  # let layouts, scroll bars and repaints settle
            QCoreApplication.processEvents()
        if not window.grab().save(path):
            raise WorkbenchError(f"Could not write the screenshot {path}.")
        print(f"Saved {path}", file=sys.stderr)  # noqa: T201 - the screenshot mode's one line of output
        return 0
    finally:
        window.close()
        window.plant.dispose()
