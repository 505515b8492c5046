"""Hostile EPCIS input: refused in sentences that say where, never a traceback, never a partial write.

XML entities (a file read through them, a billion laughs) are never expanded and refuse the document; a quantity
the plant cannot hold, binary garbage and a truncated file are each one sentence with their place.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

EVENT = {"type": "ObjectEvent", "eventTime": "2024-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "ADD",
         "bizStep": "commissioning",
         "quantityList": [{"epcClass": "urn:epc:class:lgtin:0614141.107346.L1", "quantity": 1, "uom": "KGM"}]}


def _document(*events: dict) -> str:
    return json.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                       "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2024-01-01T00:00:00Z",
                       "epcisBody": {"eventList": list(events)}}, indent=1)


def _refused(cli, tmp_path: Path, path: Path) -> list[str]:
    """The faults of importing ``path`` into a new SQLite file, which must not be left behind."""
    db = tmp_path / "plant.sqlite"
    code, _out, err = cli("import", "--db", f"sqlite:///{db}", path)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 1 and not db.exists(), err
    assert lines[-1].startswith("workbench: "), err
    return lines[:-1]


def test_xml_entities_are_never_expanded_and_refuse_the_document(cli, tmp_path):
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9))
    xml = tmp_path / "evil.xml"
    xml.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE epcis:EPCISDocument [<!ENTITY leak SYSTEM "file:///etc/passwd"><!ENTITY l0 "ha">{laughs}]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z">
<EPCISBody><EventList><ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime>
<eventTimeZoneOffset>+00:00</eventTimeZoneOffset><eventID>urn:x:&leak;&l8;</eventID>
<epcList><epc>urn:epc:id:sgtin:0614141.107346.2017</epc></epcList><action>OBSERVE</action></ObjectEvent>
</EventList></EPCISBody></epcis:EPCISDocument>""")
    started = time.perf_counter()
    assert _refused(cli, tmp_path, xml) == [
        (f"{xml}:2: the document declares XML entities (<!ENTITY> in its DOCTYPE), which EPCIS does not use and the "
        "reader never expands")]
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize("quantity", ["1e999999", "1e13", "-1e13"])
def test_a_quantity_the_plant_cannot_hold_is_refused_with_its_place(cli, tmp_path, quantity):
    path = tmp_path / "huge.jsonld"
    path.write_text(_document(EVENT).replace('"quantity": 1', f'"quantity": {quantity}'))
    [fault] = _refused(cli, tmp_path, path)
    assert fault.startswith(f"{path}: eventList[0].quantityList[0]: quantity ") and (
        "is out of range" in fault or "is below zero" in fault)


def test_binary_garbage_and_a_truncated_document_are_one_sentence_each(cli, tmp_path):
    garbage = tmp_path / "garbage.jsonld"
    garbage.write_bytes(b"{" + os.urandom(2000))
    db = tmp_path / "plant.sqlite"
    cli.refused("import", "--db", f"sqlite:///{db}", garbage, match=f"{garbage}: neither a bundle folder nor an EPCIS")
    assert not db.exists()
    truncated = tmp_path / "truncated.jsonld"
    truncated.write_text(_document(EVENT)[:300])
    [fault] = _refused(cli, tmp_path, truncated)
    assert fault.startswith(f"{truncated}:13: not well-formed JSON")
