"""Plausibility warnings: imported, and each named with its FILE:LINE and lot."""

from __future__ import annotations

from pathlib import Path

from tests.interchange.test_bundle_import import (  # noqa: F401 - fixtures
    BASE,
    _in_tmp_path,
    bundle,
    run_import,
    write_bundle,
)
from workbench.interchange.bundle import import_bundle


def warned(session, folder) -> list[str]:
    summary = import_bundle(session, folder, dry_run=True)
    return [str(w) for w in summary.warnings]


def test_the_base_bundle_is_plausible(scratch, tmp_path):
    assert warned(scratch, bundle(tmp_path)) == []


def test_a_shipment_before_its_lot_was_made(scratch, tmp_path):
    folder = bundle(tmp_path, shipments_csv="shipment,shipped_at,customer,order_ref,item,lot,quantity\n"
                                            "SH-1,2026-03-04T09:00:00,SHOP,SO-1,BISCUIT,B-1,120\n")
    summary = import_bundle(scratch, folder, dry_run=True)
    (w,) = summary.warnings
    assert str(w) == ("bundle/shipments.csv:2: lot B-1 of item BISCUIT is shipped 2026-03-04T09:00:00, before it was "
                      "made (2026-03-04T10:00:00)")
    assert (w.file, w.line, w.item, w.lot) == ("bundle/shipments.csv", 2, "BISCUIT", "B-1")


def test_a_date_alone_on_the_day_the_lot_was_made_is_not_before_it(scratch, tmp_path):
    folder = bundle(tmp_path, shipments_csv="shipment,shipped_at,customer,order_ref,item,lot,quantity\n"
                                            "SH-1,2026-03-04,SHOP,SO-1,BISCUIT,B-1,120\n")
    assert warned(scratch, folder) == []


def test_a_consumption_before_its_lot_was_received(scratch, tmp_path):
    consumptions = BASE["consumptions.csv"].replace("MO-1,FLOUR,F-1,60,2026-03-03T06:05:00",
                                                    "MO-1,FLOUR,F-1,60,2026-03-01T06:05:00")
    assert warned(scratch, bundle(tmp_path, consumptions_csv=consumptions)) == [
        ("bundle/consumptions.csv:2: lot F-1 of item FLOUR is consumed 2026-03-01T06:05:00, before it was received "
        "(2026-03-02T06:00:00)")]


def test_an_expiry_before_creation(scratch, tmp_path):
    folder = bundle(tmp_path, lots_csv="item,lot,quantity,created_at,expires_at\nSUGAR,S-OPEN,50,2026-03-01,2025-03-01\n")
    assert warned(scratch, folder) == [
        ("bundle/lots.csv:2: lot S-OPEN of item SUGAR expires 2025-03-01T00:00:00, before it was created "
        "(2026-03-01T00:00:00)")]


def test_a_return_of_more_than_was_shipped(plant, tmp_path):
    run_import(plant, bundle(tmp_path))  # 120 shipped to SHOP, 6 back
    more = write_bundle(Path("more"), {
        "items.csv": "item,kind,unit\n",
        "returns.csv": "rma,received_at,customer,item,lot,quantity\nRMA-2,2026-03-10,SHOP,BISCUIT,B-1,115\n",
    })
    summary = run_import(plant, more)
    assert [str(w) for w in summary.warnings] == [
        ("more/returns.csv:2: return RMA-2 of lot B-1 of item BISCUIT: customer SHOP returned 121 box in all but was "
        "shipped only 120 box")]


def test_a_return_from_a_customer_who_never_received_the_lot(scratch, tmp_path):
    folder = bundle(tmp_path,
                    customers_csv="customer,name\nSHOP,Corner Shop\nOTHER,Other Shop\n",
                    returns_csv="rma,received_at,customer,item,lot,quantity,reason\nRMA-1,2026-03-09,OTHER,BISCUIT,B-1,6,\n")
    assert warned(scratch, folder) == [
        ("bundle/returns.csv:2: return RMA-1 of lot B-1 of item BISCUIT comes from customer OTHER, who was never "
        "shipped that lot")]


def test_codes_that_differ_only_by_case_or_normalisation(scratch, tmp_path):
    folder = bundle(tmp_path,
                    customers_csv="customer,name\nSHOP,Corner Shop\nshop,Corner shop\n\uff33\uff28\uff2f\uff30,Wide\n",
                    lots_csv="item,lot,quantity\nSUGAR,S-OPEN,50\nSUGAR,s-open,1\n")
    assert warned(scratch, folder) == [
        ("bundle/customers.csv:3: customer shop differs from customer SHOP (line 2) only by letter case or Unicode "
        "normalisation; if they are one, use one code"),
        ("bundle/customers.csv:4: customer \uff33\uff28\uff2f\uff30 differs from customer SHOP (line 2) only by letter "
        "case or Unicode normalisation; if they are one, use one code"),
        ("bundle/lots.csv:3: lot s-open of item SUGAR differs from lot S-OPEN (bundle/lots.csv:2) only by letter case "
        "or Unicode normalisation; if they are one, use one code"),
    ]


def test_a_code_with_a_look_alike_letter_against_the_plant(plant, tmp_path):
    run_import(plant, bundle(tmp_path))
    more = write_bundle(Path("more"), {"items.csv": "item,kind,unit\nFL\u041eUR,material,kg\n"})
    summary = run_import(plant, more)
    (w,) = summary.warnings
    assert str(w) == ("more/items.csv:2: item FL\u041eUR differs from item FLOUR (the plant) only by look-alike "
                      "characters (U+041E CYRILLIC CAPITAL LETTER O); if they are one, use one code")


def test_columns_not_of_the_format_are_named(scratch, tmp_path):
    folder = bundle(tmp_path, lots_csv="item,lot,quantity,expiry\nSUGAR,S-OPEN,50,2027-01-01\n")
    assert warned(scratch, folder) == ["bundle/lots.csv:1: the column expiry is not part of lots.csv and ignored"]
