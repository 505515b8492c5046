"""A hand-made chain with two of our sites: a transfer then its use at the second site, a
pallet that goes on from the distribution centre to a customer, a transfer still in
transit, and a receipt recorded in error, retracted and corrected. Answer keys by hand
(see each figure's comment)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.chainbuilder import ChainBuilder
from workbench.facts import LotRef
from workbench.plant import Receipt
from workbench.plant.events import history, retract_event
from workbench.plant.sites import in_transit, site_stock
from workbench.plant.stock import lot_balances
from workbench.recall.engine import recall
from workbench.trace.genealogy import trace


@pytest.fixture
def chain(session) -> ChainBuilder:
    b = ChainBuilder(session)
    plant, dc = b.site("PLANT", name="Plant Springfield"), b.site("DC", name="DC East")
    store = b.site("STORE-9", kind="customer_site", name="Shop store 9", gln="0614141000012")
    b.customer("SHOP")
    almonds = b.receive("ALMOND", "A-1", 300)
    almonds.location_id = plant.id
    [bar] = b.produce("WO-1", "BAR", [("ALMOND", "A-1", 100)], [("B-1", 100)])
    bar.location_id = b.orders["WO-1"].location_id = plant.id
    b.pack("P1", "BAR", "B-1", 60)
    [t1] = b.ship_boxes("SH-1", ["P1"], ship_from="PLANT", ship_to="DC")  # pallet to the DC ...
    b.receive_boxes("GR-1", ["P1"], "SH-1", at_site="DC")  # ... received there
    on = b.ship_boxes("SH-2", ["P1"], customer="SHOP", ship_from="DC")  # and on to the customer
    on[0].ship_to_id = store.id
    b.transfer("SH-3", "BAR", "B-1", 30, "PLANT", "DC")  # never received: in transit
    t4 = b.transfer("SH-4", "ALMOND", "A-1", 50, "PLANT", "DC")
    b.arrive("GR-4", t4, "DC")
    [bar2] = b.produce("WO-2", "BAR", [("ALMOND", "A-1", 50)], [("B-2", 50)])  # used at the DC
    bar2.location_id = b.orders["WO-2"].location_id = dc.id
    b.ship("SH-5", "SHOP", "BAR", "B-2", 20).ship_from_id = dc.id
    b.s.flush()
    assert t1.container_id is not None
    return b.done()


def test_forward_reaches_through_the_transfer_and_the_pallet(chain, session):
    g = trace(session, chain.lot("ALMOND", "A-1").id, "forward")
    assert {(f.item, f.lot) for f in g.lot_facts()} == {("ALMOND", "A-1"), ("BAR", "B-1"), ("BAR", "B-2")}
    assert {n.code for n in g.of_kind("customer")} == {"SHOP"}
    assert {n.code for n in g.of_kind("site")} == {"DC"}  # where the transfers went
    assert {n.code for n in g.of_kind("container")} == {"P1"}  # the pallet is shown
    status = {n.code: n.facts.status for n in g.of_kind("shipment")}
    assert status == {"SH-1": "received", "SH-2": "delivered", "SH-3": "in transit", "SH-4": "received",
                      "SH-5": "delivered"}
    [transit] = [n.facts for n in g.of_kind("shipment") if n.code == "SH-3"]
    assert transit.transit_text.startswith("in transit to DC East since ")
    kinds = {(e.source.kind, e.target.kind, e.kind) for e in g.edges}
    assert ("lot", "container", "packed") in kinds and ("container", "shipment", "shipped") in kinds
    assert ("shipment", "site", "in_transit") in kinds


def test_stock_per_site_counts_a_transfer_once(chain, session):
    ids = {code: chain.lot(item, code).id for item, code in (("ALMOND", "A-1"), ("BAR", "B-1"), ("BAR", "B-2"))}
    stock = {(s.lot_id, s.site): s.on_hand for s in site_stock(session, ids.values())}
    # 300 received at the plant, 100 used there, 50 sent to the DC and used there.
    # B-1: 100 made, 60 to the DC on P1 (then to the customer), 30 in transit: 10 left at the plant.
    # B-2: 50 made at the DC, 20 shipped.
    assert stock == {(ids["A-1"], "Plant Springfield"): 150, (ids["A-1"], "DC East"): 0,
                     (ids["B-1"], "Plant Springfield"): 10, (ids["B-1"], "DC East"): 0,
                     (ids["B-2"], "DC East"): 30}
    balances = lot_balances(session, ids.values())
    b1 = balances[ids["B-1"]]
    assert (b1.shipped, b1.transferred, b1.arrived, b1.in_transit, b1.on_hand) == (60, 60, 60, 30, 10)
    a1 = balances[ids["A-1"]]
    assert (a1.consumed, a1.shipped, a1.on_hand) == (150, 0, 150)  # the transfer is not "shipped"
    [t] = in_transit(session, ids.values())
    assert (t.shipment, t.quantity, t.ship_to.code) == ("SH-3", 30, "DC")


def test_recall_holds_per_site_lists_transit_and_customers_by_ship_to(chain, session):
    r = recall(session, [LotRef(chain.lot("ALMOND", "A-1").id, "ALMOND", "A-1")])
    hold = {site: [(a.lot, q) for a, q in rows] for site, rows in r.hold_by_site().items()}
    assert hold == {"Plant Springfield": [("A-1", 150), ("B-1", 10)], "DC East": [("B-2", 30)]}
    assert [(t.shipment, t.quantity) for t in r.in_transit] == [("SH-3", Decimal(30))]
    by_place = {k: sorted(ln.shipment for ln in v) for k, v in r.customers_by_ship_to().items()}
    assert by_place == {"Shop store 9": ["SH-2"], "SHOP Foods": ["SH-5"]}
    assert [row.findings for row in r.reconciliation if row.flagged] == []  # the balance closes
    assert r.to_json()["in_transit"][0]["status"].startswith("in transit to DC East")


def test_a_receipt_in_error_is_retracted_and_corrected(chain, session):
    lot = chain.receive("ALMOND", "A-2", 400)
    wrong = chain.event("receiving", [("ALMOND", "A-2")], ref="urn:uuid:rcv-wrong")
    receipt = session.query(Receipt).filter_by(lot_id=lot.id).one()
    receipt.event_id = lot.event_id = wrong.id
    retract_event(session, "urn:uuid:rcv-wrong", reason="incorrect_data", at=chain.tick(), note="400 should be 350")
    right = chain.event("receiving", [("ALMOND", "A-2")], ref="urn:uuid:rcv-right", corrects=wrong)
    session.add(Receipt(code="R-A-2b", received_at=chain.tick(), vendor_id=chain.vendor("V1").id, lot_id=lot.id,
                        quantity=Decimal(350), event_id=right.id))
    lot.quantity, lot.event_id = Decimal(350), right.id
    session.flush()
    assert lot_balances(session, [lot.id])[lot.id].on_hand == 350
    events = history(session, lot.id)
    assert [(e.ref, e.retraction_reason, e.corrects_id) for e in events] == [
        ("urn:uuid:rcv-wrong", "incorrect_data", None), ("urn:uuid:rcv-right", None, wrong.id)]
    [row] = [x for x in recall(session, [LotRef(lot.id, "ALMOND", "A-2")]).reconciliation if x.lot == "A-2"]
    assert not row.flagged and row.recorded == 350


def test_fsma204_rows_name_the_real_locations_local_dates_and_key_data(chain, session):
    from workbench.reports.fsma204 import HEADERS, trace_rows
    from workbench.settings import Letterhead

    dc = chain.sites["DC"]
    dc.timezone, dc.gln = "America/Chicago", "0614141000029"
    almonds = chain.lot("ALMOND", "A-1")
    almonds.country_of_origin = "US"
    session.flush()
    r = recall(session, [LotRef(almonds.id, "ALMOND", "A-1")])
    rows = [dict(zip(HEADERS, row, strict=True)) for row in trace_rows(r, Letterhead(name="Our Company"))]
    wo2 = next(x for x in rows if x["Reference document number"] == "WO-2" and x["Role"] == "input")
    # WO-2 ran at the DC (UTC-5 or -6): its local date-time is that of Chicago, its place the DC.
    assert wo2["Location of transformation"].startswith("DC East") and "[0614141000029]" in wo2[
        "Location of transformation"]
    assert wo2["Location time zone"] == "America/Chicago"
    assert wo2["Event date (UTC)"] - wo2["Event date (local)"] in (timedelta(hours=5), timedelta(hours=6))
    sh2 = next(x for x in rows if x["Reference document number"] == "SH-2")
    assert sh2["Ship-from location"].startswith("DC East") and sh2["Ship-to location"].startswith("Shop store 9")
    assert sh2["Ship-to GLN"] == "0614141000012" and sh2["Ship-from GLN"] == "0614141000029"
    receiving = next(x for x in rows if x["Event"] == "Receiving")
    assert receiving["Key data elements"] == "Country of origin: US"
