"""The supply-chain model: long identifiers, lines per pallet, container contents by time
(nesting, re-use), events and their retraction."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.chainbuilder import ChainBuilder
from workbench.errors import WorkbenchError
from workbench.plant import Customer, Event, Item, Lot, LotEdge, Party, Receipt, Shipment, Vendor
from workbench.plant.containers import contents_at
from workbench.plant.events import history, retract_event
from workbench.plant.parties import link_parties

T = datetime(2026, 3, 2, 6, 0)


def test_identifiers_hold_255_characters(session):
    gdst = "urn:gdst:example.org:product:lot:class:processor.2u.v1-0122-2022.".ljust(255, "x")
    assert len(gdst) == 255
    item = Item(code="urn:gdst:example.org:product:class:processor.2u.v1-0122-2022", kind="product", unit="kg")
    session.add(item)
    session.flush()
    session.add(Lot(item_id=item.id, code=gdst, quantity=Decimal(1), origin="opening", vendor_lot=gdst))
    session.flush()
    assert session.scalar(select(Lot.code).where(Lot.code == gdst)) == gdst


def test_an_identifier_over_255_characters_is_refused_by_postgresql(session, backend):
    item = Item(code="X", kind="product", unit="kg")
    session.add(item)
    session.flush()
    session.add(Lot(item_id=item.id, code="y" * 256, quantity=Decimal(1), origin="opening"))
    if backend == "postgresql":
        with pytest.raises(Exception, match="too long"):
            session.flush()
    else:  # SQLite does not enforce VARCHAR lengths; the importers check them against the model
        session.flush()


def test_a_vendor_and_a_customer_of_one_code_are_one_party(session):
    session.add_all([Vendor(code="ACME", name="Acme"), Customer(code="ACME", name="Acme"),
                     Customer(code="SHOP", name="Shop")])
    session.flush()
    link_parties(session)
    session.expire_all()
    vendor = session.scalar(select(Vendor).where(Vendor.code == "ACME"))
    customer = session.scalar(select(Customer).where(Customer.code == "ACME"))
    assert vendor.party_id == customer.party_id is not None
    assert sorted(session.scalars(select(Party.code))) == ["ACME", "SHOP"]
    link_parties(session)  # idempotent
    assert session.scalar(select(func.count()).select_from(Party)) == 2


def _pallets(session) -> ChainBuilder:
    b = ChainBuilder(session)
    b.site("PLANT")
    b.site("DC")
    b.customer("SHOP")
    b.opening("BAR", "L1", 100)
    b.opening("BAR", "L2", 100)
    b.opening("BAR", "L3", 100)
    return b


def test_a_pallet_holds_its_cases_contents_at_every_level_and_only_while_packed(session):
    b = _pallets(session)
    b.pack("CASE-1", "BAR", "L1", 10)
    b.pack("CASE-1", "BAR", "L2", 5)
    b.pack("CASE-2", "BAR", "L1", 7)
    b.pack("PAL", child="CASE-1")
    b.pack("PAL", child="CASE-2")
    b.pack("PAL", "BAR", "L3", 1)
    at = b.tick()
    pal, case1 = b.box("PAL").id, b.box("CASE-1").id
    l1, l2, l3 = (b.lot("BAR", c).id for c in ("L1", "L2", "L3"))
    assert contents_at(session, [pal, case1], at) == {pal: {l1: 17, l2: 5, l3: 1}, case1: {l1: 10, l2: 5}}
    b.unpack("CASE-2")
    assert contents_at(session, [pal], b.tick()) == {pal: {l1: 10, l2: 5, l3: 1}}
    assert contents_at(session, [pal], T) == {}  # before anything was packed


def test_a_reused_sscc_is_two_lives_by_time(session):
    b = _pallets(session)
    b.pack("SSCC", "BAR", "L1", 10)
    first = b.tick()
    b.unpack("SSCC")
    b.pack("SSCC", "BAR", "L2", 20)
    second = b.tick()
    pal = b.box("SSCC").id
    assert contents_at(session, [pal], first) == {pal: {b.lot("BAR", "L1").id: 10}}
    assert contents_at(session, [pal], second) == {pal: {b.lot("BAR", "L2").id: 20}}


def test_a_shipped_pallet_is_a_line_per_lot_naming_it_and_its_receipt_links_each_line(session):
    b = _pallets(session)
    b.pack("PAL-A", "BAR", "L1", 10)
    b.pack("PAL-B", "BAR", "L1", 4)  # the same lot on two pallets of one shipment: two lines
    b.pack("PAL-B", "BAR", "L2", 6)
    lines = b.ship_boxes("SH-1", ["PAL-A", "PAL-B"], ship_from="PLANT", ship_to="DC")
    got = sorted((s.container_id, s.lot_id, s.quantity) for s in lines)
    a, bb = b.box("PAL-A").id, b.box("PAL-B").id
    l1, l2 = b.lot("BAR", "L1").id, b.lot("BAR", "L2").id
    assert got == sorted([(a, l1, 10), (bb, l1, 4), (bb, l2, 6)])
    receipts = b.receive_boxes("GR-1", ["PAL-A", "PAL-B"], "SH-1", at_site="DC")
    by_line = {s.id: (s.container_id, s.lot_id) for s in lines}
    assert sorted(by_line[r.shipment_id] for r in receipts) == sorted((r.container_id, r.lot_id) for r in receipts)
    # Without a container a (shipment, lot) line stays unique.
    session.add(Shipment(code="SH-2", shipped_at=b.tick(), lot_id=l1, quantity=Decimal(1)))
    session.flush()
    session.add(Shipment(code="SH-2", shipped_at=b.tick(), lot_id=l1, quantity=Decimal(1)))
    with pytest.raises(IntegrityError):
        session.flush()


def test_shipping_an_empty_pallet_is_refused(session):
    b = _pallets(session)
    b.box("EMPTY")
    with pytest.raises(WorkbenchError, match="holds nothing"):
        b.ship_boxes("SH-1", ["EMPTY"], customer="SHOP")


def test_a_retracted_receipt_leaves_the_plant_tables_and_stays_in_the_history(session):
    b = ChainBuilder(session)
    lot = b.receive("FLOUR", "F-1", 100)
    ev = b.event("receiving", [("FLOUR", "F-1")], ref="urn:uuid:rcv-1")
    receipt = session.scalar(select(Receipt).where(Receipt.lot_id == lot.id))
    receipt.event_id, lot.event_id = ev.id, ev.id
    session.flush()
    retract_event(session, "urn:uuid:rcv-1", reason="incorrect_data", at=b.tick(), note="wrong quantity")
    assert session.scalar(select(func.count()).select_from(Receipt)) == 0
    session.refresh(lot)
    assert lot.quantity == 0
    [event] = history(session, lot.id)
    assert event.retraction_reason == "incorrect_data" and event.retraction_note == "wrong quantity"
    kept = json.loads(event.content)
    assert [r["quantity"] for r in kept["receipts"]] == ["100"] and kept["lots"][0]["quantity"] == "100"
    with pytest.raises(WorkbenchError, match="already retracted"):
        retract_event(session, "urn:uuid:rcv-1", reason="did_not_occur", at=b.tick())


def test_a_retracted_transformation_takes_its_genealogy_with_it(session):
    b = ChainBuilder(session)
    b.receive("FLOUR", "F-1", 100)
    [bar] = b.produce("WO-1", "BAR", [("FLOUR", "F-1", 40)], [("B-1", 40)])
    b.done()
    ev = b.event("transforming", [("FLOUR", "F-1"), ("BAR", "B-1")], ref="urn:uuid:tf-1")
    b.orders["WO-1"].event_id = bar.event_id = ev.id
    session.flush()
    assert session.scalar(select(func.count()).select_from(LotEdge)) == 1
    retract_event(session, "urn:uuid:tf-1", reason="did_not_occur", at=b.tick())
    assert session.scalar(select(func.count()).select_from(LotEdge)) == 0
    kept = json.loads(session.scalar(select(Event.content).where(Event.ref == "urn:uuid:tf-1")))
    assert len(kept["consumptions"]) == 1 and len(kept["outputs"]) == 1 and kept["production_orders"][0]["code"] == "WO-1"


def test_a_shipment_already_received_cannot_be_retracted_before_its_receipt(session):
    b = _pallets(session)
    ev = b.event("shipping", [("BAR", "L1")], ref="urn:uuid:sh-1")
    line = b.transfer("T-1", "BAR", "L1", 10, "PLANT", "DC", event=ev)
    b.arrive("GR-1", line, "DC")
    with pytest.raises(WorkbenchError, match="retract that receipt first"):
        retract_event(session, "urn:uuid:sh-1", reason="did_not_occur", at=b.tick())


def test_an_event_id_is_recorded_once(session):
    b = ChainBuilder(session)
    b.event("receiving", ref="urn:uuid:same")
    with pytest.raises(WorkbenchError, match="already recorded"):
        b.event("receiving", ref="urn:uuid:same")
