"""File → Export EPCIS document…: the chosen lot's trace, a period or the whole plant, written off the UI thread,
the same document `workbench export-epcis` writes."""

from __future__ import annotations

import json
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from workbench.actions.epcis_export import day_period, export_document
from workbench.facts import LotRef
from workbench.plant.models import Item, Lot


def _almonds(plant) -> LotRef:
    with plant.Session() as s:
        lot_id = s.execute(select(Lot.id).join(Item, Item.id == Lot.item_id)
                           .where(Item.code == "RM-ALMOND", Lot.code == "R26132-01")).scalar_one()
    return LotRef(lot_id, "RM-ALMOND", "R26132-01")


def test_the_dialog_exports_the_lots_trace_in_a_period_as_the_command_does(qtbot, demo_plant, tmp_path, monkeypatch):
    from workbench.ui.epcis_export import EpcisExportDialog

    lot = _almonds(demo_plant)
    dialog = EpcisExportDialog(demo_plant, lot)
    qtbot.addWidget(dialog)
    assert dialog.trace.isChecked() and "RM-ALMOND/R26132-01" in dialog.trace.text()
    dialog.direction.setCurrentIndex(1)  # forward
    dialog.in_period.setChecked(True)
    dialog.since.setDate(QDate(2026, 5, 12))
    dialog.until.setDate(QDate(2026, 5, 14))
    target = tmp_path / "almonds.jsonld"
    dialog.path_edit.setText(str(target))
    dialog.export()
    qtbot.waitUntil(lambda: dialog.done_export is not None, timeout=30000)
    done = dialog.done_export
    assert done.events > 0 and done.what == "the forward trace of RM-ALMOND/R26132-01 from 2026-05-12 to 2026-05-14"
    assert f"Exported {done.events:,} events" in dialog.status.text()
    events = json.loads(target.read_text())["epcisBody"]["eventList"]
    assert len(events) == done.events and all("2026-05-12" <= e["eventTime"][:10] <= "2026-05-14" for e in events)
    same = export_document(demo_plant, tmp_path / "cli.jsonld", "json", "R26132-01", "RM-ALMOND", "forward",
                           day_period(date(2026, 5, 12), date(2026, 5, 14)))
    assert same.events == done.events and same.what == done.what

    # A file that is there: asked first; told no, nothing is written.
    before = target.read_bytes()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog.done_export = None
    dialog.export()
    assert dialog.status.text() == "Not exported: choose another file." and target.read_bytes() == before


def test_without_a_lot_the_dialog_exports_the_whole_plant_as_xml(qtbot, demo_plant, tmp_path):
    from workbench.ui.epcis_export import EpcisExportDialog

    dialog = EpcisExportDialog(demo_plant, None)
    qtbot.addWidget(dialog)
    assert not dialog.trace.isEnabled() and dialog.whole.isChecked() and not dialog.direction.isEnabled()
    dialog.path_edit.setText(str(tmp_path / "plant.xml"))
    dialog.export()
    qtbot.waitUntil(lambda: dialog.done_export is not None, timeout=60000)
    assert dialog.done_export.format == "xml" and dialog.done_export.events > 5000
    assert (tmp_path / "plant.xml").read_bytes().startswith(b"<?xml")
    dialog.path_edit.setText(str(tmp_path / "plant.csv"))
    dialog.export()
    assert "written as .jsonld or .json, not .csv" in dialog.status.text()


def test_the_file_menu_offers_the_export(make_main_window, plant):
    window = make_main_window(plant)
    assert window.epcis_export_action in window.menuBar().actions()[0].menu().actions()
