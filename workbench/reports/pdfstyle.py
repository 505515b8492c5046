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

Fonts are the PDF base-14 Helvetica family: nothing to embed, so documents are small and
building a thousand letters stays fast.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
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

from workbench.settings import Letterhead

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

PAGE = A4
MARGIN = 20 * mm
LETTERHEAD_HEIGHT = 34 * mm
RUNNING_HEADER_HEIGHT = 14 * mm
FOOTER_HEIGHT = 12 * mm
FONT, BOLD, ITALIC = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"


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
    return escape("" if value is None else str(value))


def lines(value: str | Iterable[str] | None) -> str:
    """Several lines of text for one Paragraph."""
    if value is None:
        return ""
    parts = value.splitlines() if isinstance(value, str) else list(value)
    return "<br/>".join(text(p.strip()) for p in parts if p and p.strip())


def qty(value: Decimal | int | None) -> str:
    """An exact quantity with thousands separators and no needless trailing zeros."""
    if value is None:
        return ""
    d = Decimal(value)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


def day(value: datetime | date | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d")


def long_day(value: datetime | date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


# --- tables ----------------------------------------------------------------------------


def data_table(header: Sequence[str], rows: Sequence[Sequence], widths: Sequence[float],
               right: Iterable[int] = (), alert_rows: Iterable[int] = (), bold_rows: Iterable[int] = (),
               zebra: bool = True) -> Table:
    """A report table: repeated header, quantities right-aligned, findings in red.

    ``rows`` hold plain values (escaped here) or ready Flowables; ``right`` are column
    indexes aligned right; ``alert_rows``/``bold_rows`` index ``rows`` (0 = first data row).
    """
    st = styles()
    right = set(right)
    alert = set(alert_rows)
    bold = set(bold_rows)
    data = [[Paragraph(text(h), st["th_right" if i in right else "th"]) for i, h in enumerate(header)]]
    for r, row in enumerate(rows):
        cells = []
        for i, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
                continue
            body = text(value)
            if r in bold:
                body = f"<b>{body}</b>"
            if r in alert:
                body = f'<font color="{ALERT_HEX}">{body}</font>'
            cells.append(Paragraph(body, st["cell_right" if i in right else "cell"]))
        data.append(cells)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for r in range(len(rows)):
        if r in alert:
            commands.append(("BACKGROUND", (0, r + 1), (-1, r + 1), ALERT_FILL))
        elif zebra and r % 2 == 1:
            commands.append(("BACKGROUND", (0, r + 1), (-1, r + 1), ZEBRA))
        if r in bold:
            commands.append(("LINEABOVE", (0, r + 1), (-1, r + 1), 0.6, INK))
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


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
        self.title = title
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


class NumberedCanvas(Canvas):
    """Defers each page until the end so the footer can say "Page x of y" per section."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self.wb_section = ""
        self.wb_section_title = ""
        self.wb_footer = ""

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        counts = Counter(p["wb_section"] for p in self._pages)
        seen: dict[str, int] = defaultdict(int)
        for page in self._pages:
            self.__dict__.update(page)
            seen[self.wb_section] += 1
            self._footer(seen[self.wb_section], counts[self.wb_section])
            super().showPage()
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


# --- page furniture --------------------------------------------------------------------


@lru_cache(maxsize=8)
def _logo(path: str) -> ImageReader:
    return ImageReader(path)


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
    canvas.drawString(x, top - 6.5 * mm, letterhead.name)
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT, 8)
    if letterhead.website:
        canvas.drawString(x, top - 11.5 * mm, letterhead.website)
    right = width - MARGIN
    y = top - 3 * mm
    for line in [*letterhead.address_lines, *(v for v in (letterhead.phone, letterhead.email) if v)]:
        canvas.drawRightString(right, y, line)
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
    canvas.drawString(MARGIN, y, letterhead.name)
    canvas.setFont(FONT, 8.5)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(width - MARGIN, y, title)
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
    width, height = PAGE
    doc = BaseDocTemplate(str(target) if isinstance(target, Path) else target, pagesize=PAGE,
                          leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
                          title=title, author=letterhead.name, subject=subject or title,
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
