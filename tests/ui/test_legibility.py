"""The genealogy stays legible from a few boxes to a material used everywhere.

The planted incident's whole downstream tree and the salt lot's (the demo's material
used most) are traced and laid out as the app does (on a worker's functions), shown in a
view the size of the graph area at 1366x768, and checked from the scene at Fit and at two
closer zooms: every text drawn is at least MIN_TEXT_PX on screen or replaced by marks and
the level bands (whose headers are readable); no edge leaves the drawing; returns are
short local edges; big fans are folded so the tree reads as levels and groups.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from PySide6.QtCore import QRectF
from sqlalchemy import func, select

from workbench.demo import INCIDENT
from workbench.plant import Item, Lot, LotEdge
from workbench.plant.lookup import find_lot
from workbench.trace.explore import DOWNSTREAM, GraphState
from workbench.trace.jobs import Expansion, expand, open_lot
from workbench.ui.graph.items import MARKS, MIN_TEXT_PX, SMALL_PX, NodeItem, tier_of
from workbench.ui.graph.view import BAND_TEXT_PX, GenealogyView
from workbench.ui.ops import wait_idle

#: The genealogy's share of a 1366x768 window (search and details docks beside it).
GRAPH_AREA = (790, 470)
_TREES: dict[tuple[str, str], object] = {}


SALT = "RM-SALT"


def _most_used(session, item: str) -> str:
    """The lot of ``item`` that went into the most orders (the demo's salt lot used most)."""
    rows = session.execute(
        select(Lot.code, func.count()).join(LotEdge, LotEdge.parent_lot_id == Lot.id).join(Item, Item.id == Lot.item_id)
        .where(Item.code == item).group_by(Lot.code).order_by(func.count().desc(), Lot.code).limit(1)).all()
    return rows[0][0]


def _downstream_tree(plant, backend: str, item: str, lot: str | None):
    """The whole downstream tree of ``item``/``lot`` (None: its lot used most), laid out
    (made once per backend)."""
    key = (backend, item, lot)
    if key not in _TREES:
        with plant.Session() as s:
            ref = find_lot(s, lot or _most_used(s, item), item=item)
            first = open_lot(s, ref, GraphState())
            _TREES[key] = expand(s, first.state, [Expansion((first.state.roots[0],), DOWNSTREAM, None)], {}, {})
    return _TREES[key]


def _shown(qtbot, snap) -> GenealogyView:
    view = GenealogyView(None)
    qtbot.addWidget(view)
    view.resize(*GRAPH_AREA)
    view.show()
    view._apply(snap, fit=True)
    qtbot.waitUntil(lambda: wait_idle(5000) and view.is_idle(), timeout=30000)
    view.fit_to_window()
    return view


def _check_legible(view: GenealogyView) -> None:
    zoom = view.canvas.zoom()
    nodes = list(view.scene.nodes.values())
    for item in nodes:
        px = item.text_pixels(zoom)
        assert px is None or px >= MIN_TEXT_PX - 1e-6, (item.node_id, px, zoom)
    for edge in view.scene.edges.values():
        if edge.label_box is not None and edge.label_box.isVisible():
            assert SMALL_PX * zoom >= MIN_TEXT_PX - 1e-6, (edge.label, zoom)
    if tier_of(zoom) == MARKS:
        # Boxes are marks: the level bands say what each column holds, readably.
        headers = view.canvas.band_headers()
        assert headers and BAND_TEXT_PX >= MIN_TEXT_PX
        said = " ".join(line for _, lines, _ in headers for line in lines)
        assert "lot" in said and "customer" in said, said
    view.grab()  # paints without error at this zoom


def _check_geometry(view: GenealogyView, snap) -> None:
    g = view.scene.drawing.adjusted(-1, -1, 1, 1)  # Graphviz's bounding box of the drawing
    for item in view.scene.nodes.values():
        assert g.contains(item.pos())
    for key, edge in view.scene.edges.items():
        r = edge.path().boundingRect()
        assert g.left() <= r.left() and r.right() <= g.right() and g.top() <= r.top() and r.bottom() <= g.bottom(), key
    columns = sorted(level.x for level in view.scene.levels)
    step = min(b - a for a, b in pairwise(columns))
    returns = [e for e in view.scene.edges.values() if e.kind == "returned"]
    assert returns, "the incident and the salt trees both hold customer returns"
    for edge in returns:  # a return sits beside its lot: one or two columns, never round the graph
        assert edge.path().boundingRect().width() <= 2.2 * step, (edge.source.node_id, edge.target.node_id)


@pytest.mark.parametrize(("item", "lot", "most_boxes"), [
    (INCIDENT.item, INCIDENT.lot, 160),  # 216 boxes with every shipment drawn
    # The salt lot used most: 1,600+ boxes with everything drawn. Since the demo has two sites,
    # its pallets (SSCC), transfers and the distribution centre are boxes too, which the
    # grouping does not fold yet: 439 shown (was under 200 before the supply chain).
    (SALT, None, 450),
])
def test_a_whole_downstream_tree_is_legible_at_fit_and_closer(qtbot, demo_plant, backend, item, lot, most_boxes):
    snap = _downstream_tree(demo_plant, backend, item, lot)
    assert len(snap.visible.nodes) <= most_boxes
    assert "shipment" in snap.visible.summarised
    view = _shown(qtbot, snap)
    rect: QRectF = view.scene.itemsBoundingRect_of_graph()
    # Not a strip: the drawing is at most about twice as tall as it is wide.
    assert rect.height() <= 2.2 * rect.width(), (rect.width(), rect.height())
    _check_geometry(view, snap)
    _check_legible(view)
    for zoom in (0.5, 0.7, 1.0):
        view.canvas.zoom_by(zoom / view.canvas.zoom())
        view.centre_on(snap.state.roots[0])
        _check_legible(view)


def test_groups_fold_by_item_and_region_and_open_a_page_at_a_time(qtbot, demo_plant, backend):
    snap = _downstream_tree(demo_plant, backend, SALT, None)
    groups = [v.group for v in snap.visible.nodes.values() if v.group is not None]
    by_item = [g for g in groups if g.item and g.kind == "lot"]
    assert by_item and all(len(g.members) >= 4 for g in by_item)
    assert any(g.kind == "customer" and g.item for g in groups)  # customers by region
    # Every lot of the tree is either drawn or inside exactly one group.
    lots = {nid for nid, n in snap.state.nodes.items() if n.kind == "lot"}
    drawn = {nid for nid in snap.visible.nodes if nid in lots}
    folded = {m for g in groups for m in g.members if m in lots}
    assert drawn | folded == lots and not drawn & folded
    # Opening a group shows its first members as boxes.
    state = snap.state.copy()
    first = by_item[0]
    state.open_group(first.key, page=2)
    visible = state.visible()
    assert set(first.members[:2]) <= set(visible.nodes)


def test_a_found_box_fades_the_edges_off_its_path(qtbot, demo_plant, backend):
    snap = _downstream_tree(demo_plant, backend, INCIDENT.item, INCIDENT.lot)
    view = _shown(qtbot, snap)
    customer = next(nid for nid, v in view.scene.nodes.items() if v.kind == "customer")
    view.select(customer)
    qtbot.waitUntil(lambda: any(e.on_path for e in view.scene.edges.values()), timeout=5000)
    edges = list(view.scene.edges.values())
    assert any(e.dimmed for e in edges)
    for e in edges:
        if e.on_path or customer in (e.source.node_id, e.target.node_id):
            assert not e.dimmed
    assert isinstance(view.scene.nodes[customer], NodeItem)
