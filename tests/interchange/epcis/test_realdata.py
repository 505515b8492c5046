"""The IFT Global Food Traceability Center's real files (MIT): counts, duplicates, identifiers, master data."""

from __future__ import annotations

import pytest

from tests.interchange.epcis.paths import REAL
from workbench.interchange.epcis.identifiers import Scheme
from workbench.interchange.epcis.model import EpcisEvent, EventType
from workbench.interchange.epcis.read import read_document

BEEF, TRACEBACK, QUERY = "beef-leather-events.jsonld", "traceback_tests.jsonld", "epcisquerydoc-example01.jsonld"


def read(name: str):
    return read_document(REAL / name, source=name)


def identifiers(event: EpcisEvent):
    yield from event.epc_list + event.child_epcs + event.input_epc_list + event.output_epc_list
    for q in event.quantity_list + event.child_quantity_list + event.input_quantity_list + event.output_quantity_list:
        yield q.epc_class
    if event.parent_id:
        yield event.parent_id
    for location in (event.read_point, event.biz_location):
        if location:
            yield location.id
    for party in event.source_list + event.destination_list:
        yield party.id


@pytest.mark.parametrize(("name", "events", "types"), [
    (BEEF, 8, {EventType.OBJECT: 5, EventType.TRANSFORMATION: 1, EventType.AGGREGATION: 2}),
    (TRACEBACK, 21, {EventType.OBJECT: 14, EventType.TRANSFORMATION: 3, EventType.AGGREGATION: 4}),
    (QUERY, 31, {EventType.OBJECT: 18, EventType.TRANSFORMATION: 7, EventType.AGGREGATION: 6}),
])
def test_event_counts(name, events, types):
    document = read(name)
    assert len(document.events) == events
    assert {t: sum(e.type is t for e in document.events) for t in types} == types
    assert len({e.hash for e in document.events}) == events
    assert document.error_declared == ()  # none of the three files declares an error


def test_beef_comments_duplicate_master_data_and_wrong_check_digits_are_reported():
    document = read(BEEF)
    assert document.warnings[0] == (f"{BEEF}: 17 comments (// or /* */) removed: comments are not JSON, but the file is "
                                    "read without them")
    assert any("master data for https://id.gs1.org/01/10000082345676 (epc_class) is given again" in w
               for w in document.warnings)
    assert sum("has a wrong check digit" in w for w in document.warnings) == 4
    assert all(e.event_id is None and e.identity == e.hash for e in document.events)
    steaks = document.events[3]
    assert steaks.type is EventType.TRANSFORMATION and steaks.action is None
    assert (steaks.output_quantity_list[0].epc_class.gtin, steaks.output_quantity_list[0].epc_class.lot,
            str(steaks.output_quantity_list[0].quantity), steaks.output_quantity_list[0].uom) == (
        "10000082345676", "STEAKS20251107", "10000", "KGM")


def test_traceback_duplicate_event_ids_are_found_and_reported():
    document = read(TRACEBACK)
    found = {d.event_id: (d.indexes, d.identical) for d in document.duplicates}
    assert found == {
        "urn:uuid:cd1df67c-def8-4a64-a19a-e531ff11b6a7U": ((1, 9, 11), False),
        "urn:uuid:6cdb783c-0626-4e1a-a3e8-ce556870be20U": ((2, 10, 12), False),
        "urn:uuid:abf72ff7-6f9a-4092-8d75-25e545c9593dU": ((19, 20), False),
    }
    assert sum("with different content" in w for w in document.warnings) == 3
    assert len({e.identity for e in document.events}) == 21 - 8 + 3  # identity is the eventID when given


def test_query_document_has_no_duplicates_and_reads_its_query_results():
    document = read(QUERY)
    assert document.query and document.duplicates == ()
    assert len({e.event_id for e in document.events}) == 31


@pytest.mark.parametrize("name", [BEEF, TRACEBACK, QUERY])
def test_every_identifier_is_resolved(name):
    document = read(name)
    found = [i for e in document.events for i in identifiers(e)]
    assert found and all(i.key for i in found)
    classes = [q.epc_class for e in document.events
               for q in e.quantity_list + e.child_quantity_list + e.input_quantity_list + e.output_quantity_list]
    assert all(c.scheme in (Scheme.LGTIN, Scheme.GDST_LOT) and c.lot and c.product for c in classes)
    # The only unparsed GS1 keys are the 15-digit SSCCs, kept as their own identity with a warning.
    assert {i.raw for i in found if i.problem and i.scheme is Scheme.SSCC} <= {
        "urn:epc:id:sscc:08600031303.0003", "urn:epc:id:sscc:08600031303.0004", "urn:epc:id:sscc:08600031303.0005"}


def test_master_data_names_are_found():
    beef = read(BEEF)
    assert [e.name for e in beef.vocabulary if e.vocabulary == "location"] == [
        "Ranch #423", "Slaughter House #032", "Distribution Center #001"]
    centre = beef.describe(beef.events[6].biz_location.id, "location")
    assert (centre.name, centre.address) == ("Distribution Center #001", ("Houston", "TX", "US"))
    traceback = read(TRACEBACK)
    lot = next(q.epc_class for e in traceback.events for q in e.output_quantity_list)
    product = traceback.master_data[lot.product][0]
    assert (lot.raw, product.vocabulary, product.name) == (
        "urn:gdst:example.org:product:lot:class:fishfarm.1u.farmed-tuna-01192022", "epc_class", "Farmed Tuna")
    processor = traceback.describe(traceback.events[4].biz_location.id)
    assert processor.name == "Processing Plant"
    assert processor.attribute("streetAddressOne") == "123 Main St."
    party = next(e for e in traceback.vocabulary if e.vocabulary == "party" and e.id.raw.endswith("importer.1u"))
    assert party.name == "Importer"
    query = read(QUERY)
    assert {e.vocabulary for e in query.vocabulary} >= {"epc_class"}


def test_ilmd_key_data_elements():
    traceback = read(TRACEBACK)
    ilmd = traceback.events[16].ilmd
    assert (ilmd.lot_number, ilmd.country_of_origin, ilmd.expiry_date, ilmd.production_date) == (
        "V1-0122-2022", "US", "2023-01-22T03:00:00.0000000+00:00", "2022-01-22T03:00:00.0000000+00:00")
    names = {e.name for e in ilmd.extensions}
    assert names == {"{https://traceability-dialogue.org/epcis}proteinSource", "{urn:epcglobal:cbv:mda:}certificationList"}
    catch = traceback.events[5].ilmd.extensions
    vessel = next(e for e in catch if e.local_name == "vesselCatchInformationList")
    gps = next(c for c in vessel.children[0].children if c.local_name == "gpsAvailability")
    assert (gps.value, gps.kind) == ("true", "boolean")
