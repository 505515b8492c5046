"""Cases in the app: the Cases view and mock recall panel, a case tab that restores its
genealogy views and writes through actions, and two app windows on one PostgreSQL plant
seeing each other's changes (NOTIFY)."""

from __future__ import annotations

import pytest

from workbench.actions import cases
from workbench.plant import open_plant
from workbench.ui.cases.case_tab import CaseTab
from workbench.ui.cases.cases_view import CasesView
from workbench.ui.ops import wait_idle

ONLY_POSTGRESQL = pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgresql)])


def _settle(qtbot, view) -> None:
    qtbot.waitUntil(view.is_idle, timeout=30000)
    assert wait_idle(30000)
    assert view.error is None, view.error


def test_cases_view_lists_cases_and_mock_recalls(qtbot, small_plant):
    plant = small_plant.plant
    lot = small_plant.lots["FLOUR/L2411"]
    s, _ = cases.open_case(plant, "Flour smells musty", lots=[lot])
    run = cases.run_mock_recall(plant, [lot], "BRCGS")
    view = CasesView(plant)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    _settle(qtbot, view)
    codes = {view.model.text(r, 0) for r in range(view.model.rowCount())}
    assert codes == {s.code, run.code}
    assert view.mocks.model.rowCount() == 1 and view.mocks.model.text(0, 7) == "pass"
    assert ("writable" in view.access.text() or "may write" in view.access.text()) and view.new_button.isEnabled()
    opened = []
    view.caseOpened.connect(opened.append)
    view.mocks.caseActivated.emit(run.code)
    assert opened == [run.code]


def test_case_tab_restores_its_views_and_refuses_a_stale_edit(qtbot, small_plant, monkeypatch):
    plant = small_plant.plant
    lot = small_plant.lots["FLOUR/L2411"]
    s, _ = cases.open_case(plant, "Views", lots=[lot])
    tab = CaseTab(plant, s.code)
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    _settle(qtbot, tab)
    assert tab.lots.rowCount() == 1 and tab.history.rowCount() >= 2
    tab.open_genealogy(lot)
    _settle(qtbot, tab)
    assert cases.show_case(plant, s.code).views == [{"lot": lot.label}]
    # A colleague moves the case on; my status change, based on the old version, is refused.
    cases.set_status(plant, s.code, "containment", 1)
    monkeypatch.setattr(tab, "_version", lambda: 1)
    tab._status("root_cause_found")
    qtbot.waitUntil(lambda: "changed by" in tab.message.text(), timeout=30000)
    _settle(qtbot, tab)
    assert tab.detail.summary.status == "containment"  # reloaded to what is there
    again = CaseTab(plant, s.code)
    qtbot.addWidget(again)
    again.show()
    _settle(qtbot, again)
    assert list(again.genealogies) == [lot.label]
    assert again.tabs.count() == 3


def test_main_window_opens_cases_and_a_case(qtbot, make_main_window, small_plant):
    plant = small_plant.plant
    s, _ = cases.open_case(plant, "From the window", lots=[small_plant.lots["FLOUR/L2411"]])
    window = make_main_window(plant)
    view = window.cases.open_cases()
    assert window.cases.open_cases() is view  # one Cases view
    _settle(qtbot, view)
    tab = window.cases.open_case(s.code)
    _settle(qtbot, tab)
    assert window.workspace.currentWidget() is tab and window.cases.open_case(s.code) is tab
    assert window.cases.live.text() == ("● live" if plant.dialect == "postgresql" else "")


@ONLY_POSTGRESQL
def test_two_apps_on_one_postgresql_plant_see_each_others_changes(qtbot, make_main_window, small_plant):
    """Ann's window and Bob's window on the same plant: a case Ann opens and a hold she
    places appear in Bob's Cases view and case tab within seconds, without Bob doing anything."""
    plant = small_plant.plant
    other = open_plant(plant.url)
    try:
        ann = make_main_window(plant)
        bob = make_main_window(other)
        assert bob.cases.listener is not None and bob.cases.listener.active
        bob_cases = bob.cases.open_cases()
        _settle(qtbot, bob_cases)
        assert bob_cases.model.rowCount() == 0
        ann_cases = ann.cases.open_cases()
        _settle(qtbot, ann_cases)
        lot = small_plant.lots["FLOUR/L2411"]
        s, changes = cases.open_case(plant, "Ann's case", lots=[lot])
        ann.broadcast(changes)
        qtbot.waitUntil(lambda: bob_cases.model.rowCount() == 1, timeout=10000)
        assert bob_cases.model.text(0, 0) == s.code
        assert "Changed by a colleague" in bob.statusBar().currentMessage()
        bob_tab = bob.cases.open_case(s.code)
        _settle(qtbot, bob_tab)
        before = bob_tab.record.rowCount()
        cases.place_hold(plant, s.code, [small_plant.lots["BAR/B-001"]], "QA hold")
        qtbot.waitUntil(lambda: bob_tab.record.rowCount() == before + 1, timeout=10000)
        assert "BAR/B-001" in bob_tab.record.text(before, 3)
        _settle(qtbot, bob_tab)
    finally:
        wait_idle(20000)
        other.dispose()


def test_a_lots_audit_history_and_verifying_the_trail(qtbot, make_main_window, small_plant, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    plant = small_plant.plant
    lot = small_plant.lots["FLOUR/L2411"]
    cases.open_case(plant, "History", lots=[lot])
    window = make_main_window(plant)
    monkeypatch.setattr(window, "_chosen_lots", lambda: [lot])
    view = window.cases.open_lot_history()
    _settle(qtbot, view)
    assert view.model.rowCount() == 1 and view.model.text(0, 4) == "added to case"
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    window.cases.verify_trail()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert shown[0].startswith("The audit trail verifies")
