"""Writing the genealogy graph to PNG, SVG or PDF (chosen by the file's suffix)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QMarginsF, QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QImageWriter, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from workbench.errors import WorkbenchError
from workbench.reports.paper import POINTS, paper_of
from workbench.settings import load_letterhead
from workbench.ui.graph.items import KIND_TITLE, ROOT_COLOUR, NodeItem, kind_path, style_of

FORMATS = ("png", "svg", "pdf")
PNG_SCALE = 2.0
PNG_MAX_SIDE = 12000
MARGIN = 24.0


def export_scene(scene: QGraphicsScene, source: QRectF, path: str | Path, title: str = "Genealogy",
                 subtitle: str = "", paper: str = "a4", kinds: Sequence[str] = ()) -> Path:
    """Render ``source`` (scene coordinates) of ``scene`` to ``path``; a PDF is printed on
    ``paper`` pages ("letter", "a4", "a3") with a title block and the legend of ``kinds``."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise WorkbenchError(f"Cannot export the graph as '{path.suffix or path.name}'; use .png, .svg or .pdf.")
    if source.isEmpty():
        raise WorkbenchError("There is no graph to export yet.")
    source = source.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {path}: {exc.strerror}.") from exc
    selected = scene.selectedItems()
    for item in selected:  # a selection frame is not part of the picture
        item.setSelected(False)
    # Cached items would be drawn as bitmaps: vector files need their real paint calls.
    cached = [(item, item.cacheMode()) for item in scene.items()
              if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _ in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        if suffix == "pdf":
            _pdf(scene, source, path, title, subtitle, paper, kinds)
        else:
            {"png": _png, "svg": _svg}[suffix](scene, source, path, title)
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)
        for item in selected:
            item.setSelected(True)
    if not path.exists() or path.stat().st_size == 0:
        raise WorkbenchError(f"Could not write {path}.")
    return path


def company_paper() -> str:
    """The company's paper (letterhead setting or country); A4 when it cannot be read."""

    try:
        return paper_of(load_letterhead())
    except WorkbenchError:
        return "a4"


def _render(scene: QGraphicsScene, painter: QPainter, target: QRectF, source: QRectF) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(target, QColor("#ffffff"))
    background = scene.backgroundBrush()
    scene.setBackgroundBrush(QColor("#ffffff"))
    try:
        scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
    finally:
        scene.setBackgroundBrush(background)


def _png(scene: QGraphicsScene, source: QRectF, path: Path, title: str) -> None:
    scale = min(PNG_SCALE, PNG_MAX_SIDE / max(source.width(), source.height()))
    image = QImage(QSize(max(1, int(source.width() * scale)), max(1, int(source.height() * scale))),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    _render(scene, painter, QRectF(0, 0, image.width(), image.height()), source)
    painter.end()
    if not QImageWriter(str(path), QByteArray(b"png")).write(image):
        raise WorkbenchError(f"Could not write {path}.")


def _svg(scene: QGraphicsScene, source: QRectF, path: Path, title: str) -> None:
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setTitle(title)
    generator.setDescription("Lot genealogy exported from the lot-trace workbench")
    generator.setSize(QSize(int(source.width()), int(source.height())))
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    painter = QPainter(generator)
    _render(scene, painter, QRectF(0, 0, source.width(), source.height()), source)
    painter.end()


#: Printed size: 0.75 point per scene pixel (a 96-dpi screen at 100 %), so 12-pixel box
#: titles print at 9 pt and the smallest text at 7.5 pt.
PRINT_SCALE = 0.75
#: Never shrink below this (the smallest text then prints at 5 pt); more pages instead.
MIN_PRINT_SCALE = 0.5
#: A graph needing more pages than this at PRINT_SCALE is shrunk (not below MIN_PRINT_SCALE).
MAX_PAGES = 20
PAGE_MARGIN = 28.0
TITLE_BLOCK = 30.0
LEGEND_BLOCK = 22.0


def print_plan(source: QRectF, page: QSizeF) -> tuple[float, int, int]:
    """(scale in points per scene pixel, columns, rows) of pages for ``source``."""
    cw = page.width() - 2 * PAGE_MARGIN
    ch = page.height() - 2 * PAGE_MARGIN - TITLE_BLOCK - LEGEND_BLOCK
    one_page = min(PRINT_SCALE, cw / max(1.0, source.width()), ch / max(1.0, source.height()))
    if one_page >= MIN_PRINT_SCALE:  # on one page, shrunk a little if need be
        return one_page, 1, 1
    scale = PRINT_SCALE
    while True:
        cols = max(1, math.ceil(source.width() * scale / cw - 1e-9))
        rows = max(1, math.ceil(source.height() * scale / ch - 1e-9))
        if cols * rows <= MAX_PAGES or scale <= MIN_PRINT_SCALE:
            return scale, cols, rows
        scale = max(MIN_PRINT_SCALE, scale * 0.92)


def _pdf(scene: QGraphicsScene, source: QRectF, path: Path, title: str, subtitle: str = "",
         paper: str = "a4", kinds: Sequence[str] = ()) -> None:
    """The graph at its printed size on ``paper`` pages (landscape or portrait, whichever
    needs fewer), tiled in rows and columns where it does not fit on one, each page with
    a title block (title, what and where from, page) and the legend."""
    portrait = QSizeF(*POINTS[paper])
    landscape = QSizeF(portrait.height(), portrait.width())
    plans = [(print_plan(source, size), size) for size in (landscape, portrait)]
    (scale, cols, rows), page = min(plans, key=lambda p: (p[0][1] * p[0][2], -p[0][0]))
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("lot-trace workbench")
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(page, QPageSize.Unit.Point, paper.upper()),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    cw = page.width() - 2 * PAGE_MARGIN
    ch = page.height() - 2 * PAGE_MARGIN - TITLE_BLOCK - LEGEND_BLOCK
    painter = QPainter(writer)
    painter.scale(writer.resolution() / 72.0, writer.resolution() / 72.0)  # work in points
    background = scene.backgroundBrush()
    scene.setBackgroundBrush(QColor("#ffffff"))
    try:
        tiles = []
        for r in range(rows):
            for c in range(cols):
                tile = QRectF(source.left() + c * cw / scale, source.top() + r * ch / scale, cw / scale, ch / scale)
                tile = tile.intersected(source)
                if any(isinstance(item, NodeItem) for item in scene.items(tile)):  # no empty pages
                    tiles.append((r, c, tile))
        total = len(tiles)
        for index, (r, c, tile) in enumerate(tiles):
            if index:
                writer.newPage()
            target = QRectF(PAGE_MARGIN, PAGE_MARGIN + TITLE_BLOCK, tile.width() * scale, tile.height() * scale)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            scene.render(painter, target, tile, Qt.AspectRatioMode.IgnoreAspectRatio)
            where = f"page {index + 1} of {total}" + (f" (row {r + 1}, column {c + 1})" if total > 1 else "")
            _title_block(painter, page, title, subtitle, where, scale)
            _legend(painter, page, kinds)
    finally:
        scene.setBackgroundBrush(background)
        painter.end()


def _font(points: int, bold: bool = False) -> QFont:
    """A font ``points`` high on the page (the painter works in points: pixel size)."""
    f = QFont()
    f.setPixelSize(points)
    f.setBold(bold)
    return f


def _title_block(painter: QPainter, page: QSizeF, title: str, subtitle: str, where: str, scale: float) -> None:
    top = PAGE_MARGIN
    width = page.width() - 2 * PAGE_MARGIN
    painter.setPen(QColor("#1a202c"))
    painter.setFont(_font(11, True))
    painter.drawText(QRectF(PAGE_MARGIN, top, width * 0.6, 16), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     title)
    painter.setFont(_font(8))
    painter.setPen(QColor("#4a5568"))
    painter.drawText(QRectF(PAGE_MARGIN, top + 15, width, 12), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     subtitle)
    painter.drawText(QRectF(PAGE_MARGIN + width * 0.4, top, width * 0.6, 16),
                     Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                     f"{where} · scale {scale / PRINT_SCALE:.0%} of screen size")
    painter.setPen(QPen(QColor("#cbd5e0"), 0.6))
    painter.drawLine(QPointF(PAGE_MARGIN, top + TITLE_BLOCK - 3), QPointF(page.width() - PAGE_MARGIN, top + TITLE_BLOCK - 3))


def _legend(painter: QPainter, page: QSizeF, kinds: Sequence[str]) -> None:

    y = page.height() - PAGE_MARGIN - LEGEND_BLOCK + 6
    x = PAGE_MARGIN
    painter.setFont(_font(8))
    entries = [(k, f"{KIND_TITLE.get(k, k)}s") for k in kinds] + [("root", "Traced lot")]
    for kind, text in entries:
        r = QRectF(x, y, 18, 10)
        if kind == "root":
            painter.setPen(QPen(ROOT_COLOUR, 1.6))
            painter.setBrush(style_of("lot")[0])
            path = kind_path("lot", r)
        else:
            fill, line = style_of(kind)
            painter.setPen(QPen(line, 0.8))
            painter.setBrush(fill)
            path = kind_path(kind, r)
        painter.drawPath(path)
        painter.setPen(QColor("#2d3748"))
        advance = QFontMetricsF(painter.font()).horizontalAdvance(text)
        painter.drawText(QRectF(x + 22, y - 2, advance + 4, 14), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         text)
        x += 22 + advance + 14
