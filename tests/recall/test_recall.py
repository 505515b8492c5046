"""The recall service: affected lots, hold list, customers, reconciliation, on both databases."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import PlantBuilder
from workbench.errors import WorkbenchError
from workbench.plant import Consumption, Customer, Item, Lot, Output, Shipment
from workbench.plant.lookup import find_lot
from workbench.recall.engine import recall

D = Decimal


def almond_incident(s) -> PlantBuilder:
    """An almond lot chopped, made into bars (two orders, one with two outputs), shipped.

    ALM/ALM-A1 received 1,000 kg but 1,050 kg were consumed from it (over-consumption).
    """
    b = PlantBuilder(s)
    b.item("ALM", gtin="10850047100274", name="Almonds, natural")
    b.receive("ALM", "ALM-A1", 1000, vendor="NUTCO")
    b.receive("OAT", "OAT-O1", 5000)
    b.receive("ALM", "ALM-A2", 500, vendor="NUTCO")  # a sibling lot: not affected
    b.produce("WO-1", "CHOP", [("ALM", "ALM-A1", 600)], [("CHOP-C1", 590)], kind="intermediate")
    b.produce("WO-2", "BAR", [("CHOP", "CHOP-C1", 300), ("OAT", "OAT-O1", 700)],
              [("BAR-B1", 100), ("BAR-B2", 80)])
    b.produce("WO-3", "BAR", [("CHOP", "CHOP-C1", 290), ("ALM", "ALM-A1", 450)], [("BAR-B3", 90)])
    b.produce("WO-4", "BAR", [("ALM", "ALM-A2", 100)], [("BAR-B9", 50)])
    b.ship("SH-1", "CU-1", "BAR", "BAR-B1", 40)
    b.ship("SH-2", "CU-2", "BAR", "BAR-B1", 30)
    b.ship("SH-3", "CU-2", "BAR", "BAR-B2", 80)
    b.ship("SH-4", "CU-1", "BAR", "BAR-B3", 50)
    b.ship("SH-5", "CU-3", "BAR", "BAR-B9", 50)  # only the unaffected lot
    b.ret("RMA-1", "CU-1", "BAR", "BAR-B1", 5)
    return b.done()


def test_recall_of_a_vendor_lot_finds_every_lot_customer_and_quantity(session):
    almond_incident(session)
    root = find_lot(session, "ALM-A1")
    r = recall(session, [root], reason="Salmonella")

    assert {a.label for a in r.affected} == {"ALM/ALM-A1", "CHOP/CHOP-C1", "BAR/BAR-B1", "BAR/BAR-B2", "BAR/BAR-B3"}
    by = {a.label: a for a in r.affected}
    b1 = by["BAR/BAR-B1"].balance
    assert (b1.made, b1.consumed, b1.shipped, b1.returned, b1.on_hand) == (D(100), D(0), D(70), D(5), D(35))
    assert by["ALM/ALM-A1"].on_hand == D(-50)
    assert by["ALM/ALM-A1"].depth == 0 and by["BAR/BAR-B3"].depth == 1

    assert [(a.label, a.on_hand) for a in r.hold] == [("BAR/BAR-B3", D(40)), ("BAR/BAR-B1", D(35))]

    customers = {c.customer: c for c in r.customers}
    assert set(customers) == {"CU-1", "CU-2"}
    assert [(ln.shipment, ln.lot, ln.quantity) for ln in customers["CU-1"].lines] == [
        ("SH-1", "BAR-B1", D(40)), ("SH-4", "BAR-B3", D(50))]
    assert customers["CU-2"].quantities() == {"kg": D(110)}
    line = customers["CU-1"].lines[0]
    assert line.order_ref == "SO-SH-1" and line.unit == "kg" and line.shipped_at is not None
    assert customers["CU-1"].email == "buyer@cu-1.example"
    assert [c.customer for c in r.customers] == ["CU-2", "CU-1"]  # most quantity first

    t = r.totals
    assert (t.affected_lots, t.customers, t.shipments, t.shipment_lines, t.lots_on_hold) == (5, 2, 4, 4, 2)
    assert t.shipped == {"kg": D(200)} and t.on_hold == {"kg": D(75)}
    assert t.in_question == {"kg": D(1000)} and t.found == {"kg": D(1050)}
    assert t.found_percent() == {"kg": D("105.0")}
    assert t.flagged == 1 and t.transformations == 3
    assert r.reference.startswith("RC-") and r.reference.endswith("-ALM-A1")


def test_reconciliation_flags_the_over_consumption_and_balances_the_rest(session):
    almond_incident(session)
    r = recall(session, [find_lot(session, "ALM-A1")])
    flagged = [row for row in r.reconciliation if row.flagged]
    assert [(row.item, row.lot, row.unaccounted) for row in flagged] == [("ALM", "ALM-A1", D(50))]
    assert "50 kg more left the lot than it held" in flagged[0].findings[0]
    assert r.reconciliation[0] is flagged[0]  # findings first
    for row in r.reconciliation:
        assert row.made + row.returned == row.consumed + row.shipped + row.on_hand
        if not row.flagged:
            assert row.unaccounted == 0 and row.record_difference == 0


def test_clean_plant_balances_to_zero(session):
    b = PlantBuilder(session)
    b.receive("SUGAR", "S1", 200)
    b.produce("WO-1", "JAM", [("SUGAR", "S1", 150)], [("J1", 300), ("J2", 100)])
    b.ship("SH-1", "CU-1", "JAM", "J1", 300)
    b.ship("SH-2", "CU-2", "JAM", "J2", 60)
    b.ret("RMA-1", "CU-2", "JAM", "J2", 10)
    b.done()
    r = recall(session, [find_lot(session, "S1")])
    assert not any(row.flagged for row in r.reconciliation)
    assert all(row.unaccounted == 0 and row.record_difference == 0 for row in r.reconciliation)
    assert r.totals.flagged == 0
    assert r.totals.found_percent() == {"kg": D("100.0")}
    assert {(a.label, a.on_hand) for a in r.hold} == {("SUGAR/S1", D(50)), ("JAM/J2", D(50))}


def test_reconciliation_flags_a_lot_that_differs_from_its_documents(session):
    b = PlantBuilder(session)
    b.receive("SUGAR", "S1", 200)
    b.produce("WO-1", "JAM", [("SUGAR", "S1", 150)], [("J1", 300)])
    b.done()
    b.lot("JAM", "J1").quantity = D(310)  # the lot says 310, the order output 300
    session.flush()
    r = recall(session, [find_lot(session, "S1")])
    row = next(row for row in r.reconciliation if row.lot == "J1")
    assert row.flagged and row.record_difference == D(10) and row.recorded == D(300)
    assert "order outputs by 10 kg" in row.findings[0]


def test_several_roots_and_an_intermediate_root(session):
    almond_incident(session)
    roots = [find_lot(session, "CHOP-C1"), find_lot(session, "BAR-B9")]
    r = recall(session, roots)
    assert [x.label for x in r.roots] == ["CHOP/CHOP-C1", "BAR/BAR-B9"]
    assert {a.label for a in r.affected} == {"CHOP/CHOP-C1", "BAR/BAR-B1", "BAR/BAR-B2", "BAR/BAR-B3", "BAR/BAR-B9"}
    assert {c.customer for c in r.customers} == {"CU-1", "CU-2", "CU-3"}
    # In question: both roots (590 kg of chopped almonds + 50 kg of bars).
    assert r.totals.in_question == {"kg": D(640)}


def test_transformations_list_all_inputs_marking_the_affected_ones(session):
    almond_incident(session)
    r = recall(session, [find_lot(session, "ALM-A1")])
    wo2 = next(t for t in r.transformations if t.order == "WO-2")
    assert [(ln.lot, ln.affected) for ln in wo2.inputs] == [("CHOP-C1", True), ("OAT-O1", False)]
    assert [ln.lot for ln in wo2.outputs] == ["BAR-B1", "BAR-B2"]
    assert wo2.affected_share("kg") == D(300) / D(1000)
    assert [x.receipt for x in r.receipts] == ["R-ALM-A1"]
    assert [(x.rma, x.quantity) for x in r.returns] == [("RMA-1", D(5))]


def test_a_recall_needs_a_lot(session):
    with pytest.raises(WorkbenchError):
        recall(session, [])


# --- property: the recall against a brute-force walk of the raw records ------------------


@st.composite
def plants(draw):
    """Random genealogies: lots in layers, orders consuming earlier lots, shipments."""
    n_raw = draw(st.integers(1, 4))
    n_orders = draw(st.integers(0, 7))
    lots = [("RAW", f"R{i}") for i in range(n_raw)]
    orders = []
    for o in range(n_orders):
        inputs = draw(st.lists(st.sampled_from(lots), min_size=1, max_size=3, unique=True))
        n_out = draw(st.integers(1, 2))
        outputs = [f"P{o}-{k}" for k in range(n_out)]
        orders.append((f"WO-{o}", [(i, draw(st.integers(1, 9))) for i in inputs], outputs))
        lots += [("PROD", code) for code in outputs]
    shipments = draw(st.lists(st.tuples(st.sampled_from(lots), st.sampled_from(["CU-A", "CU-B", "CU-C"]),
                                        st.integers(1, 9)), max_size=8))
    roots = draw(st.lists(st.sampled_from(lots), min_size=1, max_size=2, unique=True))
    return orders, shipments, roots, n_raw


def build_plant(session, data):
    """Records a plant drawn by ``plants()``; returns its suspect lots' references."""
    orders, shipments, roots, n_raw = data
    b = PlantBuilder(session)
    for i in range(n_raw):
        b.receive("RAW", f"R{i}", 100)
    for order, inputs, outputs in orders:
        b.produce(order, "PROD", [(item, lot, q) for (item, lot), q in inputs], [(c, 10) for c in outputs])
    for n, ((item, lot), cust, q) in enumerate(shipments):
        b.ship(f"SH-{n}", cust, item, lot, q)
    b.done()
    return [find_lot(session, lot, item) for item, lot in roots]


def brute_force(session, root_ids: set[int]) -> tuple[set[int], dict[str, list[tuple]]]:
    """Forward reachability from consumptions and outputs, and a filter of shipment rows."""
    consumed = defaultdict(set)
    for lot, order in session.execute(select(Consumption.lot_id, Consumption.order_id)):
        consumed[lot].add(order)
    made = defaultdict(set)
    for order, lot in session.execute(select(Output.order_id, Output.lot_id)):
        made[order].add(lot)
    seen, todo = set(root_ids), list(root_ids)
    while todo:
        lot = todo.pop()
        for order in consumed[lot]:
            for out in made[order] - seen:
                seen.add(out)
                todo.append(out)
    lines = defaultdict(list)
    for code, cust, lot, qty in session.execute(
            select(Shipment.code, Customer.code, Lot.code, Shipment.quantity)
            .join(Customer, Customer.id == Shipment.customer_id).join(Lot, Lot.id == Shipment.lot_id)
            .where(Shipment.lot_id.in_(seen))):
        lines[cust].append((code, lot, qty))
    return seen, {c: sorted(v) for c, v in lines.items()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=plants())
def test_recall_equals_brute_force_reachability(plant, data):
    with plant.Session() as s:
        refs = build_plant(s, data)
        r = recall(s, refs)
        expected_lots, expected_lines = brute_force(s, {x.id for x in refs})
        assert {a.lot_id for a in r.affected} == expected_lots
        got = {c.customer: sorted((ln.shipment, ln.lot, ln.quantity) for ln in c.lines) for c in r.customers}
        assert got == expected_lines
        for a in r.affected:
            assert a.balance.on_hand == a.balance.made + a.balance.returned - a.balance.consumed - a.balance.shipped
        s.rollback()


# --- the demo plant's planted incident ---------------------------------------------------


def test_demo_incident_recall_matches_the_generators_account(demo_plant):
    from workbench.demo import INCIDENT
    from workbench.demo.build import demo_summary

    summary = demo_summary(seed=7, scale=1)
    reach = summary.incident_reach
    with demo_plant.Session() as s:
        root = find_lot(s, INCIDENT.lot, INCIDENT.item)
        r = recall(s, [root], reason=INCIDENT.story)
        units = dict(s.execute(select(Item.code, Item.unit)).all())
    affected = {(a.item, a.lot) for a in r.affected}
    assert affected - {(INCIDENT.item, INCIDENT.lot)} == set(reach.lots) - {(INCIDENT.item, INCIDENT.lot)}
    assert {c.customer for c in r.customers} == set(reach.customers)
    for c in r.customers:
        cases = sum(ln.quantity for ln in c.lines if units[ln.item] == "case")
        assert cases == reach.shipped[c.customer], c.customer
    flagged = {(row.item, row.lot): row for row in r.reconciliation if row.flagged}
    assert INCIDENT.overconsumed_lot in flagged
    assert flagged[INCIDENT.overconsumed_lot].unaccounted == summary.overconsumed
    # The planted fault is the only one.
    assert set(flagged) == {INCIDENT.overconsumed_lot}
    assert r.totals.customers == len(reach.customers)
