"""Hostile values inside well-formed EPCIS: refused in one sentence per place, the same on SQLite and PostgreSQL,
nothing written. Before, a NUL imported into SQLite and PostgreSQL refused the whole import with no place named; a
negative quantity, an eventTime outside the years UTC can hold and an over-long eventID went in (the last cut to
255 characters, so two eventIDs could become one); a TransformationEvent of nothing stopped the import with an
internal error."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from workbench.cli import main
from workbench.plant import open_plant
from workbench.plant.chain import Event

LOT = "urn:epc:class:lgtin:4012345.012345.L1"


def _event(**fields):
    event = {"type": "ObjectEvent", "eventTime": "2024-03-01T08:00:00Z", "eventTimeZoneOffset": "+00:00",
             "action": "ADD", "bizStep": "commissioning", "quantityList": [{"epcClass": LOT, "quantity": 5, "uom": "KGM"}]}
    event.update(fields)
    return event


def _document(*events) -> str:
    return json.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                       "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2024-01-01T00:00:00Z",
                       "epcisBody": {"eventList": list(events)}})


def import_refused(db_factory, capsys, path) -> str:
    """``workbench import`` of ``path`` into an empty plant: refused in sentences (no traceback), nothing written;
    what it said."""
    url = db_factory.empty_url()
    assert main(["import", "--db", url, str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "something went wrong" not in err, err
    assert err.strip().splitlines()[-1].startswith("workbench: import refused: ")
    plant = open_plant(url)
    try:
        with plant.Session() as s:
            assert s.execute(select(func.count()).select_from(Event)).scalar_one() == 0
    finally:
        plant.dispose()
    return err


CASES = {
    "nul in a class": (_event(quantityList=[{"epcClass": LOT + "\u0000", "quantity": 5, "uom": "KGM"}]),
                       "eventList[1].quantityList[0].epcClass: the text holds U+0000;"),
    "bidi override in a location": (_event(bizLocation={"id": "urn:epc:id:sgln:4012345.00001.\u202e0"}),
                                    "eventList[1].bizLocation.id: the text holds U+202E;"),
    "nul in a document number": (_event(bizTransactionList=[{"type": "po", "bizTransaction": "urn:x:po:\u0000A"}]),
                                 "eventList[1].bizTransactionList[0].bizTransaction: the text holds U+0000;"),
    "a control in an ILMD value": (_event(ilmd={"cbvmda:countryOfOrigin": "D\u0007E"}),
                                   "eventList[1].ilmd.cbvmda:countryOfOrigin: the text holds U+0007;"),
    "negative quantity": (_event(quantityList=[{"epcClass": LOT, "quantity": -5, "uom": "KGM"}]),
                          "eventList[1].quantityList[0]: quantity -5 is below zero"),
    "before the year 1 in UTC": (_event(eventTime="0001-01-01T00:00:00+05:00"),
                                 "eventList[1].eventTime: eventTime '0001-01-01T00:00:00+05:00' is out of range"),
    "after 9999 in UTC": (_event(eventTime="9999-12-31T23:00:00-05:00"),
                          "eventList[1].eventTime: eventTime '9999-12-31T23:00:00-05:00' is out of range"),
    "an over-long eventID": (_event(eventID="urn:uuid:" + "a" * 300),
                             ("eventList[1].eventID: eventID is 309 characters long; the plant keeps identifiers of "
                              "at most 255")),
    "an over-long class": (_event(quantityList=[{"epcClass": "urn:x:" + "b" * 300, "quantity": 5, "uom": "KGM"}]),
                           "eventList[1].quantityList[0]: epcClass is 306 characters long"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_hostile_value_is_one_sentence_with_its_place_on_both_databases(db_factory, tmp_path, capsys, case):
    event, sentence = CASES[case]
    path = tmp_path / "in.jsonld"
    path.write_text(_document(_event(eventID="urn:uuid:fine"), event))  # a good event beside: nothing of it is kept
    err = import_refused(db_factory, capsys, path)
    assert f"{path}: {sentence}" in err and "refused the operation" not in err, err


def test_xml_refuses_them_by_line_and_leaves_comments_alone(tmp_path, capsys):
    path = tmp_path / "in.xml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<!-- GS1's own examples have direction marks in comments (Section \u200e8.2.1): no data, no fault -->
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z">
<EPCISBody><EventList><ObjectEvent><eventTime>2024-03-01T08:00:00Z</eventTime>
<eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
<epcList><epc>urn:epc:id:sgtin:4012345.012345.&#x202E;1</epc></epcList><action>ADD</action></ObjectEvent>
</EventList></EPCISBody></epcis:EPCISDocument>""", encoding="utf-8")
    assert main(["import", "--db", f"sqlite:///{tmp_path / 'p.sqlite'}", str(path)]) == 1
    faults = capsys.readouterr().err.strip().splitlines()
    assert faults[0].startswith(f"{path}:6: the text holds U+202E;") and not (tmp_path / "p.sqlite").exists()


def test_a_transformation_of_nothing_is_said_and_the_rest_imports(plant, tmp_path, capsys):
    path = tmp_path / "in.jsonld"
    path.write_text(_document(_event(), {"type": "TransformationEvent", "eventTime": "2024-03-01T09:00:00Z",
                                         "eventTimeZoneOffset": "+00:00", "bizStep": "commissioning"}))
    assert main(["import", "--db", plant.url, str(path)]) == 0
    out = capsys.readouterr().out
    assert "the transformation names no inputs and no outputs; its event is kept, but no production order" in out
    assert "lots 1" in out
