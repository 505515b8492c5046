"""The demo plant's supply chain: two sites, transfers and one in transit, pallets (some
nested), the retracted and corrected receipt, key data elements, and the planted incident
reaching exactly its lots, pallets, transfers and customers through all of it.

Checked with plain queries against the generator's own account (``demo_summary``), not
with the genealogy or recall engines.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

import pytest
from biip.gln import Gln
from biip.sscc import Sscc
from sqlalchemy import func, select

from workbench.demo import INCIDENT, demo_summary
from workbench.demo.logistics import MISKEYED_DIVISOR, MISKEYED_ITEM
from workbench.demo.origins import CERTIFICATION, MOISTURE, origin_of
from workbench.demo.simulate import Simulation
from workbench.demo.sink import Sink
from workbench.demo.sites import DC, DC_STATES, PLANT, state_of
from workbench.plant import (
    Container,
    Customer,
    Event,
    EventLot,
    Item,
    KeyDataElement,
    Location,
    Lot,
    Packing,
    Party,
    Receipt,
    Shipment,
    Vendor,
)


@pytest.fixture(scope="module")
def generated():
    """The standard demo's year run with nowhere to write: the generator's own account."""
    sim = Simulation(Sink(None), 7, 1)
    sim.run()
    return sim


@pytest.fixture(scope="module")
def summary():
    return demo_summary(7, 1)


def _lot_keys(session) -> dict[int, tuple[str, str]]:
    return {i: (item, code) for i, item, code in session.execute(
        select(Lot.id, Item.code, Lot.code).join(Item, Item.id == Lot.item_id))}


def _sites(session) -> dict[str, int]:
    return {code: i for i, code in session.execute(select(Location.id, Location.code))}


# -- parties and places -----------------------------------------------------------------


def test_two_own_sites_and_every_partner_has_a_party_and_a_site(demo_plant):
    with demo_plant.Session() as s:
        own = s.execute(select(Party).where(Party.own)).scalars().all()
        sites = s.execute(select(Location).where(Location.kind == "own_site")).scalars().all()
        assert len(own) == 1 and {loc.owner_id for loc in sites} == {own[0].id}
        assert {loc.code for loc in sites} == {PLANT.gln, DC.gln}
        assert s.execute(select(func.count()).select_from(Party).where(Party.carrier)).scalar() == 1
        for role, kind in ((Vendor, "vendor_site"), (Customer, "customer_site")):
            rows = s.execute(select(role.code, Party.code, func.count(Location.id))
                             .join(Party, Party.id == role.party_id)
                             .join(Location, Location.owner_id == Party.id)
                             .where(Location.kind == kind).group_by(role.code, Party.code)).all()
            assert len(rows) == s.execute(select(func.count()).select_from(role)).scalar()
            assert all(code == party and n == 1 for code, party, n in rows)
        for loc in s.execute(select(Location)).scalars():
            assert loc.gln == loc.code and Gln.parse(loc.gln)  # a valid GS1 check digit
            assert loc.timezone and loc.address


# -- transfers and transit --------------------------------------------------------------


def test_transfers_move_stock_to_the_distribution_centre_and_one_is_in_transit(demo_plant, generated, summary):
    with demo_plant.Session() as s:
        sites = _sites(s)
        plant, dc = sites[PLANT.gln], sites[DC.gln]
        transfers = s.execute(select(Shipment).where(Shipment.customer_id.is_(None))).scalars().all()
        received = {r.shipment_id: r for r in s.execute(
            select(Receipt).where(Receipt.shipment_id.is_not(None))).scalars()}
    assert len(transfers) > 500
    assert {(t.ship_from_id, t.ship_to_id) for t in transfers} == {(plant, dc)}
    assert all(t.order_ref and t.order_ref.startswith("TO-") and t.container_id for t in transfers)
    open_lines = [t for t in transfers if t.id not in received]
    for t in transfers:
        r = received.get(t.id)
        if r is not None:
            assert (r.lot_id, r.quantity, r.location_id, r.ship_from_id, r.container_id) == \
                (t.lot_id, t.quantity, dc, plant, t.container_id)
            assert r.vendor_id is None and r.received_at > t.shipped_at
    # In transit at the end of the year: exactly the last truck, as the generator says.
    in_transit = generated.chain.account.in_transit
    assert {t.id for t in open_lines} == {line.shipment_id for line in in_transit}
    assert len({t.code for t in open_lines}) == 1 and in_transit
    assert max(t.shipped_at for t in transfers) == open_lines[0].shipped_at
    assert len(received) == len(transfers) - len(open_lines)
    assert (summary.transfer_lines, summary.in_transit, summary.in_transit_pallets) == \
        (len(transfers), open_lines[0].code, len(open_lines))


def test_each_site_ships_to_its_own_customers(demo_plant, generated):
    with demo_plant.Session() as s:
        sites = {i: code for code, i in _sites(s).items()}
        served = defaultdict(set)
        for address, site in s.execute(select(Customer.address, Shipment.ship_from_id)
                                       .join(Customer, Customer.id == Shipment.customer_id)):
            served[sites[site]].add(state_of(address) in DC_STATES)
        ship_to = s.execute(select(func.count()).select_from(Shipment).join(Customer, Customer.id == Shipment.customer_id)
                            .join(Location, Location.id == Shipment.ship_to_id)
                            .where(Location.owner_id != Customer.party_id)).scalar()
    assert served == {PLANT.gln: {False}, DC.gln: {True}}
    assert ship_to == 0  # every customer shipment goes to that customer's own site
    assert 0.2 < generated.dc_share < 0.6


# -- pallets ----------------------------------------------------------------------------------


def _contents(session) -> tuple[dict[int, list], dict[int, list]]:
    """container id -> [(lot, quantity, packed_at, unpacked_at)] and -> [(child, packed_at)]."""
    lots, children = defaultdict(list), defaultdict(list)
    for p in session.execute(select(Packing)).scalars():
        if p.lot_id is not None:
            lots[p.container_id].append((p.lot_id, p.quantity, p.packed_at, p.unpacked_at))
        else:
            children[p.container_id].append((p.child_id, p.packed_at))
    return lots, children


def _on_pallet(container: int, lots, children) -> dict[int, Decimal]:
    """What a (never re-used) pallet holds, nested pallets included."""
    held: dict[int, Decimal] = defaultdict(Decimal)
    for lot, quantity, _packed, _unpacked in lots.get(container, ()):
        held[lot] += quantity
    for child, _packed in children.get(container, ()):
        for lot, quantity in _on_pallet(child, lots, children).items():
            held[lot] += quantity
    return held


def test_every_pallet_shipped_holds_exactly_its_shipment_lines(demo_plant):
    with demo_plant.Session() as s:
        lots, children = _contents(s)
        shipped: dict[tuple[str, int], dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        packed_before = True
        for code, container, lot, quantity, at in s.execute(
                select(Shipment.code, Shipment.container_id, Shipment.lot_id, Shipment.quantity, Shipment.shipped_at)
                .where(Shipment.container_id.is_not(None))):
            shipped[(code, container)][lot] += quantity
            packed_before &= all(p[2] < at for p in lots.get(container, ())) and \
                all(c[1] < at for c in children.get(container, ()))
        ssccs = list(s.execute(select(Container.code, Container.sscc, Container.kind)))
    assert packed_before
    assert len({container for _code, container in shipped}) == len(shipped)  # a pallet ships once
    for (_code, container), lines in shipped.items():
        assert _on_pallet(container, lots, children) == lines
    nested = [c for c in children if children[c]]
    assert len(nested) > 100 and all(not lots.get(c) for c in nested)  # mixed pallets hold display pallets
    assert all(code == sscc and kind == "pallet" and Sscc.parse(sscc) for code, sscc, kind in ssccs)


def test_transfer_pallets_are_unpacked_at_the_distribution_centre_except_those_on_the_road(demo_plant):
    with demo_plant.Session() as s:
        sites = _sites(s)
        rows = s.execute(select(Packing.unpacked_at, Packing.unpacked_location_id, Receipt.received_at)
                         .join(Shipment, Shipment.container_id == Packing.container_id)
                         .outerjoin(Receipt, Receipt.shipment_id == Shipment.id)
                         .where(Shipment.customer_id.is_(None))).all()
    on_the_road = [r for r in rows if r.received_at is None]
    assert on_the_road and all(r.unpacked_at is None for r in on_the_road)
    assert all(r.unpacked_location_id == sites[DC.gln] and r.unpacked_at > r.received_at
               for r in rows if r.received_at is not None)


# -- the retracted receipt ------------------------------------------------------------------


def test_one_receipt_was_retracted_and_corrected(demo_plant, generated):
    correction = generated.chain.account.correction
    with demo_plant.Session() as s:
        events = {e.ref: e for e in s.execute(select(Event)).scalars()}
        retracted = [e for e in events.values() if e.retracted_at is not None]
        assert [e.ref for e in retracted] == [correction.retracted_event]
        wrong = retracted[0]
        right = events[correction.corrective_event]
        assert right.corrects_id == wrong.id and right.retracted_at is None
        assert wrong.retraction_reason == "incorrect_data" and wrong.retraction_note
        assert wrong.retracted_at > wrong.occurred_at == right.occurred_at
        content = json.loads(wrong.content)  # as workbench.plant.events.retract_event keeps it
        [kept], [lot] = content["receipts"], content["lots"]
        assert (kept["code"], lot["code"], kept["lot_id"]) == (correction.receipt, correction.lot, lot["id"])
        assert kept["event_id"] == lot["event_id"] == wrong.id
        assert Decimal(kept["quantity"]) == Decimal(lot["quantity"]) == correction.wrong_quantity
        assert correction.wrong_quantity == correction.quantity / MISKEYED_DIVISOR
        assert s.get(Receipt, kept["id"]) is None  # the retracted line is not in the plant
        # The plant holds the corrected receipt only, and the lot its corrected quantity.
        lines = s.execute(select(Receipt.quantity, Receipt.event_id, Lot.quantity, Lot.event_id)
                          .join(Lot, Lot.id == Receipt.lot_id).join(Item, Item.id == Lot.item_id)
                          .where(Item.code == MISKEYED_ITEM, Lot.code == correction.lot)).all()
        assert lines == [(correction.quantity, right.id, correction.quantity, right.id)]
        touched = set(s.execute(select(EventLot.event_id)).scalars())
        assert touched == {wrong.id, right.id}


# -- key data elements ------------------------------------------------------------------------


def test_purchased_lots_carry_their_origin_and_certificates(demo_plant):
    with demo_plant.Session() as s:
        rows = s.execute(select(Item.code, Lot.id, Lot.country_of_origin, Lot.harvest_date, Lot.created_at)
                         .join(Item, Item.id == Lot.item_id).where(Lot.origin == "receipt")).all()
        kdes = defaultdict(dict)
        for lot, name, kind, value, number, unit in s.execute(
                select(KeyDataElement.lot_id, KeyDataElement.name, KeyDataElement.kind, KeyDataElement.value,
                       KeyDataElement.number, KeyDataElement.unit)):
            kdes[lot][name] = (kind, value, number, unit)
        incident = s.execute(select(Lot.country_of_origin, Lot.harvest_date).join(Item, Item.id == Lot.item_id)
                             .where(Item.code == INCIDENT.item, Lot.code == INCIDENT.lot)).one()
    assert len(rows) > 300
    for item, lot, country, harvested, created in rows:
        origin = origin_of(item)
        assert country == origin.country
        assert (harvested is None) == (origin.harvest_month is None)
        if harvested is not None:
            assert harvested < created.date() and (created.date() - harvested).days < 430
        if origin.certification:
            assert kdes[lot][CERTIFICATION] == ("text", origin.certification, None, None)
        if origin.moisture:
            kind, value, number, unit = kdes[lot][MOISTURE]
            assert kind == "number" and unit == "%" and Decimal(value) == number
            assert origin.moisture[0] <= number <= origin.moisture[1]
    assert {c for _i, _l, c, _h, _t in rows} >= {"US", "CA", "TR", "CI", "GH", "MG"}
    assert incident == ("US", incident.harvest_date) and incident.harvest_date.year == 2025


# -- the incident through all of it -------------------------------------------------------


def test_the_incident_reaches_exactly_its_pallets_transfers_and_sites(demo_plant, summary):
    """From the generator's tainted lots (checked against the raw genealogy in test_demo),
    every pallet holding one (nested ones through their display pallets), every transfer
    carrying one and every site shipping one are exactly the generator's account; the
    customers reached through the pallets are among the incident's customers."""
    reach = summary.incident_reach
    with demo_plant.Session() as s:
        keys = _lot_keys(s)
        tainted = {i for i, k in keys.items() if k in reach.lots or k == (INCIDENT.item, INCIDENT.lot)}
        lots, children = _contents(s)
        codes = dict(s.execute(select(Container.id, Container.code)).all())
        pallets = {codes[c] for c in set(lots) | set(children)
                   if not tainted.isdisjoint(_on_pallet(c, lots, children))}
        transfers = set(s.execute(select(Shipment.code).where(Shipment.customer_id.is_(None),
                                                              Shipment.lot_id.in_(tainted))).scalars())
        sites = {i: code for code, i in _sites(s).items()}
        shipped_from = {sites[i] for i in s.execute(select(Shipment.ship_from_id).where(
            Shipment.customer_id.is_not(None), Shipment.lot_id.in_(tainted))).scalars()}
        by_pallet = set(s.execute(select(Customer.code).join(Shipment, Shipment.customer_id == Customer.id)
                                  .join(Container, Container.id == Shipment.container_id)
                                  .where(Container.code.in_(reach.pallets))).scalars())
    assert pallets == reach.pallets and len(pallets) > 10
    assert transfers == reach.transfers and transfers
    assert shipped_from == reach_sites(reach) == {PLANT.gln, DC.gln}
    assert by_pallet and by_pallet <= reach.customers
    assert reach.in_transit == frozenset()  # the incident's lots were long sold by then


def reach_sites(reach) -> set[str]:
    return {PLANT.gln if site == "plant" else DC.gln for site in reach.shipped_from}
