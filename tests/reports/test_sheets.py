"""The spreadsheet writer (xlsxwriter, constant memory): every cell read back as written."""

from __future__ import annotations

import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from workbench.reports import sheets

pytestmark = pytest.mark.sqlite  # no database: run once

TEXTS = [
    "<r><t>rich?</t></r>",  # xlsxwriter's own writer would put this into the XML unescaped
    "</t></is></c><c r=\"Z1\"><f>1+1</f></c>",  # nor may markup close the cell
    "_x0041_ stays as typed",  # nor may an Excel escape be turned into "A"
    "=HYPERLINK(\"http://evil.example\",\"x\")", "+1", "-1", "@SUM(A1)", "＝1+1",
    "  spaces at both ends  ", "line\nbreak", "carriage\rreturn", "tab\tinside",
    "1E5", "0012", "http://example.com", "&amp; <b>", "Ünïcødé ☃ 𝔘",
    "bell\x07 nul\x00 bidi\u202e end",  # unsafe characters: escaped as visible text
]


def test_text_stays_text_and_values_keep_their_types(tmp_path):
    path = tmp_path / "book.xlsx"
    at = datetime(2026, 3, 1, 12, 34)
    rows = [(t, Decimal("60.5"), at, None, 7, True) for t in TEXTS] + [("", Decimal("120.000000"), None, "x", 0, False)]
    sheets.write_book(path, [("Data", ("Text", "Qty", "When", "Empty", "Int", "Flag"), rows, (30, 10, 17, 5, 6, 6),
                              False)])
    ws = load_workbook(path)["Data"]
    got = list(ws.iter_rows(min_row=2))
    assert len(got) == len(rows)
    for (text, *_), cells in zip(rows, got, strict=True):
        assert cells[0].data_type == ("s" if text else "inlineStr")  # "": an empty text cell, as openpyxl wrote it
        assert cells[0].value == (sheets.file_text(text) if text else None)
    assert "bell\\u0007 nul\\u0000 bidi\\u202e end" in [c[0].value for c in got]
    assert got[0][1].value == 60.5 and got[-1][1].value == 120
    assert got[0][2].value == at and got[0][2].number_format == sheets.DATE_FORMAT
    assert got[0][3].value is None and got[0][4].value == 7 and got[0][5].value is True
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:F{len(rows) + 1}"
    assert ws.column_dimensions["A"].width == 30 and ws.column_dimensions["C"].width == 17
    header = next(ws.iter_rows(max_row=1))
    assert [c.value for c in header] == ["Text", "Qty", "When", "Empty", "Int", "Flag"]
    assert header[0].font.b and header[0].fill.fgColor.rgb.endswith("1F4E5F")
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<r>" not in xml  # no formula, no rich text smuggled in


def test_a_cell_longer_than_excel_holds_is_cut_visibly(tmp_path):
    path = tmp_path / "long.xlsx"
    sheets.write_book(path, [("Long", ("Text",), [("x" * 40_000,), ("𝔘" * 20_000,)], (10,), False)])
    values = [row[0] for row in load_workbook(path)["Long"].iter_rows(min_row=2, values_only=True)]
    for value in values:
        assert value.endswith(sheets.CUT_NOTE)
        assert len(value.encode("utf-16-le")) // 2 <= sheets.MAX_CELL


def test_an_empty_sheet_has_its_header(tmp_path):
    path = tmp_path / "empty.xlsx"
    sheets.write_book(path, [("None", ("A", "B"), [], (10, 10), True)])
    ws = load_workbook(path)["None"]
    assert [c.value for c in next(ws.iter_rows())] == ["A", "B"] and ws.max_row == 1
    assert ws.auto_filter.ref == "A1:B2"
