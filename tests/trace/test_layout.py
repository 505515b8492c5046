"""The Graphviz layout: every node placed, material flowing left to right, pinning, errors."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.trace.layout import Layout, LayoutNode, layout, pinning_offset


def _chain_graph():
    nodes = [LayoutNode("vendor:V1", 150, 46), LayoutNode("receipt:R1", 150, 46), LayoutNode("lot:A/1", 184, 62),
             LayoutNode("order:O1", 150, 46), LayoutNode("lot:B/1", 184, 62), LayoutNode("lot:B/2", 184, 62)]
    edges = [("vendor:V1", "receipt:R1", "900 kg"), ("receipt:R1", "lot:A/1", "900 kg"), ("lot:A/1", "order:O1", "250 kg"),
             ("order:O1", "lot:B/1", "120 kg"), ("order:O1", "lot:B/2", "130 kg")]
    return nodes, edges


def test_every_node_is_placed_left_to_right_along_edges():
    nodes, edges = _chain_graph()
    result = layout(nodes, edges)
    assert set(result.positions) == {n.id for n in nodes}
    sizes = {n.id: n for n in nodes}
    for s, t, _ in edges:
        # Material flows left to right: the target box starts right of the source box.
        assert result.positions[t][0] - sizes[t].width / 2 > result.positions[s][0] + sizes[s].width / 2
    # Boxes in one column do not overlap.
    (_, y1), (_, y2) = result.positions["lot:B/1"], result.positions["lot:B/2"]
    assert abs(y1 - y2) >= 62
    assert result.width > 0 and result.height > 0


def test_coordinates_are_pixels_with_y_down_inside_the_drawing():
    nodes, edges = _chain_graph()
    result = layout(nodes, edges)
    for (x, y), n in zip((result.positions[n.id] for n in nodes), nodes, strict=False):
        assert n.width / 2 - 1 <= x <= result.width - n.width / 2 + 1
        assert n.height / 2 - 1 <= y <= result.height - n.height / 2 + 1


def test_edge_paths_run_from_the_source_right_side_to_the_target_left_side():
    nodes, edges = _chain_graph()
    result = layout(nodes, edges)
    sizes = {n.id: n for n in nodes}
    for s, t, _ in edges:
        path = result.edge_paths[(s, t)]
        assert len(path) >= 4 and (len(path) - 1) % 3 == 0  # cubic Bézier pieces
        sx, sy = result.positions[s]
        tx, ty = result.positions[t]
        assert path[0][0] == pytest.approx(sx + sizes[s].width / 2, abs=2)
        assert path[-1][0] == pytest.approx(tx - sizes[t].width / 2, abs=2)
        assert path[0][1] == pytest.approx(sy, abs=2)
        assert path[-1][1] == pytest.approx(ty, abs=2)


def test_pinned_node_keeps_its_position_after_the_graph_grows():
    nodes, edges = _chain_graph()
    first = layout(nodes[:3], edges[:2])
    seen = first.positions["lot:A/1"]
    grown = layout(nodes, edges, pinned={"lot:A/1": seen})
    assert grown.positions["lot:A/1"] == pytest.approx(seen)
    # Everything moves by the same offset (the picture is translated, not distorted).
    plain = layout(nodes, edges)
    dx = grown.positions["vendor:V1"][0] - plain.positions["vendor:V1"][0]
    dy = grown.positions["vendor:V1"][1] - plain.positions["vendor:V1"][1]
    for nid, (x, y) in plain.positions.items():
        assert grown.positions[nid] == pytest.approx((x + dx, y + dy))
    for key, points in plain.edge_paths.items():
        assert grown.edge_paths[key][0] == pytest.approx((points[0][0] + dx, points[0][1] + dy))


@given(st.dictionaries(st.sampled_from("abcd"), st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4)), min_size=1),
       st.tuples(st.floats(-500, 500), st.floats(-500, 500)))
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_pinning_offset_undoes_a_pure_translation(positions, shift):
    pinned = {k: (x + shift[0], y + shift[1]) for k, (x, y) in positions.items()}
    dx, dy = pinning_offset(positions, pinned)
    assert dx == pytest.approx(shift[0], abs=1e-6)
    assert dy == pytest.approx(shift[1], abs=1e-6)


def test_pinning_ignores_unknown_nodes():
    assert pinning_offset({"a": (1.0, 1.0)}, {"zzz": (50.0, 50.0)}) == (0.0, 0.0)


def test_rank_hint_puts_nodes_in_one_column():
    nodes = [LayoutNode("a", 100, 40), LayoutNode("b", 100, 40), LayoutNode("c", 100, 40, rank_hint=1),
             LayoutNode("d", 100, 40, rank_hint=1)]
    result = layout(nodes, [("a", "b", None), ("b", "c", None), ("a", "d", None)])
    assert result.positions["c"][0] == pytest.approx(result.positions["d"][0])


def test_back_edges_do_not_choose_columns():
    nodes = [LayoutNode(i, 100, 40) for i in ("lot", "shipment", "customer", "return")]
    edges = [("lot", "shipment", None), ("shipment", "customer", None), ("customer", "return", None),
             ("return", "lot", None)]
    result = layout(nodes, edges, back_edges=[("return", "lot")])
    xs = [result.positions[i][0] for i in ("lot", "shipment", "customer", "return")]
    assert xs == sorted(xs)
    assert ("return", "lot") in result.edge_paths


def test_ignores_self_loops_and_edges_to_unknown_nodes_and_handles_empty_input():
    assert layout([], []) == Layout()
    result = layout([LayoutNode("a", 80, 30)], [("a", "a", None), ("a", "ghost", "1 kg")])
    assert set(result.positions) == {"a"}
    assert result.edge_paths == {}


def test_duplicate_node_is_an_error():
    with pytest.raises(WorkbenchError, match="same node twice"):
        layout([LayoutNode("a", 10, 10), LayoutNode("a", 10, 10)], [])


def test_odd_ids_are_safe_in_dot():
    ids = ['lot:A "B"/1', "order:X;Y", "lot:\\back{slash}", "customer:a:b->c"]
    nodes = [LayoutNode(i, 90, 30) for i in ids]
    result = layout(nodes, [(ids[0], ids[1], 'q "1"'), (ids[1], ids[2], None), (ids[2], ids[3], None)])
    assert set(result.positions) == set(ids)


def test_missing_dot_is_one_clear_sentence(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(WorkbenchError) as info:
        layout([LayoutNode("a", 10, 10)], [])
    message = str(info.value)
    assert "dot" in message and "Graphviz" in message
    assert message.count(".") == 1 and "\n" not in message


def test_a_thousand_node_genealogy_is_laid_out():
    rng = random.Random(3)
    nodes = [LayoutNode(f"lot:{i}", 184, 62) for i in range(1000)]
    edges = [(f"lot:{rng.randrange(max(0, i - 100), i)}", f"lot:{i}", "1,200 kg") for i in range(1, 1000)]
    result = layout(nodes, edges)
    assert len(result.positions) == 1000
    for s, t, _ in edges:
        assert result.positions[t][0] > result.positions[s][0]
