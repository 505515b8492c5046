"""EPCIS files in other Unicode forms, and JSON objects that give a key twice.

UTF-16 and UTF-32 (with or without a byte-order mark: Windows tools write them) were refused as "neither a bundle
nor an EPCIS document"; now they are read, JSON with a warning (JSON is exchanged as UTF-8), XML without one (XML may
be in any Unicode form it declares). A key given twice kept its last value without a word, so a quantity could be
read as either of two numbers depending on the parser: now each is a warning at its place that says which value is
read (the last, as JavaScript and most readers take it). Not a refusal: GS1's own AssociationEvent example gives an
eventID twice. Both the whole parse and the large-document parse (``EventSpans``) find them.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.interchange.epcis.paths import GS1
from workbench.cli import main
from workbench.interchange.epcis import jsontext
from workbench.interchange.epcis.encoding import EncodingError, as_utf8
from workbench.interchange.epcis.faults import EpcisReadFailed
from workbench.interchange.epcis.read import read_document
from workbench.plant import open_plant
from workbench.plant.chain import Event
from workbench.plant.identities import LotIdentifier
from workbench.plant.models import Lot

LOT = "urn:epc:class:lgtin:4012345.012345.Lö1"  # not GS1 characters: kept as given, and must survive the decoding
GOOD = "urn:epc:class:lgtin:4012345.012345.L1"


def _event(n: int, quantity: str = "5") -> str:
    # Text, not json.dumps: the tests below give keys twice, which a dict cannot hold.
    return ('{"type": "ObjectEvent", "eventID": "urn:uuid:' + str(n) + '", "eventTime": "2024-03-01T08:00:00Z", '
            '"eventTimeZoneOffset": "+00:00", "action": "ADD", "bizStep": "commissioning", '
            '"quantityList": [{"epcClass": "' + GOOD + '", "quantity": ' + quantity + ', "uom": "KGM"}]}')


def _document(*events: str, header: str = "") -> str:
    return ('{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], '
            '"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2024-01-01T00:00:00Z", ' + header +
            '"epcisBody": {"eventList": [' + ", ".join(events) + ']}}')


XML = """<?xml version="1.0" encoding="{encoding}"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z">
<EPCISBody><EventList><ObjectEvent><eventTime>2024-03-01T08:00:00Z</eventTime>
<eventTimeZoneOffset>+00:00</eventTimeZoneOffset><epcList/><action>ADD</action><bizStep>commissioning</bizStep>
<quantityList><quantityElement><epcClass>{lot}</epcClass><quantity>5</quantity><uom>KGM</uom></quantityElement>
</quantityList></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>"""

FORMS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]


@pytest.mark.parametrize("form", FORMS)
def test_json_in_utf16_or_utf32_is_read_with_a_warning(form):
    text = _document(_event(1).replace(GOOD, LOT))
    document = read_document(text.encode(form), "in.json")
    assert document.events[0].quantity_list[0].epc_class.raw == LOT
    assert document.events == read_document(text.encode("utf-8"), "in.json").events
    said = [w for w in document.warnings if "UTF-8 that JSON is exchanged in" in w]
    order = "big" if form.endswith("be") else "little"
    assert said == [(f"in.json: the file is {form[:6].upper()} ({order}-endian) text, not the UTF-8 that JSON is "
                     "exchanged in; it is read as what it is")]


@pytest.mark.parametrize("form", FORMS)
def test_xml_in_utf16_or_utf32_is_read_silently_with_its_lines(form):
    declared = form[:6].upper()
    data = XML.format(encoding=declared, lot=LOT).encode(form)
    document = read_document(data, "in.xml")
    assert document.events[0].quantity_list[0].epc_class.raw == LOT
    assert document.events[0].where == "in.xml:3"
    assert not [w for w in document.warnings if "UTF" in w]


def test_a_utf8_bom_is_still_silent():
    document = read_document(b"\xef\xbb\xbf" + _document(_event(1)).encode(), "in.json")
    assert len(document.events) == 1 and not document.warnings


@pytest.mark.parametrize(("data", "said"), [
    (b"\xff\xfe{\x00\"\x00\x00\xd8", "the file is not UTF-16 (little-endian) text, as its first bytes say (byte 6)"),
    (b"\xff\xfe{\x00\"", "the file is not UTF-16 (little-endian) text, as its first bytes say (byte 4)"),
    (b"\x00\x00\xfe\xff\x00\x11\x00\x00", "the file is not UTF-32 (big-endian) text, as its first bytes say (byte 4)"),
])
def test_bytes_that_are_not_the_form_they_announce_are_one_fault(data, said):
    with pytest.raises(EpcisReadFailed) as refused:
        read_document(data, "in.json")
    assert [str(f) for f in refused.value.faults] == [f"in.json: {said}"]


def test_the_head_of_a_file_may_end_inside_a_character():
    head, form = as_utf8("{\"é".encode("utf-16")[:-1], partial=True)
    assert (head, form) == (b'{"', "utf-16-le")
    with pytest.raises(EncodingError):
        as_utf8("{\"é".encode("utf-16")[:-1])


def test_the_import_takes_a_utf16_file_on_both_databases(db_factory, tmp_path, capsys):
    path = tmp_path / "in.json"
    path.write_bytes(_document(_event(1), _event(2).replace(GOOD, LOT)).encode("utf-16"))
    xml = tmp_path / "in.xml"
    xml.write_bytes(XML.format(encoding="UTF-16", lot=GOOD.replace("L1", "L2")).encode("utf-16-be"))
    url = db_factory.empty_url()
    assert main(["import", "--db", url, str(path), str(xml)]) == 0
    assert "UTF-16 (little-endian) text" in capsys.readouterr().out
    plant = open_plant(url)
    try:
        with plant.Session() as s:
            assert s.execute(select(func.count()).select_from(Event)).scalar_one() == 3
            assert LOT in set(s.scalars(select(LotIdentifier.identifier)))
            assert {"L1", "L2"} <= set(s.scalars(select(Lot.code)))
    finally:
        plant.dispose()


# ---- keys given twice ----------------------------------------------------------------------------------------------

TWICE = {
    "a quantity": (_event(2, quantity='5, "quantity": 7'),
                   "eventList[1].quantityList[0]: the key 'quantity' is given twice with different values (5, 7)"),
    "an eventTime": (_event(2).replace('"action"', '"eventTime": "2024-03-02T08:00:00Z", "action"'),
                     ("eventList[1]: the key 'eventTime' is given twice with different values "
                      '("2024-03-01T08:00:00Z", "2024-03-02T08:00:00Z")')),
    "three classes": (_event(2).replace('"quantity": 5', '"epcClass": "urn:x:a", "epcClass": "urn:x:b", "quantity": 5'),
                      "eventList[1].quantityList[0]: the key 'epcClass' is given 3 times with different values"),
    "the header": (None, "epcisHeader: the key 'note' is given twice with different values (1, 2)"),
}


def _twice(case: str) -> str:
    event, _ = TWICE[case]
    if event is None:
        return _document(_event(1), _event(2), header='"epcisHeader": {"note": 1, "note": 2}, ')
    return _document(_event(1), event)


@pytest.mark.parametrize("lazy", [False, True], ids=["whole", "event by event"])
@pytest.mark.parametrize("case", list(TWICE), ids=list(TWICE))
def test_a_key_given_twice_with_other_values_is_said_at_its_place_with_the_value_read(monkeypatch, case, lazy):
    monkeypatch.setattr(jsontext, "LAZY_MIN_CHARS", 0 if lazy else 10**12)
    document = read_document(_twice(case).encode(), "in.json")
    said = list(document.warnings)
    assert len(said) == 1 and said[0].startswith(f"in.json: {TWICE[case][1]}"), said
    assert "JSON does not say which one counts, and the last, " in said[0] and said[0].endswith("is read, as most readers do")
    if case == "a quantity":
        assert document.events[1].quantity_list[0].quantity == 7


@pytest.mark.parametrize("lazy", [False, True], ids=["whole", "event by event"])
def test_a_key_given_twice_with_the_same_value_is_a_warning(monkeypatch, lazy):
    monkeypatch.setattr(jsontext, "LAZY_MIN_CHARS", 0 if lazy else 10**12)
    text = _document(_event(1), _event(2, quantity='5, "quantity": 5'))
    document = read_document(text.encode(), "in.json")
    assert [e.quantity_list[0].quantity for e in document.events] == [5, 5]
    assert list(document.warnings) == [
        "in.json: eventList[1].quantityList[0]: the key 'quantity' is given twice with the same value; it is read once"]


def test_keys_given_twice_are_found_the_same_by_both_parses():
    text = _document(*(_event(n, quantity=f'{n}, "quantity": {n + 1}') for n in range(3)),
                     header='"epcisHeader": {"a": {"b": 1, "b": 1}}, ')
    whole = jsontext.loads_checked(text)[2]
    lazy = jsontext._lazy(text)
    assert lazy is not None
    assert sorted(whole, key=str) == sorted(lazy[1], key=str)
    assert [d.path for d in whole] == ["epcisHeader.a", "eventList[0].quantityList[0]", "eventList[1].quantityList[0]",
                                       "eventList[2].quantityList[0]"]
    assert json.loads(text) == jsontext.loads(text)[0]  # the values read are the parser's own (the last)


def test_the_import_says_it_and_reads_the_last_value(db_factory, tmp_path, capsys):
    path = tmp_path / "in.jsonld"
    path.write_text(_twice("a quantity"))
    url = db_factory.empty_url()
    assert main(["import", "--db", url, str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: {TWICE['a quantity'][1]}" in out and "the last, 7, is read" in out
    plant = open_plant(url)
    try:
        with plant.Session() as s:
            assert list(s.scalars(select(Lot.quantity))) == [12]  # 5 and then 7 (the last given) of one lot
    finally:
        plant.dispose()


def test_gs1s_own_example_with_an_event_id_given_twice_is_read():
    path = GS1 / "examples" / "JSON" / "AssociationEvent" / "AssociationEvent-h.jsonld"
    document = read_document(path, path.name)
    assert [w for w in document.warnings if "the key 'eventID' is given twice with different values" in w]
    assert document.events[0].event_id.startswith("urn:uuid:fd338495")


def test_a_key_given_twice_in_every_event_is_said_twenty_times_and_counted():
    text = _document(*(_event(n, quantity='5, "quantity": 6') for n in range(25)))
    said = list(read_document(text.encode(), "in.json").warnings)
    assert len(said) == 21 and said[0].startswith("in.json: eventList[0].quantityList[0]: the key 'quantity'")
    assert said[-1] == "in.json: … and 5 more keys given twice in one object, each read as its last value"
