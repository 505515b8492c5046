"""The main window: start-up, opening a lot, the graph and the panels working together,
database problems explained, settings kept, and the screenshot mode."""

from __future__ import annotations

from PySide6.QtGui import QImage
from sqlalchemy import text

from workbench.cli import main
from workbench.lots.details import LotDetails
from workbench.plant import open_plant
from workbench.trace.genealogy import trace
from workbench.ui import settings
from workbench.ui.lot_panel import LotPanel, ResourcePanel

BROKEN_URL = "postgresql+psycopg://nobody@127.0.0.1:1/x"


def wait_details(qtbot, window, kind):
    qtbot.waitUntil(lambda: isinstance(window.details.sheet, kind), timeout=10000)
    return window.details.sheet


def test_status_bar_names_the_database_and_counts(qtbot, make_main_window, small_plant):
    window = make_main_window(small_plant.plant)
    assert small_plant.plant.display_url in window.db_label.text()
    assert window.db_label.text().startswith(("SQLite", "PostgreSQL"))
    qtbot.waitUntil(lambda: "3 lots" in window.counts_label.text(), timeout=10000)
    assert "1 order ·" in window.counts_label.text() and "1 shipment line" in window.counts_label.text()


def test_search_then_open_a_lot(qtbot, make_main_window, small_plant):
    window = make_main_window(small_plant.plant)
    bar = small_plant.lots["BAR/B-001"]
    with qtbot.waitSignal(window.lotOpened, timeout=10000) as opened:
        window.search_panel.search("B-001")  # one exact hit opens it
    assert opened.args[0] == bar
    sheet = wait_details(qtbot, window, LotPanel)
    assert window.details.details.lot == "B-001"
    # the timeline follows the lot shown
    qtbot.waitUntil(lambda: len(window.timeline.events) == 5, timeout=10000)
    assert isinstance(window.details.details, LotDetails) and sheet.isVisible()
    assert window.lot_label.text() == "Lot BAR/B-001"
    assert window.recent_lots()[0] == "BAR/B-001"


def test_opening_a_lot_shows_its_graph_and_a_selected_node_its_facts(qtbot, make_main_window, small_plant):
    window = make_main_window(small_plant.plant)
    flour = small_plant.lots["FLOUR/L2411"]
    window.open_lot(flour)
    assert window.workspace.currentIndex() == 0
    assert window.graph_stack.currentWidget() is window.genealogy
    qtbot.waitUntil(window.is_idle, timeout=20000)
    # a node selected in the graph -> its facts in the panel
    with small_plant.plant.Session() as s:
        g = trace(s, small_plant.lots["BAR/B-001"], "both")
    window.genealogy.nodeSelected.emit(g.nodes["machine:OV1"])
    sheet = wait_details(qtbot, window, ResourcePanel)
    assert window.details.details.code == "OV1" and window.details.details.total_operations == 1
    assert sheet.isVisible()
    window.genealogy.nodeSelected.emit(g.nodes["lot:SUGAR/L2411"])
    qtbot.waitUntil(lambda: getattr(window.details.details, "lot", None) == "L2411"
                    and window.details.details.item.code == "SUGAR", timeout=10000)
    # a lot activated in the graph becomes the lot shown
    with qtbot.waitSignal(window.lotOpened, timeout=10000):
        window.genealogy.lotActivated.emit(small_plant.lots["SUGAR/L2411"])
    assert window.current_lot == small_plant.lots["SUGAR/L2411"]


def test_open_tab_and_close(qtbot, make_main_window, small_plant):
    from PySide6.QtWidgets import QLabel

    window = make_main_window(small_plant.plant)
    index = window.open_tab(QLabel("a view"), "Recall X")
    assert window.workspace.currentIndex() == index and window.workspace.tabText(index) == "Recall X"
    window._close_tab(index)
    window._close_tab(0)  # the genealogy tab stays
    assert window.workspace.count() == 1


def test_unreachable_database_on_open_gives_a_dialog(qtbot, make_main_window, small_plant, message_boxes):
    window = make_main_window(small_plant.plant)
    window.open_database(BROKEN_URL)
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=20000)
    kind, title, message = message_boxes.pop()
    assert kind == "critical" and "Cannot open" in title
    assert "Cannot connect to the database" in message and "Traceback" not in message
    assert window.plant is small_plant.plant  # still on the old plant


def test_switching_plants(qtbot, make_main_window, small_plant, db_factory):
    other = open_plant(db_factory.empty_url())
    other.dispose()
    window = make_main_window(small_plant.plant)
    window.open_lot(small_plant.lots["BAR/B-001"])
    with qtbot.waitSignal(window.plantChanged, timeout=20000):
        window.open_database(other.url)
    assert window.current_lot is None and window.plant.url == other.url
    qtbot.waitUntil(lambda: window.counts_label.text().startswith("0 lots"), timeout=10000)
    assert settings.recent("recent/databases")[0] == other.display_url
    window.plant.dispose()


def too_new_sqlite(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'newer.sqlite'}"
    plant = open_plant(url, create=True)
    with plant.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    plant.dispose()
    return url


def test_start_up_with_a_database_problem_explains_it(qtbot, tmp_path, monkeypatch):
    from workbench.ui import startup

    asked: list[str] = []

    def quit_at_once(message: str) -> str:
        asked.append(message)
        return startup.QUIT

    monkeypatch.setattr(startup, "ask", quit_at_once)
    assert main(["gui", "--db", BROKEN_URL]) == 1
    assert len(asked) == 1 and "Cannot connect" in asked[0]
    assert main(["gui", "--db", too_new_sqlite(tmp_path)]) == 1
    assert "newer version of the workbench" in asked[1]


def test_screenshot_of_a_lot(qtbot, small_plant, tmp_path, capsys):
    shot = tmp_path / "lot.png"
    code = main(["gui", "--db", small_plant.plant.url, "--lot", "B-001", "--expand", "1",
                 "--search", "L2411", "--size", "1200x800", "--screenshot", str(shot)])
    assert code == 0
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1200, 800)


def test_screenshot_with_an_unknown_lot_fails_clearly(qtbot, small_plant, tmp_path, capsys):
    shot = tmp_path / "none.png"
    assert main(["gui", "--db", small_plant.plant.url, "--lot", "NOPE", "--screenshot", str(shot)]) == 1
    assert "There is no lot 'NOPE'" in capsys.readouterr().err
    assert not shot.exists()
    assert main(["gui", "--db", small_plant.plant.url, "--lot", "L2411", "--screenshot", str(shot)]) == 1
    assert "exists on 2 items" in capsys.readouterr().err


def test_layout_and_recent_lots_persist(qtbot, make_main_window, small_plant):
    # (the offscreen screen is 800x800 and a restored geometry is kept within it, while
    # the window's minimum width may exceed that: compare heights)
    window = make_main_window(small_plant.plant, size=(734, 577))
    window.search_dock.hide()
    window.close()
    assert settings.window_layout("mainWindow")[0] is not None
    again = make_main_window(small_plant.plant, size=None)
    assert again.height() == 577
    assert not again.search_dock.isVisible()
    again.search_dock.show()


def test_export_view_saves_the_current_tab(qtbot, make_main_window, small_plant, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QLabel

    window = make_main_window(small_plant.plant)
    window.open_tab(QLabel("a view without its own exporter"), "View")
    target = tmp_path / "view.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window.export_view()
    assert QImage(str(target)).width() > 0


def test_import_bundle_reports_faults(qtbot, make_main_window, small_plant, tmp_path, monkeypatch):
    import workbench.ui.main_window as mw
    from workbench.interchange.bundle import ImportFailed

    outcomes = []
    monkeypatch.setattr(mw, "show_import_result", lambda _parent, outcome: outcomes.append(outcome))
    window = make_main_window(small_plant.plant)
    assert window.import_action.isEnabled()
    (tmp_path / "bundle").mkdir()
    window.import_bundle(str(tmp_path / "bundle"))  # an empty folder: no items.csv
    qtbot.waitUntil(lambda: bool(outcomes), timeout=20000)
    (outcome,) = outcomes
    assert isinstance(outcome, ImportFailed) and outcome.faults
    assert all(str(f).startswith(str(tmp_path / "bundle")) or "items.csv" in str(f) for f in outcome.faults)


def test_selecting_a_result_shows_that_lot_in_the_graph_as_in_details(qtbot, make_main_window, small_plant):
    window = make_main_window(small_plant.plant)
    window.search_panel.search("L2411")  # two hits, none opened
    qtbot.waitUntil(lambda: window.search_panel.proxy.rowCount() == 2, timeout=10000)
    for row in (0, 1):
        window.search_panel.table.selectRow(row)
        hit = window.search_panel.model.hit(window.search_panel.proxy.mapToSource(
            window.search_panel.proxy.index(row, 0)).row())
        wanted = f"lot:{hit.item}/{hit.lot}"
        qtbot.waitUntil(lambda w=wanted: w in window.genealogy.scene.nodes and window.wait_until_idle(5000),
                        timeout=10000)
        qtbot.waitUntil(lambda h=hit: getattr(window.details.details, "lot", None) == h.lot
                        and window.details.details.item.code == h.item, timeout=10000)


def test_every_toolbar_button_has_a_tooltip_that_says_more_than_its_name(make_main_window, small_plant):
    from PySide6.QtWidgets import QToolBar

    window = make_main_window(small_plant.plant)
    assert window.wait_until_idle(30000)
    toolbars = window.findChildren(QToolBar)
    assert toolbars
    bare = [a.text() for tb in toolbars for a in tb.actions()
            if not a.isSeparator() and a.text() and a.toolTip().replace("&", "") in ("", a.text().replace("&", ""))]
    assert bare == []
