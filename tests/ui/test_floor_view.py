"""The Floor tab: scans answered at once in green or red, holds listed, writes broadcast."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.factories import PlantBuilder
from workbench.actions import floor as actions
from workbench.ui.floor.feedback import GREEN, RED
from workbench.ui.ops import wait_idle


def _plant(plant):
    with plant.Session.begin() as s:
        b = PlantBuilder(s)
        b.item("RM-OATS", shelf_life_days=270)
        b.item("FG-BAR", kind="product", unit="case", gtin="10614141000415")
        b.vendor("V1")
    actions.add_location(plant, "WH-A-01")
    at = datetime(2026, 12, 1, 8)
    lots = [actions.receive(plant, item="RM-OATS", quantity="50", vendor="V1", location="WH-A-01", by="ann",
                            at=at + timedelta(hours=n), expires_at=at + timedelta(days=30 - n)).result.lot
            for n in range(3)]
    actions.hold(plant, [lots[2].label], "Mould", "qa", at=at + timedelta(hours=4))
    view = actions.open_picks(plant, purpose="production", needs=[("RM-OATS", "60")], by="bob", order="MO-1",
                              product="FG-BAR", at=at + timedelta(hours=5)).result
    return lots, view


def test_scan_station_answers_in_colour_and_broadcasts(plant, make_main_window, qtbot):
    lots, pick = _plant(plant)
    window = make_main_window(plant)
    seen = []
    window.changesBroadcast.connect(seen.append)
    floor = window.open_floor()
    assert window.open_floor() is floor  # one Floor tab
    wait_idle(20000)
    page = floor.picks
    assert page.view is not None and page.view.code == pick.code
    assert page.proposals.rowCount() == 2

    page.scan_field.setText(lots[2].label)
    page.scan()
    wait_idle(20000)
    assert page.feedback.colour == RED and "On hold" in page.feedback.text()

    page.scan_field.setText(f"(240)RM-OATS(10){lots[1].lot}")
    page.scan()
    wait_idle(20000)
    assert page.feedback.colour == GREEN and "Right lot" in page.feedback.text()
    assert any(lots[1].id in c.lots for c in seen)
    wait_idle(20000)
    assert page.view.lines[0].picked == 50
    assert floor.holds.model.rowCount() == 1


def test_recall_view_puts_its_hold_list_on_hold(plant, make_main_window, monkeypatch, message_boxes):
    from PySide6.QtWidgets import QInputDialog

    lots, pick = _plant(plant)
    at = datetime(2026, 12, 1, 14)
    actions.scan(plant, pick.code, lots[1].label, "bob", at=at)
    actions.override(plant, pick.code, lot=lots[0].lot, quantity="10", reason="OPENED", by="bob", at=at)
    made = actions.complete(plant, pick.code, quantity="20", location="WH-A-01", by="bob", at=at).result
    window = make_main_window(plant)
    window.start_recall([lots[1]])
    view = window.workspace.widget(window.workspace.count() - 1)
    wait_idle(20000)
    assert view.hold_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Salmonella", True)))
    view.hold_the_hold_list()
    wait_idle(20000)
    held = {h.lot.id: h for h in actions.holds_now(plant)}
    assert held[made.lot.id].reason == "Salmonella"  # made from the suspect lot, still on hand
    assert lots[1].id not in held  # used up: nothing of it left to hold
    assert message_boxes == [("information", "Holds", "1 lots put on hold.")]
    message_boxes.clear()
