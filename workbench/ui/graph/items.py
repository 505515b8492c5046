"""The boxes and arrows of the genealogy graph (QGraphicsItems, after Qt's elasticnodes).

``NodeItem`` draws one node (lot, vendor, order…, or a group box) in its kind's shape
and colours (``KIND_STYLE``, shared with the report figures), with a "+" handle on the
side where more lies: drag it outward, or double-click that side, to open the next level.
``EdgeItem`` draws a flow with its arrowhead and quantity label.

Speed with thousands of items: nodes are cached as pixmaps (``set_cache_for_zoom``), and
their painting drops text and handles when zoomed far out (level of detail from the
painter's transform); edges are Qt's own C++ path items, with labels hidden far out.
"""

from __future__ import annotations

import weakref
from typing import ClassVar, Protocol, cast

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QStyle,
    QStyleOptionGraphicsItem,
)

from workbench.facts import LotFacts, Node, OperationFacts, ReceiptFacts, ReturnFacts, ShipmentFacts
from workbench.format import quantity as format_quantity
from workbench.reports.figures import KIND_STYLE
from workbench.trace.explore import DOWNSTREAM, UPSTREAM, VisibleNode, node_size

ROOT_COLOUR = QColor("#e53e3e")
SELECT_COLOUR = QColor("#2563eb")
HIGHLIGHT_COLOUR = QColor("#f6ad55")
PATH_COLOUR = QColor("#2563eb")
EDGE_COLOUR = QColor("#94a3b8")
TEXT_COLOUR = QColor("#1a202c")
MUTED_COLOUR = QColor("#4a5568")
HOLD_COLOUR = QColor("#c53030")
HANDLE_RADIUS = 8.0
#: The smallest text worth drawing, in screen pixels: smaller text is left out and the
#: box says what it is by its colour and shape (and the level bands, see the view).
MIN_TEXT_PX = 9.0
#: Text sizes in scene pixels (pixel sizes, not points: what reaches the screen is this
#: times the zoom, on any display and in every export).
CAPTION_PX, TITLE_PX, BODY_PX, SMALL_PX = 10, 12, 11, 10
#: At middle zooms a box shows only what identifies it, in a big font.
BIG_PX = 15
#: Zoom from which every line of a box (and an edge's quantity) is drawn at MIN_TEXT_PX or more.
FULL_LOD = MIN_TEXT_PX / min(CAPTION_PX, SMALL_PX)
#: Zoom from which a box's big identifying text is drawn; below it boxes are marks.
TITLE_LOD = MIN_TEXT_PX / BIG_PX
#: Kept for callers that ask when boxes lose their text / edges their labels.
DETAIL_LOD = TITLE_LOD
LABEL_LOD = FULL_LOD
#: Below this zoom boxes are cached as pixmaps in item coordinates, above per device.
ITEM_CACHE_ZOOM = 0.99
#: The text tiers, lowest first.
MARKS, TITLES, FULL = 0, 1, 2


def tier_of(zoom: float) -> int:
    """Which text a box draws at ``zoom``: none (MARKS), its identity (TITLES) or all (FULL)."""
    return FULL if zoom >= FULL_LOD - 1e-9 else (TITLES if zoom >= TITLE_LOD - 1e-9 else MARKS)


def _halo(colour: QColor) -> QPen:
    pen = QPen(colour, 8)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


_HIGHLIGHT_HALO = _halo(HIGHLIGHT_COLOUR)
_SELECT_HALO = _halo(QColor(SELECT_COLOUR.red(), SELECT_COLOUR.green(), SELECT_COLOUR.blue(), 90))

#: QGraphicsItem::UserType (PySide6's type stubs do not declare it).
USER_TYPE = 65536


class SceneHooks(Protocol):
    """What a box tells its scene (``GenealogyScene``; the scene imports this module)."""

    def node_selection_changed(self, item: NodeItem) -> None: ...
    def node_double_clicked(self, item: NodeItem, side: str | None) -> None: ...
    def drag_started(self, item: NodeItem, direction: str) -> None: ...
    def drag_moved(self, start: QPointF, pos: QPointF, outward: float) -> None: ...
    def drag_finished(self, item: NodeItem, direction: str | None) -> None: ...
    def mark_on_map(self, node: NodeItem) -> None: ...


#: How far (pixels) a handle must be dragged outward to open the next level.
DRAG_DISTANCE = 24.0

KIND_TITLE = {"lot": "Lot", "vendor": "Vendor", "receipt": "Receipt", "order": "Order", "operation": "Operation",
              "machine": "Machine", "operator": "Operator", "shipment": "Shipment", "customer": "Customer",
              "return": "Return", "group": "Group", "site": "Site", "container": "Pallet"}


def style_of(kind: str) -> tuple[QColor, QColor]:
    """Fill and line colours of a kind."""
    _, fill, line = KIND_STYLE.get(kind, ("box", "#ffffff", "#4a5568"))
    return QColor(fill), QColor(line)


def kind_path(kind: str, r: QRectF) -> QPainterPath:
    """The outline of a kind, after its Graphviz shape in the report figures."""
    p = QPainterPath()
    p.setFillRule(Qt.FillRule.WindingFill)
    left, top, right, bottom = r.left(), r.top(), r.right(), r.bottom()
    cy, cx = r.center().y(), r.center().x()
    tip = min(12.0, r.width() * 0.12)

    def poly(*pts: tuple[float, float]) -> QPainterPath:
        p.addPolygon(QPolygonF([QPointF(x, y) for x, y in pts]))
        p.closeSubpath()
        return p

    if kind in ("lot", "group"):
        p.addRoundedRect(r, 6, 6)
    elif kind == "vendor":  # house
        return poly((left, bottom), (left, top + tip), (cx, top - 2), (right, top + tip), (right, bottom))
    elif kind == "receipt":  # note, folded corner
        return poly((left, top), (right - tip, top), (right, top + tip), (right, bottom), (left, bottom))
    elif kind == "order":  # cds
        return poly((left, top), (right - tip, top), (right, cy), (right - tip, bottom), (left, bottom))
    elif kind == "shipment":  # arrow
        return poly((left, top), (right - tip, top), (right, cy), (right - tip, bottom), (left, bottom),
                    (left + tip * 0.8, cy))
    elif kind == "customer":  # inverted house
        return poly((left, top), (right, top), (right, bottom - tip), (cx, bottom + 2), (left, bottom - tip))
    elif kind == "return":  # octagon
        c = tip
        return poly((left + c, top), (right - c, top), (right, top + c), (right, bottom - c), (right - c, bottom),
                    (left + c, bottom), (left, bottom - c), (left, top + c))
    elif kind == "operator":
        p.addRoundedRect(r, r.height() / 2, r.height() / 2)
    elif kind == "container":  # a pallet: a box on a deck
        p.addRect(QRectF(left, top, r.width(), r.height() * 0.8))
        p.addRect(QRectF(left, top + r.height() * 0.86, r.width(), r.height() * 0.14))
    elif kind == "site":  # a building with a flat roof line
        return poly((left, bottom), (left, top + tip), (left + tip, top), (right - tip, top), (right, top + tip),
                    (right, bottom))
    elif kind == "machine":  # component
        p.addRect(r)
        for y in (top + r.height() * 0.25, top + r.height() * 0.6):
            p.addRect(QRectF(left - 5, y, 10, r.height() * 0.15))
    else:
        p.addRoundedRect(r, 3, 3)
    return p


def _font(pixels: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(pixels)
    f.setBold(bold)
    return f


class Fonts:
    """Fonts and metrics made once (QFont needs a running QGuiApplication)."""

    _made = False
    caption: ClassVar[QFont]
    title: ClassVar[QFont]
    body: ClassVar[QFont]
    small: ClassVar[QFont]
    big: ClassVar[QFont]
    big_plain: ClassVar[QFont]
    caption_m: ClassVar[QFontMetricsF]
    title_m: ClassVar[QFontMetricsF]
    body_m: ClassVar[QFontMetricsF]
    small_m: ClassVar[QFontMetricsF]
    big_m: ClassVar[QFontMetricsF]
    big_plain_m: ClassVar[QFontMetricsF]

    @classmethod
    def ensure(cls) -> None:
        if cls._made:
            return
        cls.caption = _font(CAPTION_PX, True)
        cls.title = _font(TITLE_PX, True)
        cls.body = _font(BODY_PX)
        cls.small = _font(SMALL_PX)
        cls.big = _font(BIG_PX, True)
        cls.big_plain = _font(BIG_PX)
        cls.caption_m = QFontMetricsF(cls.caption)
        cls.title_m = QFontMetricsF(cls.title)
        cls.body_m = QFontMetricsF(cls.body)
        cls.small_m = QFontMetricsF(cls.small)
        cls.big_m = QFontMetricsF(cls.big)
        cls.big_plain_m = QFontMetricsF(cls.big_plain)
        cls._made = True


def _node_of(v: VisibleNode) -> Node:
    """The node a box that is not a group shows."""
    if v.node is None:
        raise TypeError(f"{v.id} is a group, not a node")
    return v.node


def node_lines(v: VisibleNode) -> list[tuple[str, str]]:
    """The text of a box, line by line, as (style, text); style is title/body/small/caption."""
    if v.group is not None:
        g = v.group
        if g.item:
            where = f"in {g.item}" if g.kind == "customer" else g.item
            lines = [("caption", g.title.upper()), ("title", where)]
            lines.append(("small", " · ".join([p for p in (g.quantity, "double-click to open") if p])))
            return lines
        lines = [("caption", f"{KIND_TITLE.get(g.kind, g.kind).upper()}S"), ("title", g.title)]
        parts = [g.quantity] if g.quantity else []
        parts.append(f"{g.absorbed:,} more beyond" if g.absorbed else "double-click to open")
        lines.append(("small", " · ".join(parts)))
        return lines
    n = _node_of(v)
    if n.kind == "lot":
        d = n.lot
        amount = format_quantity(d.quantity, d.unit)
        name = d.item_name or ""
        return [("title", d.item), ("body", f"Lot {d.lot}"),
                ("small", f"{amount} · {name}" if amount and name else (amount or name or " "))]
    lines = [("caption", KIND_TITLE.get(n.kind, n.kind).upper()), ("title", n.code)]
    detail = n.name if n.name and n.name != n.code else _detail(n)
    if detail:
        lines.append(("small", detail))
    return lines


def _detail(n: Node) -> str:
    f = n.facts
    if isinstance(f, ShipmentFacts):
        return f"to {f.customer}" if f.customer else ""
    if isinstance(f, ReceiptFacts):
        return f.po or ""
    if isinstance(f, ReturnFacts):
        return f.reason or ""
    if isinstance(f, OperationFacts):
        return f.machine or ""
    return ""


def big_lines(v: VisibleNode) -> list[str]:
    """What a box says at middle zooms (TITLES), in the big font: what identifies it."""
    if v.group is not None:
        if v.group.item:
            return [v.group.title, f"in {v.group.item}" if v.group.kind == "customer" else v.group.item]
        return [v.group.title]
    n = _node_of(v)
    if n.kind == "lot":
        return [n.lot.lot, n.lot.item]
    return [n.code]


def tooltip(v: VisibleNode) -> str:
    if v.group is not None:
        return (f"{v.group.title} ({v.group.absorbed:,} more beyond them).\n"
                "Double-click to show them, a page at a time.")
    n = _node_of(v)
    rows = [f"{KIND_TITLE.get(n.kind, n.kind)} {n.code}"]
    if n.name and n.name != n.code:
        rows.append(n.name)
    for key, value in (n.facts.to_json() if n.facts is not None else {}).items():
        if value not in (None, "") and key not in ("lot_id", "depth"):
            rows.append(f"{key.replace('_', ' ')}: {value}")
    hints = []
    if v.more_upstream:
        hints.append("drag the left + to open upstream")
    if v.more_downstream:
        hints.append("drag the right + to open downstream")
    if hints:
        rows.append("\n" + "; ".join(hints).capitalize() + ", or double-click that side.")
    return "\n".join(rows)


class NodeItem(QGraphicsItem):
    """One box: a lot, another genealogy node, or a group of many."""

    Type = USER_TYPE + 1

    def __init__(self, visible: VisibleNode):
        super().__init__()
        Fonts.ensure()
        self.node_id = visible.id
        self.kind = visible.kind
        self.width, self.height = node_size(visible.kind)
        # Geometry made once: Qt asks for the bounding rect of every item it draws, every frame.
        self._body = QRectF(-self.width / 2, -self.height / 2, self.width, self.height)
        pad = HANDLE_RADIUS + 6
        self._bounds = self._body.adjusted(-pad, -pad, pad, pad)
        self._path = kind_path(self.kind, self._body)
        self.edges: list[EdgeItem] = []
        self.highlighted = False
        self.on_path = False
        self._drag_from: str | None = None
        self._drag_start = QPointF()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.set_cache_for_zoom(1.0)
        self.setAcceptHoverEvents(False)
        self.setZValue(1)
        self.update_visible(visible)

    def set_cache_for_zoom(self, zoom: float, many: bool = False) -> None:
        """The text tier for ``zoom`` (see ``tier_of``) and how the box is cached:

        - 100 % and closer: per device (``DeviceCoordinateCache``), so text stays sharp;
          redrawn when the zoom changes, panning is free;
        - below, in a big graph (``many``): as a pixmap in item coordinates, so zooming
          and panning only scale pixmaps, without any Python paint call (small graphs
          keep sharp text);
        - as marks: a small pixmap (a quarter of the box's size) of a coloured block.

        The tier, not the painter's transform, decides what is drawn: a pixmap cached
        in item coordinates is painted unscaled, so its transform says nothing of the zoom.
        """
        r = self.boundingRect()
        tier = tier_of(zoom)
        if tier != getattr(self, "tier", None):
            self.tier = tier
            self.update()
        if zoom >= ITEM_CACHE_ZOOM and many:
            # Close up in a big graph: a pixmap at twice (four times, past 200 %) the box's
            # size, drawn scaled down: zooming redraws no box, where a per-device cache
            # would repaint every box on screen on every wheel step.
            factor = 2 if zoom < 2 else 4
            mode, size = QGraphicsItem.CacheMode.ItemCoordinateCache, QSize(int(r.width() * factor),
                                                                            int(r.height() * factor))
        elif zoom >= ITEM_CACHE_ZOOM or (tier != MARKS and not many):
            mode, size = QGraphicsItem.CacheMode.DeviceCoordinateCache, QSize()
        elif tier != MARKS:
            mode, size = QGraphicsItem.CacheMode.ItemCoordinateCache, QSize()
        else:
            mode, size = QGraphicsItem.CacheMode.ItemCoordinateCache, QSize(int(r.width() / 4), int(r.height() / 4))
        if (mode, size) != getattr(self, "_cache", None):
            self._cache = (mode, size)
            self.setCacheMode(mode, size)

    def text_pixels(self, zoom: float) -> float | None:
        """The height on screen (pixels) of the smallest text this box draws at
        ``zoom``, or None when it draws none (the legibility tests read this)."""
        tier = tier_of(zoom)
        if tier == MARKS:
            return None
        if tier == TITLES:
            return BIG_PX * zoom
        sizes = {"caption": CAPTION_PX, "title": TITLE_PX, "body": BODY_PX, "small": SMALL_PX}
        return min(sizes[style] for style, _ in self.lines) * zoom

    # --- data -----------------------------------------------------------------------

    def update_visible(self, visible: VisibleNode) -> None:
        self.visible = visible
        self.lines = node_lines(visible)
        self._texts = self._lay_out_text()
        self._big_texts = self._lay_out_big()
        self._fill, self._line = style_of(visible.group.kind if visible.group else self.kind)
        self.setToolTip(tooltip(visible))
        self.update()

    def _lay_out_text(self) -> list[tuple[QFont, QColor, QRectF, str]]:
        """Every line of the FULL tier, elided and placed once (no text layout in paint)."""
        fonts = {"title": (Fonts.title, Fonts.title_m, TEXT_COLOUR), "body": (Fonts.body, Fonts.body_m, TEXT_COLOUR),
                 "small": (Fonts.small, Fonts.small_m, MUTED_COLOUR),
                 "caption": (Fonts.caption, Fonts.caption_m, MUTED_COLOUR)}
        r = self._body
        inset = 14.0 if self.kind in ("shipment", "order", "receipt", "return") else 10.0
        text_rect = r.adjusted(inset, 0, -inset, 0)
        heights = [fonts[style][1].height() for style, _ in self.lines]
        y = r.center().y() - sum(heights) / 2 + (3 if self.kind == "vendor" else 0) - (3 if self.kind == "customer" else 0)
        out = []
        for (style, text), h in zip(self.lines, heights, strict=False):
            font, metrics, colour = fonts[style]
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width())
            out.append((font, colour, QRectF(text_rect.left(), y, text_rect.width(), h), shown))
            y += h
        return out

    def _lay_out_big(self) -> list[tuple[QFont, QColor, QRectF, str]]:
        """The TITLES tier's lines in the big font, elided and placed once."""
        lines = big_lines(self.visible)
        r = self._body
        text_rect = r.adjusted(12, 0, -12, 0)
        h = Fonts.big_m.height()
        y = r.center().y() - h * len(lines) / 2
        out = []
        for i, text in enumerate(lines):
            font, metrics = (Fonts.big, Fonts.big_m) if i == 0 else (Fonts.big_plain, Fonts.big_plain_m)
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width())
            out.append((font, TEXT_COLOUR, QRectF(text_rect.left(), y, text_rect.width(), h), shown))
            y += h
        return out

    @property
    def node(self):
        return self.visible.node

    def type(self) -> int:
        return NodeItem.Type

    # --- geometry -------------------------------------------------------------------

    def body_rect(self) -> QRectF:
        return QRectF(self._body)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def handle_centre(self, direction: str) -> QPointF:
        r = self.body_rect()
        return QPointF(r.left() if direction == UPSTREAM else r.right(), 0)

    def shape(self) -> QPainterPath:
        path = kind_path(self.kind, self.body_rect())
        path.setFillRule(Qt.FillRule.WindingFill)  # the handles overlap the box: a union
        for direction in self.handles():
            path.addEllipse(self.handle_centre(direction), HANDLE_RADIUS + 2, HANDLE_RADIUS + 2)
        return path

    def handles(self) -> list[str]:
        out = []
        if self.visible.more_upstream:
            out.append(UPSTREAM)
        if self.visible.more_downstream:
            out.append(DOWNSTREAM)
        return out

    def port(self, direction: str) -> QPointF:
        """Where edges meet this box, in scene coordinates (east out, west in)."""
        r = self.body_rect()
        x = r.right() if direction == DOWNSTREAM else r.left()
        return self.mapToScene(QPointF(x, 0))

    def handle_at(self, pos: QPointF) -> str | None:
        for direction in self.handles():
            if QLineF(pos, self.handle_centre(direction)).length() <= HANDLE_RADIUS + 3:
                return direction
        return None

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.edges:
                edge.node_moved()
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged and (hooks := self.hooks()) is not None:
            hooks.mark_on_map(self)
            hooks.node_selection_changed(self)
        return super().itemChange(change, value)

    # --- painting -------------------------------------------------------------------

    def set_highlighted(self, on: bool) -> None:
        if on != self.highlighted:
            self.highlighted = on
            self.update()
            self._mark_on_map()

    def set_on_path(self, on: bool) -> None:
        if on != self.on_path:
            self.on_path = on
            self.update()
            self._mark_on_map()

    def hooks(self) -> SceneHooks | None:
        """The scene, as the genealogy scene it is (None outside one)."""
        scene = self.scene()
        return cast(SceneHooks, scene) if scene is not None and hasattr(scene, "mark_on_map") else None

    def _mark_on_map(self) -> None:
        hooks = self.hooks()
        if hooks is not None:
            hooks.mark_on_map(self)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        tier = getattr(self, "tier", FULL)
        fill, line = self._fill, self._line
        r = self._body
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if tier == MARKS:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(ROOT_COLOUR if self.visible.root else SELECT_COLOUR if selected or self.on_path
                             else HIGHLIGHT_COLOUR if self.highlighted else line)
            painter.drawRect(r)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = self._path
        if self.highlighted or selected:
            painter.strokePath(path, _HIGHLIGHT_HALO if self.highlighted else _SELECT_HALO)
        if self.visible.group is not None:
            painter.setPen(QPen(line, 1))
            painter.setBrush(fill.darker(104))
            for offset in (6, 3):
                painter.drawRoundedRect(r.translated(offset, offset), 6, 6)
        pen = QPen(line, 1.3)
        if self.visible.root:
            pen = QPen(ROOT_COLOUR, 3)
        elif selected:
            pen = QPen(SELECT_COLOUR, 2.4)
        elif self.on_path:
            pen = QPen(PATH_COLOUR, 2)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawPath(path)
        for font, colour, rect, text in (self._texts if tier == FULL else self._big_texts):
            painter.setFont(font)
            painter.setPen(colour)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        if self.on_hold:
            self._paint_hold(painter, r, tier)
        for direction in self.handles():
            self._paint_handle(painter, self.handle_centre(direction), line)

    @property
    def on_hold(self) -> bool:
        n = self.visible.node
        return n is not None and isinstance(n.facts, LotFacts) and n.facts.on_hold

    def _paint_hold(self, painter: QPainter, r: QRectF, tier: int) -> None:
        """A red "ON HOLD" tag across the box's top right corner: a held lot must not move
        (in the big font where the box shows only its identity, so it stays readable)."""
        font, metrics = (Fonts.caption, Fonts.caption_m) if tier == FULL else (Fonts.big_plain, Fonts.big_plain_m)
        w, h = metrics.horizontalAdvance("ON HOLD") + 10, metrics.height() + 2
        tag = QRectF(r.right() - w - 6, r.top() - h / 2, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(HOLD_COLOUR)
        painter.drawRoundedRect(tag, 3, 3)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, "ON HOLD")

    @staticmethod
    def _paint_handle(painter: QPainter, c: QPointF, colour: QColor) -> None:
        painter.setPen(QPen(colour, 1.4))
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(c, HANDLE_RADIUS, HANDLE_RADIUS)
        painter.setPen(QPen(colour, 1.8))
        a = HANDLE_RADIUS * 0.5
        painter.drawLine(QPointF(c.x() - a, c.y()), QPointF(c.x() + a, c.y()))
        painter.drawLine(QPointF(c.x(), c.y() - a), QPointF(c.x(), c.y() + a))

    # --- interaction ----------------------------------------------------------------

    def side_at(self, pos: QPointF) -> str | None:
        """The direction a double-click at ``pos`` opens: left third upstream, right
        third downstream, the middle both (None)."""
        third = self.width / 3
        if pos.x() < -self.width / 2 + third:
            return UPSTREAM
        if pos.x() > self.width / 2 - third:
            return DOWNSTREAM
        return None

    def mousePressEvent(self, event) -> None:
        handle = self.handle_at(event.pos()) if event.button() == Qt.MouseButton.LeftButton else None
        hooks = self.hooks()
        if handle is not None and hooks is not None:
            self._drag_from = handle
            self._drag_start = self.mapToScene(self.handle_centre(handle))
            hooks.drag_started(self, handle)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        hooks = self.hooks()
        if self._drag_from is not None and hooks is not None:
            hooks.drag_moved(self._drag_start, event.scenePos(), self._outward(event.scenePos()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        hooks = self.hooks()
        if self._drag_from is not None and hooks is not None:
            direction, self._drag_from = self._drag_from, None
            far_enough = self._outward(event.scenePos(), direction) >= DRAG_DISTANCE
            hooks.drag_finished(self, direction if far_enough else None)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def _outward(self, scene_pos: QPointF, direction: str | None = None) -> float:
        direction = direction or self._drag_from
        dx = scene_pos.x() - self._drag_start.x()
        return dx if direction == DOWNSTREAM else -dx

    def mouseDoubleClickEvent(self, event) -> None:
        hooks = self.hooks()
        if event.button() == Qt.MouseButton.LeftButton and hooks is not None:
            hooks.node_double_clicked(self, self.side_at(event.pos()))
            event.accept()
            return
        super().mouseDoubleClickEvent(event)


class EdgeItem(QGraphicsPathItem):
    """A flow from one box to the next, with an arrowhead and its quantity.

    Drawn by Qt's own path, polygon and text items (no Python ``paint``): a graph has as
    many edges as boxes, and C++ painting keeps zooming a 5,000-box view smooth. The
    quantity label is left out when zoomed far out (``set_detail``).
    """

    Type = USER_TYPE + 2
    ARROW = 7.0

    def __init__(self, source: NodeItem, target: NodeItem, kind: str, label: str):
        super().__init__()
        Fonts.ensure()
        self._source = weakref.ref(source)
        self._target = weakref.ref(target)
        self.kind = kind
        self.label = label
        self.route: list[tuple[float, float]] | None = None
        self.on_path = False
        self.setZValue(0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setBrush(Qt.BrushStyle.NoBrush)
        self.arrow = QGraphicsPolygonItem(self)
        self.arrow.setPen(QPen(Qt.PenStyle.NoPen))
        self.label_item: QGraphicsSimpleTextItem | None = None
        self.label_box: QGraphicsRectItem | None = None
        if label:
            self.label_box = QGraphicsRectItem(self)
            self.label_box.setPen(QPen(QColor("#e2e8f0"), 0.8))
            self.label_box.setBrush(QColor(255, 255, 255, 235))
            self.label_item = QGraphicsSimpleTextItem(label, self.label_box)
            self.label_item.setFont(Fonts.small)
        self._style()
        source.edges.append(self)
        target.edges.append(self)
        self.adjust()

    def type(self) -> int:
        return EdgeItem.Type

    @property
    def source(self) -> NodeItem | None:
        return self._source()

    @property
    def target(self) -> NodeItem | None:
        return self._target()

    def set_route(self, points: list[tuple[float, float]] | None) -> None:
        """Use dot's routed path (at rest); None draws a plain S-curve (while moving)."""
        self.route = points
        self.adjust()

    def node_moved(self) -> None:
        """dot's path fits only where the boxes were laid out: follow with an S-curve."""
        self.route = None
        self.adjust()

    def adjust(self) -> None:
        s, t = self.source, self.target
        if s is None or t is None:
            return
        path = QPainterPath()
        if self.route and len(self.route) >= 4:
            pts = [QPointF(x, y) for x, y in self.route]
            path.moveTo(pts[0])
            for i in range(1, len(pts) - 2, 3):
                path.cubicTo(pts[i], pts[i + 1], pts[i + 2])
        else:
            a, b = s.port(DOWNSTREAM), t.port(UPSTREAM)
            sign = 1.0
            if t.pos().x() < s.pos().x():  # a flow drawn backwards (a return into its lot)
                a, b, sign = s.port(UPSTREAM), t.port(DOWNSTREAM), -1.0
            bend = max(40.0, abs(b.x() - a.x()) * 0.5) * sign
            path.moveTo(a)
            path.cubicTo(QPointF(a.x() + bend, a.y()), QPointF(b.x() - bend, b.y()), b)
        self.setPath(path)
        end = path.pointAtPercent(1.0)
        before = path.pointAtPercent(0.97) if path.length() > 1 else QPointF(end.x() - 1, end.y())
        line = QLineF(before, end)
        if line.length() == 0:
            line = QLineF(QPointF(end.x() - 1, end.y()), end)
        unit = line.unitVector()
        dx, dy = unit.dx() * self.ARROW, unit.dy() * self.ARROW
        self.arrow.setPolygon(QPolygonF([end, QPointF(end.x() - dx - dy * 0.55, end.y() - dy + dx * 0.55),
                                         QPointF(end.x() - dx + dy * 0.55, end.y() - dy - dx * 0.55)]))
        if self.label_box is not None and self.label_item is not None:
            # Where the edge's neighbours have parted: near the far end of a fan out,
            # near the start of a fan in (labels at the middle pile up at a big fan).
            fan_out = sum(1 for e in s.edges if e.source is s)
            fan_in = sum(1 for e in t.edges if e.target is t)
            mid = path.pointAtPercent(0.72 if fan_out > fan_in else (0.28 if fan_in > fan_out else 0.5))
            text = self.label_item.boundingRect()
            w, h = text.width() + 8, text.height() + 2
            self.label_box.setRect(QRectF(mid.x() - w / 2, mid.y() - h / 2, w, h))
            self.label_item.setPos(mid.x() - text.width() / 2, mid.y() - text.height() / 2)

    def set_detail(self, labels: bool) -> None:
        """Show the quantity label and arrowhead only when they can be read (and the
        label only where it does not cover another label or a box: ``label_fits``)."""
        self._detail = labels
        if self.label_box is not None:
            self.label_box.setVisible(labels and self.label_fits)
        self.arrow.setVisible(labels)

    #: Set by the scene after a layout: False where this label would cover another.
    label_fits = True

    def label_rect(self) -> QRectF | None:
        return self.label_box.mapRectToScene(self.label_box.rect()) if self.label_box is not None else None

    def set_label_fits(self, fits: bool) -> None:
        self.label_fits = fits
        if self.label_box is not None:
            self.label_box.setVisible(getattr(self, "_detail", True) and fits)

    def set_on_path(self, on: bool) -> None:
        if on != self.on_path:
            self.on_path = on
            self.setZValue(0.5 if on else 0)
            self._style()

    dimmed = False

    def set_dimmed(self, on: bool) -> None:
        """Fade an edge that neither lies on the path to the selected box nor touches
        it, so a found customer does not sit in a wall of crossing edges."""
        if on != self.dimmed:
            self.dimmed = on
            self._style()

    def _style(self) -> None:
        colour = PATH_COLOUR if self.on_path else (QColor(203, 213, 225, 90) if self.dimmed else EDGE_COLOUR)
        if self.on_path:
            pen = QPen(colour, 2.6)
        else:
            # A one-pixel cosmetic line: Qt strokes it with its cosmetic stroker, which
            # clips segment by segment, 10-15 times faster than a scaled 1.3-unit pen on
            # the long edges a 5,000-box view crosses (measured: bench/bench_graph.py).
            pen = QPen(colour, 1.0)
            pen.setCosmetic(True)
        self.setPen(pen)
        self.arrow.setBrush(colour)
        if self.label_item is not None:
            self.label_item.setBrush(PATH_COLOUR if self.on_path else MUTED_COLOUR)
