"""A large JSON document read on two processes gives exactly what one process gives: events, faults, warnings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from workbench.interchange.epcis import jsontext, parallel
from workbench.interchange.epcis.faults import EpcisReadFailed
from workbench.interchange.epcis.read import BOM, read_document

N = 240


def _event(i: int, fault: bool = False) -> dict:
    event = {"type": "ObjectEvent", "eventID": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
             "eventTime": f"2025-01-01T{i // 60 % 24:02d}:{i % 60:02d}:00Z", "eventTimeZoneOffset": "+00:00",
             "action": "ADD", "bizStep": "commissioning",
             "quantityList": [{"epcClass": f"urn:epc:class:lgtin:0614141.011111.L{i}", "quantity": 10 + i, "uom": "KGM"}],
             "bizLocation": {"id": "urn:epc:id:sgln:0614141.00001.0"}}
    if i % 50 == 7:  # a warning with a once-key, in both processes' parts: said once
        event["bizStep"] = "grilling"
    if i % 60 == 11:  # a malformed GS1 key: warned once per identifier
        event["quantityList"][0]["epcClass"] = "urn:epc:class:lgtin:0614141.011112.X"
    if fault:
        event["quantityList"][0]["quantity"] = "lots"
    return event


def _write(path: Path, faults: frozenset[int] = frozenset(), comments: bool = False) -> Path:
    text = json.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                       "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z",
                       "epcisBody": {"eventList": [_event(i, i in faults) for i in range(N)]}}, indent=1)
    if comments:
        text = "{ // written by hand\n" + text[1:]
    path.write_bytes(BOM + text.encode())
    return path


def _read(path: Path, monkeypatch: pytest.MonkeyPatch, minimum: int):
    monkeypatch.setattr(parallel, "MIN_EVENTS", minimum)
    try:
        document = read_document(path)
    except EpcisReadFailed as failed:
        return [str(f) for f in failed.faults]
    return document.events, document.warnings


@pytest.mark.parametrize("lazy", [False, True], ids=["parsed-whole", "parsed-as-read"])
def test_two_processes_read_what_one_reads(tmp_path, monkeypatch, lazy):
    if lazy:  # both processes parse each event as they read it (jsontext.EventSpans), as for a large file
        monkeypatch.setattr(jsontext, "LAZY_MIN_CHARS", 0)
        monkeypatch.setenv("WORKBENCH_EPCIS_LAZY_MIN", "0")
    path = _write(tmp_path / "big.jsonld", comments=True)
    calls = []
    real = parallel.start
    monkeypatch.setattr(parallel, "start", lambda *a: calls.append(a) or real(*a))
    both = _read(path, monkeypatch, 100)
    assert calls and calls[0][3] == N - int(N * parallel.WORKER_SHARE)  # the worker did take the tail
    one = _read(path, monkeypatch, 10**9)
    assert both == one
    events, warnings = both
    assert len(events) == N and [e.index for e in events] == list(range(N))
    assert sum("grilling" in w for w in warnings) == 1 and sum("removed" in w for w in warnings) == 1


def test_faults_in_the_workers_part_are_all_listed_in_order(tmp_path, monkeypatch):
    path = _write(tmp_path / "bad.jsonld", faults=frozenset({3, 150, 239}))
    both = _read(path, monkeypatch, 100)
    assert both == _read(path, monkeypatch, 10**9)
    assert [f.split(": ", 2)[1] for f in both] == [f"eventList[{i}].quantityList[0]" for i in (3, 150, 239)]


def test_a_worker_that_fails_leaves_its_part_to_the_caller(tmp_path, monkeypatch):
    path = _write(tmp_path / "big.jsonld")
    one = _read(path, monkeypatch, 10**9)
    monkeypatch.setattr(sys, "executable", "/bin/false")
    assert _read(path, monkeypatch, 100) == one
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    assert _read(path, monkeypatch, 100) == one
    assert not list(Path(parallel.tempfile.gettempdir()).glob("workbench-epcis-*/events.pickle"))


def test_the_worker_runs_the_callers_code_whatever_the_current_folder(tmp_path, monkeypatch):
    """Started from a folder that holds another ``workbench`` (a source checkout, another version), the worker still
    runs its caller's code (``python -P``: the current folder is not put on its path)."""
    other = tmp_path / "checkout" / "workbench" / "interchange" / "epcis"
    other.mkdir(parents=True)
    for folder in (other, other.parent, other.parent.parent):
        (folder / "__init__.py").write_text("")
    (other / "parallel.py").write_text("import sys\nsys.exit(3)\n")  # this code would deliver nothing
    path = _write(tmp_path / "big.jsonld")
    delivered = []
    real = parallel.finish
    monkeypatch.setattr(parallel, "finish", lambda share: delivered.append(real(share)) or delivered[-1])
    monkeypatch.chdir(tmp_path / "checkout")
    both = _read(path, monkeypatch, 100)
    assert delivered and delivered[0] is not None  # the worker did its part, with the caller's code
    assert both == _read(path, monkeypatch, 10**9)
