"""The recall's quantity flow (Sankey) as SVG, PDF (one printable page) or PNG.

Draws a ``workbench.recall.flows.FlowLayout`` as it is laid out, so the command line and
the app's SVG/PDF export give the same picture. The PDF is one landscape page of the
company's paper (Letter or A4), the diagram scaled to fit under a title line.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from workbench.errors import WorkbenchError
from workbench.recall.flows import (
    LABEL_SIZE,
    FlowLayout,
    band_colour,
    band_label,
    box_label,
    colour_of,
    ribbon_points,
)

FORMATS = (".svg", ".pdf", ".png")
TITLE_SIZE = 14.0
TITLE_ROOM = 28.0
LINE = LABEL_SIZE * 1.2


#: Printed size: 0.75 point per layout pixel, so labels print at about 7.5 pt.
PRINT_SCALE = 0.75
PDF_MARGIN = 28.0


def print_size(page: tuple[float, float]) -> tuple[float, float]:
    """The layout size (pixels) that fills one landscape ``page`` (points) at ``PRINT_SCALE``."""
    pw, ph = max(page), min(page)
    return (pw - 2 * PDF_MARGIN) / PRINT_SCALE, (ph - 2 * PDF_MARGIN - TITLE_ROOM) / PRINT_SCALE


def title_of(layout: FlowLayout) -> str:
    roots = ", ".join(r.label for r in layout.flows.roots)
    return f"Quantity flow of the recall of {roots} (bands in {layout.flows.measure} of the suspect lots)"


def write_flows(layout: FlowLayout, path: Path | str, title: str | None = None,
                page: tuple[float, float] = (792.0, 612.0)) -> Path:
    """Write the diagram to ``path`` (.svg, .pdf or .png, by its suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    title = title or title_of(layout)
    if suffix == ".svg":
        path.write_text(flows_svg(layout, title), encoding="utf-8")
    elif suffix == ".pdf":
        _pdf(layout, path, title, page)
    elif suffix == ".png":
        _png(layout, path, title)
    else:
        raise WorkbenchError(f"{path}: the quantity flow is written as .svg, .pdf or .png, not {suffix or 'no suffix'}.")
    return path


def _ribbon_path(r) -> str:
    mx = (r.x0 + r.x1) / 2
    t = r.thickness
    return (f"M{r.x0:.2f},{r.y0:.2f} C{mx:.2f},{r.y0:.2f} {mx:.2f},{r.y1:.2f} {r.x1:.2f},{r.y1:.2f} "
            f"L{r.x1:.2f},{r.y1 + t:.2f} C{mx:.2f},{r.y1 + t:.2f} {mx:.2f},{r.y0 + t:.2f} {r.x0:.2f},{r.y0 + t:.2f} Z")


def flows_svg(layout: FlowLayout, title: str) -> str:
    w, h = layout.width, layout.height + TITLE_ROOM
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" viewBox="0 0 {w:.0f} {h:.0f}" '
            'font-family="Helvetica, Arial, sans-serif">'),
           f'<rect width="{w:.0f}" height="{h:.0f}" fill="white"/>',
           f'<text x="12" y="{TITLE_SIZE + 4:.0f}" font-size="{TITLE_SIZE:.0f}" font-weight="bold">{escape(title)}</text>',
           f'<g transform="translate(0,{TITLE_ROOM:.0f})">']
    for r in layout.ribbons:
        out.append(f'<path d="{_ribbon_path(r)}" fill="{band_colour(layout, r)}" fill-opacity="0.35">'
                   f'<title>{escape(band_label(layout.flows, r.link))}</title></path>')
    for b in layout.boxes.values():
        out.append(f'<rect x="{b.x:.2f}" y="{b.y:.2f}" width="{b.w:.2f}" height="{b.h:.2f}" '
                   f'fill="{colour_of(b.node.kind)}"><title>{escape(b.node.label)} {escape(b.node.detail)}</title></rect>')
        lab = box_label(layout, b)
        if lab:
            fill = colour_of("unaccounted-in") if b.node.alert else "#1a202c"
            for i, line in enumerate(lab.lines):
                out.append(f'<text x="{lab.x:.2f}" y="{lab.y + i * LINE:.2f}" font-size="{LABEL_SIZE:.0f}" '
                           f'text-anchor="{lab.anchor}" fill="{fill}" paint-order="stroke" stroke="white" '
                           f'stroke-width="3" stroke-opacity="0.8">{escape(line)}</text>')
    for c in range(layout.columns):
        out.append(f'<text x="{layout.column_x[c]:.2f}" y="14" font-size="{LABEL_SIZE:.0f}" fill="#4a5568" '
                   f'font-weight="bold">{escape(layout.column_title(c))}</text>')
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def _hex(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _pdf(layout: FlowLayout, path: Path, title: str, page: tuple[float, float]) -> None:
    from reportlab.pdfgen.canvas import Canvas

    pw, ph = max(page), min(page)  # landscape
    margin = PDF_MARGIN
    scale = min((pw - 2 * margin) / layout.width, (ph - 2 * margin - TITLE_ROOM) / layout.height)
    c = Canvas(str(path), pagesize=(pw, ph))
    c.setTitle(title)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(margin, ph - margin - 10, title)
    # Layout coordinates run downwards from the top left; PDF's run upwards.
    c.translate(margin, ph - margin - TITLE_ROOM)
    c.scale(scale, -scale)
    for r in layout.ribbons:
        p = c.beginPath()
        mx = (r.x0 + r.x1) / 2
        t = r.thickness
        p.moveTo(r.x0, r.y0)
        p.curveTo(mx, r.y0, mx, r.y1, r.x1, r.y1)
        p.lineTo(r.x1, r.y1 + t)
        p.curveTo(mx, r.y1 + t, mx, r.y0 + t, r.x0, r.y0 + t)
        p.close()
        c.setFillColorRGB(*_hex(band_colour(layout, r)), alpha=0.35)
        c.drawPath(p, stroke=0, fill=1)
    for b in layout.boxes.values():
        c.setFillColorRGB(*_hex(colour_of(b.node.kind)), alpha=1)
        c.rect(b.x, b.y, b.w, b.h, stroke=0, fill=1)
    def text(x: float, y: float, value: str, anchor: str, colour: str, bold: bool = False) -> None:
        c.saveState()
        c.translate(x, y)
        c.scale(1, -1)
        c.setFillColorRGB(*_hex(colour), alpha=1)
        c.setFont("Helvetica-Bold" if bold else "Helvetica", LABEL_SIZE * 0.9)
        (c.drawRightString if anchor == "end" else c.drawString)(0, 0, value)
        c.restoreState()
    for b in layout.boxes.values():
        lab = box_label(layout, b)
        if lab:
            for i, line in enumerate(lab.lines):
                text(lab.x, lab.y + i * LINE, line, lab.anchor,
                     colour_of("unaccounted-in") if b.node.alert else "#1a202c")
    for col in range(layout.columns):
        text(layout.column_x[col], 14, layout.column_title(col), "start", "#4a5568", bold=True)
    c.showPage()
    c.save()


def _png(layout: FlowLayout, path: Path, title: str) -> None:
    from PIL import Image, ImageDraw, ImageFont

    w, h = int(layout.width), int(layout.height + TITLE_ROOM)
    img = Image.new("RGB", (w, h), "white")
    band = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(band)
    for r in layout.ribbons:
        rgb = tuple(int(v * 255) for v in _hex(band_colour(layout, r)))
        draw.polygon([(x, y + TITLE_ROOM) for x, y in ribbon_points(r)], fill=(*rgb, 90))
    img.paste(band, (0, 0), band)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=LABEL_SIZE)
    big = ImageFont.load_default(size=TITLE_SIZE)
    draw.text((12, 6), title, fill="black", font=big)
    for b in layout.boxes.values():
        draw.rectangle([b.x, b.y + TITLE_ROOM, b.x + b.w, b.y + b.h + TITLE_ROOM], fill=colour_of(b.node.kind))
        lab = box_label(layout, b)
        if lab:
            anchor = "rs" if lab.anchor == "end" else "ls"
            for i, line in enumerate(lab.lines):
                draw.text((lab.x, lab.y + i * LINE + TITLE_ROOM), line, font=font, anchor=anchor,
                          fill=colour_of("unaccounted-in") if b.node.alert else "#1a202c",
                          stroke_width=2, stroke_fill="white")
    for col in range(layout.columns):
        draw.text((layout.column_x[col], 14 + TITLE_ROOM), layout.column_title(col), font=font, anchor="ls",
                  fill="#4a5568")
    img.save(path)
