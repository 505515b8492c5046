"""The house style of every PDF the workbench writes (recall letters, summaries, SCARs).

One place for the palette, paragraph styles, table style and page furniture:

* ``document(target, letterhead, title, reference)`` — a ``BaseDocTemplate`` with two page
  templates: ``first`` (the full letterhead: logo, company name, address, contacts) and
  ``later`` (a slim running header); both carry a footer with "Page x of y".
* Page numbers count *sections*: a combined print file of many letters numbers each
  letter from 1 (``section_start(key, title)`` opens a section; ``new_section(...)``
  also starts a new page with the full letterhead).
* ``data_table(...)`` — a table with a repeated header, right-aligned quantities, light
  zebra rows and optional red rows for findings; it splits across pages.
* ``LineTable(...)`` — the same look for tables of plain text, drawn line by line (the
  letters' shipment lines); ``TextLines(...)`` — plain wrapped text in a paragraph style.
* ``build_sections`` / ``pages_pdf`` — lay pages out once, then write any selection of
  them as files of their own from their recorded, compressed streams.

Fonts are the PDF base-14 Helvetica family: nothing to embed, so documents are small and
building a thousand letters stays fast.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache, partial
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from workbench.format import file_text, number
from workbench.reports.paper import page_points
from workbench.settings import Letterhead

# Streams are written zlib-compressed in binary, not also ASCII85-encoded (reportlab's
# default, for 7-bit mail transport): with reportlab's pure-Python encoder, ASCII85 was a
# fifth of the time of a letter. Process-wide, as reportlab reads it when writing.
rl_config.useA85 = 0

# --- palette ---------------------------------------------------------------------------

INK = colors.HexColor("#1a202c")
MUTED = colors.HexColor("#5a6473")
ACCENT = colors.HexColor("#1f4e5f")
RULE = colors.HexColor("#c9d1d9")
ZEBRA = colors.HexColor("#f4f6f8")
HEAD_FILL = colors.HexColor("#e6edf1")
ALERT_HEX = "#c53030"
ALERT = colors.HexColor(ALERT_HEX)
ALERT_FILL = colors.HexColor("#fde8e8")

#: The default page (A4); a document takes its company's paper (``paper.page_points``).
PAGE = A4
MARGIN = 20 * mm
LETTERHEAD_HEIGHT = 34 * mm
RUNNING_HEADER_HEIGHT = 14 * mm
FOOTER_HEIGHT = 12 * mm
FONT, BOLD, ITALIC = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"
FONTS = (FONT, BOLD, ITALIC, "Helvetica-BoldOblique")


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles, shared by every document (built once per process)."""
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, textColor=INK,
                          spaceAfter=6, allowWidows=0, allowOrphans=0)
    s = {
        "body": body,
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=17, leading=21,
                                textColor=ACCENT, spaceAfter=4),
        "alert": ParagraphStyle("alert", body, fontName=BOLD, fontSize=12.5, leading=16,
                                textColor=ALERT, spaceAfter=8),
        "h1": ParagraphStyle("h1", body, fontName=BOLD, fontSize=12.5, leading=16, textColor=ACCENT,
                             spaceBefore=10, spaceAfter=5, keepWithNext=1),
        "h2": ParagraphStyle("h2", body, fontName=BOLD, fontSize=10.5, leading=14, textColor=INK,
                             spaceBefore=8, spaceAfter=3, keepWithNext=1),
        "small": ParagraphStyle("small", body, fontSize=8.5, leading=11, spaceAfter=3),
        "muted": ParagraphStyle("muted", body, fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=3),
        "address": ParagraphStyle("address", body, leading=13, spaceAfter=0),
        "right": ParagraphStyle("right", body, alignment=TA_RIGHT, spaceAfter=0),
        "cell": ParagraphStyle("cell", body, fontSize=8.5, leading=10.5, spaceAfter=0, alignment=TA_LEFT),
        "cell_right": ParagraphStyle("cell_right", body, fontSize=8.5, leading=10.5, spaceAfter=0,
                                     alignment=TA_RIGHT),
        "th": ParagraphStyle("th", body, fontName=BOLD, fontSize=8.5, leading=10.5, spaceAfter=0,
                             textColor=ACCENT),
        "th_right": ParagraphStyle("th_right", body, fontName=BOLD, fontSize=8.5, leading=10.5,
                                   spaceAfter=0, textColor=ACCENT, alignment=TA_RIGHT),
    }
    s["bullet"] = ParagraphStyle("bullet", body, leftIndent=14, bulletIndent=2, spaceAfter=3)
    return s


# --- formatting ------------------------------------------------------------------------


def text(value) -> str:
    """Plain text made safe for a Paragraph (which reads a small XML markup)."""
    return escape(file_text(value))


def lines(value: str | Iterable[str] | None) -> str:
    """Several lines of text for one Paragraph."""
    if value is None:
        return ""
    parts = value.splitlines() if isinstance(value, str) else list(value)
    return "<br/>".join(text(p.strip()) for p in parts if p and p.strip())


#: Exact quantities as everywhere else (``workbench.format.number``), by the name the reports use.
qty = number


def day(value: datetime | date | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d")


def long_day(value: datetime | date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


# --- tables ----------------------------------------------------------------------------


def data_table(header: Sequence[str], rows: Sequence[Sequence], widths: Sequence[float],
               right: Iterable[int] = (), alert_rows: Iterable[int] = (), bold_rows: Iterable[int] = (),
               zebra: bool = True) -> Table:
    """A report table: repeated header, quantities right-aligned, findings in red.

    ``rows`` hold plain values or ready Flowables; ``right`` are column indexes aligned
    right; ``alert_rows``/``bold_rows`` index ``rows`` (0 = first data row). Cells are
    drawn as plain strings (fast: a thousand letters' tables in a second or two); only a
    text too wide for its column becomes a wrapping Paragraph.
    """
    st = styles()
    right = set(right)
    alert = set(alert_rows)
    bold = set(bold_rows)
    room = [w - 2 * CELL_PAD for w in widths]
    data: list[list] = [[_fit(h, room[i], BOLD, st["th_right" if i in right else "th"])
                         for i, h in enumerate(header)]]
    for r, row in enumerate(rows):
        font = BOLD if r in bold else FONT
        cells = []
        for i, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
                continue
            style = st["cell_right" if i in right else "cell"]
            if r in alert or r in bold:
                style = _variant(style.name, r in bold, r in alert)
            cells.append(_fit(file_text(value), room[i], font, style))
        data.append(cells)
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE, CELL_SIZE + 2),
        ("FONT", (0, 0), (-1, 0), BOLD, CELL_SIZE, CELL_SIZE + 2),
        ("TEXTCOLOR", (0, 0), (-1, 0), ACCENT),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]
    for i in right:
        commands.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))
    for r in range(len(rows)):
        if r in alert:
            commands.append(("BACKGROUND", (0, r + 1), (-1, r + 1), ALERT_FILL))
            commands.append(("TEXTCOLOR", (0, r + 1), (-1, r + 1), ALERT))
        elif zebra and r % 2 == 1:
            commands.append(("BACKGROUND", (0, r + 1), (-1, r + 1), ZEBRA))
        if r in bold:
            commands.append(("FONT", (0, r + 1), (-1, r + 1), BOLD, CELL_SIZE, CELL_SIZE + 2))
            commands.append(("LINEABOVE", (0, r + 1), (-1, r + 1), 0.6, INK))
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


CELL_SIZE = 8.5
CELL_PAD = 4
CELL_LEADING = CELL_SIZE + 2
CELL_TOP, CELL_BOTTOM = 2.5, 3


def wrap_lines(value: str, room: float, font: str = FONT, size: float = CELL_SIZE) -> list[str]:
    """``value`` broken into lines no wider than ``room`` points: at its line breaks, then
    between words, and inside a word only where the word alone is too wide."""
    out: list[str] = []
    for part in value.split("\n"):
        if stringWidth(part, font, size) <= room:
            out.append(part)
            continue
        line = ""
        for word in (w for w in part.split(" ") if w):  # not at no-break spaces
            candidate = f"{line} {word}" if line else word
            if stringWidth(candidate, font, size) <= room:
                line = candidate
                continue
            if line:
                out.append(line)
            line = word
            if stringWidth(line, font, size) > room:  # a code wider than its column: cut it
                pieces = _cut(line, room, font, size)
                out += pieces[:-1]
                line = pieces[-1]
        out.append(line)
    return out


def _cut(word: str, room: float, font: str, size: float) -> list[str]:
    """A word too wide for ``room`` in pieces that fit (at least one character each),
    summing character widths once (the base-14 fonts have no kerning)."""
    pieces: list[str] = []
    start, used = 0, 0.0
    for i, ch in enumerate(word):
        w = stringWidth(ch, font, size)
        if used + w > room and i > start:
            pieces.append(word[start:i])
            start, used = i, 0.0
        used += w
    pieces.append(word[start:])
    return pieces


class TextLines(Flowable):
    """Plain text in a paragraph style without a paragraph's markup parser: each part
    ``(text, font)`` starts a new line and wraps between words (``wrap_lines``); aligned
    as the style says (left or right). For the text of a letter that differs from one
    customer to the next (address, salutation, the sentence naming the customer)."""

    def __init__(self, parts: Sequence[tuple[str, str]], style: ParagraphStyle):
        super().__init__()
        self._parts = [(" ".join(file_text(text).split()), font) for text, font in parts]
        self._style = style
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter
        self._lines: list[tuple[str, str]] = []
        self._for: float | None = None

    def wrap(self, available_width, available_height):
        if self._for != available_width:
            size = self._style.fontSize
            self._lines = [(line, font) for text, font in self._parts
                           for line in wrap_lines(text, available_width, font, size)]
            self._for = available_width
        self.width = available_width
        self.height = len(self._lines) * self._style.leading
        return self.width, self.height

    def split(self, available_width, available_height):
        self.wrap(available_width, available_height)
        fit = int(available_height // self._style.leading)
        if fit <= 0 or fit >= len(self._lines):
            return [] if fit <= 0 else [self]
        return [self._part(self._lines[:fit]), self._part(self._lines[fit:])]

    def _part(self, lines: list[tuple[str, str]]) -> TextLines:
        part = TextLines((), self._style)
        part._lines, part._for = lines, self._for
        part._parts = list(lines)
        return part

    def draw(self):
        c = self.canv
        st = self._style
        c.setFillColor(st.textColor)
        y = self.height - st.fontSize
        for line, font in self._lines:
            c.setFont(font, st.fontSize, st.leading)
            if st.alignment == TA_RIGHT:
                c.drawRightString(self.width, y, line)
            else:
                c.drawString(0, y, line)
            y -= st.leading


@lru_cache(maxsize=4096)
def _cell_lines(value: str, room: float, font: str) -> tuple[tuple[str, float], ...]:
    """A table cell's lines with their widths (codes, names and dates repeat from row to row)."""
    return tuple((line, stringWidth(line, font, CELL_SIZE)) for line in wrap_lines(value, room, font))


class LineTable(Flowable):
    """``data_table``'s look for tables of plain text (a letter's shipment lines), drawn
    line by line on the canvas: no cell objects, no style commands, no paragraph per cell.

    Header row on the header fill (repeated on every page the table runs onto), zebra
    rows, ``right`` columns aligned right, ``bold_rows`` (totals) bold with a rule above;
    a text too wide for its column wraps between words. Splits between rows.
    """

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence], widths: Sequence[float],
                 right: Iterable[int] = (), bold_rows: Iterable[int] = (), zebra: bool = True,
                 _parts: tuple | None = None):
        super().__init__()
        self._widths = [float(w) for w in widths]
        self._right = frozenset(right)
        self._zebra = zebra
        self.hAlign = "LEFT"
        if _parts is not None:
            self._head, self._rows, self._last = _parts
        else:
            room = [w - 2 * CELL_PAD for w in self._widths]
            bold = set(bold_rows)
            self._head = self._row([str(h) for h in header], room, BOLD, -1)
            self._rows = [self._row([file_text(v) for v in row], room, BOLD if r in bold else FONT, r, r in bold)
                          for r, row in enumerate(rows)]
            self._last = True
        self.width = sum(self._widths)
        self.height = self._head[1] + sum(row[1] for row in self._rows)

    @staticmethod
    def _row(values: list[str], room: list[float], font: str, index: int, bold: bool = False) -> tuple:
        cells = [_cell_lines(v, room[i], font) if v else () for i, v in enumerate(values)]
        height = max((len(c) for c in cells), default=1) * CELL_LEADING + CELL_TOP + CELL_BOTTOM
        return cells, height, font, index, bold

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def split(self, available_width, available_height):
        room = available_height - self._head[1]
        taken = 0
        for row in self._rows:
            if row[1] > room:
                break
            room -= row[1]
            taken += 1
        if taken == 0 or taken == len(self._rows):
            return [] if taken == 0 else [self]
        return [self._part(self._rows[:taken], False), self._part(self._rows[taken:], self._last)]

    def _part(self, rows: list, last: bool) -> LineTable:
        return LineTable((), (), self._widths, self._right, zebra=self._zebra, _parts=(self._head, rows, last))

    def draw(self):
        c = self.canv
        width = self.width
        lefts = [sum(self._widths[:i]) for i in range(len(self._widths))]
        y = self.height
        c.saveState()
        for row in (self._head, *self._rows):
            cells, height, font, index, bold = row
            top, y = y, y - height
            fill = HEAD_FILL if index < 0 else (ZEBRA if self._zebra and index % 2 == 1 and not bold else None)
            if fill is not None:
                c.setFillColor(fill)
                c.rect(0, y, width, height, stroke=0, fill=1)
            if bold and index >= 0:
                c.setStrokeColor(INK)
                c.setLineWidth(0.6)
                c.line(0, top, width, top)
            c.setFillColor(ACCENT if index < 0 else INK)
            text = c.beginText()  # one text object per row, not one per string
            text.setFont(font, CELL_SIZE, CELL_LEADING)
            for i, lines in enumerate(cells):
                base = top - CELL_TOP - CELL_SIZE
                for line, line_width in lines:
                    x = (lefts[i] + self._widths[i] - CELL_PAD - line_width if i in self._right
                         else lefts[i] + CELL_PAD)
                    text.setTextOrigin(x, base)
                    text.textOut(line)
                    base -= CELL_LEADING
            c.drawText(text)
            if index < 0:
                c.setStrokeColor(ACCENT)
                c.setLineWidth(0.8)
                c.line(0, y, width, y)
        if self._last and self._rows:
            c.setStrokeColor(RULE)
            c.setLineWidth(0.5)
            c.line(0, y, width, y)
        c.restoreState()


def string_width(value: str, font: str = FONT, size: float = CELL_SIZE) -> float:
    """The width in points of ``value`` in a table cell's font."""
    return stringWidth(value, font, size)


def frame_width(letterhead: Letterhead) -> float:
    """The width of a document's text frame on the company's paper."""
    return page_points(letterhead)[0] - 2 * MARGIN


def _fit(value: str, room: float, font: str, style: ParagraphStyle):
    """The plain string if it fits its column, else a Paragraph that wraps it."""
    if "\n" not in value and stringWidth(value, font, CELL_SIZE) <= room:
        return value
    body = "<br/>".join(text(part) for part in value.splitlines())
    if font == BOLD:
        body = f"<b>{body}</b>"
    return Paragraph(body, style)


@lru_cache(maxsize=16)
def _variant(name: str, bold: bool, alert: bool) -> ParagraphStyle:
    base = styles()[name]
    return ParagraphStyle(f"{name}-{bold}-{alert}", base, fontName=BOLD if bold else base.fontName,
                          textColor=ALERT if alert else base.textColor)


class FixedParagraph(Paragraph):
    """A paragraph repeated unchanged in many documents (the same sentences in every letter):
    parsed once, and broken into lines once per width instead of at every use."""

    _wrapped_for: tuple[float, float] | None = None

    def wrap(self, available_width, available_height):
        if self._wrapped_for is not None and self._wrapped_for[0] == available_width:
            return self.width, self.height
        size = super().wrap(available_width, available_height)
        self._wrapped_for = (available_width, available_height)
        return size

    _drawn: tuple[tuple[float, float], list[str]] | None = None

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802, N803 - reportlab's names
        # platypus marks a flowable moved to the next frame as ``_postponed`` and never clears
        # it; a paragraph used again in the next letter must start unmarked.
        self.__dict__.pop("_postponed", None)
        return super().drawOn(canvas, x, y, _sW)

    def draw(self):
        # Drawn once per size: the page code of a paragraph is the same wherever it stands
        # (``drawOn`` moves the origin there first), so later uses repeat it.
        size = (self.width, self.height)
        code = self.canv._code
        if self._drawn is not None and self._drawn[0] == size:
            code.extend(self._drawn[1])
            return
        start = len(code)
        super().draw()
        self._drawn = (size, code[start:])

    def split(self, available_width, available_height):
        try:
            return super().split(available_width, available_height)
        finally:
            self._wrapped_for = None  # splitting may change the layout: never reuse it
            self._drawn = None


def key_values(pairs: Sequence[tuple[str, str]], widths: Sequence[float]) -> Table:
    """A two-column fact box (label, value) for the head of a report."""
    st = styles()
    data = [[Paragraph(f"<b>{text(k)}</b>", st["cell"]), Paragraph(text(v), st["cell"])] for k, v in pairs]
    table = Table(data, colWidths=list(widths), hAlign="LEFT")
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def image(data: bytes, max_width: float, max_height: float) -> Image:
    """A raster figure scaled to fit the box, keeping its aspect ratio."""
    reader = ImageReader(BytesIO(data))
    w, h = reader.getSize()
    scale = min(max_width / w, max_height / h)
    return Image(BytesIO(data), width=w * scale, height=h * scale, hAlign="CENTER")


# --- sections and page numbers ---------------------------------------------------------


class SectionStart(Flowable):
    """Invisible marker: pages from here on belong to section ``key`` (for numbering).

    ``title`` is shown in the running header of the section's later pages.
    """

    def __init__(self, key: str, title: str = ""):
        super().__init__()
        self.key = key
        self.title = file_text(title)
        self.width = self.height = 0

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        self.canv.wb_section = self.key
        self.canv.wb_section_title = self.title


def new_section(key: str, title: str = "", first: bool = False) -> list[Flowable]:
    """Start a section on a fresh page with the full letterhead."""
    head: list[Flowable] = [] if first else [NextPageTemplate("first"), PageBreak()]
    return [*head, SectionStart(key, title), NextPageTemplate("later")]


@dataclass
class PageRecord:
    """One finished page of a built document: its content stream and what it uses."""

    section: str
    #: The page's drawing operators (only where ``stream`` cannot serve: see ``NumberedCanvas.save``).
    code: list[str]
    forms: list[str]
    has_images: int
    colors: dict
    #: The page's content stream as a PDF file holds it (compressed once, when recorded).
    stream: bytes | None = None


class NumberedCanvas(Canvas):
    """Defers each page until the end so the footer can say "Page x of y" per section.

    With ``record`` (a list), every finished page is also appended to it as a
    ``PageRecord``, so the pages of one section can be written again as a file of their
    own without laying them out a second time (see ``section_pdf``).
    """

    def __init__(self, *args, record: list[PageRecord] | None = None, write: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.wb_write = write
        self._pages: list[dict] = []
        self.wb_section = ""
        self.wb_section_title = ""
        self.wb_footer = ""
        self.wb_record = record
        # Fixed font numbering (F1 Helvetica, F2 bold, …) in every document, so recorded
        # page streams mean the same in any document of ours (see ``section_pdf``).
        for font in FONTS:
            self._doc.getInternalFontName(font)

    def showPage(self):  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        counts = Counter(p["wb_section"] for p in self._pages)
        seen: dict[str, int] = defaultdict(int)
        for page in self._pages:
            self.__dict__.update(page)
            seen[self.wb_section] += 1
            self._footer(seen[self.wb_section], counts[self.wb_section])
            if self.wb_record is not None:
                # The stream as ``Canvas.showPage`` makes it: preamble, code, a closing space.
                # Only the compressed stream is kept (it travels from worker processes), and the
                # code only where the page uses spot colours, which ``pages_pdf`` leaves to the canvas.
                stream = zlib.compress(("\n".join([self._preamble, *self._code, " "]) + "\n").encode("utf8"))
                self.wb_record.append(PageRecord(self.wb_section, list(self._code) if self._colorsUsed else [],
                                                 list(self._formsinuse), self._currentPageHasImages,
                                                 dict(self._colorsUsed), stream))
            if self.wb_write:
                super().showPage()
        if self.wb_write:
            super().save()

    def _footer(self, number: int, total: int) -> None:
        width, _ = self._pagesize
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, FOOTER_HEIGHT + 2 * mm, width - MARGIN, FOOTER_HEIGHT + 2 * mm)
        self.setFont(FONT, 7.5)
        self.setFillColor(MUTED)
        self.drawString(MARGIN, FOOTER_HEIGHT - 2 * mm, self.wb_footer)
        self.drawRightString(width - MARGIN, FOOTER_HEIGHT - 2 * mm, f"Page {number} of {total}")
        self.restoreState()


def by_section(pages: Iterable[PageRecord]) -> dict[str, list[PageRecord]]:
    out: dict[str, list[PageRecord]] = defaultdict(list)
    for page in pages:
        out[page.section].append(page)
    return dict(out)


def build_sections(doc: BaseDocTemplate, story: list[Flowable], write: bool = True) -> list[PageRecord]:
    """Build ``doc`` and return its pages, to write sections again as files of their own.

    ``write=False``: lay out and record the pages only, without writing ``doc``'s own file
    (when only the sections' files are wanted: a whole serialisation saved)."""
    record: list[PageRecord] = []
    doc.build(story, canvasmaker=partial(NumberedCanvas, record=record, write=write))
    return record


def pages_pdf(target: str | Path | BytesIO, pages: Sequence[PageRecord], letterhead: Letterhead, title: str,
              subject: str = "") -> None:
    """A PDF of already laid-out pages (from ``build_sections``), written without a new layout.

    The page streams name fonts F1, F2… (fixed by ``NumberedCanvas``) and the logo by the
    name of its image data. The file is assembled here from the pages' recorded streams
    (compressed once, when the page was recorded, however many files it goes into) and
    the fonts' and logo's objects as reportlab writes them (made once per process,
    ``_resources``): a letter's own file and the print file of all letters cost little
    more than writing their bytes. Pages that use anything beyond those resources are
    written through reportlab's canvas instead (``_pages_pdf_canvas``).
    """
    pagesize = page_points(letterhead)
    res = _resources(None if letterhead.logo is None else str(letterhead.logo), pagesize)
    if res is None or any(p.stream is None or p.colors or not set(p.forms) <= res.xobjects.keys() for p in pages):
        _pages_pdf_canvas(target, pages, letterhead, title, subject)
        return
    chunks: list[bytes] = [res.header, *res.objects]
    offsets: list[int] = []
    at = len(res.header)
    for obj in res.objects:
        offsets.append(at)
        at += len(obj)

    def add(obj: bytes) -> None:
        nonlocal at
        offsets.append(at)
        chunks.append(obj)
        at += len(obj)

    first = len(res.objects) + 1
    n = len(pages)
    parent, catalog, info = first + 2 * n, first + 2 * n + 1, first + 2 * n + 2
    box = f"[ 0 0 {fp_str(pagesize[0])} {fp_str(pagesize[1])} ]"
    for i, page in enumerate(pages):
        forms = "".join(f" /FormXob.{name} {res.xobjects[name]} 0 R" for name in page.forms)
        xobjects = f" /XObject << {forms.strip()} >>" if forms else ""
        add(f"{first + i} 0 obj\n<< /Contents {first + n + i} 0 R /MediaBox {box} /Parent {parent} 0 R "
            f"/Resources << /Font {res.fonts} 0 R /ProcSet [ /PDF /Text /ImageB /ImageC /ImageI ]{xobjects} >> "
            "/Rotate 0 /Trans << >> /Type /Page >>\nendobj\n".encode("ascii"))
    for i, page in enumerate(pages):
        stream = page.stream or b""
        add(b"%d 0 obj\n<< /Filter [ /FlateDecode ] /Length %d >>\nstream\n%s\nendstream\nendobj\n"
            % (first + n + i, len(stream), stream))
    kids = " ".join(f"{first + i} 0 R" for i in range(n))
    add(f"{parent} 0 obj\n<< /Count {n} /Kids [ {kids} ] /Type /Pages >>\nendobj\n".encode("ascii"))
    add(f"{catalog} 0 obj\n<< /PageMode /UseNone /Pages {parent} 0 R /Type /Catalog >>\nendobj\n".encode("ascii"))
    now = datetime.now(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")
    fields = {"Author": file_text(letterhead.name), "CreationDate": now, "Creator": "Lot-trace workbench",
              "ModDate": now, "Producer": "Lot-trace workbench with ReportLab", "Subject": file_text(subject or title),
              "Title": file_text(title)}
    entries = " ".join(f"/{key} {_pdf_string(value)}" for key, value in fields.items())
    add(f"{info} 0 obj\n<< {entries} /Trapped /False >>\nendobj\n".encode("ascii"))
    size = info + 1
    ident = hashlib.md5(f"{now} {title} {n} {at}".encode("utf8", "replace"), usedforsecurity=False).hexdigest()
    xref = "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    chunks.append((f"xref\n0 {size}\n0000000000 65535 f \n{xref}trailer\n<< /ID [ <{ident}> <{ident}> ] "
                   f"/Info {info} 0 R /Root {catalog} 0 R /Size {size} >>\nstartxref\n{at}\n%%EOF\n").encode("ascii"))
    data = b"".join(chunks)
    if isinstance(target, BytesIO):
        target.write(data)
    else:
        Path(target).write_bytes(data)


def _pdf_string(value: str) -> str:
    """A PDF text string: literal where it is printable ASCII, else UTF-16 with its mark."""
    if value.isascii() and value.isprintable():
        return "(" + value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return "<FEFF" + value.encode("utf-16-be", "surrogatepass").hex().upper() + ">"


@dataclass(frozen=True)
class _Resources:
    """What every recorded page may name, as reportlab writes it: the file's header, objects
    1…K (font list, the four fonts, the logo and its mask), the font list's number and
    the logo's name → object number."""

    header: bytes
    objects: tuple[bytes, ...]
    fonts: int
    xobjects: dict[str, int]


_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")


@lru_cache(maxsize=8)
def _resources(logo: str | None, pagesize: tuple[float, float]) -> _Resources | None:
    """The resource objects of our documents, cut out of a one-page file reportlab writes
    with the same fonts and logo (None where that file is not laid out as expected: then
    pages are written through the canvas)."""
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=pagesize)
    for font in FONTS:
        canvas._doc.getInternalFontName(font)
    if logo is not None:
        canvas.drawImage(_logo(logo), 0, 0, 1, 1, mask="auto")
    canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    start = data.rfind(b"\nxref\n") + 1
    entries = _XREF_ENTRY.findall(data, start)
    offsets = [int(offset) for offset, _gen, kind in entries if kind == b"n"]
    if not offsets or offsets != sorted(offsets) or len(offsets) != len(entries) - 1:
        return None
    ends = [*offsets[1:], start]
    objects = [data[a:b] for a, b in zip(offsets, ends, strict=True)]
    page = next((i for i, obj in enumerate(objects) if re.search(rb"/Type /Page\b(?!s)", obj)), None)
    if page is None:
        return None
    kept = objects[:page]
    if any(re.search(rb"/Type /(Page|Pages|Catalog)\b|/Producer", obj) for obj in kept):
        return None
    fonts = re.search(rb"/Font (\d+) 0 R", objects[page])
    xobjects = {name.decode("ascii"): int(num)  # by the name a page records (without "FormXob.")
                for name, num in re.findall(rb"/FormXob\.([0-9a-f]+) (\d+) 0 R", objects[page])}
    if fonts is None or int(fonts.group(1)) > page or any(num > page for num in xobjects.values()):
        return None
    return _Resources(data[: offsets[0]], tuple(kept), int(fonts.group(1)), xobjects)


def _pages_pdf_canvas(target: str | Path | BytesIO, pages: Sequence[PageRecord], letterhead: Letterhead,
                      title: str, subject: str = "") -> None:
    """``pages_pdf`` through reportlab's canvas: registering the same fonts in the same
    order and the same logo reproduces the names the streams use."""
    canvas = Canvas(str(target) if isinstance(target, Path) else target, pagesize=page_points(letterhead))
    canvas.setTitle(file_text(title))
    canvas.setAuthor(file_text(letterhead.name))
    canvas.setSubject(file_text(subject or title))
    canvas.setCreator("Lot-trace workbench")
    for font in FONTS:
        canvas._doc.getInternalFontName(font)
    if letterhead.logo is not None:
        canvas.drawImage(_logo(str(letterhead.logo)), 0, 0, 1, 1, mask="auto")  # registers the XObject
    for page in pages:
        # A recorded stream already holds the preamble the canvas puts first again: a second
        # identity matrix and initial font, which change nothing.
        canvas._code = list(page.code) if page.code or page.stream is None else [zlib.decompress(page.stream).decode()]
        canvas._formsinuse = list(page.forms)
        canvas._currentPageHasImages = page.has_images
        canvas._colorsUsed = dict(page.colors)
        canvas.showPage()
    canvas.save()


# --- page furniture --------------------------------------------------------------------


LOGO_PIXELS = 192  # 16 mm at about 300 dpi


@lru_cache(maxsize=8)
def _logo(path: str) -> ImageReader:
    """The logo, read once per process and scaled down to what 16 mm needs (a big logo
    would otherwise be embedded at full size in each of a thousand letters)."""
    from PIL import Image as PILImage  # reportlab's own dependency

    with PILImage.open(path) as img:
        img.load()
        picture = img.convert("RGBA") if img.mode not in ("RGB", "RGBA") else img.copy()
    picture.thumbnail((LOGO_PIXELS, LOGO_PIXELS))
    return ImageReader(picture)


def draw_letterhead(canvas: Canvas, letterhead: Letterhead) -> None:
    """The full letterhead across the top of a first page: logo, name, address, contacts."""
    width, height = canvas._pagesize
    top = height - 12 * mm
    x = MARGIN
    canvas.saveState()
    if letterhead.logo is not None:
        size = 16 * mm
        canvas.drawImage(_logo(str(letterhead.logo)), x, top - size, size, size,
                         preserveAspectRatio=True, mask="auto")
        x += size + 4 * mm
    canvas.setFillColor(ACCENT)
    canvas.setFont(BOLD, 15)
    canvas.drawString(x, top - 6.5 * mm, file_text(letterhead.name))
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT, 8)
    if letterhead.website:
        canvas.drawString(x, top - 11.5 * mm, file_text(letterhead.website))
    right = width - MARGIN
    y = top - 3 * mm
    for line in [*letterhead.address_lines, *(v for v in (letterhead.phone, letterhead.email) if v)]:
        canvas.drawRightString(right, y, file_text(line))
        y -= 3.6 * mm
    rule_y = min(y, top - 16 * mm) - 2.5 * mm
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, rule_y, right, rule_y)
    canvas.restoreState()


def draw_running_header(canvas: Canvas, letterhead: Letterhead, title: str) -> None:
    """A slim header for later pages: company name left, document title right."""
    width, height = canvas._pagesize
    y = height - 12 * mm
    canvas.saveState()
    canvas.setFont(BOLD, 9)
    canvas.setFillColor(ACCENT)
    canvas.drawString(MARGIN, y, file_text(letterhead.name))
    canvas.setFont(FONT, 8.5)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(width - MARGIN, y, file_text(title))
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y - 2.5 * mm, width - MARGIN, y - 2.5 * mm)
    canvas.restoreState()


def document(target: str | Path | BytesIO, letterhead: Letterhead, title: str, footer: str = "",
             subject: str = "") -> BaseDocTemplate:
    """A document in the house style. Build it with ``build(doc, story)``.

    ``footer`` is printed bottom left on every page; later pages' running header shows the
    current section's title (or ``title``).
    """
    width, height = page_points(letterhead)  # Letter for a North American company, else A4
    title, footer, subject = file_text(title), file_text(footer), file_text(subject)
    doc = BaseDocTemplate(str(target) if isinstance(target, Path) else target, pagesize=(width, height),
                          leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
                          title=title, author=file_text(letterhead.name), subject=subject or title,
                          creator="Lot-trace workbench")
    frame_width = width - 2 * MARGIN
    bottom = FOOTER_HEIGHT + 6 * mm
    first = Frame(MARGIN, bottom, frame_width, height - LETTERHEAD_HEIGHT - 6 * mm - bottom,
                  id="first", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    later = Frame(MARGIN, bottom, frame_width, height - RUNNING_HEADER_HEIGHT - 6 * mm - bottom,
                  id="later", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def on_first(canvas, _doc):
        canvas.wb_footer = footer
        draw_letterhead(canvas, letterhead)

    def on_later(canvas, _doc):
        canvas.wb_footer = footer
        section_title = getattr(canvas, "wb_section_title", "") or title
        draw_running_header(canvas, letterhead, section_title)

    doc.addPageTemplates([
        PageTemplate("first", [first], onPage=on_first, autoNextPageTemplate="later"),
        PageTemplate("later", [later], onPage=on_later),
    ])
    doc.frame_width = frame_width
    return doc


def build(doc: BaseDocTemplate, story: list[Flowable]) -> None:
    """Build with the numbered canvas (one pass: pages are counted when the file is saved)."""
    doc.build(story, canvasmaker=NumberedCanvas)
