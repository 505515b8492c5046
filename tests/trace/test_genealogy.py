"""The genealogy engine against hand-made plants and a brute-force reference walk."""

from __future__ import annotations

import itertools
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PlantBuilder
from workbench.plant import Consumption, Item, Lot, Output, ProductionOrder, rebuild_edges
from workbench.trace.genealogy import reachable_lots, trace


def lots_of(g) -> set[str]:
    return {f"{n.lot.item}/{n.lot.lot}" for n in g.lots()}


def kinds(g, kind) -> set[str]:
    return {n.code for n in g.of_kind(kind)}


def edge(g, source, target):
    found = [e for e in g.edges if e.source == source and e.target == target]
    assert len(found) == 1, (source, target, found)
    return found[0]


def small_plant(session) -> PlantBuilder:
    b = PlantBuilder(session)
    b.item("FLOUR")
    b.item("SUGAR")
    b.item("DOUGH", kind="intermediate")
    b.receive("FLOUR", "F1", 100, vendor="MILL", po="PO-7")
    b.receive("SUGAR", "S1", 50, vendor="CANE")
    # F1 is split across two orders; O1 has two output lots.
    b.produce("O1", "DOUGH", [("FLOUR", "F1", 60), ("SUGAR", "S1", 20)], [("D1", 40), ("D2", 40)],
              [("mix", "MX1", "ann")], kind="intermediate")
    b.produce("O2", "DOUGH", [("FLOUR", "F1", 30)], [("D3", 30)], [("mix", "MX2", "ann")], kind="intermediate")
    b.produce("O3", "COOKIE", [("DOUGH", "D1", 40)], [("C1", 100)], [("bake", "OV1", "bob"), ("pack", "PK1", "cy")])
    b.ship("SH1", "ACME", "COOKIE", "C1", 60)
    b.ship("SH2", "BETA", "COOKIE", "C1", 30)
    b.ret("RMA1", "ACME", "COOKIE", "C1", 10, reason="broken")
    # The returned quantity is reworked into a new lot that ships on.
    b.produce("O4", "COOKIE", [("COOKIE", "C1", 10)], [("C1R", 10)], [("rework", "PK1", "cy")])
    b.ship("SH3", "GAMMA", "COOKIE", "C1R", 10)
    return b.done()


def test_forward_reaches_every_lot_shipment_and_customer(session):
    b = small_plant(session)
    g = trace(session, b.lot("FLOUR", "F1").id, "forward")
    assert lots_of(g) == {"FLOUR/F1", "DOUGH/D1", "DOUGH/D2", "DOUGH/D3", "COOKIE/C1", "COOKIE/C1R"}
    assert kinds(g, "order") == {"O1", "O2", "O3", "O4"}
    assert kinds(g, "shipment") == {"SH1", "SH2", "SH3"}
    assert kinds(g, "customer") == {"ACME", "BETA", "GAMMA"}
    assert kinds(g, "return") == {"RMA1"}
    assert not g.of_kind("vendor") and not g.of_kind("machine")
    assert edge(g, "lot:FLOUR/F1", "order:O1").quantity == Decimal(60)
    assert edge(g, "lot:FLOUR/F1", "order:O2").quantity == Decimal(30)
    assert edge(g, "order:O1", "lot:DOUGH/D2").quantity == Decimal(40)
    assert edge(g, "lot:COOKIE/C1", "shipment:SH1").quantity == Decimal(60)
    assert edge(g, "shipment:SH2", "customer:BETA").unit == "kg"
    assert edge(g, "return:RMA1", "lot:COOKIE/C1").quantity == Decimal(10)
    depth = {n.id: n.lot.depth for n in g.lots()}
    assert depth["lot:FLOUR/F1"] == 0 and depth["lot:COOKIE/C1"] == 2 and depth["lot:COOKIE/C1R"] == 3


def test_backward_reaches_vendors_orders_machines_operators(session):
    b = small_plant(session)
    g = trace(session, b.lot("COOKIE", "C1R").id, "backward")
    assert lots_of(g) == {"COOKIE/C1R", "COOKIE/C1", "DOUGH/D1", "FLOUR/F1", "SUGAR/S1"}
    assert kinds(g, "vendor") == {"MILL", "CANE"}
    assert kinds(g, "receipt") == {"R-F1", "R-S1"}
    assert kinds(g, "order") == {"O4", "O3", "O1"}
    assert kinds(g, "machine") == {"PK1", "OV1", "MX1"}
    assert kinds(g, "operator") == {"ann", "bob", "cy"}
    assert "O3/pack" in kinds(g, "operation")
    receipt = g.nodes["receipt:R-F1"]
    assert receipt.facts.po == "PO-7" and receipt.facts.vendor_lot == "VF1"
    # Backward from C1R does not wander into siblings (D2, D3) or customers.
    assert not g.of_kind("customer") and not g.of_kind("shipment")


def test_depth_limit_keeps_a_frontier(session):
    b = small_plant(session)
    g = trace(session, b.lot("FLOUR", "F1").id, "forward", depth=1)
    assert lots_of(g) == {"FLOUR/F1", "DOUGH/D1", "DOUGH/D2", "DOUGH/D3"}
    assert kinds(g, "order") == {"O1", "O2"}  # not O3: D1 is the frontier
    g0 = trace(session, b.lot("FLOUR", "F1").id, "both", depth=0)
    assert lots_of(g0) == {"FLOUR/F1"} and len(g0.nodes) == 1


def test_both_directions_from_an_intermediate(session):
    b = small_plant(session)
    g = trace(session, b.lot("DOUGH", "D1").id, "both")
    assert lots_of(g) == {"DOUGH/D1", "FLOUR/F1", "SUGAR/S1", "COOKIE/C1", "COOKIE/C1R"}
    assert kinds(g, "vendor") == {"MILL", "CANE"} and kinds(g, "customer") == {"ACME", "BETA", "GAMMA"}


def test_a_lot_reworked_into_itself_ends(session):
    b = PlantBuilder(session)
    b.receive("OATS", "A", 10)
    b.produce("O1", "BAR", [("OATS", "A", 10)], [("B1", 10)])
    b.produce("O2", "BAR", [("BAR", "B1", 5)], [("B2", 5)])
    b.consume("O1", "BAR", "B2", 1)  # B2 went back into the order that made B1: a cycle
    b.consume("O2", "BAR", "B2", 1)  # and into its own order: a self-loop
    b.done()
    g = trace(session, b.lot("BAR", "B1").id, "both")
    assert lots_of(g) == {"OATS/A", "BAR/B1", "BAR/B2"}
    assert reachable_lots(session, [b.lot("OATS", "A").id], "forward") == {
        b.lot("OATS", "A").id, b.lot("BAR", "B1").id, b.lot("BAR", "B2").id}


def test_material_used_in_thousands_of_lots(session):
    b = PlantBuilder(session)
    b.receive("SALT", "S", 100000)
    salt = b.lot("SALT", "S").id
    item = b.item("SNACK", kind="product")
    session.flush()
    orders = [ProductionOrder(code=f"O{i}", item_id=item.id) for i in range(2000)]
    session.add_all(orders)
    lots = [Lot(item_id=item.id, code=f"L{i}", quantity=Decimal(5), origin="production") for i in range(2000)]
    session.add_all(lots)
    session.flush()
    session.add_all([Consumption(order_id=o.id, lot_id=salt, quantity=Decimal("0.5")) for o in orders])
    session.add_all([Output(order_id=o.id, lot_id=lot.id, quantity=Decimal(5)) for o, lot in zip(orders, lots, strict=False)])
    session.flush()
    rebuild_edges(session)
    g = trace(session, salt, "forward")
    assert len(g.lots()) == 2001 and len(g.of_kind("order")) == 2000
    assert sum(e.quantity for e in g.edges if e.kind == "consumed") == Decimal(1000)
    back = trace(session, lots[1234].id, "backward")
    assert lots_of(back) == {"SNACK/L1234", "SALT/S"}


# --- property tests against a brute-force walk over the raw consumptions and outputs ---

_counter = itertools.count()


@st.composite
def genealogies(draw):
    """Random plants: lots, orders consuming any lots (cycles allowed), outputs."""
    n_lots = draw(st.integers(2, 12))
    n_orders = draw(st.integers(0, 8))
    orders = []
    free = list(range(n_lots))
    for _ in range(n_orders):
        inputs = draw(st.lists(st.integers(0, n_lots - 1), max_size=4, unique=True))
        outputs = draw(st.lists(st.sampled_from(free), max_size=3, unique=True)) if free else []
        free = [x for x in free if x not in outputs]
        orders.append((inputs, outputs))
    return n_lots, orders


def brute_force(n_lots, orders):
    children = defaultdict(set)
    for inputs, outputs in orders:
        for i in inputs:
            children[i] |= set(outputs)

    def reach(start):
        seen, stack = {start}, [start]
        while stack:
            for nxt in children[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    return {lot: reach(lot) for lot in range(n_lots)}


def add_plant(session, n_lots, orders):
    """The random plant's lots and orders (flushed, edges rebuilt); returns the lots' ids."""
    tag = f"P{next(_counter)}"
    item = Item(code=f"{tag}-X", name="x", kind="product", unit="ea")
    session.add(item)
    session.flush()
    lots = [Lot(item_id=item.id, code=f"L{i}", quantity=Decimal(1), origin="opening") for i in range(n_lots)]
    pos = [ProductionOrder(code=f"{tag}-O{k}", item_id=item.id) for k in range(len(orders))]
    session.add_all(lots + pos)
    session.flush()
    for po, (inputs, outputs) in zip(pos, orders, strict=True):
        session.add_all([Consumption(order_id=po.id, lot_id=lots[i].id, quantity=Decimal(1)) for i in inputs])
        session.add_all([Output(order_id=po.id, lot_id=lots[o].id, quantity=Decimal(1)) for o in outputs])
    session.flush()
    rebuild_edges(session, [po.id for po in pos])
    return [lot.id for lot in lots]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plant=genealogies())
def test_engine_equals_brute_force_and_directions_are_dual(session, plant):
    n_lots, orders = plant
    ids = add_plant(session, n_lots, orders)
    expected = brute_force(n_lots, orders)
    index = {lot_id: i for i, lot_id in enumerate(ids)}
    forward = {}
    for i, lot_id in enumerate(ids):
        got = {index[x] for x in reachable_lots(session, [lot_id], "forward")}
        assert got == expected[i]
        forward[i] = got
        g = trace(session, lot_id, "forward")
        assert {int(n.lot.lot[1:]) for n in g.lots()} == expected[i]
    for b_ in range(n_lots):
        backward = {index[x] for x in reachable_lots(session, [ids[b_]], "backward")}
        assert backward == {a for a in range(n_lots) if b_ in forward[a]}
