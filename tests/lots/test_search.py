"""search(): one field finds lots by any code a quality engineer has at hand."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from tests.factories import PlantBuilder
from workbench.lots.search import completions, search


@pytest.fixture
def plant_lots(session):
    """Flour received twice, bars made and shipped, a lot code shared by two items."""
    b = PlantBuilder(session)
    b.item("FLOUR", gtin="09501101530003", name="Wheat flour type 550")
    b.item("SUGAR", name="Cane sugar")
    b.receive("FLOUR", "L2411", 1000, vendor="MILL", receipt="R-100", po="PO-7781", vendor_lot="MX-889")
    b.receive("FLOUR", "L2412", 500, vendor="MILL", receipt="R-101", po="PO-7782", vendor_lot="MX-890")
    b.receive("SUGAR", "L2411", 300, vendor="CANE", receipt="R-102", po="PO-7781", vendor_lot="CS-1")
    b.produce("WO-1", "BAR", [("FLOUR", "L2411", 400), ("SUGAR", "L2411", 100)], [("B-001", 900)],
              operations=[("Mix", "MX1", "ann")])
    b.ship("SH-9", "SHOP", "BAR", "B-001", 600, order_ref="CUST-PO-55")
    b.ret("RMA-3", "SHOP", "BAR", "B-001", 50)
    b.done()
    return b


def labels(hits):
    return [(h.item, h.lot, h.matched_on) for h in hits]


def test_lot_code_lists_every_item_that_carries_it(session, plant_lots):
    hits = search(session, "L2411")
    assert labels(hits)[:2] == [("FLOUR", "L2411", "lot"), ("SUGAR", "L2411", "lot")]
    assert all(h.exact for h in hits)
    # exact matches first, then the prefix matches
    hits = search(session, "L2412")[:1] + search(session, "L241")
    assert labels(hits)[0] == ("FLOUR", "L2412", "lot")


def test_lot_code_is_case_insensitive_and_quantities_exact(session, plant_lots):
    hits = search(session, "l2411")
    flour = next(h for h in hits if h.item == "FLOUR" and h.lot == "L2411")
    assert flour.quantity == Decimal(1000)
    assert flour.on_hand == Decimal(600)
    assert flour.unit == "kg"
    assert flour.status == "in stock"
    bar = search(session, "b-001")[0]
    assert (bar.item, bar.lot, bar.on_hand, bar.status) == ("BAR", "B-001", Decimal(350), "in stock")


def test_prefix_search_finds_all_and_only_prefixed_codes(session, plant_lots):
    hits = search(session, "L241")
    assert sorted((h.item, h.lot) for h in hits if h.matched_on == "lot") == [
        ("FLOUR", "L2411"), ("FLOUR", "L2412"), ("SUGAR", "L2411")]
    assert not any(h.exact for h in hits if h.matched_on == "lot")
    assert search(session, "L25") == []


def test_vendor_lot(session, plant_lots):
    assert labels(search(session, "MX-889")) == [("FLOUR", "L2411", "vendor lot")]
    assert labels(search(session, "mx-8")) == [("FLOUR", "L2411", "vendor lot"), ("FLOUR", "L2412", "vendor lot")]


def test_purchase_order_and_receipt(session, plant_lots):
    assert labels(search(session, "PO-7781")) == [("FLOUR", "L2411", "purchase order"),
                                                  ("SUGAR", "L2411", "purchase order")]
    assert labels(search(session, "R-101")) == [("FLOUR", "L2412", "receipt")]


def test_shipment_code_and_customer_order(session, plant_lots):
    assert labels(search(session, "SH-9")) == [("BAR", "B-001", "shipment")]
    assert labels(search(session, "cust-po-55")) == [("BAR", "B-001", "customer order")]
    assert labels(search(session, "RMA-3")) == [("BAR", "B-001", "RMA")]
    assert labels(search(session, "WO-1")) == [("BAR", "B-001", "production order")]


def test_item_code_and_name(session, plant_lots):
    assert labels(search(session, "SUGAR")) == [("SUGAR", "L2411", "item")]
    # a word of the name, any case
    # the item code matched exactly outranks the same lots found by a word of the name;
    # an item's lots are listed highest lot code first
    assert labels(search(session, "flour")) == [("FLOUR", "L2412", "item"), ("FLOUR", "L2411", "item")]
    assert labels(search(session, "wheat")) == [("FLOUR", "L2412", "item name"), ("FLOUR", "L2411", "item name")]
    assert labels(search(session, "cane sugar")) == [("SUGAR", "L2411", "item name")]
    assert search(session, "heat") == []  # not a word start


@pytest.mark.parametrize("scan", [
    "(01)09501101530003(10)L2411",
    "0109501101530003" + "10L2411",
    "]C10109501101530003" + "10L2411",
    "https://id.gs1.org/01/09501101530003/10/L2411",
])
def test_scanned_gs1_barcode_finds_exactly_that_lot(session, plant_lots, scan):
    assert labels(search(session, scan)) == [("FLOUR", "L2411", "barcode")]


def test_gtin_only_barcode_lists_the_items_lots(session, plant_lots):
    assert sorted(labels(search(session, "(01)09501101530003"))) == [("FLOUR", "L2411", "barcode"),
                                                                    ("FLOUR", "L2412", "barcode")]


def test_status_words(session, plant_lots):
    b = plant_lots
    lot = b.receive("SUGAR", "OLD", 10)
    lot.expires_at = datetime(2026, 1, 1)
    b.receive("SUGAR", "GONE", 10)
    b.produce("WO-2", "BAR", [("SUGAR", "GONE", 10)], [("B-002", 10)])
    b.ship("SH-10", "SHOP", "BAR", "B-002", 10)
    b.receive("SUGAR", "OVER", 5)
    b.produce("WO-3", "BAR", [("SUGAR", "OVER", 8)], [("B-003", 8)])
    b.done()
    status = {h.lot: h.status for h in search(session, "SUGAR", now=datetime(2026, 6, 1))}
    assert status["OLD"] == "expired"
    assert status["GONE"] == "consumed"
    assert status["OVER"] == "unaccounted"
    assert {h.lot: h.status for h in search(session, "B-002")}["B-002"] == "shipped"


def test_limit_and_blank(session, plant_lots):
    assert search(session, "   ") == []
    assert len(search(session, "L", limit=2)) == 2


def test_many_matching_items_each_get_a_share(session):
    b = PlantBuilder(session)
    for n in range(3):
        b.item(f"NUT-{n}", name=f"Almond grade {n}")
        for k in range(30):
            b.opening(f"NUT-{n}", f"A{k:03d}", 1)
    b.done()
    hits = search(session, "almond", limit=30)
    assert len(hits) == 30
    assert {h.item for h in hits} == {"NUT-0", "NUT-1", "NUT-2"}
    assert [h.lot for h in hits if h.item == "NUT-0"] == ["A029", "A028", "A027", "A026", "A025",
                                                          "A024", "A023", "A022", "A021", "A020"]


def test_item_search_lists_opening_stock_after_newer_lots(session):
    b = PlantBuilder(session)
    b.opening("OATS", "OPEN-1", 5)
    b.opening("OATS", "OPEN-2", 5)
    b.receive("OATS", "26001", 10)
    b.receive("OATS", "26002", 10)
    b.done()
    assert [h.lot for h in search(session, "OATS")] == ["26002", "26001", "OPEN-2", "OPEN-1"]
    assert [h.lot for h in search(session, "OATS", limit=3)] == ["26002", "26001", "OPEN-2"]


def test_completions_are_prefixed_codes(session, plant_lots):
    assert completions(session, "L24") == ["L2411", "L2412"]
    assert "PO-7781" in completions(session, "po-77")
    assert completions(session, "L") == []  # too short to be useful


def test_customers_and_vendors_by_code_or_name_find_their_lots(session, plant_lots):
    # The customer "SHOP Foods" received bar lot B-001; vendor "MILL Supplies" supplied flour.
    for text in ("SHOP", "shop", "Foods", "shop foods"):
        hits = search(session, text)
        bars = [h for h in hits if (h.item, h.lot) == ("BAR", "B-001")]
        assert bars and bars[0].matched_on == "shipped to SHOP SHOP Foods", text
    assert search(session, "SHOP")[0].exact  # the customer's code, exactly
    hits = search(session, "Mill")
    assert sorted((h.item, h.lot) for h in hits if h.matched_on.startswith("received from MILL")) == [
        ("FLOUR", "L2411"), ("FLOUR", "L2412")]
    assert not any(h.item == "SUGAR" for h in hits)  # from CANE, not MILL
    assert search(session, "Nobody") == []


def test_the_demo_customer_and_vendor_names_of_the_issue_find_lots(demo_plant):
    with demo_plant.Session() as s:
        for text, verb in (("ValuMart", "shipped to"), ("C-1001", "shipped to"), ("Sierra", "received from")):
            hits = search(s, text)
            assert hits and all(h.matched_on.startswith(verb) for h in hits), text
        assert any((h.item, h.lot) == ("RM-ALMOND", "R26132-01") for h in search(s, "Sierra", limit=500))


def test_a_pallets_sscc_and_an_epcis_identifier_find_their_lots(session):
    """IFT's query document: an SSCC in any form lists the lots the pallet carried; a GDST lot class URN its lot."""
    from tests.interchange.epcis.paths import REAL
    from workbench.interchange.epcisload import import_documents

    import_documents(session, [REAL / "epcisquerydoc-example01.jsonld"])
    fish = ["urn:gdst:wholechain.com:product:class:fishcompany.hgtuna/8a25a035",
            "urn:gdst:wholechain.com:product:class:fishcompany.sal-whole/eiwo493"]
    for given in ("urn:epc:id:sscc:0614141.1234567890", "(00)106141412345678908",
                  "https://id.gs1.org/00/106141412345678908"):
        hits = search(session, given)
        assert sorted(f"{h.item}/{h.lot}" for h in hits) == fish, given
        assert {h.matched_on for h in hits} == {"pallet urn:epc:id:sscc:0614141.1234567890"}
    (hit,) = search(session, "urn:gdst:example.org:product:lot:class:fisherman01.tuna.v1-0122-2022")
    assert (hit.lot, hit.matched_on) == ("v1-0122-2022", "identifier")
    assert search(session, "urn:epc:id:sscc:0614141.9999999999") == []
    assert search(session, "urn:gdst:example.org:product:lot:class:nobody.nothing.x") == []
