"""lot_details() and friends: the details panel's facts, exact to the unit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import PlantBuilder
from workbench.errors import NotFound
from workbench.lots.details import (
    lot_details,
    node_details,
    order_details,
    party_details,
    receipt_details,
    resource_details,
    return_details,
    shipment_details,
)

D = Decimal


@pytest.fixture
def built(session):
    """Flour into two bar orders; bars shipped to two customers, one return."""
    b = PlantBuilder(session)
    b.item("FLOUR", gtin="09501101530003", name="Wheat flour")
    b.receive("FLOUR", "F1", 1000, vendor="MILL", receipt="R-1", po="PO-1", vendor_lot="MX-1")
    b.produce("WO-1", "BAR", [("FLOUR", "F1", 300)], [("B1", 600)],
              operations=[("Mix", "MX1", "ann"), ("Bake", "OV1", "bob")])
    b.consume("WO-1", "FLOUR", "F1", 20)  # a second pick for the same order
    b.produce("WO-2", "BAR", [("FLOUR", "F1", 250)], [("B2", 500), ("B3", 10)],
              operations=[("Mix", "MX1", "cat")])
    b.ship("S-1", "SHOP", "BAR", "B1", 400, order_ref="SO-77")
    b.ship("S-2", "MART", "BAR", "B1", 150)
    b.ret("RMA-1", "SHOP", "BAR", "B1", 25, reason="torn wrapper")
    b.done()
    return b


def test_received_lot_details_are_exact(session, built):
    d = lot_details(session, built.lot("FLOUR", "F1").id)
    assert (d.item.code, d.item.name, d.item.kind, d.item.unit, d.item.gtin) == (
        "FLOUR", "Wheat flour", "material", "kg", "09501101530003")
    assert (d.made, d.consumed, d.shipped, d.returned, d.on_hand) == (D(1000), D(570), D(0), D(0), D(430))
    assert (d.vendor, d.vendor_lot, d.receipt, d.po, d.origin) == ("MILL", "MX-1", "R-1", "PO-1", "receipt")
    assert d.made_by is None
    assert [(c.order, c.quantity, [(o.lot, o.quantity) for o in c.outputs]) for c in d.consumptions] == [
        ("WO-1", D(320), [("B1", D(600))]),
        ("WO-2", D(250), [("B2", D(500)), ("B3", D(10))]),
    ]
    assert [(e.kind, e.quantity) for e in d.events] == [
        ("received", D(1000)), ("consumed", D(300)), ("consumed", D(20)), ("consumed", D(250))]
    assert d.ref.label == "FLOUR/F1"


def test_produced_lot_details(session, built):
    d = lot_details(session, built.lot("BAR", "B1").id)
    assert (d.made, d.consumed, d.shipped, d.returned, d.on_hand) == (D(600), D(0), D(550), D(25), D(75))
    assert d.status == "in stock"
    assert d.made_by.code == "WO-1"
    assert [(o.step, o.machine, o.operator) for o in d.made_by.operations] == [
        ("Mix", "MX1", "ann"), ("Bake", "OV1", "bob")]
    assert [(i.item, i.lot, i.quantity) for i in d.made_by.inputs] == [("FLOUR", "F1", D(320))]
    assert [(s.shipment, s.customer, s.order_ref, s.quantity) for s in d.shipments] == [
        ("S-1", "SHOP", "SO-77", D(400)), ("S-2", "MART", "SO-S-2", D(150))]
    assert [(r.rma, r.quantity, r.reason) for r in d.returns] == [("RMA-1", D(25), "torn wrapper")]
    kinds = [e.kind for e in d.events]
    assert kinds == ["operation", "operation", "produced", "shipped", "shipped", "returned"]
    ops = [e for e in d.events if e.kind == "operation"]
    assert all(e.end is not None and e.end > e.at for e in ops)
    assert d.vendor is None and d.receipt is None


def test_parties(session, built):
    v = party_details(session, "vendor", "MILL")
    assert (v.name, v.contact, v.total_lines, v.total_lots) == ("MILL Supplies", "Pat Vendor", 1, 1)
    assert [(line.document, line.reference, line.lot.lot, line.lot.quantity) for line in v.lines] == [
        ("R-1", "PO-1", "F1", D(1000))]
    c = party_details(session, "customer", "SHOP")
    assert [(line.document, line.reference, line.lot.lot, line.lot.quantity) for line in c.lines] == [
        ("S-1", "SO-77", "B1", D(400))]
    assert [(r.rma, r.quantity) for r in c.returns] == [("RMA-1", D(25))]
    with pytest.raises(NotFound):
        party_details(session, "vendor", "NOPE")


def test_resources(session, built):
    m = resource_details(session, "machine", "MX1")
    assert (m.total_operations, m.total_orders) == (2, 2)
    assert [(o.order, o.step, o.operator) for o in m.operations] == [("WO-2", "Mix", "cat"), ("WO-1", "Mix", "ann")]
    assert sorted((q.lot, q.quantity) for q in m.lots_made) == [("B1", D(600)), ("B2", D(500)), ("B3", D(10))]
    assert m.first_at < m.last_at
    op = resource_details(session, "operator", "bob")
    assert [(o.order, o.step, o.machine) for o in op.operations] == [("WO-1", "Bake", "OV1")]
    with pytest.raises(NotFound):
        resource_details(session, "machine", "NOPE")


def test_orders_and_documents(session, built):
    o = order_details(session, "WO-2")
    assert [(q.lot, q.quantity) for q in o.outputs] == [("B2", D(500)), ("B3", D(10))]
    assert [(q.lot, q.quantity) for q in o.inputs] == [("F1", D(250))]
    r = receipt_details(session, "R-1")
    assert (r.party, r.reference, [(q.lot, q.quantity, q.note) for q in r.lines]) == (
        "MILL", "PO-1", [("F1", D(1000), "MX-1")])
    s = shipment_details(session, "S-1")
    assert (s.party, s.reference, [(q.lot, q.quantity) for q in s.lines]) == ("SHOP", "SO-77", [("B1", D(400))])
    ret = return_details(session, "RMA-1")
    assert (ret.party, ret.reference, [(q.lot, q.quantity) for q in ret.lines]) == (
        "SHOP", "torn wrapper", [("B1", D(25))])
    with pytest.raises(NotFound):
        shipment_details(session, "S-404")


def test_node_details_dispatch(session, built):
    assert node_details(session, "lot", "B1", lot_id=built.lot("BAR", "B1").id).lot == "B1"
    assert node_details(session, "operation", "WO-1/Bake").focus_step == "Bake"
    assert node_details(session, "customer", "MART").code == "MART"
    assert node_details(session, "machine", "OV1").total_operations == 1
    assert node_details(session, "receipt", "R-1").kind == "receipt"
    assert node_details(session, "return", "RMA-1").kind == "return"


def test_a_hold_in_force_shows_in_details_and_search_until_released(session, built):
    """Holds are a status the investigator sees wherever the lot shows (issue #14, item 7)."""
    from datetime import datetime

    from workbench.facts import LotRef
    from workbench.floor.holds import place_holds, release_holds
    from workbench.lots.search import search
    from workbench.trace.genealogy import trace

    lot = built.lot("BAR", "B2")
    ref = LotRef(lot.id, "BAR", "B2")
    assert lot_details(session, lot.id).holds == ()
    place_holds(session, [ref], "Supplier notice", "ann", datetime(2026, 5, 1, 8))
    d = lot_details(session, lot.id)
    assert d.on_hold and [(h.kind, h.reason, h.placed_by) for h in d.holds] == [("hold", "Supplier notice", "ann")]
    assert {h.lot: h.status for h in search(session, "B2")}["B2"] == "on hold"
    g = trace(session, built.lot("FLOUR", "F1").id, "forward")  # the genealogy box says so too
    assert {n.code: n.lot.on_hold for n in g.nodes.values() if n.kind == "lot"} == {"F1": False, "B1": False,
                                                                                   "B2": True, "B3": False}
    release_holds(session, ref, "Test negative", "bob", datetime(2026, 5, 2, 8))
    assert not lot_details(session, lot.id).on_hold
    assert {h.lot: h.status for h in search(session, "B2")}["B2"] == "in stock"
