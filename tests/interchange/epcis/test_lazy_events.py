"""A large document's events parsed as they are read (``jsontext.EventSpans``) give exactly what parsing it whole gives:
the same events, warnings, master data and faults; a text the spans cannot be trusted on is parsed whole."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.interchange.epcis.paths import GS1, OPENEPCIS, REAL
from workbench.interchange.epcis import jsontext
from workbench.interchange.epcis.faults import EpcisReadFailed
from workbench.interchange.epcis.jsontext import EventSpans, JsonSyntaxError, loads, loads_document
from workbench.interchange.epcis.read import read_document

#: Every JSON file of the examples, the refused ones too (their faults must not change either).
JSON_FILES = sorted(p for root in (GS1, OPENEPCIS, REAL) for p in root.rglob("*")
                    if p.suffix in (".json", ".jsonld") and p.is_file() and p.name != "EPCIS-JSON-Schema.json")


def _outcome(data: bytes, source: str) -> Any:
    try:
        d = read_document(data, source=source)
    except EpcisReadFailed as failed:
        return [str(f) for f in failed.faults]
    return d.events, d.warnings, d.vocabulary, d.duplicates


def _lazy_and_whole(monkeypatch: pytest.MonkeyPatch, data: bytes, source: str = "doc.jsonld") -> tuple[Any, Any]:
    monkeypatch.setattr(jsontext, "LAZY_MIN_CHARS", 0)
    lazy = _outcome(data, source)
    monkeypatch.setattr(jsontext, "LAZY_MIN_CHARS", 10**12)
    return lazy, _outcome(data, source)


def _plain(value: Any) -> Any:
    """The parsed value with every ``EventSpans`` made a list (to compare with what ``json.loads`` gives)."""
    if isinstance(value, EventSpans):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _spans_taken(document: Any) -> bool:
    body = document.get("epcisBody", {})
    results = body.get("queryResults", {}).get("resultsBody", {}) if isinstance(body.get("queryResults"), dict) else {}
    return isinstance(body.get("eventList"), EventSpans) or isinstance(results.get("eventList"), EventSpans)


def test_the_examples_are_many():
    assert len(JSON_FILES) > 50


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_every_json_example_reads_the_same_lazily(path: Path, monkeypatch: pytest.MonkeyPatch):
    lazy, whole = _lazy_and_whole(monkeypatch, path.read_bytes(), path.name)
    assert lazy == whole


def _document(events: list[Any], **body: Any) -> dict[str, Any]:
    return {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
            "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z",
            "epcisBody": body or {"eventList": events}}


def _event(i: int) -> dict[str, Any]:
    return {"type": "ObjectEvent", "eventID": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
            "eventTime": "2025-01-01T06:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "ADD",
            "bizStep": "commissioning", "bizLocation": {"id": "urn:epc:id:sgln:0614141.00001.0"},
            "quantityList": [{"epcClass": f"urn:epc:class:lgtin:0614141.011111.L{i}", "quantity": 12.5, "uom": "KGM"}]}


EVENTS = [_event(i) for i in range(5)]


@pytest.mark.parametrize("text", [
    json.dumps(_document(EVENTS)),
    json.dumps(_document(EVENTS), indent=3),
    json.dumps(_document([])),
    json.dumps(_document([], queryResults={"queryName": "SimpleEventQuery", "resultsBody": {"eventList": EVENTS}})),
    json.dumps(_document(EVENTS)).replace('"eventList": [', '"eventList"\r\n :\t[ \n'),
], ids=["compact", "indented", "empty", "query-results", "white-space"])
def test_the_event_list_is_read_lazily(text: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(jsontext, "LAZY_MIN_CHARS", 0)
    document, comments, _ = loads_document(text)
    assert _spans_taken(document) and comments == 0
    assert _plain(document) == json.loads(text, parse_float=Decimal)
    lazy, whole = _lazy_and_whole(monkeypatch, text.encode())
    assert lazy == whole


def test_comments_are_removed_before_the_lazy_read(monkeypatch: pytest.MonkeyPatch):
    text = json.dumps(_document(EVENTS), indent=1).replace('"action": "ADD",', '"action": "ADD", // by hand\n', 2)
    monkeypatch.setattr(jsontext, "LAZY_MIN_CHARS", 0)
    document, comments, _ = loads_document(text)
    assert _spans_taken(document) and comments == 2
    assert _plain(document) == loads(text)[0]
    lazy, whole = _lazy_and_whole(monkeypatch, text.encode())
    assert lazy == whole and any("2 comments" in str(w) for w in lazy[1])


@pytest.mark.parametrize("text", [
    # an eventList elsewhere first (the header): the spans would be the wrong list
    json.dumps({**_document(EVENTS), "epcisHeader": {"eventList": [1, 2]}}),
    # two eventLists in the body: JSON takes the last, the spans would take the first
    json.dumps(_document(EVENTS))[:-2] + ', "eventList": [' + json.dumps(_event(9)) + "]}}",
    # an eventList under a key the reader does not look at
    json.dumps(_document([], other={"eventList": EVENTS})),
    # the event list's key inside an event's own text
    json.dumps(_document([{**_event(1), "note": {"eventList": [3]}}])),
], ids=["header-first", "twice", "elsewhere", "nested"])
def test_a_list_the_spans_cannot_be_trusted_on_is_parsed_whole(text: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(jsontext, "LAZY_MIN_CHARS", 0)
    document, _, _ = loads_document(text)
    assert _plain(document) == json.loads(text, parse_float=Decimal)
    lazy, whole = _lazy_and_whole(monkeypatch, text.encode())
    assert lazy == whole


@pytest.mark.parametrize("text", [
    json.dumps(_document(EVENTS))[:-40],  # cut short
    json.dumps(_document(EVENTS)).replace('"quantity": 12.5', '"quantity": 12.5.5', 1),
    json.dumps(_document(EVENTS)).replace("}, {", "} {", 1),  # no comma between two events
    json.dumps(_document(EVENTS)).replace("]}}", "]} trailing}"),
    json.dumps(_document(EVENTS)).replace("}]}", "},]}"),  # a trailing comma
], ids=["truncated", "number", "comma", "after-the-list", "trailing-comma"])
def test_malformed_text_gets_the_fault_the_whole_parse_gives(text: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(jsontext, "LAZY_MIN_CHARS", 0)
    with pytest.raises(JsonSyntaxError) as lazy:
        loads_document(text)
    with pytest.raises(JsonSyntaxError) as whole:
        loads(text)
    assert (str(lazy.value), lazy.value.line) == (str(whole.value), whole.value.line)
    lazy_outcome, whole_outcome = _lazy_and_whole(monkeypatch, text.encode())
    assert lazy_outcome == whole_outcome and isinstance(lazy_outcome, list)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(events=st.lists(_json, max_size=6), indent=st.sampled_from([None, 0, 1, 4]),
       separators=st.sampled_from([(",", ":"), (", ", ": "), (" ,\n", " :\t")]))
def test_any_event_list_reads_as_json_reads_it(events: list[Any], indent: int | None, separators: tuple[str, str]):
    text = json.dumps(_document(events), indent=indent, separators=separators)
    found = jsontext._lazy(text)
    assert found is not None and _spans_taken(document := found[0]) and found[1] == []
    assert _plain(document) == json.loads(text, parse_float=Decimal)
