"""The interactive genealogy graph, driven as a quality engineer drives it (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QThreadPool
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QGraphicsItem

from tests.factories import PlantBuilder
from workbench.facts import LotRef, Node
from workbench.format import quantity as format_quantity
from workbench.plant import open_plant
from workbench.plant.lookup import find_lot
from workbench.trace.explore import DOWNSTREAM, UPSTREAM, GraphState
from workbench.ui.graph import GenealogyView
from workbench.ui.graph.items import EdgeItem, NodeItem
from workbench.ui.graph.view import MAX_ZOOM, MIN_ZOOM
from workbench.ui.ops import wait_idle

FAN = 30  # orders consuming the salt lot: above the default group threshold of 25


_BAKERIES: dict[str, tuple] = {}


@pytest.fixture(scope="module", autouse=True)
def _dispose_bakeries():
    yield
    for plant, _ in _BAKERIES.values():
        plant.dispose()
    _BAKERIES.clear()


@pytest.fixture
def bakery(backend, db_factory):
    """Flour and sugar -> dough -> two bread lots -> two customers; salt used by 30 orders.

    Built once per backend for this module: the views only read it.
    """
    if backend not in _BAKERIES:
        plant = open_plant(db_factory.empty_url())
        with plant.Session.begin() as s:
            b = PlantBuilder(s)
            b.receive("FLOUR", "F1", 500, vendor="MILL", receipt="GRN-F1", po="PO-7")
            b.receive("SUGAR", "S1", 100, vendor="SWEET")
            b.produce("MO-1", "DOUGH", [("FLOUR", "F1", 200), ("SUGAR", "S1", 20)], [("D1", 220)],
                      operations=[("mix", "MIXER-1", "ANA")], kind="intermediate")
            b.produce("MO-2", "BREAD", [("DOUGH", "D1", 220)], [("B1", 100), ("B2", 110)])
            b.ship("SH-1", "ACME", "BREAD", "B1", 100)
            b.ship("SH-2", "BETA", "BREAD", "B2", 60)
            b.receive("SALT", "SALT1", 1000, vendor="SEA")
            for i in range(FAN):
                b.produce(f"MO-S{i:02d}", "BRINE", [("SALT", "SALT1", 10)], [(f"X{i:02d}", 10)])
            b.done()
        with plant.Session() as s:
            refs = {code: find_lot(s, code) for code in ("F1", "D1", "B1", "B2", "SALT1")}
        _BAKERIES[backend] = (plant, refs)
    return _BAKERIES[backend]


@pytest.fixture
def view(qtbot, bakery):
    plant, _ = bakery
    v = GenealogyView(plant)
    qtbot.addWidget(v)
    v.resize(1200, 800)
    v.show()
    qtbot.waitExposed(v)
    yield v
    settle(qtbot, v)
    # No background work outlives the view.
    assert wait_idle(10000) and QThreadPool.globalInstance().activeThreadCount() == 0


def settle(qtbot, view):
    """Wait for the background traces and layouts, then for the animation."""
    qtbot.waitUntil(lambda: wait_idle(5000) and view.is_idle(), timeout=30000)


def shown(view) -> set[str]:
    return set(view.scene.nodes)


def open_lot(qtbot, view, ref):
    view.show_lot(ref)
    settle(qtbot, view)


def viewport_point(view, item: NodeItem, local: QPointF) -> QPoint:
    return view.canvas.mapFromScene(item.mapToScene(local))


def double_click(qtbot, view, item: NodeItem, local: QPointF) -> None:
    """Press, release, double-click: what a mouse sends (QTest's lone double-click event
    is sometimes dropped by the view when no press came before it)."""
    pos = viewport_point(view, item, local)
    viewport = view.canvas.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=pos)


def test_show_lot_shows_only_the_lot_and_its_direct_neighbours(qtbot, view, bakery):
    _, refs = bakery
    busy = []
    view.busyChanged.connect(busy.append)
    open_lot(qtbot, view, refs["D1"])
    assert shown(view) == {"lot:DOUGH/D1", "order:MO-1", "lot:FLOUR/F1", "lot:SUGAR/S1", "machine:MIXER-1",
                           "order:MO-2", "lot:BREAD/B1", "lot:BREAD/B2"}
    assert busy == [True, False]
    root = view.scene.nodes["lot:DOUGH/D1"]
    assert root.visible.root
    # Frontier lots carry a handle on the side where more lies, the root none.
    assert view.scene.nodes["lot:BREAD/B1"].handles() == [DOWNSTREAM]
    assert view.scene.nodes["lot:FLOUR/F1"].handles() == [UPSTREAM]
    assert root.handles() == []
    # Edges carry quantities and units; material flows left to right.
    edge = view.scene.edges[("lot:FLOUR/F1", "order:MO-1")]
    assert edge.label == "200 kg"
    xs = {nid: item.pos().x() for nid, item in view.scene.nodes.items()}
    assert xs["lot:FLOUR/F1"] < xs["order:MO-1"] < xs["lot:DOUGH/D1"] < xs["order:MO-2"] < xs["lot:BREAD/B1"]
    # Operations and operators are hidden by default; the machine links to its order.
    assert ("machine:MIXER-1", "order:MO-1") in view.scene.edges


def test_double_click_right_side_expands_downstream_and_keeps_the_node_in_place(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    item = view.scene.nodes["lot:BREAD/B1"]
    before = item.pos()
    on_screen = view.canvas.mapFromScene(before)
    double_click(qtbot, view, item, QPointF(item.width / 2 - 10, 0))
    settle(qtbot, view)
    assert {"shipment:SH-1", "customer:ACME"} <= shown(view), view.message
    assert "shipment:SH-2" not in shown(view)
    assert view.scene.nodes["lot:BREAD/B1"].pos() == before
    # The box stays put in the scene; on screen it moves only as far as needed to bring
    # what it opened into view (it was near the right edge).
    port = view.canvas.viewport().rect()
    for nid in ("lot:BREAD/B1", "shipment:SH-1", "customer:ACME"):
        assert port.contains(view.canvas.mapFromScene(view.scene.nodes[nid].pos())), nid
    moved = view.canvas.mapFromScene(view.scene.nodes["lot:BREAD/B1"].pos())
    assert moved.y() == on_screen.y() and moved.x() <= on_screen.x()
    assert view.scene.nodes["lot:BREAD/B1"].handles() == []
    assert view.scene.edges[("lot:BREAD/B1", "shipment:SH-1")].label == "100 kg"


def test_double_click_left_side_expands_upstream(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    item = view.scene.nodes["lot:FLOUR/F1"]
    double_click(qtbot, view, item, QPointF(-item.width / 2 + 10, 0))
    settle(qtbot, view)
    assert {"receipt:GRN-F1", "vendor:MILL"} <= shown(view)
    assert "vendor:SWEET" not in shown(view)


def _drag(qtbot, view, item: NodeItem, direction: str, distance: float):
    start = viewport_point(view, item, item.handle_centre(direction))
    sign = 1 if direction == DOWNSTREAM else -1
    viewport = view.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in (0.3, 0.7, 1.0):
        qtbot.mouseMove(viewport, pos=start + QPoint(int(sign * distance * step), 6))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start + QPoint(int(sign * distance), 6))


def test_dragging_a_handle_outward_opens_the_next_level(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    _drag(qtbot, view, view.scene.nodes["lot:BREAD/B2"], DOWNSTREAM, 90)
    settle(qtbot, view)
    assert {"shipment:SH-2", "customer:BETA"} <= shown(view)
    _drag(qtbot, view, view.scene.nodes["lot:SUGAR/S1"], UPSTREAM, 90)
    settle(qtbot, view)
    assert "vendor:SWEET" in shown(view)


def test_a_short_drag_opens_nothing(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    before = shown(view)
    _drag(qtbot, view, view.scene.nodes["lot:BREAD/B2"], DOWNSTREAM, 8)
    settle(qtbot, view)
    assert shown(view) == before


def test_expanding_an_order_expands_through_it(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["B1"])
    assert "lot:DOUGH/D1" not in shown(view) or "order:MO-1" not in shown(view)
    view.expand("order:MO-2", UPSTREAM)
    settle(qtbot, view)
    assert {"lot:DOUGH/D1", "order:MO-1", "lot:FLOUR/F1"} <= shown(view)


def test_collapse_removes_what_was_opened_beyond(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    view.expand("lot:BREAD/B1", DOWNSTREAM)
    settle(qtbot, view)
    assert "customer:ACME" in shown(view)
    view.collapse("lot:BREAD/B1")
    settle(qtbot, view)
    assert "customer:ACME" not in shown(view) and "shipment:SH-1" not in shown(view)
    assert "lot:BREAD/B1" in shown(view)
    assert view.scene.nodes["lot:BREAD/B1"].handles() == [DOWNSTREAM]


def test_whole_downstream_tree(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["F1"])
    view.expand("lot:FLOUR/F1", DOWNSTREAM, depth=None)
    settle(qtbot, view)
    assert {"lot:BREAD/B1", "lot:BREAD/B2", "customer:ACME", "customer:BETA"} <= shown(view)


def test_high_fan_out_shows_a_group_that_opens_on_double_click(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["SALT1"])
    groups = [i for i in view.scene.nodes.values() if i.visible.group is not None]
    assert len(groups) == 1
    group = groups[0]
    assert group.visible.group.title == f"{FAN} orders"
    assert group.visible.group.absorbed == FAN  # the brine lots hang beyond the orders
    assert group.visible.group.quantity == format_quantity(10 * FAN, "kg")
    assert not any(nid.startswith("order:") for nid in shown(view))
    double_click(qtbot, view, group, QPointF(0, 0))
    settle(qtbot, view)
    orders = {nid for nid in shown(view) if nid.startswith("order:")}
    assert len(orders) == FAN
    assert not any(i.visible.group for i in view.scene.nodes.values())


def test_group_threshold_is_configurable(qtbot, view, bakery):
    _, refs = bakery
    view.set_group_threshold(FAN + 5)
    open_lot(qtbot, view, refs["SALT1"])
    assert not any(i.visible.group for i in view.scene.nodes.values())
    assert len([n for n in shown(view) if n.startswith("order:")]) == FAN


def test_reroot_shows_the_new_lot_and_tells_the_window(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    with qtbot.waitSignal(view.lotActivated) as signal:
        view.reroot("lot:BREAD/B1")
    settle(qtbot, view)
    assert signal.args[0] == refs["B1"]
    assert view.state.roots == ["lot:BREAD/B1"]
    assert view.scene.nodes["lot:BREAD/B1"].visible.root
    assert "lot:FLOUR/F1" not in shown(view)


def test_hide_and_show_a_node_kind(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    view.set_kind_hidden("machine", True)
    settle(qtbot, view)
    assert "machine:MIXER-1" not in shown(view)
    assert not view.kind_actions["machine"].isChecked()
    view.kind_actions["operator"].setChecked(True)  # the toolbar toggle
    view.kind_actions["machine"].setChecked(True)
    settle(qtbot, view)
    assert {"machine:MIXER-1", "operator:ANA"} <= shown(view)
    assert ("operator:ANA", "order:MO-1") in view.scene.edges


def test_search_highlights_selects_and_centres(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    with qtbot.waitSignal(view.nodeSelected) as signal:
        view.search_box.setText("b2")
        qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    node = signal.args[0]
    assert isinstance(node, Node) and node.id == "lot:BREAD/B2"
    item = view.scene.nodes["lot:BREAD/B2"]
    assert item.highlighted and item.isSelected()
    centre = view.canvas.mapToScene(view.canvas.viewport().rect().center())
    assert abs(centre.x() - item.pos().x()) < 5 and abs(centre.y() - item.pos().y()) < 5
    # The path from the root to the selected lot is marked.
    assert view.scene.edges[("order:MO-2", "lot:BREAD/B2")].on_path
    assert view.scene.edges[("lot:DOUGH/D1", "order:MO-2")].on_path
    assert not view.scene.edges[("order:MO-2", "lot:BREAD/B1")].on_path


def test_clicking_a_node_emits_node_selected(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    item = view.scene.nodes["order:MO-2"]
    with qtbot.waitSignal(view.nodeSelected) as signal:
        qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=viewport_point(view, item, QPointF(0, 0)))
    assert signal.args[0].id == "order:MO-2" and signal.args[0].kind == "order"


def test_highlight_from_the_window(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    view.highlight(["lot:FLOUR/F1", "machine:NOT-SHOWN"])
    settle(qtbot, view)
    assert view.scene.nodes["lot:FLOUR/F1"].highlighted
    assert not view.scene.nodes["lot:SUGAR/S1"].highlighted


def test_context_menu_actions_emit_the_contract_signals(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    view.expand("lot:FLOUR/F1", UPSTREAM)
    settle(qtbot, view)
    flour = view.scene.nodes["lot:FLOUR/F1"]
    menu = view.context_menu(flour)
    actions = {a.text(): a for a in menu.actions() if a.text()}
    for text in ("Expand upstream", "Expand downstream", "Expand whole upstream tree", "Expand whole downstream tree",
                 "Collapse branch", "Re-root view here", "Start recall…", "History…", "Supplier corrective action…"):
        assert text in actions
    with qtbot.waitSignal(view.scarRequested) as scar:
        actions["Supplier corrective action…"].trigger()
    assert scar.args[0] == refs["F1"]
    with qtbot.waitSignal(view.historyRequested) as history:
        actions["History…"].trigger()
    assert history.args[0] == refs["F1"]

    # Several lots selected: recall and commonality for all of them.
    view.scene.nodes["lot:SUGAR/S1"].setSelected(True)
    menu = view.context_menu(flour)
    actions = {a.text(): a for a in menu.actions() if a.text()}
    with qtbot.waitSignal(view.commonalityRequested) as common:
        actions["Commonality…"].trigger()
    assert set(common.args[0]) == {refs["F1"], find_sugar(view)}
    with qtbot.waitSignal(view.recallRequested) as recall:
        actions["Start recall…"].trigger()
    assert set(recall.args[0]) == {refs["F1"], find_sugar(view)}

    vendor = view.scene.nodes["vendor:MILL"]
    menu = view.context_menu(vendor)
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert "Re-root view here" not in actions and "Hide vendors" in actions
    with qtbot.waitSignal(view.vendorRequested) as vendor_signal:
        actions["Vendor…"].trigger()
    assert vendor_signal.args[0] == "MILL"
    root_menu = view.context_menu(view.scene.nodes["lot:DOUGH/D1"])
    collapse = next(a for a in root_menu.actions() if a.text() == "Collapse branch")
    assert not collapse.isEnabled()
    assert "Supplier corrective action…" not in {a.text() for a in root_menu.actions()}


def find_sugar(view) -> LotRef:
    n = view.state.nodes["lot:SUGAR/S1"]
    return LotRef(n.lot.lot_id, "SUGAR", "S1")


def test_expand_all_opens_every_frontier(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    view.expand_all(1)
    settle(qtbot, view)
    assert {"customer:ACME", "customer:BETA", "vendor:MILL", "vendor:SWEET"} <= shown(view)


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_export_writes_a_valid_file(qtbot, view, bakery, tmp_path, suffix):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    path = view.export_image(tmp_path / f"genealogy.{suffix}")
    data = path.read_bytes()
    assert len(data) > 1000
    if suffix == "png":
        image = QImage(str(path))
        assert not image.isNull() and image.width() > 400
    elif suffix == "svg":
        text = data.decode()
        assert "<svg" in text and "</svg>" in text and "MO-2" in text
    else:
        from pypdf import PdfReader

        reader = PdfReader(path)
        assert len(reader.pages) == 1
        assert "MO-2" in reader.pages[0].extract_text()


def test_export_refuses_an_unknown_format(qtbot, view, bakery, tmp_path):
    from workbench.errors import WorkbenchError

    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    with pytest.raises(WorkbenchError, match="png"):
        view.export_image(tmp_path / "genealogy.bmp")


def test_qt_overrides_fire(qtbot, bakery, monkeypatch):
    """A misspelt virtual (``paintevent``) is silently never called: spy on each override."""
    from workbench.ui.graph.legend import Legend
    from workbench.ui.graph.view import GraphCanvas

    calls: dict[str, int] = {}

    def spy(cls, name):
        original = getattr(cls, name)

        def counted(self, *args):
            calls[name] = calls.get(name, 0) + 1
            return original(self, *args)

        monkeypatch.setattr(cls, name, counted)

    for cls, name in ((NodeItem, "paint"), (GraphCanvas, "drawBackground"), (Legend, "paintEvent")):
        spy(cls, name)
    plant, refs = bakery
    view = GenealogyView(plant)  # made after the spies, so its virtuals resolve to them
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    open_lot(qtbot, view, refs["D1"])
    view.canvas.viewport().update()
    view.legend.update()
    view.grab()
    item = view.scene.nodes["lot:DOUGH/D1"]
    assert calls.get("paint", 0) > 0
    assert item.type() == NodeItem.Type and item.type() > QGraphicsItem.UserType
    assert calls.get("drawBackground", 0) > 0
    assert calls.get("paintEvent", 0) > 0
    # itemChange: moving a box makes its edges leave dot's route and follow it.
    edge: EdgeItem = view.scene.edges[("lot:DOUGH/D1", "order:MO-2")]
    assert edge.route is not None
    item.setPos(item.pos() + QPointF(0, 40))
    assert edge.route is None
    assert edge.path().pointAtPercent(0).y() == pytest.approx(item.pos().y(), abs=1)


def test_wheel_zoom_and_limits(qtbot, view, bakery):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    view.canvas.zoom_by(1000)
    assert view.canvas.zoom() == pytest.approx(MAX_ZOOM)
    view.canvas.zoom_by(1e-6)
    assert view.canvas.zoom() == pytest.approx(MIN_ZOOM)
    view.fit_to_window()
    assert MIN_ZOOM <= view.canvas.zoom() <= 1.0


def _big_snapshot(boxes: int):
    """A synthetic chain of lots and orders, laid out (no database needed)."""
    from decimal import Decimal

    from tests.factories import lot_facts
    from workbench.facts import Edge, OrderFacts
    from workbench.trace.jobs import arrange

    state = GraphState(threshold=10**6, fold_by_item=False)
    ids = []
    for i in range(boxes):
        if i % 2 == 0:
            nid = f"lot:IT/L{i}"
            state.nodes[nid] = Node(nid, "lot", f"L{i}", "Item", lot_facts(i, "IT", f"L{i}", quantity=5))
        else:
            nid = f"order:MO{i}"
            state.nodes[nid] = Node(nid, "order", f"MO{i}", None, OrderFacts("IT", None, None))
        ids.append(nid)
    state.roots = [ids[0]]
    for i in range(1, boxes):
        parent = ids[max(0, i - 1 - 2 * (i % 7))] if (i % 7) and i > 14 else ids[i - 1]
        if parent.split(":")[0] == ids[i].split(":")[0]:
            parent = ids[i - 1]
        kind = "consumed" if parent.startswith("lot") else "produced"
        state.edges[(parent, ids[i], kind)] = Edge(parent, ids[i], kind, Decimal(1), "kg")
    return arrange(state, {}, {})


def test_a_big_graph_far_out_is_drawn_as_a_map_and_exports_in_full(qtbot, tmp_path):
    view = GenealogyView(None)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    view._apply(_big_snapshot(450), fit=True)
    settle(qtbot, view)
    no_contents = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents

    def painted(item) -> bool:
        return item.isVisible() and not item.flags() & no_contents

    root = view.scene.roots[0]
    for zoom in (0.05, 0.4):  # far out (the map cached as a pixmap) and where boxes are marks
        view.canvas.resetTransform()
        view.canvas.zoom_by(zoom)
        assert view.scene.map_shown()
        # Only the boxes the map cannot tell (here the traced lot) paint themselves; the
        # others stay in the scene to be clicked, and no edge item is drawn.
        assert [nid for nid, item in view.scene.nodes.items() if painted(item)] == [root]
        assert not any(edge.isVisible() for edge in view.scene.edges.values())
        view.grab()
    # A selected box paints itself over the map; so does a highlighted one.
    some = view.scene.nodes["order:MO1"]
    some.setSelected(True)
    assert painted(some)
    some.setSelected(False)
    assert not painted(some)
    view.scene.highlight({"order:MO1"})
    assert painted(some)
    view.scene.highlight(set())
    assert view.export_image(tmp_path / "big.svg").read_text().count("MO1") > 0
    assert view.scene.map_shown()  # back to the map after the export
    view.canvas.resetTransform()
    assert not view.scene.map_shown()
    assert all(painted(item) for item in view.scene.nodes.values())
    # Close up in a big graph, boxes are pixmaps at twice their size, scaled: zooming
    # repaints none of them; past 200 % at four times.
    for zoom, factor in ((1.0, 2), (2.5, 4)):
        view.canvas.resetTransform()
        view.canvas.zoom_by(zoom)
        item = view.scene.nodes["order:MO1"]
        assert item.cacheMode() == QGraphicsItem.CacheMode.ItemCoordinateCache
        assert item.boundingRect().width() * factor == pytest.approx(item._cache[1].width(), abs=1)
    view.canvas.resetTransform()
    view.canvas.zoom_by(0.7)
    assert {item.cacheMode() for item in view.scene.nodes.values()} == {QGraphicsItem.CacheMode.ItemCoordinateCache}


def test_a_zoom_threshold_switches_what_is_on_screen_at_once_and_the_rest_from_the_event_loop(qtbot):
    from workbench.ui.graph.items import FULL, MARKS
    from workbench.ui.graph.scene import SETTLE_ALL_UNDER

    view = GenealogyView(None)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    view._apply(_big_snapshot(SETTLE_ALL_UNDER + 100), fit=True)
    settle(qtbot, view)
    view.canvas.resetTransform()
    qtbot.waitUntil(lambda: not view.scene.settling(), timeout=10000)
    nodes = list(view.scene.nodes.values())
    assert {n.tier for n in nodes} == {FULL}
    view.canvas.zoom_by(0.4)  # boxes become marks: the map
    assert view.scene.map_shown()
    shown = view.canvas.mapToScene(view.canvas.viewport().rect()).boundingRect()
    on_screen = [n for n in nodes if shown.contains(n.pos())]
    assert on_screen and all(n.tier == MARKS for n in on_screen)
    assert view.scene.settling() and any(n.tier == FULL for n in nodes)
    qtbot.waitUntil(lambda: not view.scene.settling(), timeout=10000)
    assert {n.tier for n in nodes} == {MARKS}
    assert not any(e.isVisible() for e in view.scene.edges.values())


def _text_sizes(page) -> dict[str, float]:
    """Each text run on a PDF page with its printed height in points (font size times
    the text and page matrices' vertical scale)."""
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, _font, size):
        if text.strip():
            scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0])
            sizes[text.strip()] = max(sizes.get(text.strip(), 0.0), size * scale)

    page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize(("paper", "points"), [("letter", (792, 612)), ("a4", (842, 595))])
def test_the_pdf_prints_on_the_paper_at_screen_sizes_with_title_and_legend(qtbot, view, bakery, tmp_path,
                                                                            paper, points):
    from pypdf import PdfReader

    from workbench.ui.graph.export import MIN_PRINT_SCALE, PRINT_SCALE
    from workbench.ui.graph.items import TITLE_PX

    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    reader = PdfReader(view.export_image(tmp_path / "genealogy.pdf", paper=paper))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert sorted((round(float(box.width)), round(float(box.height)))) == sorted(points)
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Genealogy of" in text and "page 1 of 1" in text and "Lots" in text  # title block, legend
    sizes = _text_sizes(reader.pages[0])
    title = next(size for run, size in sizes.items() if "MO-2" in run)
    # A box's title prints at its screen size times the print scale (not 3-4 times larger).
    assert TITLE_PX * MIN_PRINT_SCALE * 0.9 <= title <= TITLE_PX * PRINT_SCALE * 1.1


def test_a_big_graph_prints_on_tiled_pages_not_one_huge_page(qtbot, tmp_path):
    from pypdf import PdfReader

    from workbench.ui.graph.export import MAX_PAGES

    view = GenealogyView(None)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    view._apply(_big_snapshot(450), fit=True)
    settle(qtbot, view)
    reader = PdfReader(view.export_image(tmp_path / "big.pdf", paper="a4"))
    assert 2 <= len(reader.pages) <= MAX_PAGES
    for number, page in enumerate(reader.pages, 1):
        assert sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height)))) == [595, 842]
        assert f"page {number} of {len(reader.pages)}" in " ".join(page.extract_text().split())


def test_the_trace_table_beside_the_graph_follows_the_selection(qtbot, view, bakery, tmp_path):
    _, refs = bakery
    open_lot(qtbot, view, refs["D1"])
    view.expand_all(1)
    settle(qtbot, view)
    view.table_action.trigger()
    assert view.table.isVisible()
    qtbot.waitUntil(lambda: view.table.rows and all(r.on_hand is not None for r in view.table.rows
                                                    if r.kind == "lot"), timeout=10000)
    lots = {r.node_id for r in view.table.rows if r.kind == "lot"}
    assert {"lot:DOUGH/D1", "lot:BREAD/B1", "lot:FLOUR/F1"} <= lots
    # A row chosen selects its box; a box selected selects its row.
    proxy = view.table.proxy
    match = proxy.match(proxy.index(0, 0), Qt.ItemDataRole.UserRole + 1, "lot:BREAD/B1", 1,
                        Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0]
    view.table.tree.setCurrentIndex(match)
    qtbot.waitUntil(lambda: [n.id for n in view.selected_nodes()] == ["lot:BREAD/B1"], timeout=5000)
    view.select("lot:FLOUR/F1")
    qtbot.waitUntil(lambda: view.table.tree.currentIndex().data(Qt.ItemDataRole.UserRole + 1) == "lot:FLOUR/F1",
                    timeout=5000)
    view.table.filter.setText("BREAD")
    assert proxy.rowCount() > 0 and view.table.export_xlsx(tmp_path / "t.xlsx").stat().st_size > 1000
