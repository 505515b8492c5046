"""Reading refuses bad documents with every fault placed, and warns (never silently) about what real data does."""

from __future__ import annotations

import json

import pytest

from tests.interchange.epcis.paths import OPENEPCIS
from workbench.interchange.epcis.faults import EpcisReadFailed
from workbench.interchange.epcis.read import ReadOptions, read_document

EVENT = {"type": "ObjectEvent", "eventTime": "2024-03-01T08:30:00.000+01:00", "eventTimeZoneOffset": "+01:00",
         "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"], "action": "OBSERVE", "bizStep": "shipping"}


def doc(*events: dict, **extra: object) -> str:
    return json.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                       "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2024-03-01T09:00:00Z",
                       "epcisBody": {"eventList": list(events)}, **extra}, indent=1)


def faults(text: str | bytes, **options: bool) -> list[str]:
    with pytest.raises(EpcisReadFailed) as caught:
        read_document(text, source="in.jsonld", options=ReadOptions(**options))
    assert str(caught.value).startswith("in.jsonld was not read")
    return [str(f) for f in caught.value.faults]


def test_not_well_formed_json_names_the_line():
    assert faults('{\n "type": "EPCISDocument",\n "epcisBody": {,}\n}') == [
        "in.jsonld:3: not well-formed JSON: Expecting property name enclosed in double quotes (column 16)"]


def test_not_well_formed_xml_names_the_line():
    text = (b'<?xml version="1.0"?>\n<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2">\n'
            b"<EPCISBody>\n</epcis:EPCISDocument>")
    (fault,) = faults(text)
    assert fault.startswith("in.jsonld:4: not well-formed XML:")


@pytest.mark.parametrize(("text", "message"), [
    ("just text", "in.jsonld: not an EPCIS document: it is neither JSON nor XML"),
    ('{"type": "Invoice"}', "in.jsonld: not an EPCIS document: its type is 'Invoice', not EPCISDocument or EPCISQueryDocument"),
    ("<invoice/>", "in.jsonld:1: not an EPCIS document: the root element is <invoice> in namespace 'none'"),
    ("[1, 2]", "in.jsonld: not an EPCIS document: the JSON is not an object"),
])
def test_not_an_epcis_document(text, message):
    assert faults(text) == [message]


def test_every_fault_is_collected_each_with_its_place():
    events = [dict(EVENT), dict(EVENT, eventTime="22-07-2026"), {k: v for k, v in EVENT.items() if k != "eventTime"},
              dict(EVENT, type="ObjectEventX"),
              dict(EVENT, quantityList=[{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": "twenty",
                                         "uom": "KGM"}]),
              dict(EVENT, epcList=["not a uri"]), dict(EVENT, action="CREATE"),
              dict(EVENT, recordTime="2024-03-01T08:30:00")]
    assert faults(doc(*events)) == [
        ("in.jsonld: eventList[1].eventTime: eventTime '22-07-2026' is not an xsd:dateTime such as "
        "2024-03-01T08:30:00.000+01:00"),
        "in.jsonld: eventList[2]: the event has no eventTime",
        ("in.jsonld: eventList[3]: unknown event type 'ObjectEventX'; EPCIS has ObjectEvent, AggregationEvent, "
        "TransformationEvent, TransactionEvent and AssociationEvent"),
        "in.jsonld: eventList[4].quantityList[0]: quantity 'twenty' is not a number",
        "in.jsonld: eventList[5].epcList[0]: EPC: 'not a uri' is not a URI",
        "in.jsonld: eventList[6].action: action 'CREATE' is not ADD, OBSERVE or DELETE",
        "in.jsonld: eventList[7].recordTime: recordTime '2024-03-01T08:30:00' has no UTC offset (add Z or +01:00)",
    ]


def test_xml_faults_name_the_line_of_the_field():
    text = b"""<?xml version="1.0"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2024-03-01T09:00:00Z">
<EPCISBody><EventList>
<ObjectEvent>
  <eventTime>2024-03-01T08:30:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
  <action>OBSERVE</action>
  <quantityList>
    <quantityElement><epcClass>urn:epc:class:lgtin:4012345.012345.998877</epcClass><quantity>x</quantity></quantityElement>
  </quantityList>
</ObjectEvent>
<RecallEvent/>
</EventList></EPCISBody></epcis:EPCISDocument>"""
    assert faults(text) == ["in.jsonld:8: quantity 'x' is not a number",
                            ("in.jsonld:11: unknown event type <RecallEvent>; EPCIS has ObjectEvent, AggregationEvent, "
                            "TransformationEvent, TransactionEvent and AssociationEvent")]


def test_a_malformed_gs1_identifier_is_a_warning_or_with_strict_identifiers_a_fault():
    text = doc(dict(EVENT, epcList=["urn:epc:id:sscc:08600031303.0003"]))
    document = read_document(text, source="in.jsonld")
    assert document.events[0].epc_list[0].key == "urn:epc:id:sscc:08600031303.0003"
    assert document.warnings == (("in.jsonld: eventList[0].epcList[0]: urn:epc:id:sscc:08600031303.0003 is not a valid "
                                 "SSCC: company prefix and reference have 15 digits, not 17; it is kept as given"),)
    assert faults(text, strict_identifiers=True) == [
        ("in.jsonld: eventList[0].epcList[0]: urn:epc:id:sscc:08600031303.0003 is not a valid SSCC: company prefix and "
        "reference have 15 digits, not 17")]


def test_bom_is_silent_and_comments_are_stripped_with_one_warning():
    text = doc(EVENT).replace('"eventList": [', '"eventList": [ // the events\n /* "x": "y" */')
    assert "//" in text
    document = read_document(b"\xef\xbb\xbf" + text.encode(), source="in.jsonld")
    assert len(document.events) == 1
    assert document.warnings == (("in.jsonld: 2 comments (// or /* */) removed: comments are not JSON, but the file is "
                                 "read without them"),)
    assert read_document(b"\xef\xbb\xbf" + doc(EVENT).encode()).warnings == ()


@pytest.mark.parametrize("lead", ["// exported by hand\n", "/* header\n   two lines */\n", "\n  // a\n// b\n"])
def test_a_document_that_opens_with_a_comment_is_json(tmp_path, lead):
    from workbench.interchange.epcisload import is_epcis_file

    text = lead + doc(EVENT)
    path = tmp_path / "commented.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert is_epcis_file(path)
    document = read_document(path, source="in.jsonld")
    assert len(document.events) == 1 and document.format == "json-ld"
    assert document.warnings[0].endswith("removed: comments are not JSON, but the file is read without them")


def test_comments_before_text_that_is_not_json_are_still_refused(tmp_path):
    from workbench.interchange.epcisload import is_epcis_file

    path = tmp_path / "notes.json"
    path.write_text("// only a note\nhello\n")
    assert not is_epcis_file(path)
    assert faults("// only a note\n/* unterminated") == ["in.jsonld: not an EPCIS document: it is neither JSON nor XML"]


def test_slashes_inside_strings_are_not_comments():
    event = dict(EVENT, bizTransactionList=[{"type": "po", "bizTransaction": "http://x.example.com/po//1/*no*/"}])
    document = read_document(doc(event))
    assert document.events[0].biz_transaction_list[0].id.raw == "http://x.example.com/po//1/*no*/"
    assert document.warnings == ()


def test_duplicate_event_ids_say_whether_the_content_is_the_same():
    same = dict(EVENT, eventID="urn:uuid:1")
    other = dict(EVENT, eventID="urn:uuid:2")
    document = read_document(doc(same, same, other, dict(other, bizStep="receiving")), source="in.jsonld")
    assert document.warnings == (
        ("in.jsonld: eventList[0]: eventID urn:uuid:1 is given 2 times with identical content (eventList[0], eventList[1]); "
        "they are one event"),
        ("in.jsonld: eventList[2]: eventID urn:uuid:2 is given 2 times with different content (eventList[2], eventList[3]); "
        "each is kept, told apart by its event hash"))
    assert [(d.event_id, d.indexes, d.identical) for d in document.duplicates] == [
        ("urn:uuid:1", (0, 1), True), ("urn:uuid:2", (2, 3), False)]


@pytest.mark.parametrize("written", ["shipping", "urn:epcglobal:cbv:bizstep:shipping",
                                     "https://ref.gs1.org/cbv/BizStep-shipping", "cbv:BizStep-shipping"])
def test_every_form_of_a_cbv_value_gives_its_short_name(written):
    event = dict(EVENT, bizStep=written, disposition=written.replace("bizstep:shipping", "disp:in_transit")
                 .replace("BizStep-shipping", "Disp-in_transit").replace("shipping", "in_transit"),
                 sourceList=[{"type": written.replace("bizstep:shipping", "sdt:owning_party")
                              .replace("BizStep-shipping", "SDT-owning_party").replace("shipping", "owning_party"),
                              "source": "urn:epc:id:pgln:4012345.00225"}])
    (read,) = read_document(doc(event)).events
    assert (read.biz_step.name, read.biz_step.standard, read.biz_step.raw) == ("shipping", True, written)
    assert read.disposition.name == "in_transit"
    assert read.source_list[0].type.name == "owning_party"


def test_a_custom_business_step_is_kept_as_given_and_a_bare_unknown_one_is_warned_about():
    document = read_document(doc(dict(EVENT, bizStep="urn:gdst:bizStep:fishingEvent"), dict(EVENT, bizStep="fishing")),
                             source="in.jsonld")
    assert [(e.biz_step.name, e.biz_step.standard) for e in document.events] == [
        ("urn:gdst:bizStep:fishingEvent", False), ("fishing", False)]
    assert document.warnings == (("in.jsonld: eventList[1].bizStep: bizStep 'fishing' is neither a CBV standard value nor "
                                 "a URI; it is kept as given"),)


def test_query_documents_and_versions_are_detected_by_content():
    query = json.loads(doc(EVENT))
    query["type"] = "EPCISQueryDocument"
    query["epcisBody"] = {"queryResults": {"queryName": "SimpleEventQuery", "resultsBody": query["epcisBody"]}}
    document = read_document(json.dumps(query), source="q.xml")  # the name says XML: content decides
    assert (document.query, document.format, len(document.events)) == (True, "json-ld", 1)
    twelve = read_document(OPENEPCIS / "1.2/EPCIS/XML/Capture/Documents/ObjectEvent.xml")
    assert (twelve.format, twelve.schema_version) == ("xml-1.2", "1.2")


@pytest.mark.parametrize(("name", "expected"), [
    ("2.0/EPCIS/JSON/Capture/Invalid/ObjectEvent_with_quantity_as_text.json", "quantity 'twenty' is not a number"),
    ("2.0/EPCIS/JSON/Capture/Invalid/ObjectEvent_with_invalid_eventTime_format.json", "is not an xsd:dateTime"),
    ("2.0/EPCIS/JSON/Capture/Invalid/ObjectEvent_without_action_and_eventTime.json", "the event has no eventTime"),
    ("2.0/EPCIS/XML/Query/Invalid/QueryDocument_with_invalid_eventType.xml", "unknown event type <ObjectEventInvalid>"),
])
def test_openepcis_invalid_documents_are_refused(name, expected):
    with pytest.raises(EpcisReadFailed) as caught:
        read_document(OPENEPCIS / name)
    assert any(expected in f.message for f in caught.value.faults), caught.value.faults


# ---- real files that are not EPCISDocuments (openepcis/openepcis-test-resources, gs1/EPCIS: see tests/data) ----

@pytest.mark.parametrize(("name", "fmt", "kind", "line"), [
    ("2.0/EPCIS/XML/Capture/Events/ObjectEvent.xml", "xml-2.0", "ObjectEvent", ":5:"),
    ("1.2/EPCIS/XML/Capture/Documents/Single_event.xml", "xml-2.0", "TransactionEvent", ":1:"),
    ("2.0/EPCIS/JSON/Capture/Events/TransformationEvent.json", "json-ld", "TransformationEvent", ": the file"),
])
def test_a_single_event_not_in_a_document_is_read_as_a_document_of_one_with_a_warning(name, fmt, kind, line):
    document = read_document(OPENEPCIS / name, source=name)
    [event] = document.events
    assert (document.format, event.type.value) == (fmt, kind)
    assert event.event_time is not None
    assert any(w.startswith(name + line) and "not an EPCISDocument; it is read as a document of that one event" in w
               for w in document.warnings), document.warnings


def test_a_single_json_event_places_its_faults_in_the_file_itself():
    bad = dict(EVENT, quantityList=[{"epcClass": "urn:epc:class:lgtin:0614141.107346.L1", "quantity": "many"}])
    assert faults(json.dumps(bad)) == ["in.jsonld: quantityList[0]: quantity 'many' is not a number"]


def test_a_query_definition_and_a_capture_job_are_refused_in_one_sentence():
    from tests.interchange.epcis.paths import GS1
    with pytest.raises(EpcisReadFailed) as caught:
        read_document(OPENEPCIS / "2.0/EPCIS/JSON/Query/Queries/SimpleEventQuery.json", source="q.json")
    assert [str(f) for f in caught.value.faults] == [
        ("q.json: not an EPCIS document: it is an EPCIS query (the parameters of a search for events), which holds no "
        "events")]
    with pytest.raises(EpcisReadFailed) as caught:
        read_document(GS1 / "examples/XML/CaptureJob/Example-CaptureJobRunning.xml", source="job.xml")
    assert [str(f) for f in caught.value.faults] == [
        ("job.xml:6: not an EPCIS document: it is an EPCIS capture job (the state of a capture at a repository), which "
        "holds no events")]


def test_json_ld_without_a_type_is_refused_saying_so():
    text = json.dumps({"@context": {"@vocab": "https://ref.gs1.org/epcis/"}, "@graph": {"bizStep": "installing"}})
    assert faults(text) == ["in.jsonld: not an EPCIS document: it names no type, not EPCISDocument or EPCISQueryDocument"]


def _every_real_file():
    from tests.interchange.epcis.paths import DATA, DOCUMENT_SUFFIXES
    return sorted(p for p in DATA.rglob("*") if p.suffix in DOCUMENT_SUFFIXES and p.is_file()
                  and p.name not in ("epcis-context.jsonld", "EPCIS-JSON-Schema.json"))


@pytest.mark.parametrize("path", _every_real_file(), ids=lambda p: p.name)
def test_every_real_file_is_read_or_refused_in_sentences_that_say_where(path):
    from tests.interchange.epcis.paths import REFUSED_FOLDERS
    name = path.name
    try:
        read_document(path, source=name)
    except EpcisReadFailed as failed:
        assert REFUSED_FOLDERS.intersection(path.parts), [str(f) for f in failed.faults]
        for fault in failed.faults:
            text = str(fault)
            assert text.startswith((f"{name}:", f"{name}: ")) and "\n" not in text and "Traceback" not in text
    else:
        assert not REFUSED_FOLDERS.intersection(path.parts), f"{name} should have been refused"


def test_what_the_schema_forbids_but_can_be_read_is_read_with_a_warning_never_silently():
    """openepcis's Invalid/ documents that a reader can still make sense of (each warned about, none silent)."""
    bare_ilmd = dict(EVENT, action="ADD", ilmd={"materialType": "soil"})
    certification = dict(EVENT, certificationInfo=[{"gs1:CertificationDetails": {}}, "https://cert.example.org/1"])
    extra = dict(EVENT, quantityList=[{"epcClass": "https://id.gs1.org/01/09521141012345", "weight": 5}])
    nothing = {k: v for k, v in EVENT.items() if k != "epcList"}
    document = read_document(doc(bare_ilmd, certification, extra, nothing), source="in.jsonld")
    assert len(document.events) == 4
    assert [w.split(": ", 1)[1] for w in document.warnings] == [
        ("eventList[0].ilmd: the ILMD field 'materialType' has no namespace prefix (ILMD fields are extensions); kept "
        "as given"),
        "eventList[1].certificationInfo: certificationInfo is a list of URIs; 1 entry that is not, left out",
        "eventList[2].quantityList[0]: 'weight' is no field of a quantity element (epcClass, quantity, uom); left out",
        "eventList[3]: the ObjectEvent names no objects (no epcList, no quantityList); it touches no lot",
    ]
    assert document.events[1].certification_info == ("https://cert.example.org/1",)
