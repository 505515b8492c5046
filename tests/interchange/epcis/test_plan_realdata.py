"""The import plan of IFT's three real chains against answer keys written from the files by hand.

How the keys were derived: each file was read event by event (``eventList`` index, type, bizStep, what,
where), and the facts below written down from it, not from the program's output:

* beef (8 events, no eventIDs): cattle lot CATTLE20230101 commissioned (100 EA) at the ranch [0], shipped
  ranch → slaughterhouse [1] and received there [2]; slaughtered into STEAKS20251107 (10,000 KGM) [3];
  packed on pallet SSCC 106141412345678908 [4], the pallet shipped → distribution centre [5], received [6],
  unpacked [7]. Two transfers; the second carries the steaks inside the pallet.
* traceback (21 events, 3 eventIDs used 3, 3 and 2 times for different content, so 16 distinct eventIDs):
  hatchery lot tf12012021 [0] shipped [1] / received at the farm [2]; feed ff11252021 commissioned [13],
  shipped [11] / received at the farm [12]; farmHarvest [14] feed + fry → farmed-tuna-01192022 (12,000 KGM),
  shipped [3] / received at the processor [4]; wild catch v1-0122-2022 (fisherman01.tunau, 9,876 KGM) [5],
  transshipped [6], landed [7], received at the processor from the fisherman [8] with no shipping event;
  commingling [15] → commingle-01232022 (22,000), which [16] turns into the product lot processor.2u.v1-0122-2022
  (5,000 KGM); packed on pallet 0004 [17], 0004 on pallet 0005 [18], 0005 shipped [9] / received at the
  importer [10], 0005 unpacked whole [19], then 0004 [20]. Four paired transfers and one receipt alone.
  The farm used the feed on 19 Jan 2022, received on 3 Feb 2022; commingling takes 10,000 KGM of a
  9,876 KGM catch; v1-0122-2022 is the lot number of both the wild catch and the canned product.
* query document (31 events, two chains): example.org chain like the traceback's, the feed and fry never
  shipped, pallet SSCC 08600031303.0003 packed [13], shipped [14], received [15], unpacked [16] and, a
  second life, packed again [29] and unpacked [30]; the wholechain.com chain: two catches [17, 18]
  commingled [19], processed to HG tuna [21], observed [22, 23]; salmon fry [2] farmed to whole salmon
  [20]; both packed on SSCC 0614141.1234567890 [24], shipped [25], received [26], unpacked [27], the HG
  tuna filleted [28].
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.interchange.epcis.paths import REAL
from workbench.interchange.epcis.mapping import plan_import
from workbench.interchange.epcis.plan import ImportPlan
from workbench.interchange.epcis.read import read_document

BEEF, TRACEBACK, QUERY = "beef-leather-events.jsonld", "traceback_tests.jsonld", "epcisquerydoc-example01.jsonld"
GDST = "urn:gdst:example.org:product:lot:class:"
WHOLECHAIN = "urn:gdst:wholechain.com:product:lot:class:"


@pytest.fixture(scope="module")
def plans() -> dict[str, ImportPlan]:
    return {name: plan_import([read_document(REAL / name, source=name)]) for name in (BEEF, TRACEBACK, QUERY)}


def index(plan: ImportPlan, identity: str | None) -> int | None:
    """The eventList index of an event of the plan (where ends in ``eventList[N]``)."""
    if identity is None:
        return None
    return int(plan.events[identity].where.rsplit("[", 1)[1].rstrip("]"))


def short(key: str) -> str:
    return key.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


def test_beef_lots_transformation_and_transfers(plans):
    plan = plans[BEEF]
    assert not plan.faults
    lots = {short(k): (lot.origin, lot.quantity, lot.unit, lot.gtin, lot.lot) for k, lot in plan.lots.items()}
    assert lots == {
        "CATTLE20230101": ("commissioned", Decimal(100), "EA", "10000082345676", "CATTLE20230101"),
        "STEAKS20251107": ("produced", Decimal(10000), "KGM", "10000082345676", "STEAKS20251107"),
    }
    (slaughter,) = plan.transformations
    assert [(short(i.lot), i.quantity) for i in slaughter.inputs] == [("CATTLE20230101", 100)]
    assert [(short(o.lot), o.quantity) for o in slaughter.outputs] == [("STEAKS20251107", 10000)]
    assert [(index(plan, t.shipped), index(plan, t.received)) for t in plan.transfers] == [(1, 2), (5, 6)]
    ranch, slaughterhouse, centre = (f"https://id.gs1.org/414/123456708945{n}" for n in (1, 2, 3))
    first, second = plan.transfers
    assert (first.source.location, first.destination.location) == (ranch, slaughterhouse)
    assert (second.source.location, second.destination.location) == (slaughterhouse, centre)
    assert second.containers == ("https://id.gs1.org/00/106141412345678908",)
    assert [(short(lq.lot), lq.quantity, lq.via) for lq in second.lots] == [
        ("STEAKS20251107", 10000, "https://id.gs1.org/00/106141412345678908")]
    assert [p.action for p in plan.packings] == ["pack", "unpack"]
    assert plan.locations[centre].name == "Distribution Center #001"
    assert plan.locations[centre].owner == "https://id.gs1.org/417/1234567089453"
    assert plan.parties["https://id.gs1.org/417/1234567089453"].name == "International Cow Farming Conglomerate Inc."


def test_traceback_chain(plans):
    plan = plans[TRACEBACK]
    assert not plan.faults
    assert len(plan.events) == 21 and len({e.event_id for e in plan.events.values()}) == 16
    origins = {k.removeprefix(GDST): (lot.origin, lot.quantity) for k, lot in plan.lots.items()}
    assert origins == {
        "hatchery.1u.tf12012021": ("commissioned", 1000), "feedmill.1u.ff11252021": ("commissioned", 10000),
        "fishfarm.1u.farmed-tuna-01192022": ("produced", 12000),
        "fisherman01.tunau.v1-0122-2022": ("commissioned", 9876),
        "processor.10u.commingle-01232022": ("produced", 22000), "processor.2u.v1-0122-2022": ("produced", 5000),
    }
    made = {tuple(sorted(i.lot.removeprefix(GDST) for i in t.inputs)): [o.lot.removeprefix(GDST) for o in t.outputs]
            for t in plan.transformations}
    assert made == {
        ("feedmill.1u.ff11252021", "hatchery.1u.tf12012021"): ["fishfarm.1u.farmed-tuna-01192022"],
        ("fisherman01.tunau.v1-0122-2022", "fishfarm.1u.farmed-tuna-01192022"): ["processor.10u.commingle-01232022"],
        ("processor.10u.commingle-01232022",): ["processor.2u.v1-0122-2022"],
    }
    assert sorted((index(plan, t.shipped) or -1, index(plan, t.received)) for t in plan.transfers) == [
        (-1, 8), (1, 2), (3, 4), (9, 10), (11, 12)]
    to_importer = next(t for t in plan.transfers if index(plan, t.shipped) == 9)
    assert to_importer.containers == ("urn:epc:id:sscc:08600031303.0005",)
    # The product lot travels in pallet 0004 inside pallet 0005: the outer pallet is what was shipped.
    assert [(lq.lot.removeprefix(GDST), lq.quantity, lq.via) for lq in to_importer.lots] == [
        ("processor.2u.v1-0122-2022", 5000, "urn:epc:id:sscc:08600031303.0005")]
    assert (to_importer.source.owner, to_importer.destination.owner, to_importer.destination.location) == (
        "urn:gdst:example.org:party:processor.1u", "urn:gdst:example.org:party:importer.1u",
        "urn:gdst:example.org:location:loc:importer.123u")
    from_fisherman = next(t for t in plan.transfers if t.shipped is None)
    assert (from_fisherman.source.owner, from_fisherman.destination.location) == (
        "urn:gdst:example.org:party:fisherman01.1u", "urn:gdst:example.org:location:loc:processor.plant1u")
    product = plan.lots[GDST + "processor.2u.v1-0122-2022"]
    assert {k.name: k.value for k in product.kdes}["country_of_origin"] == "US"
    assert plan.products[product.product].name == "Can of Tuna"


def test_traceback_warnings_say_what_real_data_does(plans):
    warnings = [str(w) for w in plans[TRACEBACK].warnings]
    assert any("lot number v1-0122-2022 is on 2 products" in w for w in warnings)
    assert any("eventList[14]: the transformation on 2022-01-19" in w and "feedmill.1u.ff11252021, which arrived there "
               "only on 2022-02-03" in w for w in warnings)
    assert any("fisherman01.tunau.v1-0122-2022: 10000 KGM consumed, but only 9876 KGM commissioned" in w for w in warnings)
    assert len(warnings) == 3


def test_query_document_two_chains_and_a_reused_pallet(plans):
    plan = plans[QUERY]
    assert not plan.faults and len(plan.events) == 31 and len(plan.transformations) == 7
    pallet = "urn:epc:id:sscc:08600031303.0003"
    lives = [(p.action, index(plan, p.event), p.everything) for p in plan.packings if p.container == pallet]
    assert lives == [("pack", 13, False), ("unpack", 16, True), ("pack", 29, False), ("unpack", 30, True)]
    assert sorted((index(plan, t.shipped), index(plan, t.received)) for t in plan.transfers) == [
        (5, 7), (9, 10), (14, 15), (25, 26)]
    mixed = next(t for t in plan.transfers if index(plan, t.shipped) == 25)
    assert sorted((lq.lot.removeprefix(WHOLECHAIN), lq.quantity) for lq in mixed.lots) == [
        ("fishcompany.hgtuna.8a25a035", 7000), ("fishcompany.sal-whole.eiwo493", 1000)]
    assert len(plan.lots) == 13
