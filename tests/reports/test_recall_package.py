"""The recall package: every file read back (PDF text, spreadsheets, CSV, JSON), on both databases."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.recall.test_recall import almond_incident
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.plant.lookup import find_lot
from workbench.progress import Cancelled, Progress
from workbench.recall.engine import recall
from workbench.reports import fsma204
from workbench.reports.letters import letter_file_name, render_letter
from workbench.reports.package import write_recall_package
from workbench.settings import default_letterhead, load_letterhead

EXPECTED_FILES = {"manifest.json", "recall.json", "hold-list.csv", "reconciliation.csv", "contacts.csv", "contacts.xlsx",
                  "fsma204.xlsx", "summary.pdf", "letters.pdf"}


def pdf_text(path_or_bytes) -> str:
    from io import BytesIO

    source = BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    text = "\n".join(page.extract_text() for page in PdfReader(source).pages)
    return " ".join(text.split())  # one space for every line break and run of spaces


@pytest.fixture
def almond_recall(session):
    almond_incident(session)
    return recall(session, [find_lot(session, "ALM-A1")], reason="Salmonella found in the supplier's sample")


@pytest.fixture
def package(almond_recall, tmp_path):
    out = tmp_path / "package"
    files = write_recall_package(almond_recall, out, default_letterhead())
    return almond_recall, out, files


def test_package_holds_every_file_and_nothing_else(package):
    r, out, files = package
    names = {str(p.relative_to(out)) for p in files}
    letters = {f"letters/{letter_file_name(c.customer)}" for c in r.customers}
    assert names == EXPECTED_FILES | letters
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temp folder left


def test_recall_json_has_the_documented_shape(package):
    _r, out, _ = package
    data = json.loads((out / "recall.json").read_text())
    assert data["roots"] == [{"item": "ALM", "lot": "ALM-A1"}]
    lot = next(a for a in data["affected_lots"] if a["lot"] == "BAR-B1")
    assert {k: lot[k] for k in ("item", "lot", "kind", "made", "consumed", "shipped", "returned", "on_hand", "unit")} \
        == {"item": "BAR", "lot": "BAR-B1", "kind": "product", "made": 100, "consumed": 0, "shipped": 70,
            "returned": 5, "on_hand": 35, "unit": "kg"}
    cu1 = next(c for c in data["customers"] if c["customer"] == "CU-1")
    assert set(cu1) == {"customer", "name", "contact", "email", "phone", "address", "shipments"}
    assert [s["lot"] for s in cu1["shipments"]] == ["BAR-B1", "BAR-B3"]
    assert set(cu1["shipments"][0]) == {"shipment", "shipped_at", "order_ref", "item", "lot", "quantity", "unit"}
    assert data["totals"]["amount_in_question"] == {"kg": 1000}
    assert data["totals"]["percent_found"] == {"kg": 105}


def test_each_letter_names_exactly_its_customers_lots(package):
    r, out, _ = package
    all_lots = {ln.lot for ln in r.lines}
    for c in r.customers:
        text = pdf_text(out / "letters" / letter_file_name(c.customer))
        mine = {ln.lot for ln in c.lines}
        assert {lot for lot in all_lots if re.search(rf"\b{re.escape(lot)}\b", text)} == mine, c.customer
        assert c.display_name in text and "URGENT: PRODUCT RECALL" in text
        assert "Salmonella found in the supplier's sample" in text
        assert r.reference in text and "Dana Whitfield" in text
        for ln in c.lines:
            assert ln.shipment in text and ln.order_ref in text
        assert "Page 1 of 1" in text
    combined = PdfReader(out / "letters.pdf")
    assert len(combined.pages) == sum(len(PdfReader(out / "letters" / letter_file_name(c.customer)).pages)
                                      for c in r.customers)


def test_letter_files_equal_letters_laid_out_alone(package):
    """The per-customer files come from the recorded pages; they say what a fresh layout says."""
    r, out, _ = package
    for c in r.customers:
        alone = pdf_text(render_letter(r, c, default_letterhead()))
        assert pdf_text(out / "letters" / letter_file_name(c.customer)) == alone


def test_contacts_read_back(package):
    r, out, _ = package
    wb = load_workbook(out / "contacts.xlsx")
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("Customer", "Name", "Contact", "E-mail", "Phone", "Address")
    assert len(rows) - 1 == len(r.lines) == 4
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:N5"
    assert ws.column_dimensions["B"].width == 30
    by_shipment = {row[6]: row for row in rows[1:]}
    assert by_shipment["SH-4"][0] == "CU-1" and by_shipment["SH-4"][11] == "BAR-B3"
    assert by_shipment["SH-4"][12] == 50 and by_shipment["SH-4"][13] == "kg"
    assert "9 CU-1 Street" in by_shipment["SH-4"][5]
    with (out / "contacts.csv").open() as fh:
        lines = list(csv.DictReader(fh))
    assert [(x["customer"], x["lot"], x["quantity"]) for x in lines] == [
        ("CU-2", "BAR-B1", "30"), ("CU-2", "BAR-B2", "80"), ("CU-1", "BAR-B1", "40"), ("CU-1", "BAR-B3", "50")]


def test_fsma204_sheet_has_one_row_per_food_per_event(package):
    r, out, _ = package
    wb = load_workbook(out / "fsma204.xlsx")
    assert wb.sheetnames == ["Trace", "About"]
    ws = wb["Trace"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == fsma204.HEADERS
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:Y")
    events = [row[0] for row in rows[1:]]
    n_transformation_rows = sum(len(t.inputs) + len(t.outputs) for t in r.transformations)
    assert events.count("Receiving") == 2  # the receipt of ALM-A1 and the return RMA-1
    assert events.count("Transformation") == n_transformation_rows == 9
    assert events.count("Shipping") == 4
    dates = [row[1] for row in rows[1:]]
    assert dates == sorted(dates)
    col = {h: i for i, h in enumerate(rows[0])}
    receipt = next(row for row in rows[1:] if row[col["Reference document type"]] == "Receipt")
    assert receipt[col["Traceability lot code (TLC)"]] == "(01)10850047100274(10)ALM-A1"
    assert receipt[col["Quantity"]] == 1000 and receipt[col["Unit of measure"]] == "kg"
    assert receipt[col["Ship-from location"]].startswith("NUTCO Supplies")
    assert receipt[col["Ship-to location"]].startswith("Northfield Foods")
    wo2 = [row for row in rows[1:] if row[col["Reference document number"]] == "WO-2"]
    assert [row[col["Role"]] for row in wo2] == ["input", "input", "output", "output"]  # inputs first
    assert [row[col["In recall"]] for row in wo2[:2]] == ["yes", "no"]
    ship = next(row for row in rows[1:] if row[0] == "Shipping")
    assert ship[col["Traceability lot code (TLC)"]].startswith("BAR/")
    assert ship[col["Reference document type"]] == "Shipment (bill of lading)"
    about = dict(wb["About"].iter_rows(min_row=2, values_only=True))
    assert "inputs listed first" in about["Transformations"]


def test_reconciliation_and_hold_list_csv(package):
    r, out, _ = package
    with (out / "reconciliation.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(r.affected)
    first = rows[0]
    assert (first["lot"], first["flagged"], first["unaccounted"], first["on_hand"]) == ("ALM-A1", "yes", "50", "-50")
    assert all(row["flagged"] == "no" for row in rows[1:])
    with (out / "hold-list.csv").open() as fh:
        hold = list(csv.DictReader(fh))
    assert [(h["lot"], h["on_hand"]) for h in hold] == [("BAR-B3", "40"), ("BAR-B1", "35")]


def test_summary_is_one_to_three_pages_with_the_figures(package):
    _r, out, _ = package
    reader = PdfReader(out / "summary.pdf")
    assert 1 <= len(reader.pages) <= 3
    text = pdf_text(out / "summary.pdf")
    for words in ("Recall summary", "Key figures", "Reconciliation", "Genealogy", "Customers by quantity",
                  "ALM-A1", "105.0 %", "more left the lot than it held"):
        assert words in text, words


def test_only_a_previous_package_is_replaced_and_only_with_force(almond_recall, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    for force in (False, True):
        with pytest.raises(WorkbenchError, match="not empty and is not the recall package"):
            write_recall_package(almond_recall, out, default_letterhead(), force=force)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    previous = tmp_path / "previous"
    write_recall_package(almond_recall, previous, default_letterhead())
    with pytest.raises(WorkbenchError, match="holds a previous recall package; replace it with --force"):
        write_recall_package(almond_recall, previous, default_letterhead())
    write_recall_package(almond_recall, previous, default_letterhead(), force=True)
    assert (previous / "summary.pdf").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    write_recall_package(almond_recall, empty, default_letterhead())
    assert (empty / "letters.pdf").exists()


def test_a_cancel_leaves_nothing_behind(almond_recall, tmp_path):
    progress = Progress()
    seen = []

    def cancel_at_letters(fraction, message=None):
        seen.append(message)
        if message and "Letter" in message:
            progress.cancel()
        progress(fraction, message)

    with pytest.raises(Cancelled):
        write_recall_package(almond_recall, tmp_path / "package", default_letterhead(), progress=cancel_at_letters)
    assert list(tmp_path.iterdir()) == []
    assert any("summary.pdf" in (m or "") for m in seen)


@pytest.mark.parametrize("backend", [pytest.param("sqlite", marks=pytest.mark.sqlite)])  # pool: not the db
def test_worker_processes_write_the_same_package(almond_recall, tmp_path, backend):
    files = write_recall_package(almond_recall, tmp_path / "pooled", default_letterhead(), parallel=True)
    names = {str(p.relative_to(tmp_path / "pooled")) for p in files}
    assert names >= EXPECTED_FILES
    for c in almond_recall.customers:
        text = pdf_text(tmp_path / "pooled" / "letters" / letter_file_name(c.customer))
        assert all(ln.lot in text for ln in c.lines)
    assert load_workbook(tmp_path / "pooled" / "fsma204.xlsx")["Trace"].max_row == 16


def test_letterhead_settings_file_overrides_the_defaults(tmp_path):
    from workbench.config import config_dir

    default_logo = default_letterhead().logo
    assert default_logo is not None
    logo = Path(default_logo)
    (tmp_path / "brand.png").write_bytes(logo.read_bytes())
    path = tmp_path / "letterhead.toml"
    path.write_text('name = "Acme Snacks Ltd"\nrecall_contact = "J. Smith"\nlogo = "brand.png"\n')
    lh = load_letterhead(path)
    assert lh.name == "Acme Snacks Ltd" and lh.recall_contact == "J. Smith"
    assert lh.logo == (tmp_path / "brand.png").resolve()
    assert lh.phone == default_letterhead().phone  # untouched keys keep the defaults
    (tmp_path / "bad.json").write_text('{"nmae": "typo"}')
    with pytest.raises(WorkbenchError, match=r"bad.json: unknown letterhead setting 'nmae'"):
        load_letterhead(tmp_path / "bad.json")
    (config_dir() / "letterhead.json").write_text('{"name": "From Settings Inc."}')
    try:
        assert load_letterhead().name == "From Settings Inc."
    finally:
        (config_dir() / "letterhead.json").unlink()


def test_cli_writes_the_package(db_url, plant, tmp_path, capsys):
    with plant.Session.begin() as s:
        almond_incident(s)
    out = tmp_path / "cli"
    code = main(["recall", "--db", db_url, "ALM-A1", "--item", "ALM", "CHOP-C1", "--out", str(out),
                 "--reason", "Salmonella"])
    assert code == 0
    said = capsys.readouterr()
    assert "5 affected lots" in said.out and "2 customers" in said.out and "1 lot(s) flagged" in said.out
    data = json.loads((out / "recall.json").read_text())
    assert data["roots"] == [{"item": "ALM", "lot": "ALM-A1"}, {"item": "CHOP", "lot": "CHOP-C1"}]
    assert data["reason"] == "Salmonella"
    assert main(["recall", "--db", db_url, "ALM-A1", "--out", str(out)]) == 1
    assert "replace it with --force" in capsys.readouterr().err
    assert main(["recall", "--db", db_url, "NOPE", "--out", str(tmp_path / "x")]) == 1
    assert "There is no lot 'NOPE'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_demo_incident_package_letters(demo_plant, tmp_path):
    from workbench.demo import INCIDENT

    with demo_plant.Session() as s:
        r = recall(s, [find_lot(s, INCIDENT.lot, INCIDENT.item)], reason=INCIDENT.story)
    write_recall_package(r, tmp_path / "demo", default_letterhead())
    c = r.customers[0]
    text = pdf_text(tmp_path / "demo" / "letters" / letter_file_name(c.customer))
    assert all(ln.lot in text for ln in c.lines)
    others = {ln.lot for ln in r.lines} - {ln.lot for ln in c.lines}
    assert not [lot for lot in others if re.search(rf"(?<![\w-]){re.escape(lot)}(?![\w-])", text)]
    assert Decimal(sum(ln.quantity for ln in c.lines)) > 0


def test_long_letters_run_over_pages_and_stay_complete(session, tmp_path):
    """Customers with many lines get letters of several pages, each numbered on its own."""
    from tests.factories import PlantBuilder

    b = PlantBuilder(session)
    b.receive("FLOUR", "F-1", 10000)
    b.produce("WO-1", "BREAD", [("FLOUR", "F-1", 5000)], [(f"BR-{i:03d}", 100) for i in range(45)])
    for i in range(45):
        for c in ("CU-A", "CU-B", "CU-C"):
            b.ship(f"S{c[-1]}{i:03d}", c, "BREAD", f"BR-{i:03d}", 10 + i % 7)
    b.done()
    r = recall(session, [find_lot(session, "F-1")])
    write_recall_package(r, tmp_path / "long", default_letterhead())
    total_pages = 0
    for customer in r.customers:
        path = tmp_path / "long" / "letters" / letter_file_name(customer.customer)
        pages = len(PdfReader(path).pages)
        total_pages += pages
        text = pdf_text(path)
        assert pages >= 2 and f"Page {pages} of {pages}" in text
        assert all(re.search(rf"\b{ln.shipment}\b", text) for ln in customer.lines)
        assert "Yours sincerely" in text
    assert len(PdfReader(tmp_path / "long" / "letters.pdf").pages) == total_pages
