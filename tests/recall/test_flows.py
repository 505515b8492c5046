"""The recall's quantity flow (Sankey): every lot balances and the bands add up to the mass
balance exactly, on hand-made plants, random plants and the demo's incident, on both databases."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings

from tests.factories import PlantBuilder
from tests.recall.test_recall import almond_incident, build_plant, plants
from workbench.errors import WorkbenchError
from workbench.plant.lookup import find_lot
from workbench.recall.engine import recall
from workbench.recall.flows import SINK_KINDS, SOURCE_KINDS, QuantityFlows, box_label, layout_flows, recall_flows
from workbench.reports.sankey import flows_svg, write_flows

D = Decimal
F = Fraction


def assert_balanced(flows: QuantityFlows, r) -> None:
    """Each lot: in = out; all sinks = what the suspect lots held + every source (returns, unaccounted)."""
    for n in flows.nodes.values():
        if n.kind == "lot":
            assert flows.inflow(n.id) == flows.outflow(n.id), n.label
    held = F(0)
    roots = {x.id for x in flows.roots}
    for a in r.affected:
        if a.lot_id in roots:
            held += F(a.balance.made) * (F(100) / F(a.balance.made + a.balance.returned) if flows.measure == "%"
                                          else 1)
    suspect = sum((ln.value for ln in flows.links if ln.source == "suspect"), F(0))
    assert suspect == held
    assert flows.total(SINK_KINDS) == suspect + flows.total(SOURCE_KINDS)


def test_flows_follow_the_suspect_quantity_to_customers_and_stock(session):
    almond_incident(session)
    r = recall(session, [find_lot(session, "ALM-A1")])
    f = recall_flows(r)
    assert f.measure == "kg"
    assert_balanced(f, r)
    # ALM-A1: 1,000 kg received, 600 + 450 consumed: 50 kg unaccounted, in red, into the lot.
    red = [n for n in f.nodes.values() if n.kind == "unaccounted-in"]
    assert [n.detail for n in red] == ["50 kg left ALM/ALM-A1 beyond what it held"]
    assert f.value(red[0].id) == 50
    assert f.in_question() == 1000
    # CHOP-C1 (590 kg made from 600 kg of almonds): its 300 kg into WO-2 carry 300 * 600/590 kg,
    # split over BAR-B1 (100) and BAR-B2 (80) by quantity.
    chop = next(n for n in f.nodes.values() if n.label == "CHOP/CHOP-C1")
    b1 = next(n for n in f.nodes.values() if n.label == "BAR/BAR-B1")
    into_b1 = sum(ln.value for ln in f.links if ln.source == chop.id and ln.target == b1.id)
    assert into_b1 == F(300) * F(600, 590) * F(100, 180)
    # BAR-B1: 70 of its 100 made + 5 returned shipped, 35 on hand; CU-1 got 40 (its band is 40/105 of
    # what came in, the return included).
    cu1 = f.nodes["customer:CU-1"]
    ln = next(ln for ln in f.links if ln.source == b1.id and ln.target == cu1.id)
    assert ln.quantity == 40
    assert ln.value == f.inflow(b1.id) * 40 / 105
    assert ln.via == ("SH-1",)
    assert f.value("on-hand") == sum(ln.value for ln in f.links if ln.target == "on-hand")
    assert cu1.native == {ln.unit: D(90)}  # SH-1 40 + SH-4 50


def test_several_roots_in_different_units_are_measured_in_percent(session):
    b = PlantBuilder(session)
    b.item("TAPE", unit="m")
    b.receive("ALM", "ALM-A1", 1000)
    b.receive("TAPE", "TP-1", 200)
    b.produce("WO-1", "BAR", [("ALM", "ALM-A1", 600)], [("BAR-1", 100)])
    b.produce("WO-9", "BOX", [("TAPE", "TP-1", 50), ("BAR", "BAR-1", 20)], [("BX-1", 10)])
    b.ship("SH-9", "CU-9", "BOX", "BX-1", 10)
    b.ret("RMA-1", "CU-9", "BOX", "BX-1", 2)
    b.done()
    r = recall(session, [find_lot(session, "ALM-A1"), find_lot(session, "TP-1")])
    f = recall_flows(r)
    assert f.measure == "%"
    assert_balanced(f, r)
    assert f.in_question() == 200  # 100 % of each


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=plants())
def test_flows_balance_exactly_on_random_plants(plant, data):
    with plant.Session() as s:
        r = recall(s, build_plant(s, data))
        f = recall_flows(r)
        assert_balanced(f, r)
        layout = layout_flows(f)
        for rb in layout.ribbons:  # bands leave and enter boxes within their height
            src, dst = layout.boxes[rb.link.source], layout.boxes[rb.link.target]
            assert src.x < dst.x
            assert src.y - 1e-6 <= rb.y0 and rb.y0 + rb.thickness <= src.y + src.h + 1e-6
            assert dst.y - 1e-6 <= rb.y1 and rb.y1 + rb.thickness <= dst.y + dst.h + 1e-6
        s.rollback()


def test_demo_incident_flows_balance_and_show_the_planted_over_consumption(demo_plant, tmp_path):
    from workbench.demo import INCIDENT
    from workbench.demo.build import demo_summary

    summary = demo_summary(seed=7, scale=1)
    with demo_plant.Session() as s:
        r = recall(s, [find_lot(s, INCIDENT.lot, INCIDENT.item)])
    f = recall_flows(r)
    assert_balanced(f, r)
    red = [n for n in f.nodes.values() if n.alert]
    item, lot = INCIDENT.overconsumed_lot
    assert [n.id for n in red] == [f"unaccounted-in:{next(a.lot_id for a in r.affected if a.label == f'{item}/{lot}')}"]
    assert f"{item}/{lot}" in red[0].detail
    assert str(summary.overconsumed.normalize()) in red[0].detail
    assert {n.customer for n in f.nodes.values() if n.kind == "customer"} == {c.customer for c in r.customers}
    layout = layout_flows(f, 1200, 700)
    # Every box inside the picture; every label that is drawn is inside it too (first column
    # to the left, the rest to the right of their box), and red boxes are always labelled.
    for box in layout.boxes.values():
        assert box.x >= 0 and box.x + box.w <= layout.width and box.y >= 0 and box.y + box.h <= layout.height
        lab = box_label(layout, box)
        if box.node.alert:
            assert lab is not None and lab.lines[0].startswith("Unaccounted")
        if lab is not None:
            assert lab.x > 0 and lab.x < layout.width
    svg = flows_svg(layout, "t")
    assert svg.count("<rect ") == len(layout.boxes) + 1 and "Unaccounted" in svg
    for suffix in ("svg", "pdf", "png"):
        out = write_flows(layout, tmp_path / f"flows.{suffix}")
        assert out.stat().st_size > 1000
    from pypdf import PdfReader

    page = PdfReader(tmp_path / "flows.pdf").pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (792.0, 612.0)
    assert INCIDENT.lot in page.extract_text()
    with pytest.raises(WorkbenchError, match=r"flows.txt: the quantity flow is written as \.svg, \.pdf or \.png"):
        write_flows(layout, tmp_path / "flows.txt")
