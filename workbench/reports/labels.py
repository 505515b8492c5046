"""Lot labels as PDF: GS1-128 and GS1 DataMatrix (and a GS1 Digital Link QR code where the
plant wants one), with the human-readable text large enough to read across a warehouse.

Sizes: 4x6 in and 100x150 mm thermal labels (one label a page), 2x1 in small labels
(DataMatrix and text only: a GS1-128 would be too narrow to scan), and A4 / Letter sheets
of 8 (99.1 x 67.7 mm) and 10 (4 x 2 in) labels. GS1-128 is drawn by reportlab's Code 128
(FNC1 as ``\\xf1``) at the largest X-dimension that fits, between 0.25 and 0.495 mm as the
GS1 General Specifications ask for logistics labels; DataMatrix modules come from pystrich
(ECC 200 with FNC1) and are drawn as vector squares, so every printer resolution is sharp.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pystrich.datamatrix import DataMatrixData, DataMatrixEncoder
from pystrich.gs1 import GS1Fixed, GS1Variable
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch, mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from workbench.floor.gs1 import LabelFacts, is_fixed
from workbench.format import quantity as fmt
from workbench.reports.pdfstyle import BOLD, FONT

FNC1 = "\xf1"
MIN_X, MAX_X = 0.25 * mm, 0.495 * mm
#: GS1-128 carries at most 48 data characters; longer element lists go in two symbols.
MAX_GS1_128 = 48


@dataclass(frozen=True)
class Stock:
    """A label stock: page size, label size, how many across and down, and the layout."""

    name: str
    page: tuple[float, float]
    label: tuple[float, float]
    across: int = 1
    down: int = 1
    layout: str = "large"
    margin: tuple[float, float] = (0, 0)


SIZES: dict[str, Stock] = {
    "4x6in": Stock("4x6in", (4 * inch, 6 * inch), (4 * inch, 6 * inch)),
    "100x150mm": Stock("100x150mm", (100 * mm, 150 * mm), (100 * mm, 150 * mm)),
    "2x1in": Stock("2x1in", (2 * inch, 1 * inch), (2 * inch, 1 * inch), layout="small"),
    "a4": Stock("a4", A4, (99.1 * mm, 67.7 * mm), 2, 4, "medium", (4.65 * mm, 13.1 * mm)),
    "letter": Stock("letter", LETTER, (4 * inch, 2 * inch), 2, 5, "medium", (0.16 * inch, 0.5 * inch)),
}


def _modules(elements: list[tuple[str, str]]) -> float:
    """The width of a GS1-128 symbol of ``elements`` in modules, quiet zones included."""
    return float(Code128(gs1_128_data(elements), barWidth=1, quiet=1, lquiet=10, rquiet=10).width)


def symbols(elements: list[tuple[str, str]], width: float = float("inf")) -> list[list[tuple[str, str]]]:
    """The element strings in as few GS1-128 symbols as keep to 48 characters each and fit
    ``width`` at the smallest X-dimension allowed."""
    out: list[list[tuple[str, str]]] = [[]]
    for ai, value in elements:
        trial = [*out[-1], (ai, value)]
        chars = sum(len(a) + len(v) + (0 if is_fixed(a) else 1) for a, v in trial) - 1
        if out[-1] and (chars > MAX_GS1_128 or _modules(trial) * MIN_X > width):
            out.append([])
        out[-1].append((ai, value))
    return out


def gs1_128_data(elements: list[tuple[str, str]]) -> str:
    """Code 128 input: FNC1 first (the GS1 flag), then FNC1 after each variable-length
    element that is not the last."""
    parts = [FNC1]
    for n, (ai, value) in enumerate(elements):
        parts.append(ai + value)
        if not is_fixed(ai) and n < len(elements) - 1:
            parts.append(FNC1)
    return "".join(parts)


def datamatrix_marks(elements: list[tuple[str, str]]) -> Any:  # pystrich's marks (untyped)
    fields = [GS1Fixed(ai, v) if is_fixed(ai) else GS1Variable(ai, v) for ai, v in elements]
    return DataMatrixEncoder(DataMatrixData.gs1(*fields), quiet_zone=1).get_rect_marks()


def draw_datamatrix(c: Canvas, elements: list[tuple[str, str]], x: float, y: float, size: float) -> None:
    """A GS1 DataMatrix fitted into the square at (x, y) (bottom left) of side ``size``."""
    marks = datamatrix_marks(elements)
    module = size / max(marks.width, marks.height)
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    top = y + marks.height * module
    for mx, my, mw, mh in marks.marks:
        c.rect(x + mx * module, top - (my + mh) * module, mw * module, mh * module, stroke=0, fill=1)
    c.restoreState()


def draw_gs1_128(c: Canvas, elements: list[tuple[str, str]], x: float, y: float, width: float,
                 height: float) -> float:
    """A GS1-128 symbol with its HRI text under it, centred in ``width``; returns the height used."""
    data = gs1_128_data(elements)
    bar = max(MIN_X, min(MAX_X, width / _modules(elements)))
    symbol = Code128(data, barWidth=bar, barHeight=height, quiet=1, lquiet=10 * bar, rquiet=10 * bar)
    symbol.drawOn(c, x + (width - symbol.width) / 2, y + 11)
    hri = "".join(f"({ai}){v}" for ai, v in elements)
    size = _fit(hri, FONT, 10, width, 6)
    c.setFont(FONT, size)
    c.drawCentredString(x + width / 2, y + 1, hri)
    return height + 12


def draw_qr(c: Canvas, uri: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(uri, barLevel="M")
    bx0, by0, bx1, by1 = widget.getBounds()
    d = Drawing(size, size, transform=[size / (bx1 - bx0), 0, 0, size / (by1 - by0), 0, 0])
    d.add(widget)
    d.drawOn(c, x, y)


def _fit(text: str, font: str, size: float, width: float, smallest: float = 5) -> float:
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _text(c: Canvas, text: str, x: float, y: float, font: str, size: float, width: float) -> None:
    c.setFont(font, _fit(text, font, size, width))
    c.drawString(x, y, text)


def _date_line(f: LabelFacts) -> str:
    return f"{f.date_title} {f.expires:%Y-%m-%d}" if f.expires else "NO EXPIRY DATE"


def _quantity_line(f: LabelFacts) -> str:
    if f.quantity is None:
        return ""
    return ("NET " if f.unit in ("kg", "L", "l", "g") else "QTY ") + fmt(f.quantity, f.unit)


def draw_large(c: Canvas, f: LabelFacts, x: float, y: float, w: float, h: float, qr: bool) -> None:
    """4x6 in / 100x150 mm: item, lot, dates and quantity in large type; DataMatrix (and QR);
    GS1-128 at the foot (and the SSCC above it for a pallet)."""
    pad = 5 * mm
    inner = w - 2 * pad
    top = y + h - pad
    _text(c, f.item_name or f.item, x + pad, top - 18, BOLD, 20, inner)
    _text(c, f"ITEM {f.item}" + (f"   GTIN {f.gtin}" if f.gtin else ""), x + pad, top - 34, FONT, 11, inner)
    c.setLineWidth(1.2)
    c.line(x + pad, top - 42, x + w - pad, top - 42)
    code_side = 34 * mm
    text_w = inner - code_side - 3 * mm
    _text(c, "LOT", x + pad, top - 58, FONT, 11, text_w)
    _text(c, f.lot, x + pad, top - 92, BOLD, 34, text_w)
    _text(c, _date_line(f), x + pad, top - 118, BOLD, 20, text_w)
    if f.produced:
        _text(c, f"PRODUCED {f.produced:%Y-%m-%d}", x + pad, top - 136, FONT, 12, text_w)
    _text(c, _quantity_line(f), x + pad, top - 160, BOLD, 20, text_w)
    draw_datamatrix(c, f.elements(), x + w - pad - code_side, top - 50 - code_side, code_side)
    extra = []
    if f.vendor_lot:
        extra.append(f"Vendor lot {f.vendor_lot}" + (f" ({f.vendor})" if f.vendor else ""))
    if f.location:
        extra.append(f"Location {f.location}")
    for n, line in enumerate(extra):
        _text(c, line, x + pad, top - 184 - 14 * n, FONT, 11, text_w)
    groups = symbols(f.elements(), inner)
    rows = len(groups) + (1 if f.sscc else 0)
    bar_h = min(18 * mm, (h * 0.38) / rows - 14)
    bottom = y + pad
    for group in reversed(groups):
        bottom += draw_gs1_128(c, group, x + pad, bottom, inner, bar_h) + 3 * mm
    if f.sscc:
        bottom += draw_gs1_128(c, [("00", f.sscc)], x + pad, bottom, inner, bar_h) + 3 * mm
    link = f.digital_link() if qr else None
    if link:
        # Between the DataMatrix and the linear symbols, as large as the room left allows.
        room = (top - 50 - code_side - 3 * mm) - bottom
        side = min(code_side, room)
        if side >= 18 * mm:
            draw_qr(c, link, x + w - pad - side, bottom, side)


def draw_medium(c: Canvas, f: LabelFacts, x: float, y: float, w: float, h: float, qr: bool) -> None:
    """Sheet labels (99 x 68 mm, 4 x 2 in): text and DataMatrix above one GS1-128."""
    pad = 3 * mm
    side = min(24 * mm, h * 0.42)
    text_w = w - 2 * pad - side - 2 * mm
    top = y + h - pad
    _text(c, f.item_name or f.item, x + pad, top - 11, BOLD, 12, text_w)
    _text(c, f"LOT {f.lot}", x + pad, top - 28, BOLD, 17, text_w)
    _text(c, _date_line(f), x + pad, top - 42, BOLD, 11, text_w)
    _text(c, _quantity_line(f) + (f"   {f.item}" if f.item else ""), x + pad, top - 55, FONT, 10, text_w)
    draw_datamatrix(c, f.elements(), x + w - pad - side, top - side, side)
    groups = symbols(f.elements(), w - 2 * pad)
    bar_h = max(8 * mm, (h - side - 2 * pad) / len(groups) - 15)
    bottom = y + pad
    for group in reversed(groups):
        bottom += draw_gs1_128(c, group, x + pad, bottom, w - 2 * pad, bar_h) + 1 * mm
    del qr


def draw_small(c: Canvas, f: LabelFacts, x: float, y: float, w: float, h: float, qr: bool) -> None:
    """2x1 in: a GS1 DataMatrix and the item, lot and date."""
    pad = 1.5 * mm
    side = h - 2 * pad
    draw_datamatrix(c, f.elements(), x + pad, y + pad, side)
    tx = x + 2 * pad + side
    tw = w - side - 3 * pad
    _text(c, f.item, tx, y + h - pad - 7, FONT, 7, tw)
    _text(c, f.lot, tx, y + h - pad - 20, BOLD, 12, tw)
    _text(c, f"{'BB' if f.date_ai == '15' else 'EXP'} {f.expires:%Y-%m-%d}" if f.expires else "", tx,
          y + h - pad - 31, BOLD, 8, tw)
    _text(c, _quantity_line(f), tx, y + pad + 1, FONT, 7, tw)
    del qr


LAYOUTS = {"large": draw_large, "medium": draw_medium, "small": draw_small}


def write_labels(labels: Sequence[LabelFacts], path: str | Path, size: str = "4x6in", copies: int = 1,
                 qr: bool = False) -> Path:
    """Write ``copies`` labels of each lot to ``path`` on the given label stock."""
    stock = SIZES[size]
    path = Path(path)
    c = Canvas(str(path), pagesize=stock.page, pageCompression=1)
    c.setTitle("Lot labels: " + ", ".join(f"{f.item}/{f.lot}" for f in labels))
    c.setCreator("Lot-trace workbench")
    draw = LAYOUTS[stock.layout]
    per_page = stock.across * stock.down
    w, h = stock.label
    slot = 0
    for facts in labels:
        for _ in range(copies):
            if slot and slot % per_page == 0:
                c.showPage()
            col, row = (slot % per_page) % stock.across, (slot % per_page) // stock.across
            x = stock.margin[0] + col * w
            y = stock.page[1] - stock.margin[1] - (row + 1) * h
            draw(c, facts, x, y, w, h, qr)
            slot += 1
    c.showPage()
    c.save()
    return path
