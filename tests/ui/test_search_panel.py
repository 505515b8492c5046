"""The search panel: typed and scanned searches, the result table, its menu."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from workbench.ui.search_panel import COLUMNS, SearchPanel


def make_panel(qtbot, plant):
    panel = SearchPanel(plant)
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    return panel


def run_search(qtbot, panel, text):
    with qtbot.waitSignal(panel.searchFinished, timeout=10000) as blocker:
        panel.search(text)
    return blocker.args[0]


def rows(panel):
    return [[panel.proxy.index(r, c).data() for c in range(len(COLUMNS))] for r in range(panel.proxy.rowCount())]


def test_lot_code_on_two_items_lists_both(qtbot, small_plant):
    panel = make_panel(qtbot, small_plant.plant)
    assert run_search(qtbot, panel, "L2411") == 2
    assert [(r[0], r[1], r[10]) for r in rows(panel)] == [("FLOUR", "L2411", "lot"), ("SUGAR", "L2411", "lot")]
    assert "2 lots" in panel.summary.text()
    assert panel.stack.currentWidget() is panel.table


def test_enter_in_the_field_searches_and_a_single_exact_hit_opens(qtbot, small_plant):
    panel = make_panel(qtbot, small_plant.plant)
    with qtbot.waitSignal(panel.lotActivated, timeout=10000) as opened:
        qtbot.keyClicks(panel.field, "(01)09501101530003(10)L2411")  # a scanner types, then Enter
        qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    assert opened.args[0] == small_plant.lots["FLOUR/L2411"]
    assert rows(panel)[0][10] == "barcode"


def test_result_columns_show_quantities_and_status(qtbot, small_plant):
    panel = make_panel(qtbot, small_plant.plant)
    run_search(qtbot, panel, "PO-7781")
    (row,) = rows(panel)
    values = dict(zip([c[0] for c in COLUMNS], row, strict=True))
    assert values["Item"] == "FLOUR" and values["Lot"] == "L2411"
    assert values["Quantity"] == "1,000" and values["On hand"] == "600" and values["Unit"] == "kg"
    assert values["Status"] == "in stock" and values["Matched on"] == "purchase order"
    hit = panel.model.hits[0]
    assert hit.on_hand == Decimal(600)


def test_sort_and_filter(qtbot, small_plant):
    panel = make_panel(qtbot, small_plant.plant)
    run_search(qtbot, panel, "L2411")
    panel.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [r[0] for r in rows(panel)] == ["SUGAR", "FLOUR"]
    panel.filter.setText("flour")
    assert [r[0] for r in rows(panel)] == ["FLOUR"]


def test_nothing_found(qtbot, small_plant):
    panel = make_panel(qtbot, small_plant.plant)
    assert run_search(qtbot, panel, "ZZZ-404") == 0
    assert "Nothing found" in panel.summary.text()
    assert panel.stack.currentWidget() is panel.placeholder


def test_completer_offers_codes_while_typing(qtbot, small_plant):
    panel = make_panel(qtbot, small_plant.plant)
    panel.field.setFocus()
    qtbot.keyClicks(panel.field, "PO-77")
    qtbot.waitUntil(lambda: panel._completion_model.stringList() == ["PO-7781", "PO-7782"], timeout=5000)


def test_selection_and_activation_signals(qtbot, small_plant):
    panel = make_panel(qtbot, small_plant.plant)
    with qtbot.waitSignal(panel.lotSelected, timeout=10000) as selected:
        panel.search("L2411")
    assert selected.args[0] == small_plant.lots["FLOUR/L2411"]
    with qtbot.waitSignal(panel.lotActivated) as activated:
        panel.table.doubleClicked.emit(panel.proxy.index(1, 0))
    assert activated.args[0] == small_plant.lots["SUGAR/L2411"]


def test_context_menu_follows_selection(qtbot, small_plant):
    panel = make_panel(qtbot, small_plant.plant)
    run_search(qtbot, panel, "L2411")
    panel.table.selectAll()
    actions = {a.text(): a for a in panel.context_menu().actions() if a.text()}
    assert not actions["Open genealogy"].isEnabled()  # two lots selected
    assert actions["Start recall…"].isEnabled()
    assert not actions["History…"].isEnabled()
    assert actions["Commonality…"].isEnabled()  # two lots selected
    with qtbot.waitSignal(panel.recallRequested) as recall:
        actions["Start recall…"].trigger()
    assert recall.args[0] == [small_plant.lots["FLOUR/L2411"], small_plant.lots["SUGAR/L2411"]]
    actions["Copy"].trigger()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:2] == ["Item", "Lot"]
    assert [line.split("\t")[:2] for line in lines[1:]] == [["FLOUR", "L2411"], ["SUGAR", "L2411"]]


def test_results_follow_the_typing_after_a_pause_and_the_field_keeps_the_focus(qtbot, small_plant):
    from workbench.ui.search_panel import SEARCH_DELAY_MS

    panel = make_panel(qtbot, small_plant.plant)
    panel.field.setFocus()
    opened = []
    panel.lotActivated.connect(opened.append)
    with qtbot.waitSignal(panel.searchFinished, timeout=SEARCH_DELAY_MS + 10000):
        qtbot.keyClicks(panel.field, "B-001")
        assert "as you type" in panel.summary.text()
    assert [r[1] for r in rows(panel)] == ["B-001"]
    assert panel.field.hasFocus() and not opened  # typing on is not interrupted by opening the lot
    with qtbot.waitSignal(panel.lotActivated, timeout=10000):
        qtbot.keyClick(panel.field, Qt.Key.Key_Return)  # Enter opens the single exact hit
