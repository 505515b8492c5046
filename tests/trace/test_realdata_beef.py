"""IFT's beef chain (../shared/realdata/opentraceability/beef-leather-events.jsonld, MIT),
built through the supply-chain model event by event, as the EPCIS importer will write it.

How the answer key was derived, reading the file's 8 events and its master data by hand:

1. ObjectEvent ADD commissioning, 2023-01-01T09:00Z at GLN 1234567089451 ("Ranch #423", TX):
   lot CATTLE20230101 of GTIN 10000082345676, 100 EA.
2. ObjectEvent shipping 2025-11-05T10:00Z, source location ...451 -> destination ...452.
3. ObjectEvent receiving 2025-11-06T09:00Z at ...452 ("Slaughter House #032", San Marcos TX).
4. TransformationEvent 2025-11-07T10:00Z at ...452: CATTLE20230101 100 EA in,
   STEAKS20251107 10000 KGM out.
5. AggregationEvent ADD packing 2025-11-08T11:00Z at ...452: 10000 KGM of STEAKS onto the
   pallet SSCC 106141412345678908 (Digital Link https://id.gs1.org/00/106141412345678908).
6. ObjectEvent shipping of the SSCC 2025-11-10T10:00Z, ...452 -> ...453.
7. ObjectEvent receiving of the SSCC 2025-11-11T09:00Z at ...453 ("Distribution Center #001",
   Houston TX).
8. AggregationEvent DELETE unpacking 2025-11-12T10:00Z at ...453.

All three locations are owned by party 1234567089453 (International Cow Farming Conglomerate
Inc.): one company's own sites, so both shipments are transfers, received. The master data
gives the one GTIN two descriptions and the events count it in two units (EA, KGM) without a
conversion, so the test holds two items of that GTIN, one per unit.

Answer key: forward from CATTLE20230101 reaches STEAKS20251107, both sites it was sent to
(slaughterhouse, distribution centre) and the pallet; nothing is in transit; the cattle are
used up at the slaughterhouse; the 10000 kg of steaks are on hand at the distribution centre
and nowhere else (after the pallet's trip); no customer. Backward from the steaks reaches the
cattle lot and nothing else.
"""

from __future__ import annotations

from datetime import datetime

from tests.chainbuilder import ChainBuilder
from workbench.plant import Lot
from workbench.plant.containers import contents_at
from workbench.plant.sites import in_transit, site_stock
from workbench.trace.genealogy import trace

GTIN = "10000082345676"


def _beef(session) -> ChainBuilder:
    b = ChainBuilder(session, own="1234567089453")
    b.own.name = "International Cow Farming Conglomerate Inc."
    ranch = b.site("1234567089451", name="Ranch #423", gln="1234567089451", timezone="America/Chicago", address="TX, US")
    house = b.site("1234567089452", name="Slaughter House #032", gln="1234567089452", timezone="America/Chicago",
                   address="San Marcos, TX")
    b.site("1234567089453", name="Distribution Center #001", gln="1234567089453", timezone="America/Chicago",
           address="Houston, TX")
    b.item(f"{GTIN}/EA", unit="EA", gtin=GTIN, name="CATTLE")
    b.item(f"{GTIN}/KGM", kind="product", unit="KGM", gtin=GTIN, name="12-PCK FRZN BLK RIBEYE STEAKS PRIME")
    b._clock = datetime(2023, 1, 1, 9)
    cattle = b.opening(f"{GTIN}/EA", "CATTLE20230101", 100)  # 1. commissioning
    cattle.origin, cattle.location_id = "production", ranch.id
    b._clock = datetime(2025, 11, 5, 9)
    shipped = b.transfer("SH-1", f"{GTIN}/EA", "CATTLE20230101", 100, "1234567089451", "1234567089452")  # 2.
    b.arrive("GR-1", shipped, "1234567089452")  # 3.
    [steaks] = b.produce("TF-1", f"{GTIN}/KGM", [(f"{GTIN}/EA", "CATTLE20230101", 100)],
                         [("STEAKS20251107", 10000)], kind="product")  # 4.
    steaks.location_id = b.orders["TF-1"].location_id = house.id
    b.pack("https://id.gs1.org/00/106141412345678908", f"{GTIN}/KGM", "STEAKS20251107", 10000)  # 5.
    b.ship_boxes("SH-2", ["https://id.gs1.org/00/106141412345678908"], ship_from="1234567089452",
                 ship_to="1234567089453")  # 6.
    b.receive_boxes("GR-2", ["https://id.gs1.org/00/106141412345678908"], "SH-2", at_site="1234567089453")  # 7.
    b.unpack("https://id.gs1.org/00/106141412345678908")  # 8.
    return b.done()


def test_beef_chain_traces_to_the_answer_key(session):
    b = _beef(session)
    cattle, steaks = b.lot(f"{GTIN}/EA", "CATTLE20230101"), b.lot(f"{GTIN}/KGM", "STEAKS20251107")
    g = trace(session, cattle.id, "forward")
    assert {f.lot for f in g.lot_facts()} == {"CATTLE20230101", "STEAKS20251107"}
    assert {n.name for n in g.of_kind("site")} == {"Slaughter House #032", "Distribution Center #001"}
    assert {n.code for n in g.of_kind("container")} == {"https://id.gs1.org/00/106141412345678908"}
    assert {n.facts.status for n in g.of_kind("shipment")} == {"received"}
    assert g.of_kind("customer") == []
    assert in_transit(session, [cattle.id, steaks.id]) == []
    held = {(s.lot_id, s.site): s.on_hand for s in site_stock(session, [cattle.id, steaks.id]) if s.on_hand}
    assert held == {(steaks.id, "Distribution Center #001"): 10000}
    back = trace(session, steaks.id, "backward")
    assert {f.lot for f in back.lot_facts()} == {"CATTLE20230101", "STEAKS20251107"}
    pallet = b.box("https://id.gs1.org/00/106141412345678908").id
    assert contents_at(session, [pallet], datetime(2025, 11, 12, 12)) == {}  # unpacked at the DC
    assert session.get(Lot, steaks.id).quantity == 10000
