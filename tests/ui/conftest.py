"""UI test fixtures: windows that are always closed, settings kept out of the user's,
message boxes captured instead of blocking, and no background work left running."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QMessageBox

import workbench.ui.problem
from workbench.ui import ops, settings
from workbench.ui.ops import active_ops, wait_idle


@pytest.fixture(scope="session", autouse=True)
def _settings_dir(tmp_path_factory):
    """QSettings write INI files under a temporary folder, never the user's settings."""
    settings.init_names()
    settings.use_settings_dir(tmp_path_factory.mktemp("qsettings"))


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch):
    """Message boxes are recorded as (kind, title, text) instead of waiting for a click.

    A test that expects one reads and clears the list; any left over fails the test.
    """
    shown: list[tuple[str, str, str]] = []

    def recorder(kind):
        def show(_parent, title, text, *args, **kwargs):
            shown.append((kind, title, text))
            return QMessageBox.StandardButton.Ok
        return show

    for kind in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder(kind)))

    def problem(_parent, title, text, details=None, icon=QMessageBox.Icon.Warning):
        shown.append(("critical" if icon == QMessageBox.Icon.Critical else "warning", title, text))

    monkeypatch.setattr(workbench.ui.problem, "show_problem", problem)
    yield shown
    assert not shown, f"unexpected message box: {shown}"


@pytest.fixture(autouse=True)
def _no_leaked_work(qapp):
    """Every UI test ends with no operation or worker thread still running.

    Work still running after the wait is cancelled (and waited for once more) before the
    test fails, so one broken test does not make every later test wait out its time-out.
    """
    yield
    if wait_idle(20000):
        assert active_ops() == 0
        assert QThreadPool.globalInstance().activeThreadCount() == 0
        return
    left = sorted(op.label or "(no label)" for op in ops._active)
    for op in list(ops._active):
        op.cancel()
    stopped = wait_idle(10000)
    pytest.fail(f"background operations still running 20 s after the test: {left}"
                + ("" if stopped else "; they did not stop when cancelled either"))


@pytest.fixture
def make_main_window(qtbot):
    """``make_main_window(plant)`` -> a shown MainWindow; all are closed after the test.

    Fails when background work outlives the test or a window stays open.
    """
    from workbench.ui.main_window import MainWindow

    made = []

    def make(plant, size=(1400, 900), **kwargs):
        window = MainWindow(plant, **kwargs)
        made.append(window)
        if size is not None:
            window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for window in made:
        window.close()
    assert wait_idle(20000), "background operations still running after the windows closed"
    QApplication.processEvents()
    still_open = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    assert not still_open, f"windows left open: {still_open}"
    for window in made:
        window.deleteLater()
    QApplication.processEvents()


@pytest.fixture
def small_plant(plant):
    """A committed hand-made plant: flour and sugar (sharing lot code L2411) into bars,
    bars shipped and one returned: ``.plant`` and ``.lots`` ({"ITEM/LOT": LotRef})."""
    from types import SimpleNamespace

    from tests.factories import PlantBuilder
    from workbench.facts import LotRef

    with plant.Session.begin() as s:
        b = PlantBuilder(s)
        b.item("FLOUR", gtin="09501101530003", name="Wheat flour")
        b.item("SUGAR", name="Cane sugar")
        b.receive("FLOUR", "L2411", 1000, vendor="MILL", receipt="R-100", po="PO-7781", vendor_lot="MX-889")
        b.receive("SUGAR", "L2411", 300, vendor="CANE", receipt="R-102", po="PO-7782")
        b.produce("WO-1", "BAR", [("FLOUR", "L2411", 400), ("SUGAR", "L2411", 100)], [("B-001", 900)],
                  operations=[("Mix", "MX1", "ann"), ("Bake", "OV1", "bob")])
        b.ship("SH-9", "SHOP", "BAR", "B-001", 600, order_ref="CUST-PO-55")
        b.ret("RMA-3", "SHOP", "BAR", "B-001", 50, reason="torn wrapper")
        b.done()
        lots = {f"{item}/{code}": LotRef(lot.id, item, code) for (item, code), lot in b.lots.items()}
    return SimpleNamespace(plant=plant, lots=lots)
