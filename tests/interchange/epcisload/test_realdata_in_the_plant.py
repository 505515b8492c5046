"""IFT's three real chains imported together into the plant, on both databases, against answer keys.

The keys are those of ``tests/interchange/epcis/test_plan_realdata.py`` (read from the files by hand, event
by event; see that module), stated here in the plant's terms: lots by (item, lot code), the lot-to-lot
genealogy, shipment and receipt lines with their locations, pallet stays, and the events a traceback lists.

IFT's own test suite says a traceback of the canned tuna lot in ``traceback_tests.jsonld`` involves 16
events, and of the SSCCs 08600031303.0003 and 0614141.1234567890 in the query document 18 and 13. Here a
traceback is every event that touched a lot reachable from the start (both directions) or a container
that carried one. The SSCC counts are the same (18, 13). For the canned tuna, 21 events are involved: the
file gives 8 of them only 3 eventIDs (used 3, 3 and 2 times for different content: a shipment and a receipt
of the fry, of the pallet and of the feed; two unpackings), and IFT counts eventIDs; counted by eventID the
same 21 events are IFT's 16.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.interchange.epcis.paths import REAL
from workbench.interchange.epcisload import import_documents
from workbench.interchange.epcisload.events import events_of_lots
from workbench.plant import Base, Plant, open_plant
from workbench.plant.chain import Container, Location, Packing
from workbench.plant.models import Item, Lot, LotEdge, Receipt, Shipment
from workbench.trace.genealogy import reachable_lots

FILES = [REAL / n for n in ("beef-leather-events.jsonld", "traceback_tests.jsonld", "epcisquerydoc-example01.jsonld")]
GDST = "urn:gdst:example.org:product:class:"
_PLANTS: dict[str, Plant] = {}


@pytest.fixture
def chains(backend, db_factory) -> Plant:
    """One plant per backend holding the three chains, imported together in one transaction (read-only)."""
    if backend not in _PLANTS:
        plant = open_plant(db_factory.empty_url())
        with plant.Session.begin() as s:
            summary = import_documents(s, FILES)
        assert (summary.events_read, summary.new_events, summary.present) == (60, 60, 0)
        _PLANTS[backend] = plant
    return _PLANTS[backend]


@pytest.fixture(scope="module", autouse=True)
def _dispose():
    yield
    while _PLANTS:
        _PLANTS.popitem()[1].dispose()


def lot_id(s, item: str, lot: str) -> int:
    return s.execute(select(Lot.id).join(Item, Item.id == Lot.item_id).where(Item.code == item, Lot.code == lot)).scalar_one()


def labels(s, ids) -> set[tuple[str, str]]:
    rows = s.execute(select(Item.code, Lot.code).join(Item, Item.id == Lot.item_id).where(Lot.id.in_(list(ids))))
    return {(i.removeprefix(GDST), lot) for i, lot in rows}


def counts(s) -> dict[str, int]:
    return {name: s.execute(select(func.count()).select_from(t)).scalar_one() for name, t in Base.metadata.tables.items()}


def test_beef_chain(chains):
    with chains.Session() as s:
        cattle, steaks = lot_id(s, "10000082345676", "CATTLE20230101"), lot_id(s, "10000082345676", "STEAKS20251107")
        assert [(r.quantity, r.origin) for r in s.execute(select(Lot.quantity, Lot.origin).where(
            Lot.id.in_([cattle, steaks])).order_by(Lot.id))] == [(100, "opening"), (10000, "production")]
        assert s.execute(select(LotEdge.parent_lot_id, LotEdge.quantity).where(LotEdge.child_lot_id == steaks)).all() == [
            (cattle, Decimal(100))]
        # One owner for all three sites: transfers between its sites (no customer), each received.
        lines = s.execute(select(Shipment.lot_id, Shipment.customer_id, Shipment.container_id, Receipt.location_id)
                          .join(Receipt, Receipt.shipment_id == Shipment.id).where(Shipment.lot_id.in_([cattle, steaks]))
                          .order_by(Shipment.shipped_at)).all()
        assert [(r[0], r[1], r[2] is not None) for r in lines] == [(cattle, None, False), (steaks, None, True)]
        centre = s.execute(select(Location.name).where(Location.id == lines[1][3])).scalar_one()
        assert centre == "Distribution Center #001"
        # The beef pallet's SSCC is the wholechain pallet's of the query document (2022): one container, two lives.
        stays = s.execute(select(Packing.lot_id, Packing.quantity, Packing.packed_at, Packing.unpacked_at).join(
            Container, Container.id == Packing.container_id).where(Container.sscc == "106141412345678908")
            .order_by(Packing.packed_at, Packing.lot_id)).all()
        assert [(r[0] == steaks, r[1], r[2].year, r[3].year) for r in stays] == [
            (False, 7000, 2022, 2022), (False, 1000, 2022, 2022), (True, 10000, 2025, 2025)]


def test_traceback_chain_genealogy_transfers_and_holder(chains):
    with chains.Session() as s:
        tuna = lot_id(s, GDST + "processor.2u", "v1-0122-2022")
        assert labels(s, reachable_lots(s, [tuna], "backward")) == {
            ("processor.2u", "v1-0122-2022"), ("processor.10u", "commingle-01232022"),
            ("fishfarm.1u", "farmed-tuna-01192022"), ("fisherman01.tunau", "v1-0122-2022"),
            ("feedmill.1u", "ff11252021"), ("hatchery.1u", "tf12012021")}
        feed = lot_id(s, GDST + "feedmill.1u", "ff11252021")
        assert labels(s, reachable_lots(s, [feed], "forward")) == {
            ("feedmill.1u", "ff11252021"), ("fishfarm.1u", "farmed-tuna-01192022"),
            ("processor.10u", "commingle-01232022"), ("processor.2u", "v1-0122-2022")}
        # The final holder: the importer's warehouse received the canned tuna on the outer pallet 0005.
        holder = s.execute(select(Location.code, Container.code, Receipt.quantity).join(
            Location, Location.id == Receipt.location_id).join(Container, Container.id == Receipt.container_id)
            .where(Receipt.lot_id == tuna)).one()
        assert holder == ("urn:gdst:example.org:location:loc:importer.123u", "urn:epc:id:sscc:08600031303.0005", 5000)
        # The wild catch came from the fisherman with no shipping event: a receipt from the fisherman as vendor.
        catch = lot_id(s, GDST + "fisherman01.tunau", "v1-0122-2022")
        (receipt,) = s.execute(select(Receipt.shipment_id, Receipt.vendor_id).where(Receipt.lot_id == catch)).all()
        assert receipt[0] is None and receipt[1] is not None
        events = events_of_lots(s, reachable_lots(s, [tuna], "both"))
        assert len(events) == 21 and len({e.given_id for e in events}) == 16


@pytest.mark.parametrize(("sscc", "involved"), [("083000313030003", 18), ("106141412345678908", 13)])
def test_query_document_pallet_tracebacks(chains, sscc, involved):
    """The lots on the pallet in 2022 (the query document's lives of it), traced both ways: every event on them."""
    with chains.Session() as s:
        codes = {"083000313030003": "urn:epc:id:sscc:08600031303.0003"}
        where = Container.code == codes[sscc] if sscc in codes else Container.sscc == sscc
        carried = set(s.execute(select(Packing.lot_id).join(Container, Container.id == Packing.container_id).where(
            where, Packing.lot_id.is_not(None), func.extract("year", Packing.packed_at) == 2022)).scalars())
        assert len(events_of_lots(s, reachable_lots(s, sorted(carried), "both"))) == involved


def test_reused_pallet_has_two_lives(chains):
    with chains.Session() as s:
        stays = s.execute(select(Packing.packed_at, Packing.unpacked_at).join(Container, Container.id == Packing.container_id)
                          .where(Container.code == "urn:epc:id:sscc:08600031303.0003").order_by(Packing.packed_at)).all()
        assert [(p.month, p.day, u.month, u.day) for p, u in stays] == [(2, 18, 2, 25), (3, 22, 3, 25)]


def test_importing_the_chains_again_changes_nothing(chains):
    with chains.Session() as s:
        before = counts(s)
    with chains.Session.begin() as s:
        summary = import_documents(s, FILES)
        assert counts(s) == before
    assert (summary.new_events, summary.present) == (0, 60)


def test_trace_command_takes_the_urn_and_names_each_lots_identifier(chains, capsys):
    import json

    from workbench.cli import main

    assert main(["trace", "--db", chains.url, "--direction", "backward", "--json",
                 "urn:gdst:example.org:product:lot:class:processor.2u.v1-0122-2022"]) == 0
    data = json.loads(capsys.readouterr().out)
    lots = {n["identifier"]: n["gtin"] for n in data["nodes"] if n["kind"] == "lot"}
    assert set(lots) == {f"urn:gdst:example.org:product:lot:class:{k}" for k in (
        "processor.2u.v1-0122-2022", "processor.10u.commingle-01232022", "fishfarm.1u.farmed-tuna-01192022",
        "fisherman01.tunau.v1-0122-2022", "feedmill.1u.ff11252021", "hatchery.1u.tf12012021")}
    assert set(lots.values()) == {None}


def test_a_lots_details_and_trace_list_its_epcis_events(chains, capsys):
    import json

    from workbench.cli import main
    from workbench.lots.details import lot_details

    with chains.Session() as s:
        d = lot_details(s, lot_id(s, "10000082345676", "STEAKS20251107"))
    # The beef file gives no eventIDs: each event is known by its GS1 event hash, and by the file it came from.
    assert all(e.ref.startswith("ni:///sha-256;") and e.source == str(FILES[0]) for e in d.history)
    assert [(e.event_type, e.kind) for e in d.history][:2] == [("TransformationEvent", "commissioning"),
                                                              ("AggregationEvent", "packing")]
    assert {e.event_type for e in d.history} >= {"TransformationEvent", "AggregationEvent", "ObjectEvent"}
    assert all(e.status == "valid" for e in d.history)

    steaks = "https://id.gs1.org/01/10000082345676/10/STEAKS20251107"
    assert main(["trace", "--db", chains.url, "--json", "--events", steaks]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["event_id"] for e in data["events"]] == [e.ref for e in d.history]
    assert data["events"][0]["type"] == "TransformationEvent" and data["events"][0]["source"] == str(FILES[0])
    assert main(["trace", "--db", chains.url, "--events", steaks]) == 0
    text = capsys.readouterr().out
    assert f"Recorded events of 10000082345676/STEAKS20251107 ({len(d.history)}):" in text
    assert d.history[0].ref in text and "TransformationEvent" in text
