"""The lot timeline: a lot's life on one date axis, under the genealogy graph.

Four lanes — in (receipt, production with its operations as bars), consumed, shipped,
returned — with markers in the node-kind colours of the graph. Hovering a marker or a
bar shows what happened, when and how much. Data comes from ``LotDetails.events``
(loaded in the background by the caller); this widget only draws.
"""

from __future__ import annotations

from datetime import datetime

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QLabel, QStackedWidget, QToolTip, QVBoxLayout, QWidget

from workbench.facts import LifeEvent
from workbench.format import day as fmt_date
from workbench.format import quantity as fmt_quantity
from workbench.format import when as fmt_time
from workbench.lots.details import LotDetails
from workbench.ui.style import BORDER, EVENT_KIND, MUTED, kind_colours
from workbench.ui.widgets import epoch

#: Lane (y) of each event kind, bottom to top, and the lane labels.
LANES = {"returned": 0, "shipped": 1, "consumed": 2, "received": 3, "opening": 3, "produced": 3, "operation": 3}
LANE_LABELS = {0: "Returned", 1: "Shipped", 2: "Consumed", 3: "Made / received"}
HOVER_PIXELS = 8


class LotTimeline(QWidget):
    """The life events of one lot on a date axis."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.events: list[LifeEvent] = []
        self.unit: str | None = None
        self.title = QLabel("Lot timeline")
        self.title.setContentsMargins(10, 6, 10, 2)
        axis = pg.DateAxisItem(orientation="bottom", utcOffset=0)
        self.plot = pg.PlotWidget(axisItems={"bottom": axis}, background="w")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.showGrid(x=True, y=False, alpha=0.15)
        item = self.plot.getPlotItem()
        left = item.getAxis("left")
        left.setTicks([list(LANE_LABELS.items())])
        left.setWidth(100)
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        for name in ("left", "bottom"):
            ax = item.getAxis(name)
            ax.setPen(pg.mkPen(BORDER))
            ax.setTextPen(pg.mkPen(MUTED))
            ax.setStyle(tickFont=font)
        self.plot.setYRange(-0.6, 3.6, padding=0)
        self.bars: pg.BarGraphItem | None = None
        self.markers = pg.ScatterPlotItem(size=12, pxMode=True)
        self.plot.addItem(self.markers)
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.empty = QLabel("The lot's life — receipt, production steps, consumptions, shipments and "
                            "returns — appears here on one time axis once a lot is open.")
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        self.setMinimumHeight(150)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(self.backgroundRole(), QColor("white"))
        self.setPalette(pal)

    def clear(self, message: str = "Lot timeline") -> None:
        self.events = []
        self.title.setText(message)
        self.stack.setCurrentWidget(self.empty)
        self.markers.clear()
        if self.bars is not None:
            self.plot.removeItem(self.bars)
            self.bars = None

    def show_lot(self, details: LotDetails) -> None:
        """Draw ``details.events`` (receipt, production, consumptions, shipments, returns)."""
        self.clear()
        self.unit = details.item.unit
        self.events = [e for e in details.events if e.kind in LANES and e.at is not None]  # dated: placed in time
        n = len(self.events)
        span = ""
        if self.events:
            first, last = _at(self.events[0]), max(e.end or _at(e) for e in self.events)
            span = f", {fmt_date(first)}" + (f" to {fmt_date(last)}" if fmt_date(last) != fmt_date(first) else "")
        self.title.setText(f"<b>Life of {details.item.code} / {details.lot}</b> — {n} event{'s' if n != 1 else ''}"
                           f"{span} <span style='color:#8a94a6'>(hover for details; wheel to zoom in time)</span>")
        self.stack.setCurrentWidget(self.plot if self.events else self.empty)
        points = []
        x0, x1, ys, brushes = [], [], [], []
        for e in self.events:
            _fill, line = kind_colours(EVENT_KIND[e.kind])
            if e.kind == "operation" and e.end is not None:
                x0.append(epoch(_at(e)))
                x1.append(epoch(e.end))
                ys.append(LANES[e.kind])
                brushes.append(pg.mkBrush(line.lighter(140)))
                continue
            points.append({"pos": (epoch(_at(e)), LANES[e.kind]), "brush": pg.mkBrush(line),
                           "pen": pg.mkPen(QColor("white"), width=1.5), "symbol": _symbol(e.kind), "data": e})
        self.markers.setData(points)
        if x0:
            self.bars = pg.BarGraphItem(x0=x0, x1=x1, y=ys, height=0.36, brushes=brushes,
                                           pen=pg.mkPen(QColor("white"), width=1))
            self.plot.addItem(self.bars)
            self.bars.setZValue(-1)
        times = [epoch(_at(e)) for e in self.events] + [epoch(e.end) for e in self.events if e.end]
        if times:
            lo, hi = min(times), max(times)
            pad = max((hi - lo) * 0.08, 6 * 3600)
            self.plot.setXRange(lo - pad, hi + pad, padding=0)

    def event_at(self, x: float, y: float, x_tolerance: float) -> LifeEvent | None:
        """The event drawn at (x seconds, y lane), within ``x_tolerance`` seconds."""
        best, best_distance = None, None
        for e in self.events:
            lane = LANES[e.kind]
            if abs(y - lane) > 0.35:
                continue
            start = epoch(_at(e))
            end = epoch(e.end) if e.end else start
            distance = 0.0 if start <= x <= end else min(abs(x - start), abs(x - end))
            if distance <= x_tolerance and (best_distance is None or distance < best_distance):
                best, best_distance = e, distance
        return best

    def tooltip(self, e: LifeEvent) -> str:
        when = fmt_time(e.at) + (f" – {fmt_time(e.end)}" if e.end else "")
        qty = f"<br>{fmt_quantity(e.quantity, self.unit)}" if e.quantity is not None else ""
        return f"<b>{e.label}</b><br><span style='color:{MUTED}'>{when} UTC</span>{qty}"

    def _hover(self, pos: QPointF) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if not self.events or not vb.sceneBoundingRect().contains(pos):
            return
        point = vb.mapSceneToView(pos)
        seconds_per_pixel = vb.viewPixelSize()[0]
        e = self.event_at(point.x(), point.y(), HOVER_PIXELS * seconds_per_pixel)
        if e is None:
            QToolTip.hideText()
            return
        view_pos = self.plot.mapFromScene(pos)
        QToolTip.showText(self.plot.mapToGlobal(view_pos), self.tooltip(e), self.plot)


def _at(e: LifeEvent) -> datetime:
    """When a drawn event happened (``show_lot`` draws dated events only)."""
    assert e.at is not None, "the time line draws dated events only"
    return e.at


def _symbol(kind: str) -> str:
    return {"received": "s", "opening": "s", "produced": "d", "consumed": "o", "shipped": "t2",
            "returned": "t3"}.get(kind, "o")

