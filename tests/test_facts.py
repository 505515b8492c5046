"""The shared records: typed box ids and the lot labels users type."""

from __future__ import annotations

from workbench.facts import NodeId, parse_lot_label


def test_node_ids_are_text_with_a_kind_and_a_key():
    lot = NodeId.lot("RM-ALMOND", "R26132-01")
    assert lot == "lot:RM-ALMOND/R26132-01" and lot.kind == "lot" and lot.key == "RM-ALMOND/R26132-01"
    op = NodeId.operation("MO-1", "Mix")
    assert op == "operation:MO-1/Mix" and op.kind == "operation"
    assert NodeId.of("customer", "C:1") == "customer:C:1" and NodeId.of("customer", "C:1").key == "C:1"
    assert {lot: 1}["lot:RM-ALMOND/R26132-01"] == 1  # hashes as its text


def test_lot_labels():
    assert parse_lot_label("FLOUR/L2411") == ("FLOUR", "L2411")
    assert parse_lot_label(" FLOUR / L2411 ") == ("FLOUR", "L2411")
    assert parse_lot_label("FLOUR/2026/05") == ("FLOUR", "2026/05")
    assert parse_lot_label("L2411") == (None, "L2411")
    assert parse_lot_label("/L2411") == (None, "/L2411")
