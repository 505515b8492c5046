"""The Qt-free state of the interactive genealogy, tested headless (no Qt, no window)."""

from __future__ import annotations

from decimal import Decimal

from tests.factories import PlantBuilder, lot_facts
from workbench.facts import Edge, Node, NodeId, OrderFacts
from workbench.trace.explore import DOWNSTREAM, UPSTREAM, GraphState
from workbench.trace.jobs import Expansion, arrange, expand, open_lot, refresh


def test_model_state_copy_is_independent():
    state = GraphState(roots=["lot:A/1"])
    clone = state.copy()
    clone.roots.append("lot:B/1")
    clone.expanded.setdefault("lot:A/1", set()).add(DOWNSTREAM)
    assert state.roots == ["lot:A/1"] and state.expanded == {}


def _fan(n: int) -> GraphState:
    """One lot consumed by ``n`` orders."""
    state = GraphState(threshold=5)
    root = NodeId.lot("SALT", "S1")
    state.roots = [root]
    state.nodes[root] = Node(root, "lot", "S1", "Salt", lot_facts(1, "SALT", "S1", quantity=100))
    for i in range(n):
        order = NodeId.of("order", f"MO{i:02d}")
        state.nodes[order] = Node(order, "order", f"MO{i:02d}", None, OrderFacts("BAR", None, None))
        state.edges[(root, order, "consumed")] = Edge(root, order, "consumed", Decimal(2), "kg")
    return state


def test_a_big_fan_folds_into_one_group_with_its_total():
    visible = _fan(12).visible()
    groups = [v for v in visible.nodes.values() if v.kind == "group"]
    assert len(groups) == 1 and groups[0].group.title == "12 orders"
    assert groups[0].group.quantity == "24 kg"
    assert len(visible.nodes) == 2


def test_a_small_fan_is_shown_box_by_box():
    visible = _fan(4).visible()
    assert sorted(visible.nodes) == sorted(_fan(4).nodes)


def test_opening_a_group_reveals_a_page_of_members():
    state = _fan(12)
    key = next(k for k, v in state.visible().nodes.items() if v.kind == "group")
    state.open_group(key, page=5)
    visible = state.visible()
    shown_orders = [n for n, v in visible.nodes.items() if v.kind == "order"]
    assert len(shown_orders) == 5
    assert next(v for v in visible.nodes.values() if v.kind == "group").group.title == "7 orders"


def test_hidden_kinds_are_bridged():
    state = _fan(1)
    op = NodeId.operation("MO00", "Mix")
    machine = NodeId.of("machine", "MX1")
    state.nodes[op] = Node(op, "operation", "MO00/Mix", "Mix")
    state.nodes[machine] = Node(machine, "machine", "MX1")
    order = NodeId.of("order", "MO00")
    state.edges[(op, order, "performed")] = Edge(op, order, "performed")
    state.edges[(machine, op, "ran")] = Edge(machine, op, "ran")
    state.hidden_kinds = frozenset({"operation"})
    visible = state.visible()
    assert op not in visible.nodes
    assert any(e.source == machine and e.target == order for e in visible.edges)


def test_arrange_lays_out_every_visible_box():
    snap = arrange(_fan(3), {}, {})
    assert set(snap.layout.positions) == set(snap.visible.nodes)


def _chain(session):
    b = PlantBuilder(session)
    b.receive("FLOUR", "F1", 100)
    b.produce("MO-1", "DOUGH", [("FLOUR", "F1", 50)], [("D1", 50)], kind="intermediate")
    b.produce("MO-2", "BREAD", [("DOUGH", "D1", 50)], [("B1", 40)])
    b.ship("SH-1", "SHOP", "BREAD", "B1", 10)
    b.done()
    return b


def test_open_expand_and_refresh_after_a_write(session):
    b = _chain(session)
    root = b.lot("FLOUR", "F1")
    from workbench.facts import LotRef

    snap = open_lot(session, LotRef(root.id, "FLOUR", "F1"), GraphState())
    assert NodeId.lot("DOUGH", "D1") in snap.state.nodes  # one lot-to-lot step
    assert NodeId.lot("BREAD", "B1") not in snap.state.nodes
    snap = expand(session, snap.state, [Expansion((NodeId.lot("DOUGH", "D1"),), DOWNSTREAM)], {}, {})
    assert NodeId.lot("BREAD", "B1") in snap.state.nodes
    snap = expand(session, snap.state, [Expansion((NodeId.lot("BREAD", "B1"),), DOWNSTREAM)], {}, {})
    assert NodeId.of("shipment", "SH-1") in snap.state.nodes
    # A new shipment of the bread lot, then the view is traced again with the same shape.
    b.ship("SH-2", "MARKET", "BREAD", "B1", 5)
    session.flush()
    again = refresh(session, snap.state, {}, {})
    assert NodeId.lot("BREAD", "B1") in again.state.nodes
    assert NodeId.of("shipment", "SH-2") in again.state.nodes
    assert NodeId.of("customer", "MARKET") in again.state.nodes
    assert DOWNSTREAM in again.state.expanded[NodeId.lot("DOUGH", "D1")]
    assert UPSTREAM not in again.state.expanded.get(NodeId.lot("DOUGH", "D1"), set())
