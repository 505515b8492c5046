"""File → Import EPCIS documents…: the import runs off the UI thread, then says what it did or every fault."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.interchange.epcis.paths import REAL
from workbench.plant.models import Lot


def test_epcis_import_in_the_app_shows_the_summary_and_broadcasts(qtbot, make_main_window, plant, monkeypatch):
    import workbench.ui.epcis_import as ui

    shown, broadcast = [], []
    monkeypatch.setattr(ui, "show", lambda _parent, title, head, body: shown.append((title, head, body)))
    window = make_main_window(plant)
    monkeypatch.setattr(window, "broadcast", lambda changes: broadcast.append(changes))
    assert window.epcis_import_action in window.menuBar().actions()[0].menu().actions()
    ui.import_files(window, [str(REAL / "traceback_tests.jsonld")])
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    ((title, head, body),) = shown
    assert title == "Import finished" and "21 new events" in head
    assert "events: 21 read, 21 new" in body and "lot number v1-0122-2022 is on 2 products" in body
    assert broadcast and broadcast[0].plant
    with plant.Session() as s:
        assert s.execute(select(func.count()).select_from(Lot)).scalar_one() == 6


def test_epcis_import_in_the_app_lists_every_fault(qtbot, make_main_window, plant, tmp_path, monkeypatch):
    import workbench.ui.epcis_import as ui

    bad = tmp_path / "bad.jsonld"
    bad.write_text('{"type": "EPCISDocument", "schemaVersion": "2.0", "epcisBody": {"eventList": [{"type": '
                   '"ObjectEvent", "action": "ADD"}]}}')
    shown = []
    monkeypatch.setattr(ui, "show", lambda _parent, title, head, body: shown.append((title, head, body)))
    window = make_main_window(plant)
    ui.import_files(window, [str(bad)])
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    ((title, _head, body),) = shown
    assert title == "Import refused" and body == f"{bad}: eventList[0]: the event has no eventTime"
