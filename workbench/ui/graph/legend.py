"""The legend strip under the graph: each kind's shape and colour, the root, the handles."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from workbench.ui.graph.items import HANDLE_RADIUS, KIND_TITLE, ROOT_COLOUR, kind_path, style_of

ORDER = ("vendor", "receipt", "lot", "order", "machine", "operator", "operation", "shipment", "customer", "return",
         "site", "container")
SWATCH_W, SWATCH_H, GAP = 26.0, 14.0, 14.0


class Legend(QWidget):
    """Draws one entry per kind shown (``set_kinds``), then "root lot" and "more"."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kinds: list[str] = list(ORDER)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Shapes and colours of the genealogy graph")

    def set_kinds(self, kinds) -> None:
        wanted = [k for k in ORDER if k in set(kinds)]
        if wanted != self.kinds:
            self.kinds = wanted
            self._fit_height()
            self.update()

    def entries(self) -> list[tuple[str, str]]:
        out = [(k, f"{KIND_TITLE[k]}s" if k != "lot" else "Lots") for k in self.kinds]
        return [*out, ("root", "Traced lot"), ("more", "More to open: drag or double-click")]

    def _line_height(self) -> int:
        return int(self.fontMetrics().height() + 14)

    def _places(self, width: float) -> list[tuple[float, int]]:
        """Where each entry starts (x, row): entries wrap onto another row rather than be cut
        off where the graph's pane is narrow (a history tab at 1366 px)."""
        metrics, x, row, out = self.fontMetrics(), 10.0, 0, []
        for _key, text in self.entries():
            need = SWATCH_W + 5 + metrics.horizontalAdvance(text)
            if x > 10.0 and x + need > width - 4:
                x, row = 10.0, row + 1
            out.append((x, row))
            x += need + GAP
        return out

    def _fit_height(self) -> None:
        rows = 1 + max((row for _x, row in self._places(self.width())), default=0)
        height = rows * self._line_height()
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def sizeHint(self) -> QSize:
        return QSize(600, self._line_height())

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        p.setPen(QColor("#e2e8f0"))
        p.drawLine(0, 0, self.width(), 0)
        metrics = self.fontMetrics()
        line_h = self._line_height()
        for (key, text), (x, row) in zip(self.entries(), self._places(self.width()), strict=True):
            cy = row * line_h + line_h / 2
            box = QRectF(x, cy - SWATCH_H / 2, SWATCH_W, SWATCH_H)
            if key == "root":
                fill, _ = style_of("lot")
                p.setPen(QPen(ROOT_COLOUR, 2.4))
                p.setBrush(fill)
                p.drawPath(kind_path("lot", box))
            elif key == "more":
                c = QPointF(x + SWATCH_W / 2, cy)
                r = HANDLE_RADIUS * 0.9
                p.setPen(QPen(QColor("#2b6cb0"), 1.3))
                p.setBrush(QColor("#ffffff"))
                p.drawEllipse(c, r, r)
                p.drawLine(QPointF(c.x() - r / 2, cy), QPointF(c.x() + r / 2, cy))
                p.drawLine(QPointF(c.x(), cy - r / 2), QPointF(c.x(), cy + r / 2))
            else:
                fill, line = style_of(key)
                p.setPen(QPen(line, 1.2))
                p.setBrush(fill)
                p.drawPath(kind_path(key, box))
            p.setPen(QColor("#2d3748"))
            tx = x + SWATCH_W + 5
            p.drawText(QRectF(tx, row * line_h, metrics.horizontalAdvance(text) + 2, line_h),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        p.end()
