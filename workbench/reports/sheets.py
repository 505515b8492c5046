"""Sortable spreadsheets, written fast and inert: the recall's contact list and FSMA 204 sheet.

Written with xlsxwriter in constant-memory mode (each row goes to the file as it is
written; several times faster than openpyxl's write-only mode at the size of a recall).
What every sheet keeps, whatever the text:

* every text cell is a string (inline string), never a formula, a number or a link:
  text is escaped first (``format.file_text``: no control character, NUL or lone
  surrogate, which the file cannot hold), then XML-escaped and written as it is. It is
  written by ``_TextSheet`` below, not by xlsxwriter's own inline-string writer, which
  would write a text shaped like ``<r>…</r>`` unescaped into the XML (as rich text:
  a way to smuggle a formula into the sheet) and rewrite ``_xHHHH_`` sequences, so
  the text read back would differ from the text written;
* quantities stay numbers (``Decimal`` written as openpyxl wrote it, ``%.16g``), dates
  carry a date format, ``None`` is an empty cell;
* header in row 1 (bold, white on the house colour), frozen below it, an autofilter
  over all columns, fixed column widths (the same widths openpyxl reads back).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from math import isfinite
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from xlsxwriter import Workbook
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from workbench.format import file_text

DATE_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_COLOR = "#FFFFFF"
HEADER_FILL = "#1F4E5F"
#: Excel's default font's digit width and cell padding in pixels: how a width in
#: characters (openpyxl's ``column_dimensions[...].width``) is stored.
_DIGIT, _PAD = 7, 5

#: The longest text an Excel cell holds.
MAX_CELL = 32767
CUT_NOTE = " [… cut here: a spreadsheet cell holds at most 32,767 characters]"

_XML_TEXT = {"\r": "&#13;"}  # kept through XML's line-end normalisation, as lxml writes it


class _TextSheet(Worksheet):
    """A worksheet whose text cells are written as plain escaped inline strings (see the module),
    with a fast path for the data rows: ``write_rows`` writes each row's XML at once into
    the constant-memory row file, which is what xlsxwriter's cell calls do one cell (and
    several checks and tuples) at a time."""

    def _write_cell(self, row: int, col: int, cell) -> None:
        if type(cell).__name__ != "String":
            super()._write_cell(row, col, cell)
            return
        style = f' s="{cell.format._get_xf_index()}"' if cell.format else ""
        self.fh.write(_text_cell(xl_rowcol_to_cell(row, col), cell.string, style))

    def write_rows(self, first: int, rows: Iterable[Sequence], date_format) -> int:
        """Write ``rows`` from row index ``first`` on (nothing written below it yet); returns
        the index of the last row written (``first - 1`` for none)."""
        self._write_single_row(first)  # the rows above (the header) go to the file first
        when = f' s="{date_format._get_xf_index()}"'
        names: list[str] = []
        #: Each distinct value's cell body, made once (codes, names and places repeat a lot).
        bodies: dict[Any, str] = {}
        write = self.fh.write
        n = first - 1
        widest = -1
        for n, row in enumerate(rows, start=first):
            r = str(n + 1)
            cells = []
            for c, value in enumerate(row):
                if value is None:
                    continue
                if c >= len(names):
                    names += [xl_col_to_name(i) for i in range(len(names), c + 1)]
                body = bodies.get((type(value), value))
                if body is None:
                    body = bodies[(type(value), value)] = self._body(value, when)
                cells.append(f'<c r="{names[c]}{r}"{body}')
            widest = max(widest, len(row) - 1)
            write(f'<row r="{r}">{"".join(cells)}</row>')
        if n >= first:
            self._check_dimensions(first, 0)
            self._check_dimensions(n, max(widest, 0))
            self.previous_row = n + 1
        return n

    def _body(self, value, date_style: str) -> str:
        """A cell's XML after its reference: type, style and value (``<c r="A1"`` + this)."""
        if isinstance(value, str):
            return _text_body(_cell_text(value), "") if value else ' t="inlineStr"/>'
        if isinstance(value, bool):
            return f' t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (Decimal, int, float)):
            return _number_body(value, "")
        if isinstance(value, (datetime, date)):
            return _number_body(self._convert_date_time(value), date_style)
        return _text_body(_cell_text(value), "")


def _text_cell(ref: str, text: str, style: str) -> str:
    return f'<c r="{ref}"{_text_body(text, style)}'


def _text_body(text: str, style: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'{style} t="inlineStr"><is><t{space}>{escape(text, _XML_TEXT)}</t></is></c>'


def _number_body(value, style: str) -> str:
    if not isfinite(value):
        return f"{style}/>"  # as openpyxl wrote a NaN or an infinity: an empty cell
    return f"{style}><v>{float(value):.16g}</v></c>"  # as openpyxl: "%.16g" of the float


def _cell_text(value) -> str:
    """Text as a cell holds it: escaped, and cut visibly at Excel's limit of 32,767
    characters (UTF-16 units; a longer cell makes Excel refuse the file, and xlsxwriter
    would cut it without a word)."""
    text = file_text(value)
    if len(text) <= MAX_CELL // 2 or _units(text) <= MAX_CELL:
        return text
    room = MAX_CELL - len(CUT_NOTE)
    text = text[:room]
    while (excess := _units(text) - room) > 0:
        text = text[:-excess]
    return text + CUT_NOTE


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _width(characters: float) -> float:
    """The xlsxwriter width that Excel stores (and openpyxl reads back) as ``characters``."""
    return (round(characters * _DIGIT) - _PAD) / _DIGIT if characters > 1 else characters


class Book:
    """A workbook being written: ``add_sheet`` for each sheet, then ``close``."""

    def __init__(self, path: str | Path):
        self._wb = Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False,
                                        "default_date_format": DATE_FORMAT})
        self._formats: dict[Any, Any] = {}

    def _format(self, key, **props):
        if key not in self._formats:
            self._formats[key] = self._wb.add_format(props)
        return self._formats[key]

    def add_sheet(self, title: str, headers: Sequence[str], rows: Iterable[Sequence], widths: Sequence[float],
                  wrap: bool = False, date_format: str = DATE_FORMAT) -> int:
        """Add a sortable sheet (rows in order, written as they come); returns the rows written."""
        ws = self._wb.add_worksheet(title, worksheet_class=_TextSheet)
        for i, width in enumerate(widths):
            ws.set_column(i, i, _width(width))
        ws.freeze_panes(1, 0)
        head = self._format(("head", wrap), bold=True, font_color=HEADER_COLOR, bg_color=HEADER_FILL, pattern=1,
                            valign="vcenter", text_wrap=wrap)
        when = self._format(("date", date_format), num_format=date_format)
        for c, h in enumerate(headers):
            ws.write_string(0, c, file_text(h), head)
        last = ws.write_rows(1, rows, when)
        ws.autofilter(0, 0, max(1, last), len(headers) - 1)
        return last

    def close(self) -> None:
        self._wb.close()


def write_book(path: str | Path, sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence], Sequence[float], bool]]
               ) -> None:
    """Write a workbook of sheets ``(title, headers, rows, widths, wrap)``."""
    book = Book(path)
    try:
        for title, headers, rows, widths, wrap in sheets:
            book.add_sheet(title, headers, rows, widths, wrap=wrap)
    finally:
        book.close()
