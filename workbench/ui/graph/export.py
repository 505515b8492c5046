"""Writing the genealogy graph to PNG, SVG or PDF (chosen by the file's suffix)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from workbench.errors import WorkbenchError

FORMATS = ("png", "svg", "pdf")
PNG_SCALE = 2.0
PNG_MAX_SIDE = 12000
MARGIN = 24.0
PDF_MAX_POINTS = 14400.0


def export_scene(scene: QGraphicsScene, source: QRectF, path: str | Path, title: str = "Genealogy") -> Path:
    """Render ``source`` (scene coordinates) of ``scene`` to ``path``."""
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
        {"png": _png, "svg": _svg, "pdf": _pdf}[suffix](scene, source, path, title)
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)
        for item in selected:
            item.setSelected(True)
    if not path.exists() or path.stat().st_size == 0:
        raise WorkbenchError(f"Could not write {path}.")
    return path


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
    if not image.save(str(path), "PNG"):
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


def _pdf(scene: QGraphicsScene, source: QRectF, path: Path, title: str) -> None:
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("lot-trace workbench")
    writer.setResolution(300)
    # One page the picture's shape (1 scene pixel = 1 point, shrunk only beyond the
    # largest page PDF viewers accept), so nothing is cut.
    shrink = min(1.0, PDF_MAX_POINTS / max(source.width(), source.height()))
    page = QSizeF(source.width() * shrink, source.height() * shrink)
    writer.setPageLayout(QPageLayout(QPageSize(page, QPageSize.Unit.Point),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter(writer)
    _render(scene, painter, QRectF(0, 0, writer.width(), writer.height()), source)
    painter.end()
