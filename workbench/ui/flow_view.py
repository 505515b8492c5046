"""The quantity-flow view of a recall (a Sankey diagram), clickable like the genealogy.

``QuantityFlowView`` draws a ``workbench.recall.flows.FlowLayout`` computed off the UI thread
(``RecallView`` lays it out with ``run_op``): boxes per lot, customer and stock, bands whose
widths are the suspect quantity, red where the records cannot place it. Clicking a box selects
it, lights up its bands and tells the window (which shows its details); double-clicking a lot
opens it in the genealogy. Every box and band says what it is in its tooltip. Wheel zooms,
drag pans, Fit shows all. Export writes PNG (as drawn), SVG or PDF (the same writer as
``workbench flows``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from workbench.outfile import written
from workbench.recall.flows import (
    LABEL_SIZE,
    FlowLayout,
    Ribbon,
    band_colour,
    band_label,
    box_label,
    colour_of,
)
from workbench.reports.sankey import TITLE_ROOM, title_of, write_flows

BAND_ALPHA = 90
LIT_ALPHA = 200
DIM_ALPHA = 35


class FlowBand(QGraphicsPathItem):
    def __init__(self, layout: FlowLayout, ribbon: Ribbon):
        super().__init__(_ribbon_path(ribbon))
        self.ribbon = ribbon
        self.colour = QColor(band_colour(layout, ribbon))
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.set_alpha(BAND_ALPHA)
        self.setToolTip(f"{layout.boxes[ribbon.link.source].node.label} → {layout.boxes[ribbon.link.target].node.label}"
                        f"\n{band_label(layout.flows, ribbon.link)}")
        self.setAcceptHoverEvents(True)

    def set_alpha(self, alpha: int) -> None:
        c = QColor(self.colour)
        c.setAlpha(alpha)
        self.setBrush(QBrush(c))


class FlowBox(QGraphicsRectItem):
    def __init__(self, layout: FlowLayout, node_id: str):
        box = layout.boxes[node_id]
        # At least 6 px to click, even where the quantity is thin.
        h = max(box.h, 6.0)
        super().__init__(QRectF(box.x, box.y + box.h / 2 - h / 2, box.w, h))
        self.node = box.node
        self.setBrush(QBrush(QColor(colour_of(box.node.kind))))
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        tip = [box.node.label]
        if box.node.detail:
            tip.append(box.node.detail)
        tip.append(f"{layout.flows.describe(box.value)} of the suspect quantity")
        if box.node.native:
            tip.append("own quantity: " + ", ".join(f"{q.normalize():f} {u}" for u, q in box.node.native.items()))
        if box.node.lot is not None:
            tip.append("Double-click to open it in the genealogy")
        self.setToolTip("\n".join(tip))
        self.setZValue(2)

    def paint(self, painter, option, widget=None):
        super().paint(painter, option, widget)
        if self.isSelected():
            painter.setPen(QPen(QColor("#1a202c"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.rect().adjusted(-2, -2, 2, 2))


def _ribbon_path(r: Ribbon) -> QPainterPath:
    mx = (r.x0 + r.x1) / 2
    t = r.thickness
    p = QPainterPath()
    p.moveTo(r.x0, r.y0)
    p.cubicTo(mx, r.y0, mx, r.y1, r.x1, r.y1)
    p.lineTo(r.x1, r.y1 + t)
    p.cubicTo(mx, r.y1 + t, mx, r.y0 + t, r.x0, r.y0 + t)
    p.closeSubpath()
    return p


class QuantityFlowView(QGraphicsView):
    """A recall's quantity flow; ``show_layout`` puts a layout on screen."""

    lotSelected = Signal(object)  # LotRef
    lotActivated = Signal(object)  # LotRef
    customerSelected = Signal(str)
    resized = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.layout_: FlowLayout | None = None
        self.boxes: dict[str, FlowBox] = {}
        self.bands: list[FlowBand] = []
        self.labels: list[QGraphicsSimpleTextItem] = []
        self.scene().selectionChanged.connect(self._selection_changed)

    # --- content ---------------------------------------------------------------------------

    def show_layout(self, layout: FlowLayout) -> None:
        scene = self.scene()
        # Forget the old items first: clearing a scene with a box selected emits selectionChanged
        # while the bands are being deleted.
        self.boxes, self.bands, self.labels = {}, [], []
        scene.clearSelection()
        scene.clear()
        self.layout_ = layout
        font = QFont(self.font())
        font.setPixelSize(int(LABEL_SIZE))
        bold = QFont(font)
        bold.setBold(True)
        title = scene.addSimpleText(title_of(layout), bold)
        title.setPos(12, 4 - TITLE_ROOM)
        for r in layout.ribbons:
            band = FlowBand(layout, r)
            scene.addItem(band)
            self.bands.append(band)
        for node_id in layout.boxes:
            item = FlowBox(layout, node_id)
            scene.addItem(item)
            self.boxes[node_id] = item
        for box in layout.boxes.values():
            lab = box_label(layout, box)
            if lab is None:
                continue
            colour = QColor(colour_of("unaccounted-in") if box.node.alert else "#1a202c")
            for i, line in enumerate(lab.lines):
                text = scene.addSimpleText(line, font)
                text.setBrush(QBrush(colour))
                text.setZValue(3)
                w = text.boundingRect().width()
                x = lab.x - w if lab.anchor == "end" else lab.x
                text.setPos(x, lab.y + i * LABEL_SIZE * 1.2 - LABEL_SIZE)
                text.setToolTip(self.boxes[box.node.id].toolTip())
                self.labels.append(text)
        for c in range(layout.columns):
            head = scene.addSimpleText(layout.column_title(c), bold)
            head.setBrush(QBrush(QColor("#4a5568")))
            head.setPos(layout.column_x[c], 2)
        scene.setSceneRect(QRectF(0, -TITLE_ROOM, layout.width, layout.height + TITLE_ROOM))
        self.resetTransform()  # laid out for this view: text at its real size
        self.centerOn(layout.width / 2, (layout.height - TITLE_ROOM) / 2)

    def fit(self) -> None:
        """Show the whole diagram (smaller than its real size where the view is small)."""
        if self.layout_ is not None:
            self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def select_node(self, node_id: str) -> None:
        self.scene().clearSelection()
        if node_id in self.boxes:
            self.boxes[node_id].setSelected(True)

    # --- interaction ----------------------------------------------------------------------

    def _selection_changed(self) -> None:
        chosen = [i for i in self.scene().selectedItems() if isinstance(i, FlowBox)]
        ids = {b.node.id for b in chosen}
        for band in self.bands:
            link = band.ribbon.link
            band.set_alpha(BAND_ALPHA if not ids else LIT_ALPHA if link.source in ids or link.target in ids
                           else DIM_ALPHA)
        if len(chosen) == 1:
            node = chosen[0].node
            if node.lot is not None:
                self.lotSelected.emit(node.lot)
            elif node.customer:
                self.customerSelected.emit(node.customer)

    def mouseDoubleClickEvent(self, event):
        item = self.itemAt(event.position().toPoint())
        if isinstance(item, FlowBox) and item.node.lot is not None:
            self.lotActivated.emit(item.node.lot)
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event):
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        current = self.transform().m11()
        if 0.1 < current * factor < 8:
            self.scale(factor, factor)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.resized.emit()  # the recall view lays the diagram out again for the new size

    # --- export ---------------------------------------------------------------------------

    def export(self, path: Path, page: tuple[float, float] = (792.0, 612.0)) -> Path:
        """Write the diagram as PNG (as drawn here, at twice the layout's size), SVG or PDF."""
        if self.layout_ is None:
            raise ValueError("no quantity flow to export yet")
        if path.suffix.lower() != ".png":
            with written(path, True) as work:  # whole or not at all; the file dialog asked before replacing
                write_flows(self.layout_, work, page=page)
            return path
        rect = self.scene().sceneRect()
        image = QImage(int(rect.width() * 2), int(rect.height() * 2), QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        selected = self.scene().selectedItems()
        self.scene().clearSelection()
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.scene().render(painter, QRectF(image.rect()), rect)
        painter.end()
        for item in selected:
            item.setSelected(True)
        if not image.save(str(path)):
            raise OSError(f"{path}: the image could not be written")
        return path
