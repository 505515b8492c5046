"""The root-cause views open, load in the background, react and export (pytest-qt)."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.factories import PlantBuilder
from workbench.facts import LotRef
from workbench.plant import Operation, SupplierAction
from workbench.ui.ops import wait_idle

T = datetime(2026, 5, 4, 8, 0)


@pytest.fixture(autouse=True)
def _no_progress_dialogs(monkeypatch):
    """These tests are about the views, not the progress dialog: never show one.

    (Also keeps them clear of a race in ``Op._poll``, reported to the lead: a modal
    QProgressDialog.setValue processes events, the op can finish inside it and set
    ``self.dialog`` to None before ``setLabelText``.)
    """
    from workbench.ui import ops

    monkeypatch.setattr(ops, "DIALOG_DELAY_MS", 10**9)


def _at(b: PlantBuilder, order: str, start: datetime) -> None:
    for op in b.s.scalars(select(Operation).where(Operation.order_id == b.orders[order].id)):
        op.started_at, op.finished_at = start, start + timedelta(hours=1)


@pytest.fixture
def refs(plant) -> dict[str, LotRef]:
    """Sugar S2 (vendor SWEET) behind cookies C1, C2 (returned: 'metal'); S1 behind C3, C4;
    C5 baked on OVEN1 three hours after C1; everything committed for the worker threads."""
    with plant.Session.begin() as s:
        b = PlantBuilder(s)
        b.receive("SUGAR", "S1", 100, vendor="CANE", po="PO-1", vendor_lot="CN-1")
        b.receive("SUGAR", "S2", 100, vendor="SWEET", po="PO-2", vendor_lot="SW-0382")
        b.receive("FLOUR", "F1", 500, vendor="MILL")
        for n, sugar, oven in ((1, "S2", "OVEN1"), (2, "S2", "OVEN2"), (3, "S1", "OVEN2"), (4, "S1", "OVEN3"),
                               (5, "S1", "OVEN1")):
            b.produce(f"WO-{n}", "COOKIE", [("SUGAR", sugar, 10), ("FLOUR", "F1", 20)], [(f"C{n}", 30)],
                      [("bake", oven, "ann" if n % 2 else "bob")])
        b.done()
        for n, hours in ((1, 0), (2, 30), (3, 60), (4, 90), (5, 3)):
            _at(b, f"WO-{n}", T + timedelta(hours=hours))
        for n in (1, 2, 3):
            b.ship(f"SH-{n}", "ACME", "COOKIE", f"C{n}", 10)
        b.ret("RMA-1", "ACME", "COOKIE", "C1", 2, reason="Foreign body: metal")
        b.ret("RMA-2", "ACME", "COOKIE", "C2", 1, reason="Foreign body: metal shard")
        b.ret("RMA-3", "ACME", "COOKIE", "C3", 1, reason="Late delivery")
        b.done()
        return {f"{item}/{lot}": LotRef(row.id, item, lot) for (item, lot), row in b.lots.items()}


def settle(qtbot, view, attr: str) -> None:
    qtbot.waitUntil(lambda: getattr(view, attr) is not None or view.error is not None, timeout=30000)
    qtbot.waitUntil(view.is_idle, timeout=30000)
    assert wait_idle(30000)
    assert view.error is None, view.error


def test_history_view_shows_timeline_tables_and_siblings(qtbot, plant, refs, tmp_path):
    from workbench.ui.history_view import HistoryView

    view = HistoryView(plant, refs["COOKIE/C1"])
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    settle(qtbot, view, "history")
    h = view.history
    assert view.events.rowCount() == len(h.events) and view.upstream.rowCount() == 2
    assert {view.sibling_rows.text(r, 0) for r in range(view.sibling_rows.rowCount())} == \
        {"COOKIE/C2", "COOKIE/C3", "COOKIE/C4", "COOKIE/C5"}
    assert "1 by machine within ±8 h" in view.summary.text()
    assert view.gantt.machines == ["OVEN1"]
    kinds = sorted(kind for *_, kind in view.gantt.bars)
    assert kinds == ["ours", "sibling"]
    if view.graph is not None:
        assert "lot:SUGAR/S2" in view.graph.state.nodes  # opened fully upstream
    # A narrower window drops the machine sibling (C5's bake started 2 h after C1's ended).
    view.window_box.setValue(1)
    view.refresh_siblings()
    qtbot.waitUntil(lambda: view.siblings.window == timedelta(hours=1), timeout=30000)
    qtbot.waitUntil(view.is_idle, timeout=30000)
    assert view.siblings.by_machine == []
    png = view.export_timeline(tmp_path / "timeline.png")
    assert png.stat().st_size > 1000
    files = view.export_tables(tmp_path)
    with files[0].open() as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["When", "Until", "Machine", "Operator", "What"] and len(rows) == len(h.events) + 1
    # Double-clicking a sibling asks to open it.
    with qtbot.waitSignal(view.lotActivated, timeout=2000) as sig:
        view._lot_activated(refs["COOKIE/C5"])
    assert sig.args == [refs["COOKIE/C5"]]


def test_commonality_view_ranks_and_highlights(qtbot, plant, refs, tmp_path):
    from workbench.ui.commonality_view import CommonalityView

    view = CommonalityView(plant, [refs["COOKIE/C1"], refs["COOKIE/C2"]])
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    settle(qtbot, view, "result")
    top = view.model.payload(0)
    assert (top.kind, top.code) == ("lot", "SUGAR/S2")
    assert view.chart.count == min(15, len(view.result.factors))
    assert len(view.reason_actions) == 3 and view.reasons.isEnabled()
    with qtbot.waitSignal(view.factorActivated, timeout=2000) as sig:
        view.table.clicked.emit(view.model.index(0, 1))
    assert sig.args == [["lot:SUGAR/S2"]]
    assert view.chart.marker is not None
    with qtbot.waitSignal(view.factorActivated, timeout=2000) as sig:
        view._chart_clicked(0)
    assert sig.args == [["lot:SUGAR/S2"]]
    view.kind_filter.setCurrentIndex(view.kind_filter.findData("vendor"))
    assert {view.model.payload(r).kind for r in range(view.model.rowCount())} == {"vendor"}
    assert view.model.payload(0).code == "SWEET"
    csv_path = view.export_csv(tmp_path / "rank.csv")
    assert "SWEET" in csv_path.read_text()
    assert view.export_chart(tmp_path / "rank.png").stat().st_size > 1000
    # From returns: 'metal' names C1 and C2 (not the late delivery of C3).
    view.result = None
    view.use_returns_reason("metal")
    settle(qtbot, view, "result")
    assert [r.label for r in view.result.defective] == ["COOKIE/C1", "COOKIE/C2"]


def test_scar_dialog_issues_and_writes_the_pdf(qtbot, plant, refs, tmp_path):
    from workbench.ui.scar_dialog import ScarDialog

    dialog = ScarDialog(plant, refs["SUGAR/S2"])
    qtbot.addWidget(dialog)
    settle(qtbot, dialog, "facts")
    assert "SW-0382" in dialog.facts_label.text() and "SWEET" in dialog.facts_label.text()
    assert "metal" in dialog.problem_edit.toPlainText()  # return reasons traced to S2
    assert dialog.issue_button.isEnabled()
    dialog.problem_edit.setPlainText("Metal fragments in sugar")
    dialog.path_edit.setText(str(tmp_path / "scar"))
    with qtbot.waitSignal(dialog.issued, timeout=30000) as sig:
        dialog.issue()
    code, path = sig.args
    assert code.startswith("SCAR-") and path.endswith("scar.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Metal fragments in sugar" in text and "SW-0382" in text and "D8 Closure" in text
    with plant.Session() as s:
        assert s.scalar(select(SupplierAction.code)) == code
    assert dialog.open_button.isVisible() or not dialog.isVisible()


def test_scar_dialog_asks_before_it_writes_over_a_file(qtbot, plant, refs, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from workbench.ui.scar_dialog import ScarDialog

    dialog = ScarDialog(plant, refs["SUGAR/S2"])
    qtbot.addWidget(dialog)
    settle(qtbot, dialog, "facts")
    taken = tmp_path / "scar.pdf"
    taken.write_bytes(b"the user's own PDF")
    dialog.problem_edit.setPlainText("Metal fragments in sugar")
    dialog.path_edit.setText(str(taken))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    dialog.issue()
    assert asked and "already exists" in asked[0]
    assert dialog.status.text() == "Not issued: choose another file for the PDF."
    assert taken.read_bytes() == b"the user's own PDF"
    with plant.Session() as s:
        assert s.scalar(select(SupplierAction.code)) is None  # nothing recorded
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.issued, timeout=30000):
        dialog.issue()
    assert taken.read_bytes().startswith(b"%PDF")


def test_a_taller_scar_dialog_gives_its_height_to_the_defect_text(qtbot, plant, refs):
    """The form rows stay together: the extra height goes to the text box, not into gaps between the rows."""
    from workbench.ui.scar_dialog import ScarDialog

    dialog = ScarDialog(plant, refs["SUGAR/S2"])
    qtbot.addWidget(dialog)
    settle(qtbot, dialog, "facts")
    dialog.resize(680, 720)
    dialog.show()
    dialog.layout().activate()
    problem, due = dialog.problem_edit.geometry(), dialog.due_edit.geometry()
    assert problem.height() > 200
    assert due.top() - problem.bottom() < 20
    assert dialog.path_edit.geometry().top() - due.bottom() < 20


def test_scar_dialog_refuses_a_produced_lot(qtbot, plant, refs):
    from workbench.ui.scar_dialog import ScarDialog

    dialog = ScarDialog(plant, refs["COOKIE/C1"])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.error is not None, timeout=30000)
    assert "purchased lot" in dialog.facts_label.text()
    assert not dialog.issue_button.isEnabled()


def test_vendor_view_shows_receipts_returns_and_scars(qtbot, plant, refs, tmp_path):
    from workbench.supplier.scar import issue_scar
    from workbench.ui.vendor_view import VendorView

    with plant.Session.begin() as s:
        issue_scar(s, refs["SUGAR/S2"], "Metal", issued_at=datetime(2026, 5, 20))
    view = VendorView(plant, "SWEET")
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    settle(qtbot, view, "quality")
    assert view.receipts.rowCount() == 1 and view.returns.rowCount() == 2 and view.scars.rowCount() == 1
    assert "1 open" in view.summary.text() and "<b>1</b> implicated" in view.summary.text()
    assert not view.scar_button.isEnabled()
    view.receipts_table.selectRow(0)
    assert view.scar_button.isEnabled() and view.chosen_lot() == refs["SUGAR/S2"]
    assert "SW-0382" in view.export_csv(tmp_path / "v.csv").read_text()
    assert view.export_chart(tmp_path / "v.png").stat().st_size > 1000


def test_vendor_view_reports_an_unknown_vendor(qtbot, plant, refs):
    from workbench.ui.vendor_view import VendorView

    view = VendorView(plant, "NOPE")
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.error is not None, timeout=30000)
    assert "no vendor" in view.summary.text()


def test_main_window_opens_the_root_cause_views(qtbot, plant, refs, make_main_window):
    """The main window's routes (contract in the desktop app's shape) reach these views."""
    from workbench.ui.commonality_view import CommonalityView
    from workbench.ui.history_view import HistoryView
    from workbench.ui.vendor_view import VendorView

    window = make_main_window(plant)
    window.open_history(refs["COOKIE/C1"])
    window.open_commonality([refs["COOKIE/C1"], refs["COOKIE/C2"]])
    window.open_vendor("SWEET")
    tabs = [window.workspace.widget(i) for i in range(window.workspace.count())]
    views = {type(w): w for w in tabs}
    assert {HistoryView, CommonalityView, VendorView} <= set(views)
    qtbot.waitUntil(lambda: all(v.is_idle() for v in views.values() if hasattr(v, "is_idle")), timeout=30000)
    assert wait_idle(30000)
    common = views[CommonalityView]
    assert common.result is not None and common.model.payload(0).code == "SUGAR/S2"
    common.activate(common.model.payload(0))  # forwarded to the genealogy's highlight: must not fail
    assert wait_idle(30000)


def test_commonality_from_a_reason_text_ranks_as_the_command_line(qtbot, demo_plant):
    """The demo's illness complaints are worded four ways: a reason substring, or the
    four reasons ticked together, choose all six lots, and the almond lot comes first,
    in the same order as `workbench commonality --returns-reason`."""
    from workbench.demo import INCIDENT
    from workbench.rootcause.commonality import commonality, defective_from_returns
    from workbench.ui.commonality_view import CommonalityView

    with demo_plant.Session() as s:
        cli = commonality(s, defective_from_returns(s, "Illness complaint"))
    view = CommonalityView(demo_plant, [])
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    qtbot.waitUntil(lambda: bool(view.reason_actions), timeout=10000)
    titles = []
    view.titleChanged.connect(titles.append)
    view.reason_text.setText("illness")
    assert view.use_returns.isEnabled()
    view.use_returns.click()
    settle(qtbot, view, "result")
    assert len(view.result.defective) == len(cli.defective) == 6
    assert [f.label for f in view.result.factors] == [f.label for f in cli.factors]
    assert view.result.factors[0].code == f"{INCIDENT.item}/{INCIDENT.lot}"
    assert titles[-1] == "Commonality (6 lots)" and "6 defective lots" in view.title.text()
    # The same six from the reasons ticked together.
    view.result = None
    view.reason_text.clear()
    illness = [a for a in view.reason_actions if "illness" in a.data().lower()]
    assert len(illness) >= 2
    for action in illness:
        action.setChecked(True)
    view.use_returns.click()
    settle(qtbot, view, "result")
    assert [r.label for r in view.result.defective] == [r.label for r in cli.defective]
    # And from a list pasted from a complaint system.
    view.result = None
    view.use_pasted("\n".join(r.label for r in cli.defective[:2]) + "\n")
    settle(qtbot, view, "result")
    assert [r.label for r in view.result.defective] == [r.label for r in cli.defective[:2]]
    assert titles[-1] == "Commonality (2 lots)"
