"""The trace table as a spreadsheet: a title row, a frozen header with filters, Excel outline levels by depth (so
the sheet folds like the table in the app), every text cell a plain string (a code from imported data that starts
with ``=`` is never a formula; control characters are escaped)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

from workbench.format import file_text
from workbench.trace.records import COLUMNS, TraceRow

_WIDTHS = (7, 9, 18, 14, 48, 12, 7, 18, 30, 12)


def write_trace_xlsx(rows: list[TraceRow], path: str | Path, title: str = "Genealogy") -> Path:
    """Write the rows to ``path`` (whole or not at all: a temporary file beside it, renamed when complete)."""
    path = Path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = "Trace"
    _append(sheet, 1, [title])
    _append(sheet, 2, list(COLUMNS))
    depths = _depths(rows)
    for n, (r, depth) in enumerate(zip(rows, depths, strict=True), start=3):
        values = list(r.values())
        if r.description:
            values[4] = ("  " * depth) + r.description
        _append(sheet, n, values)
        sheet.row_dimensions[n].outline_level = min(7, depth)
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{chr(ord('A') + len(COLUMNS) - 1)}{len(rows) + 2}"
    for letter, width in zip("ABCDEFGHIJ", _WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.sheet_properties.outlinePr.summaryBelow = False
    temporary = path.with_name(f".{path.name}.part")
    try:
        book.save(temporary)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _append(sheet: Any, row: int, values: list[Any]) -> None:
    """A row whose text cells are always text: escaped (no control characters, which openpyxl refuses) and typed as
    strings, so a code or name starting with ``=`` is never a formula."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            cell.value = file_text(value)
            cell.data_type = "s"
        else:
            cell.value = value


def _depths(rows: list[TraceRow]) -> list[int]:
    """How deep each row hangs (its parent always comes before it)."""
    depths: list[int] = []
    for r in rows:
        depths.append(0 if r.parent < 0 else depths[r.parent] + 1)
    return depths
