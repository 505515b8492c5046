"""Bundle version 2: declared and detected, the supply-chain files imported with the same
strictness as version 1 (FILE:LINE faults, references that must exist, limits, unsafe
characters, all or nothing), and version 1 bundles importing exactly as before.

Every test runs on SQLite and PostgreSQL. Line numbers matter: the header is line 1.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.interchange.test_bundle_import import BASE, counts, counts_in, refused, run_import, write_bundle
from workbench.config import resources_dir
from workbench.interchange.bundle import import_bundle
from workbench.plant import (
    Container,
    Event,
    KeyDataElement,
    Location,
    Lot,
    Packing,
    Party,
    Receipt,
    Shipment,
    Vendor,
)

#: A version 2 bundle on top of BASE: two sites of ours, a transfer received and one in
#: transit, a pallet with a case nested on it, key data, an event retracted and corrected.
V2 = {
    "version.txt": "2\n",
    "parties.csv": """\
        party,name,gln,address,roles
        US,Our Bakery,0614141000005,1 Oven Road,own
        MILL,Mill & Co,,,vendor
        SHOP,Corner Shop,,,customer
        TRUCKS,Road Freight,,,carrier
    """,
    "locations.csv": """\
        location,name,gln,kind,owner,address,country,latitude,longitude,timezone,parent
        0614141000012,Bakery,0614141000012,own_site,US,1 Oven Road,US,42.5,-92.4,America/Chicago,
        0614141000029,Depot,0614141000029,own_site,US,2 Depot Road,US,40.2,-76.8,America/New_York,
        DOCK-1,Depot dock 1,,own_site,US,,,,,,0614141000029
        MILL-SITE,Mill,,vendor_site,MILL,,CA,,,,
        SHOP-SITE,Shop,,customer_site,SHOP,,US,,,,
    """,
    "vendors.csv": """\
        vendor,name,contact,email,phone,address,party
        MILL,Mill & Co,Ann,qa@mill.example,+1 555,1 Mill Road,MILL
    """,
    "customers.csv": """\
        customer,name,contact,email,phone,address,party
        SHOP,Corner Shop,Bob,bob@shop.example,,,SHOP
    """,
    "containers.csv": """\
        container,kind,sscc
        106141410000000019,pallet,106141410000000019
        CASE-1,case,
    """,
    "events.csv": """\
        event,kind,event_type,occurred_at,time_zone_offset,recorded_at,location,disposition,source,corrects
        urn:uuid:wrong,receiving,ObjectEvent,2026-03-02T06:00:00,+01:00,,0614141000012,,bundle,
        urn:uuid:right,receiving,ObjectEvent,2026-03-02T06:00:00,+01:00,2026-03-02T09:00:00,0614141000012,,bundle,urn:uuid:wrong
    """,
    "receipts.csv": """\
        receipt,received_at,vendor,po,item,lot,vendor_lot,quantity,expires_at,location,ship_from,container,event
        R-1,2026-03-02T08:00:00+02:00,MILL,PO-1,FLOUR,F-1,VF-1,100,,0614141000012,MILL-SITE,,urn:uuid:right
        R-1,2026-03-02T08:00:00+02:00,MILL,PO-1,SUGAR,S-1,VS-1,40.125,2027-01-01,0614141000012,MILL-SITE,,
    """,
    "transfers.csv": """\
        transfer,shipped_at,ship_from,ship_to,order_ref,item,lot,quantity,carrier,container,receipt,received_at,event,receipt_event
        TR-1,2026-03-04T12:00:00,0614141000012,0614141000029,TO-1,BISCUIT,B-1,100,TRUCKS,106141410000000019,GRD-1,2026-03-05T08:00:00,,
        TR-2,2026-03-06T20:00:00,0614141000012,0614141000029,TO-2,BISCUIT,B-1,20,TRUCKS,,,,,
    """,
    "packings.csv": """\
        container,item,lot,quantity,child,packed_at,location,unpacked_at,unpacked_location,event,unpack_event
        CASE-1,BISCUIT,B-1,100,,2026-03-04T10:00:00,0614141000012,,,,
        106141410000000019,,,,CASE-1,2026-03-04T11:00:00,0614141000012,2026-03-05T09:00:00,0614141000029,,
    """,
    "key_data.csv": """\
        item,lot,name,value,kind,unit
        FLOUR,F-1,country_of_origin,CA,,
        FLOUR,F-1,harvest_date,2025-08-15,,
        FLOUR,F-1,moisture,13.5,number,%
        FLOUR,F-1,certification,GFCO,,
        BISCUIT,B-1,best_before,2026-09-01,,
    """,
    "event_lots.csv": """\
        event,item,lot
        urn:uuid:wrong,FLOUR,F-1
        urn:uuid:right,FLOUR,F-1
    """,
    "retractions.csv": """\
        event,retracted_at,reason,declaration,note,content
        urn:uuid:wrong,2026-03-02T09:00:00,incorrect_data,urn:uuid:declaration,"keyed 10 kg, not 100","{""receipts"": []}"
    """,
}


@pytest.fixture(autouse=True)
def _in_tmp_path(monkeypatch, tmp_path):
    """Bundles are given as ``bundle`` relative to the test's own folder, as a user would."""
    monkeypatch.chdir(tmp_path)


def v1_bundle(tmp_path: Path, **changes: str | None) -> Path:
    """``bundle/``: BASE with files replaced or added (``version.txt`` and ``shipments.csv`` by name)."""
    return _write(tmp_path, {**BASE, **changes})


def v2_bundle(tmp_path: Path, **changes: str | None) -> Path:
    """``bundle/``: BASE and V2 with files replaced (by name: ``{"packings.csv": ...}``)."""
    return _write(tmp_path, {**BASE, **V2, **changes})


def _write(tmp_path: Path, files: dict) -> Path:
    target = tmp_path / "bundle"
    if target.exists():
        shutil.rmtree(target)
    write_bundle(target, files)
    return Path("bundle")


def test_a_version_2_bundle_imports_every_row(plant, tmp_path):
    summary = run_import(plant, v2_bundle(tmp_path))
    assert summary.version == 2 and not [w for w in summary.warnings if "more than it held" in w.message]
    with plant.Session() as s:
        sites = {loc.code: loc for loc in s.scalars(select(Location))}
        assert sites["DOCK-1"].parent_id == sites["0614141000029"].id
        assert s.scalar(select(Party.own).where(Party.code == "US")) is True
        vendor_party = s.scalar(select(Party.code).join(Vendor, Vendor.party_id == Party.id))
        assert vendor_party == "MILL"
        transfers = s.scalars(select(Shipment).where(Shipment.customer_id.is_(None))).all()
        arrivals = s.scalars(select(Receipt).where(Receipt.shipment_id.is_not(None))).all()
        assert len(transfers) == 2 and [(r.code, r.quantity) for r in arrivals] == [("GRD-1", Decimal(100))]
        assert arrivals[0].location_id == sites["0614141000029"].id and arrivals[0].vendor_id is None
        pallet = s.scalar(select(Container).where(Container.sscc == "106141410000000019"))
        nested = s.scalars(select(Packing).where(Packing.container_id == pallet.id)).one()
        assert nested.child_id is not None and nested.unpacked_at is not None
        flour = s.scalar(select(Lot).where(Lot.code == "F-1"))
        assert (flour.country_of_origin, flour.harvest_date.isoformat()) == ("CA", "2025-08-15")
        assert flour.location_id == sites["0614141000012"].id
        kdes = {k.name: (k.kind, k.value, k.number, k.unit) for k in s.scalars(select(KeyDataElement))}
        assert kdes == {"moisture": ("number", "13.5", Decimal("13.5"), "%"), "certification": ("text", "GFCO", None, None)}
        events = {e.ref: e for e in s.scalars(select(Event))}
        assert events["urn:uuid:wrong"].retraction_reason == "incorrect_data"
        assert events["urn:uuid:right"].corrects_id == events["urn:uuid:wrong"].id
        assert flour.event_id == events["urn:uuid:right"].id
    again = run_import(plant, v2_bundle(tmp_path))  # idempotent
    assert again.inserted == 0 and again.present == again.read


def test_every_version_1_bundle_imports_as_before(plant, tmp_path):
    """The version 1 fixtures (the BASE bundle, the example bundle) declare no version and
    import exactly as they did: version 1, every row, nothing of the supply chain."""
    summary = run_import(plant, v1_bundle(tmp_path))
    assert summary.version == 1 and {f.file for f in summary.files} == set(BASE)
    assert summary.inserted == summary.read and summary.present == 0
    after = counts(plant)
    assert after["parties"] == 2 and after["locations"] == after["containers"] == after["events"] == 0


def test_the_example_bundle_is_version_1(db_factory):
    from workbench.plant import open_plant

    target = open_plant(db_factory.empty_url())
    try:
        summary = run_import(target, resources_dir() / "example-bundle")
    finally:
        target.dispose()
    assert summary.version == 1 and summary.inserted == summary.read > 0


def test_version_2_columns_in_a_version_1_bundle_are_named_and_ignored(scratch, tmp_path):
    shipments = BASE["shipments.csv"].replace("quantity\n", "quantity,ship_to\n").replace(",120\n", ",120,X\n")
    summary = import_bundle(scratch, v1_bundle(tmp_path, **{"shipments.csv": shipments}), dry_run=True)
    assert summary.version == 1
    assert any("ship_to is not part of shipments.csv and ignored (columns of bundle version 2" in str(w)
               for w in summary.warnings)


def test_a_version_2_file_without_a_declared_version_is_refused(scratch, tmp_path):
    folder = v1_bundle(tmp_path, **{"parties.csv": V2["parties.csv"]})
    assert refused(scratch, folder) == [
        ("bundle/parties.csv: is a file of bundle version 2, but the bundle declares no version (so it is read "
        "as version 1); declare version 2 (version.txt holding the line 2)")]


@pytest.mark.parametrize("text, fault", [
    ("3\n", "bundle/version.txt:1: holds '3'; it must hold one line, the bundle version (1 or 2)"),
    ("two\n", "bundle/version.txt:1: holds 'two'; it must hold one line, the bundle version (1 or 2)"),
    ("", "bundle/version.txt: is empty; it must hold one line, the bundle version (1 or 2)"),
])
def test_a_bad_version_file_is_a_fault(scratch, tmp_path, text, fault):
    assert fault in refused(scratch, v1_bundle(tmp_path, **{"version.txt": text}))


@pytest.mark.parametrize("changes, fault", [
    ({"transfers.csv": V2["transfers.csv"].replace("0614141000012,0614141000029,TO-2", "0614141000012,SHOP-SITE,TO-2")},
     ("bundle/transfers.csv:3: ship_to SHOP-SITE is a location of kind customer_site; a transfer goes between our own "
     "sites (kind own_site); ship to a customer in shipments.csv")),
    ({"transfers.csv": V2["transfers.csv"].replace("TRUCKS,,,,,", "NOBODY,,,,,")},
     "bundle/transfers.csv:3: party NOBODY is in neither parties.csv nor the plant"),
    ({"transfers.csv": V2["transfers.csv"].replace("GRD-1,2026-03-05T08:00:00", "GRD-1,")},
     "bundle/transfers.csv:2: transfer TR-1: give both receipt and received_at (received) or neither (in transit)"),
    ({"packings.csv": V2["packings.csv"].replace(",,CASE-1,2026", ",,CASE-9,2026")},
     "bundle/packings.csv:3: container CASE-9 is in neither containers.csv nor the plant"),
    ({"packings.csv": V2["packings.csv"].replace("CASE-1,BISCUIT,B-1,100,", "CASE-1,BISCUIT,B-1,100,CASE-1")},
     ("bundle/packings.csv:2: give either item, lot and quantity (a lot packed) or child (a container packed), "
     "not both and not neither")),
    ({"packings.csv": V2["packings.csv"].replace("2026-03-05T09:00:00", "2026-03-04T09:00:00")},
     ("bundle/packings.csv:3: packing of container CASE-1 into container 106141410000000019 at 2026-03-04T11:00:00 "
     "is unpacked 2026-03-04T09:00:00, before it was packed")),
    ({"packings.csv": V2["packings.csv"].replace("CASE-1,BISCUIT,B-1", "CASE-1,BISCUIT,B-9")},
     ("bundle/packings.csv:2: lot B-9 of item BISCUIT is created by no line of lots.csv, receipts.csv or "
     "outputs.csv and is not in the plant")),
    ({"containers.csv": V2["containers.csv"].replace("pallet,106141410000000019", "pallet,106141410000000018")},
     "bundle/containers.csv:2: sscc 106141410000000018 is not a valid SSCC"),
    ({"locations.csv": V2["locations.csv"].replace("America/Chicago", "Mars/Olympus")},
     "bundle/locations.csv:2: timezone 'Mars/Olympus' is not an IANA time zone (such as America/Chicago)"),
    ({"locations.csv": V2["locations.csv"].replace("42.5,-92.4", "95,-92.4")},
     "bundle/locations.csv:2: latitude 95 is outside -90 to 90 degrees"),
    ({"locations.csv": V2["locations.csv"].replace("vendor_site,MILL", "warehouse,MILL")},
     "bundle/locations.csv:5: kind 'warehouse' is not one of own_site, vendor_site, customer_site, other"),
    ({"locations.csv": V2["locations.csv"].replace(",,0614141000029\n", ",,DOCK-1\n")},
     "bundle/locations.csv:4: location DOCK-1 names itself as its parent"),
    ({"parties.csv": V2["parties.csv"].replace(",,vendor", ",,vendor supplier")},
     ("bundle/parties.csv:3: roles 'vendor supplier': supplier is not a role (the roles are own, vendor, customer, "
     "carrier, separated by spaces)")),
    ({"parties.csv": V2["parties.csv"].replace(",,customer", ",,")},
     "bundle/customers.csv:2: customer SHOP is party SHOP, whose roles in parties.csv (line 4) lack customer"),
    ({"parties.csv": V2["parties.csv"].replace(",,carrier", ",,carrier vendor")},
     ("bundle/parties.csv:5: party TRUCKS has the role vendor, but no vendor is this party (vendors.csv names none, "
     "nor does the plant)")),
    ({"receipts.csv": V2["receipts.csv"].replace("MILL-SITE,,urn:uuid:right", "MILL-SITE,,urn:uuid:other")},
     "bundle/receipts.csv:2: event urn:uuid:other is in neither events.csv nor the plant"),
    ({"events.csv": V2["events.csv"].replace(",bundle,urn:uuid:wrong", ",bundle,urn:uuid:right")},
     "bundle/events.csv:3: event urn:uuid:right names itself as the event it corrects"),
    ({"key_data.csv": V2["key_data.csv"].replace("13.5,number", "wet,number")},
     "bundle/key_data.csv:4: value 'wet' is not a number (kind number: digits 0-9, a point, a sign)"),
    ({"key_data.csv": V2["key_data.csv"].replace("country_of_origin,CA", "country_of_origin,Canada")},
     "bundle/key_data.csv:2: country_of_origin 'Canada' is not an ISO 3166-1 alpha-2 country code"),
    ({"key_data.csv": V2["key_data.csv"].replace("harvest_date,2025-08-15", "harvest_date,2025-02-30")},
     "bundle/key_data.csv:3: harvest_date '2025-02-30' is not a date (2026-05-12)"),
    ({"key_data.csv": V2["key_data.csv"] + "FLOUR,F-1,moisture,14,number,%\n"},
     ("bundle/key_data.csv:7: key data element moisture of lot F-1 of item FLOUR is already given on line 4; give "
     "each once")),
    ({"retractions.csv": V2["retractions.csv"].replace('"{""receipts"": []}"', '"{receipts"')},
     "bundle/retractions.csv:2: content is not JSON"),
    ({"event_lots.csv": V2["event_lots.csv"] + "urn:uuid:none,FLOUR,F-1\n"},
     "bundle/event_lots.csv:4: event urn:uuid:none is in neither events.csv nor the plant"),
    ({"containers.csv": V2["containers.csv"] + "CASE-\u202e1,case,\n"},
     "bundle/containers.csv:4: container 'CASE-\\u202e1' holds U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ({"containers.csv": V2["containers.csv"] + "C" * 256 + ",case,\n"},
     ("bundle/containers.csv:4: container 'CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC…' is 256 characters long; the "
     "plant stores at most 255")),
])
def test_each_fault_of_the_supply_chain_files_refuses_the_whole_bundle(scratch, tmp_path, changes, fault):
    faults = refused(scratch, v2_bundle(tmp_path, **changes))
    assert any(f.startswith(fault) for f in faults), faults


def test_a_refused_version_2_bundle_leaves_the_plant_as_it_was(plant, tmp_path):
    run_import(plant, v1_bundle(tmp_path))
    before = counts(plant)
    bad = V2["packings.csv"].replace(",,CASE-1,2026", ",,CASE-9,2026")
    with plant.Session() as s:
        faults = refused_in(s, v2_bundle(tmp_path, **{"packings.csv": bad}))
        assert counts_in(s) == before
    assert "bundle/packings.csv:3: container CASE-9 is in neither containers.csv nor the plant" in faults


def refused_in(s, folder) -> list[str]:
    from workbench.interchange.bundle import ImportFailed

    with pytest.raises(ImportFailed) as caught:
        import_bundle(s, folder)
    return [str(f) for f in caught.value.faults]


def test_a_later_version_2_bundle_retracts_an_event_of_the_plant(plant, tmp_path):
    """A retraction of an event the plant holds removes the rows it wrote and keeps them."""
    run_import(plant, v2_bundle(tmp_path, **{"retractions.csv": "event,retracted_at,reason,declaration,note,content\n"}))
    later = write_bundle(tmp_path / "later", {
        "version.txt": "2\n", "items.csv": "item,name,kind,unit,gtin,shelf_life_days\n",
        "retractions.csv": "event,retracted_at,reason,declaration,note,content\n"
                           "urn:uuid:right,2026-03-03T10:00:00,did_not_occur,,,\n",
    })
    summary = run_import(plant, later)
    assert summary.counts("retractions.csv").inserted == 1
    with plant.Session() as s:
        event = s.scalar(select(Event).where(Event.ref == "urn:uuid:right"))
        assert event.retraction_reason == "did_not_occur" and '"receipts"' in event.content
        codes = set(s.scalars(select(Lot.code).join(Receipt, Receipt.lot_id == Lot.id).where(
            Receipt.shipment_id.is_(None))))
    assert codes == {"S-1"}  # the receipt line of F-1 was the event's row: it is gone
