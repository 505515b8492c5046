"""The recall view opens, shows the hold list, customers, chart and reconciliation, and exports."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from tests.recall.test_recall import almond_incident
from workbench.plant.lookup import find_lot
from workbench.ui.ops import wait_idle
from workbench.ui.recall_view import RecallView


@pytest.fixture(autouse=True)
def _no_progress_dialogs(monkeypatch):
    """The view shows its own progress bar; the loading dialog is not under test here."""
    from workbench.ui import ops

    monkeypatch.setattr(ops, "DIALOG_DELAY_MS", 10**9)


@pytest.fixture
def view(plant, qtbot):
    with plant.Session.begin() as s:
        almond_incident(s)
    with plant.Session() as s:
        root = find_lot(s, "ALM-A1")
    v = RecallView(plant, [root])
    qtbot.addWidget(v)
    v.show()
    assert wait_idle(30000)
    assert v.recall is not None, v.error
    return v


def test_view_shows_hold_list_customers_chart_and_reconciliation(view):
    assert view.lot_model.rowCount() == 5
    first_two = [(view.lot_model.rows[i].values[2], view.lot_model.rows[i].bold) for i in range(2)]
    assert first_two == [("BAR-B3", True), ("BAR-B1", True)]  # the hold list first, in bold
    assert "2 to hold" in view.summary.text() and "2 customers" in view.summary.text()

    assert view.customer_model.rowCount() == 2
    top = view.customer_model.item(0, 0)
    assert top.text() == "CU-2" and top.rowCount() == 2
    assert [top.child(i, 4).text() for i in range(2)] == ["BAR-B1", "BAR-B2"]
    assert view.bars is not None
    assert view.chart_data == [(110, "CU-2"), (90, "CU-1")]

    rec = view.rec_model
    assert rec.rowCount() == 5
    assert rec.is_flagged(0) and not any(rec.is_flagged(i) for i in range(1, 5))
    red = rec.data(rec.index(0, 0), Qt.ItemDataRole.ForegroundRole)
    assert red.color().name() == "#c53030"
    assert "1,000 kg in question, 1,050 kg found (105.0 %)" in view.found.text()
    assert view.tabs.tabText(2) == "Reconciliation (1 flagged)"
    assert view.export_button.isEnabled()


def test_export_writes_the_package_and_opens_the_folder(view, qtbot, tmp_path, monkeypatch):
    # The dialog names a folder, which need not exist yet (a folder picker would refuse one).
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(tmp_path), "")))
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    view.reason.setText("Salmonella in the supplier's retained sample")
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert view.progress_bar.isVisible() and view.cancel_button.isVisible()
    assert wait_idle(60000)
    assert view.exported_to == tmp_path  # the chosen folder was empty
    assert view.open_button.isVisible() and not view.progress_bar.isVisible()
    assert "Wrote" in view.status.text()
    data = json.loads((tmp_path / "recall.json").read_text())
    assert data["reason"] == "Salmonella in the supplier's retained sample"
    assert (tmp_path / "letters" / "CU-1.pdf").exists() and (tmp_path / "fsma204.xlsx").exists()
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in opened] == [str(tmp_path)]

    # A second export into the same (now full) folder goes into a new subfolder.
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert wait_idle(60000)
    assert view.exported_to == tmp_path / view.recall.reference
    # A folder that does not exist yet is made.
    fresh = tmp_path / "new" / "recall-package"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(fresh), "")))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert wait_idle(60000)
    assert view.exported_to == fresh and (fresh / "recall.json").exists()


def test_cancel_leaves_nothing_written(view, tmp_path):
    target = tmp_path / "package"
    op = view.export_to(target)
    view.cancel_export()
    assert op.progress.cancelled
    assert wait_idle(60000)
    assert view.status.text() == "Export cancelled; nothing was written."
    assert list(tmp_path.iterdir()) == []
    assert not view.open_button.isVisible() and view.export_button.isEnabled()


def test_quantity_flow_tab_draws_clicks_and_exports(view, qtbot, tmp_path):
    from workbench.ui.flow_view import FlowBand, FlowBox

    assert wait_idle(30000) and view.flow_layout is not None  # laid out in the background
    tab = [view.tabs.tabText(i) for i in range(view.tabs.count())].index("Quantity flow")
    view.tabs.setCurrentIndex(tab)
    flows = view.flow_view
    boxes = {b.node.label: b for b in flows.boxes.values()}
    assert {"ALM/ALM-A1", "CHOP/CHOP-C1", "BAR/BAR-B1", "Unaccounted", "On hand (hold)"} <= set(boxes)
    red = boxes["Unaccounted"]
    assert red.brush().color().name() == "#c53030"
    assert any(isinstance(i, FlowBand) and i.ribbon.link.source == red.node.id for i in flows.scene().items())
    # Everything drawn fits in the scene; the fitted view shows the whole scene.
    scene_rect = flows.scene().sceneRect()
    assert scene_rect.contains(flows.scene().itemsBoundingRect().adjusted(2, 2, -2, -2))
    # Clicking a lot tells the window which lot; double-clicking opens it; a customer shows the customer.
    with qtbot.waitSignal(view.lotSelected) as sel:
        flows.select_node(boxes["BAR/BAR-B1"].node.id)
    assert sel.args[0].lot == "BAR-B1"
    lit = [b for b in flows.bands if b.brush().color().alpha() == 200]
    assert lit and all("BAR/BAR-B1" in b.toolTip() for b in lit)
    with qtbot.waitSignal(view.customerSelected) as cust:
        flows.select_node("customer:CU-1")
    assert cust.args == ["CU-1"]
    centre = flows.mapFromScene(boxes["CHOP/CHOP-C1"].sceneBoundingRect().center())
    with qtbot.waitSignal(view.lotActivated) as act:
        qtbot.mouseDClick(flows.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert act.args[0].lot == "CHOP-C1"
    assert isinstance(flows.itemAt(centre), FlowBox)
    for suffix in ("png", "svg", "pdf"):
        out = view.export_flows(tmp_path / f"flow.{suffix}")
        assert out is not None and out.stat().st_size > 1000
    assert "Quantity flow saved" in view.status.text()


def test_sort_indicators_match_the_order_shown(view):
    header = view.lot_table.horizontalHeader()
    assert header.sortIndicatorSection() < 0 or not header.isSortIndicatorShown()  # hold list order: no arrow
    lots_before = [r.values[2] for r in view.lot_model.rows]
    assert lots_before[:2] == ["BAR-B3", "BAR-B1"]
    view.lot_table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # the user sorts by lot
    assert header.sortIndicatorSection() == 2
    assert [r.values[2] for r in view.lot_model.rows] == sorted(lots_before)
    view._fill_lots(view.recall)  # new rows (a refresh) keep the order the arrow shows
    assert [r.values[2] for r in view.lot_model.rows] == sorted(lots_before)


def test_print_letters_goes_through_the_print_dialog(view, tmp_path, monkeypatch):
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QDialog

    from workbench.ui import printing

    printed = tmp_path / "printed.pdf"

    class Dialog:  # the user picks "Print to file" and presses Print
        def __init__(self, printer, _parent):
            self.printer = printer

        def setWindowTitle(self, _title):
            pass

        def setMinMax(self, _lo, _hi):
            pass

        def exec(self):
            self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.printer.setOutputFileName(str(printed))
            self.printer.setResolution(150)
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(printing, "QPrintDialog", Dialog)
    assert not view.print_button.isVisible() and view.print_letters() == 0  # nothing exported yet
    view.export_to(tmp_path / "package")
    assert wait_idle(60000)
    assert view.print_button.isVisible()
    pages = len(PdfReader(tmp_path / "package" / "letters.pdf").pages)
    assert view.print_letters() == pages
    assert len(PdfReader(printed).pages) == pages
