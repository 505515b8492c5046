"""Numbers and nesting no real EPCIS file has, which stopped the import with an internal error: a quantity of
1e999999999 (decimal.Overflow), a whole number of 5,001 digits (Python's int conversion limit), values nested some
hundreds deep (RecursionError in the reader's walks, or in the JSON parser itself). Each is now one sentence with its
place, on both databases, nothing written. And a quantity finer than the plant's millionths is rounded with a
warning, after any unit conversion, not before it and silently.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.hostile.test_epcis_values import LOT, _document, _event, import_refused
from workbench.cli import main
from workbench.plant import open_plant
from workbench.plant.chain import KeyDataElement
from workbench.plant.models import Lot, Shipment

XML = """<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:x="urn:x" schemaVersion="2.0"
 creationDate="2024-01-01T00:00:00Z"><EPCISBody><EventList>
<ObjectEvent><eventTime>2024-03-01T08:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
<epcList/><action>ADD</action><quantityList><quantityElement><epcClass>{lot}</epcClass><quantity>{quantity}</quantity>
</quantityElement></quantityList>{extra}</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>"""


def _nested(depth: int, kind: str = "object") -> str:
    """An event with an extension nested ``depth`` deep (as text: json.dumps itself stops at such depths)."""
    inner = '{"x:a": ' * depth + "1" + "}" * depth if kind == "object" else "[" * depth + "1" + "]" * depth
    text = _document(_event(eventID="urn:uuid:fine"), _event())
    return text[:-4] + f', "x:deep": {inner}' + text[-4:]  # into the last event, before "}]}}"


def _refused(db_factory, tmp_path, capsys, name: str, text: str) -> tuple[str, str]:
    path = tmp_path / name
    path.write_text(text)
    return str(path), import_refused(db_factory, capsys, path)


CASES = {
    "an exponent no quantity has": (
        "in.jsonld", _document(_event(quantityList=[{"epcClass": LOT, "quantity": 1, "uom": "KGM"}])).replace(
            '"quantity": 1,', '"quantity": 1e999999999,'),
        (": eventList[0].quantityList[0]: quantity 1E+999999999 is out of range (the plant holds quantities below "
        "1,000,000,000,000)")),
    "the same in XML": ("in.xml", XML.format(lot=LOT, quantity="1e999999999", extra=""),
                        ":5: quantity '1e999999999' is out of range"),
    "a whole number of 5,001 digits": (
        "in.jsonld", _document(_event()).replace('"quantity": 5,', '"quantity": 1' + "0" * 5000 + ","),
        ":1: a number of 5,001 digits is more than the reader takes (4,300 digits)"),
    "an extension 600 objects deep": ("in.jsonld", _nested(600), (": eventList[1]: the event nests its values deeper "
                                      "than the reader follows (hundreds of levels; EPCIS needs a handful), so it is "
                                      "not read")),
    "an extension 900 arrays deep": ("in.jsonld", _nested(900, "array"), (": eventList[1]: the event nests its values "
                                     "deeper than the reader follows")),
    "deeper than the JSON parser goes": ("in.jsonld", _nested(50_000, "array"), (":1: the JSON nests arrays and "
                                         "objects deeper than the reader follows")),
    "an XML extension 1,500 deep": ("in.xml", XML.format(lot=LOT, quantity="5", extra="<x:a>" * 1500 + "</x:a>" * 1500),
                                    ":4: the event nests its values deeper than the reader follows"),
    "master data 700 deep": (
        "in.jsonld", _document(_event()).replace('"epcisBody"', (
            '"epcisHeader": {"epcisMasterData": {"vocabularyList": [{"type": '
            '"urn:epcglobal:epcis:vtype:BusinessLocation", "vocabularyElementList": [{"id": '
            '"urn:epc:id:sgln:4012345.00001.0", "attributes": [{"id": "urn:x:y", "attribute": '
            + '{"x:a": ' * 700 + "1" + "}" * 700 + '}]}]}]}}, "epcisBody"'), 1),
        ": the document nests its values deeper than the reader follows"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_number_or_a_depth_beyond_reason_is_one_sentence_with_its_place(db_factory, tmp_path, capsys, case):
    name, text, sentence = CASES[case]
    path, err = _refused(db_factory, tmp_path, capsys, name, text)
    assert f"{path}{sentence}" in err, err


def test_a_quantity_finer_than_millionths_is_rounded_after_converting_and_said(db_factory, tmp_path, capsys):
    dc = "urn:epc:id:sgln:4012345.00002.0"
    ship = _event(action="OBSERVE", bizStep="shipping", eventTime="2024-03-02T08:00:00Z",
                  quantityList=[{"epcClass": LOT, "quantity": 1, "uom": "TNE"}],
                  destinationList=[{"type": "location", "destination": dc}])
    exact = dict(ship, eventTime="2024-03-03T08:00:00Z", quantityList=[{"epcClass": LOT, "quantity": 3, "uom": "TNE"}])
    text = _document(_event(quantityList=[{"epcClass": LOT, "quantity": 2, "uom": "KGM"}]), ship, exact).replace(
        '"quantity": 1, "uom": "TNE"', '"quantity": 0.0001234567, "uom": "TNE"').replace(
        '"quantity": 2, "uom": "KGM"', '"quantity": 1.0000000004, "uom": "KGM"').replace(
        '"quantity": 3, "uom": "TNE"', '"quantity": 0.0000005, "uom": "TNE"')  # 0.5 g: seven decimals, held exactly
    path = tmp_path / "in.jsonld"
    path.write_text(text)
    url = db_factory.empty_url()
    assert main(["import", "--db", url, str(path)]) == 0
    out = capsys.readouterr().out
    assert ("2 quantities given with more than six decimals are rounded to the millionths the plant holds (the "
            "first: 1.0000000004 → 1)") in out, out
    plant = open_plant(url)
    try:
        with plant.Session() as s:
            assert s.execute(select(Lot.quantity)).scalar_one() == 1
            # 0.0001234567 t is 0.1234567 kg: 0.123457 held (rounded from the tonnes first, it was 0.123)
            assert sorted(s.scalars(select(Shipment.quantity))) == [Decimal("0.0005"), Decimal("0.123457")]
    finally:
        plant.dispose()


def test_an_extension_a_few_hundred_deep_is_still_read(db_factory, tmp_path):
    path = tmp_path / "in.jsonld"
    path.write_text(_nested(300))
    assert main(["import", "--db", db_factory.empty_url(), str(path)]) == 0


def test_an_ilmd_date_that_is_no_date_is_said_and_kept_as_given(plant, tmp_path, capsys):
    path = tmp_path / "in.jsonld"
    path.write_text(_document(_event(ilmd={"cbvmda:itemExpirationDate": "2024-13-45", "cbvmda:bestBeforeDate": 5,
                                           "cbvmda:productionDate": "2024-02-28T06:00:00.000+01:00"})))
    assert main(["import", "--db", plant.url, str(path)]) == 0
    out = capsys.readouterr().out
    assert (f"{path}: eventList[0]: ILMD itemExpirationDate '2024-13-45' is not a date (such as 2025-06-30); it is kept "
            "as given, and the lots of the event get no such date") in out
    assert "ILMD bestBeforeDate '5' is not a date" in out and "productionDate" not in out
    with plant.Session() as s:
        assert s.execute(select(Lot.expires_at, Lot.production_date)).one() == (None, date(2024, 2, 28))
        kept = dict(s.execute(select(KeyDataElement.name, KeyDataElement.value)).all())
        assert kept["expiry_date"] == "2024-13-45"


def test_a_transformation_that_makes_its_own_input_is_said_and_traces_end(plant, tmp_path, capsys):
    def made(lot_in, lot_out, when):
        return {"type": "TransformationEvent", "eventTime": when, "eventTimeZoneOffset": "+00:00",
                "inputQuantityList": [{"epcClass": lot_in, "quantity": 1, "uom": "KGM"}],
                "outputQuantityList": [{"epcClass": lot_out, "quantity": 1, "uom": "KGM"}]}
    other = LOT.replace(".L1", ".M1")
    path = tmp_path / "in.jsonld"
    path.write_text(_document(_event(), made(LOT, LOT, "2024-03-02T08:00:00Z"), made(LOT, other, "2024-03-03T08:00:00Z"),
                              made(other, LOT, "2024-03-04T08:00:00Z")))
    assert main(["import", "--db", plant.url, str(path)]) == 0
    assert ("eventList[1]: the transformation uses and makes the same lot urn:epc:class:lgtin:4012345.012345.L1; "
            "traces show it as made of itself") in capsys.readouterr().out
    for direction in ("forward", "backward"):
        assert main(["trace", "--db", plant.url, LOT, "--direction", direction, "--json"]) == 0
        lots = {n["lot"] for n in json.loads(capsys.readouterr().out)["nodes"] if n.get("kind") == "lot"}
        assert lots == {"L1", "M1"}
