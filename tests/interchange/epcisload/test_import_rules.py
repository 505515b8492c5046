"""EPCIS import into the plant, rule by rule, on both databases: linking across imports, retractions, refusals."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.interchange.epcis.test_plan_rules import DC, LOT_A, PLANT, commission, event, qty, receive, ship
from workbench.cli import main
from workbench.interchange.epcisload import EpcisImportFailed, import_documents
from workbench.lots.details import lot_details
from workbench.plant import Base, open_plant
from workbench.plant.chain import Event
from workbench.plant.identities import LotIdentifier
from workbench.plant.models import Lot, Receipt, Shipment


def write(path, *events):
    path.write_text(json.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                                "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2024-03-01T09:00:00Z",
                                "epcisBody": {"eventList": list(events)}}, indent=1))
    return path


def total(s) -> int:
    return sum(s.execute(select(func.count()).select_from(t)).scalar_one() for t in Base.metadata.tables.values()
               if t.name not in ("alembic_version", "lot_edge_version"))  # the migrations seed these


def test_a_lot_shipped_in_one_import_and_received_in_a_later_one_is_linked(plant, tmp_path):
    shipped = write(tmp_path / "ranch.jsonld", commission(), ship())
    received = write(tmp_path / "plant.jsonld", receive())
    with plant.Session.begin() as s:
        import_documents(s, [shipped])
    with plant.Session.begin() as s:
        summary = import_documents(s, [received])
    assert summary.counts.linked == 1
    with plant.Session() as s:
        assert s.execute(select(func.count()).select_from(Lot)).scalar_one() == 1
        (line,) = s.execute(select(Shipment.id)).scalars()
        assert s.execute(select(Receipt.shipment_id, Receipt.vendor_id)).one() == (line, None)


def test_a_pallet_shipped_and_its_lots_received_in_one_import_is_not_counted_as_linked_to_an_earlier_one(
        plant, tmp_path):
    sscc = "urn:epc:id:sscc:4012345.0000000017"
    pack = event("AggregationEvent", time="2024-03-01T09:00:00Z", action="ADD", bizStep="packing", parentID=sscc,
                 childQuantityList=[qty(LOT_A, 100)], bizLocation={"id": PLANT})
    pallet = event(time="2024-03-02T08:00:00Z", action="OBSERVE", bizStep="shipping", epcList=[sscc],
                   bizLocation={"id": PLANT}, destinationList=[{"type": "location", "destination": DC}])
    with plant.Session.begin() as s:
        summary = import_documents(s, [write(tmp_path / "a.jsonld", commission(), pack, pallet, receive())])
    assert (summary.counts.shipments, summary.counts.receipts, summary.counts.linked) == (1, 1, 0)
    with plant.Session() as s:  # the receipt still names the pallet's shipment line
        (line,) = s.execute(select(Shipment.id)).scalars()
        assert s.execute(select(Receipt.shipment_id)).scalar_one() == line


def test_a_lot_made_in_two_runs_is_reached_from_the_inputs_of_each(db_factory, tmp_path, capsys):
    """Before, only the first run's output was kept: a recall of the second run's material missed the lot."""
    flour, salt = "urn:epc:class:lgtin:4012345.012345.FLOUR", "urn:epc:class:lgtin:4012345.012345.SALT"
    bread = "urn:epc:class:lgtin:4012345.022222.B1"

    def run(material, when, quantity):
        return event("TransformationEvent", time=when, bizStep="commissioning", bizLocation={"id": PLANT},
                     inputQuantityList=[qty(material, 10)], outputQuantityList=[qty(bread, quantity)])

    path = write(tmp_path / "runs.jsonld", commission(flour), commission(salt), run(flour, "2024-03-02T06:00:00Z", 40),
                 run(salt, "2024-03-02T14:00:00Z", 60))
    url = db_factory.empty_url()
    assert main(["import", "--db", url, str(path)]) == 0
    assert "is produced again" in capsys.readouterr().out  # said: the quantities of the runs are added
    for material in (flour, salt):
        assert main(["trace", "--db", url, material, "--json"]) == 0
        lots = {n["lot"] for n in json.loads(capsys.readouterr().out)["nodes"] if n.get("kind") == "lot"}
        assert lots == {material.rsplit(".", 1)[1], "B1"}
    assert main(["trace", "--db", url, bread, "--direction", "backward", "--json"]) == 0
    graph = json.loads(capsys.readouterr().out)
    assert {n["lot"] for n in graph["nodes"] if n.get("kind") == "lot"} == {"B1", "FLOUR", "SALT"}
    assert sum(1 for n in graph["nodes"] if n.get("kind") == "order") == 2
    assert next(n for n in graph["nodes"] if n.get("lot") == "B1")["quantity"] == 100  # 40 + 60
    plant = open_plant(url)
    try:
        with plant.Session() as s:
            details = lot_details(s, s.execute(select(Lot.id).where(Lot.code == "B1")).scalar_one())
    finally:
        plant.dispose()
    orders = [details.made_by, *details.also_made_by]
    assert [[q.lot for q in o.inputs] for o in orders if o is not None] == [["FLOUR"], ["SALT"]]
    assert [e.quantity for e in details.events if e.kind == "produced"] == [40, 60]


@pytest.mark.parametrize("named", ["urn:epc:class:lgtin:4012345.022222.B1", "https://id.gs1.org/01/04012345222227/10/B1",
                                   "04012345222227/B1", "(01)04012345222227(10)B1"])
def test_every_lot_command_takes_the_lot_in_any_identifier_form(plant, tmp_path, capsys, named):
    bread = "urn:epc:class:lgtin:4012345.022222.B1"
    made = event("TransformationEvent", bizStep="commissioning", inputQuantityList=[qty(LOT_A, 10)],
                 outputQuantityList=[qty(bread, 40)])
    assert main(["import", "--db", plant.url, str(write(tmp_path / "in.jsonld", commission(), made))]) == 0
    capsys.readouterr()
    assert main(["history", "--db", plant.url, named]) == 0
    assert capsys.readouterr().out.startswith("History of 04012345222227/B1 ")
    assert main(["commonality", "--db", plant.url, named, "--json"]) == 0
    assert main(["recall", "--db", plant.url, named, "--out", str(tmp_path / "recall")]) == 0
    assert "of 04012345222227/B1: 1 affected lot" in capsys.readouterr().out
    assert main(["flows", "--db", plant.url, named, "--out", str(tmp_path / "flows.svg")]) == 0


def test_an_error_declared_later_retracts_the_earlier_import_and_keeps_what_it_wrote(plant, tmp_path):
    wrong = receive(eventID="urn:uuid:r1")
    with plant.Session.begin() as s:
        import_documents(s, [write(tmp_path / "a.jsonld", commission(), ship(), wrong)])
    declared = dict(wrong, errorDeclaration={"declarationTime": "2024-03-05T08:00:00Z", "reason": "did_not_occur"})
    with plant.Session.begin() as s:
        summary = import_documents(s, [write(tmp_path / "b.jsonld", declared)])
    assert summary.retracted_earlier == 1
    with plant.Session() as s:
        assert s.execute(select(func.count()).select_from(Receipt)).scalar_one() == 0
        retracted = s.execute(select(Event.retraction_reason, Event.content).where(Event.ref == "urn:uuid:r1")).one()
        assert retracted[0] == "did_not_occur" and json.loads(retracted[1])["receipts"][0]["quantity"]


def test_a_fault_in_any_file_refuses_all_of_them_with_its_place_and_writes_nothing(plant, tmp_path, capsys):
    good = write(tmp_path / "good.jsonld", commission(), ship())
    bad = write(tmp_path / "bad.jsonld", commission(), {k: v for k, v in receive().items() if k != "eventTime"},
                event(action="OBSERVE", quantityList=[qty("urn:epc:class:lgtin:4012345.012345.L1", "ten")]))
    with plant.Session.begin() as s:
        with pytest.raises(EpcisImportFailed) as caught:
            import_documents(s, [good, bad])
        assert total(s) == 0
    assert [str(f) for f in caught.value.faults] == [
        f"{bad}: eventList[1]: the event has no eventTime",
        f"{bad}: eventList[2].quantityList[0]: quantity 'ten' is not a number"]
    assert main(["import", "--db", plant.url, str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: eventList[1]: the event has no eventTime" in err
    assert "workbench: import refused: 2 faults; nothing was written." in err
    with plant.Session() as s:
        assert total(s) == 0


def test_a_file_that_is_neither_bundle_nor_epcis_is_one_sentence(plant, tmp_path, capsys):
    other = tmp_path / "notes.txt"
    other.write_text("lot 17 went to Bob\n")
    assert main(["import", "--db", plant.url, str(other)]) == 1
    assert capsys.readouterr().err.strip() == (f"workbench: {other}: neither a bundle folder nor an EPCIS document (EPCIS "
                                               "2.0 JSON/JSON-LD, EPCIS 2.0 or 1.2 XML); nothing was written.")


def test_bundle_and_epcis_import_together_and_the_dry_run_writes_nothing(plant, tmp_path, capsys):
    epcis = write(tmp_path / "chain.jsonld", commission(), ship(), receive())
    assert main(["import", "--db", plant.url, "--dry-run", "resources/example-bundle", str(epcis)]) == 0
    out = capsys.readouterr().out
    assert "Dry run: nothing was written." in out and "events: 3 read, 3 to add" in out
    with plant.Session() as s:
        assert total(s) == 0
    assert main(["import", "--db", plant.url, "resources/example-bundle", str(epcis)]) == 0
    with plant.Session() as s:
        assert s.execute(select(func.count()).select_from(Event)).scalar_one() >= 3


def test_every_public_example_imports_together_and_again_changes_nothing(plant):
    """GS1's own examples (gs1/EPCIS) and openepcis/openepcis-test-resources (JSON, JSON-LD, 2.0 and 1.2 XML,
    query documents, sensor data, error declarations, Digital Link identifiers) and IFT's files: one import."""
    from tests.interchange.epcis.paths import GS1, OPENEPCIS, REAL, documents

    paths = documents(REAL) + documents(GS1 / "examples") + documents(OPENEPCIS)
    assert len(paths) > 100 and {p.suffix for p in paths} == {".json", ".jsonld", ".xml"}
    with plant.Session.begin() as s:
        summary = import_documents(s, paths)
        written = total(s)
    assert summary.new_events > 150 and written > 1000
    with plant.Session.begin() as s:
        again = import_documents(s, paths)
        assert total(s) == written
    assert again.new_events == 0


def test_a_pallet_packed_in_one_import_is_shipped_received_and_unpacked_in_later_ones(plant, tmp_path):
    from workbench.plant.chain import Packing

    pallet = "urn:epc:id:sscc:4012345.0000000028"
    packed = event(kind="AggregationEvent", time="2024-03-01T09:00:00Z", action="ADD", bizStep="packing",
                   parentID=pallet, childQuantityList=[qty("urn:epc:class:lgtin:4012345.012345.LOTA", 100)])
    shipped = event(time="2024-03-02T08:00:00Z", action="OBSERVE", bizStep="shipping", epcList=[pallet])
    received = event(time="2024-03-03T08:00:00Z", action="OBSERVE", bizStep="receiving", epcList=[pallet],
                     bizLocation={"id": "urn:epc:id:sgln:4012345.00002.0"})
    unpacked = event(kind="AggregationEvent", time="2024-03-04T08:00:00Z", action="DELETE", parentID=pallet)
    for n, events in enumerate([(commission(), packed), (shipped,), (received, unpacked)]):
        with plant.Session.begin() as s:
            import_documents(s, [write(tmp_path / f"{n}.jsonld", *events)])
    with plant.Session() as s:
        lot = s.execute(select(Lot.id).join(LotIdentifier, LotIdentifier.lot_id == Lot.id)).scalar_one()
        line = s.execute(select(Shipment.id, Shipment.lot_id, Shipment.quantity, Shipment.container_id)).one()
        assert line[1:3] == (lot, 100) and line[3] is not None
        assert s.execute(select(Receipt.shipment_id, Receipt.quantity)).one() == (line[0], 100)
        (stay,) = s.execute(select(Packing.unpacked_at)).scalars()
        assert stay is not None  # closed by the third import's unpacking


def test_quantities_in_another_unit_are_written_in_the_items_unit(plant, tmp_path):
    """Grams and pounds of a lot made in kilograms convert by the standard factors; cases through the item's own
    factor (item_units); a unit nothing converts is kept as given, and said."""
    from decimal import Decimal

    from tests.factories import PlantBuilder
    from workbench.plant.chain import ItemUnit
    from workbench.plant.models import Consumption, Item, Output

    with plant.Session.begin() as s:
        item = PlantBuilder(s).item("ALMOND", unit="kg", gtin="04012345123456")
        s.add(ItemUnit(item_id=item.id, unit="case", factor=Decimal("12.5")))
    lot_b = "https://id.gs1.org/01/04012345222227/10/LOTB"
    made = commission(quantity=100)  # KGM
    grams = [qty("urn:epc:class:lgtin:4012345.012345.LOTA", 20000, "GRM")]
    shipped, received = dict(ship(), quantityList=grams), dict(receive(), quantityList=grams)
    cases = event("TransformationEvent", time="2024-03-04T08:00:00Z", bizStep="commissioning", bizLocation={"id": PLANT},
                  inputQuantityList=[qty("urn:epc:class:lgtin:4012345.012345.LOTA", 2, "CS"),
                                     qty("urn:epc:class:lgtin:4012345.012345.LOTA", "22.0462262185", "LBR"),
                                     qty("urn:epc:class:lgtin:4012345.012345.LOTA", 1, "XBX")],
                  outputQuantityList=[qty(lot_b, 3, "XBX")])
    with plant.Session.begin() as s:
        summary = import_documents(s, [write(tmp_path / "units.jsonld", made, shipped, received, cases)])
    with plant.Session() as s:
        lot_a = s.execute(select(Lot.id, Lot.quantity).join(Item, Item.id == Lot.item_id)
                          .where(Item.code == "ALMOND")).one()
        assert lot_a.quantity == 100
        assert s.execute(select(Shipment.quantity).where(Shipment.lot_id == lot_a.id)).scalar_one() == 20
        assert s.execute(select(Receipt.quantity).where(Receipt.lot_id == lot_a.id)).scalar_one() == 20
        # 2 cases of 12.5 kg, 22.046 lb = 10 kg, and 1 XBX, which nothing converts: kept as given
        assert s.execute(select(Consumption.quantity).where(Consumption.lot_id == lot_a.id)).scalar_one() == Decimal(36)
        assert s.execute(select(Output.quantity)).scalar_one() == 3  # the new item is counted in what it came in
    assert [w for w in summary.warnings if "kept as given, since" in w] == [
        ("item https://id.gs1.org/01/04012345123456: quantities in XBX are kept as given, since nothing converts XBX to "
        "the item's unit kg (add the unit to item_units)")]
