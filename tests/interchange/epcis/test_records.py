"""The EPCIS records pickle as their class and field values (``records.pickled_by_fields``): what the reading
worker hands back is the very event it built, every field included (also those equality leaves out)."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from tests.interchange.epcis.paths import GS1, OPENEPCIS, REAL, documents
from workbench.interchange.epcis import identifiers, model
from workbench.interchange.epcis.faults import EpcisReadFailed
from workbench.interchange.epcis.read import read_document
from workbench.interchange.epcis.records import pickled_by_fields


def _fields(record: object) -> tuple:
    """Every field's value, records inside compared the same way (equality skips ``where``, ``index``, ``raw``)."""
    def value(v: object) -> object:
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            return (type(v), _fields(v))
        if isinstance(v, tuple | list):
            return tuple(value(x) for x in v)
        return v
    return tuple(value(getattr(record, f.name)) for f in dataclasses.fields(record))  # type: ignore[arg-type]


def _slotted_records() -> list[type]:
    return [c for m in (model, identifiers) for c in vars(m).values()
            if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == m.__name__
            and "__slots__" in vars(c)]


@pytest.mark.parametrize("cls", _slotted_records(), ids=lambda c: c.__name__)
def test_every_slotted_record_pickles_by_its_fields(cls):
    assert "__reduce__" in vars(cls), f"{cls.__name__} lacks @pickled_by_fields"


def test_real_and_example_events_come_back_whole():
    seen = 0
    for path in documents(GS1) + documents(OPENEPCIS) + documents(REAL):
        try:
            document = read_document(path)
        except EpcisReadFailed:
            continue
        events = document.events
        back = pickle.loads(pickle.dumps(events, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == events, path
        assert [_fields(e) for e in back] == [_fields(e) for e in events], path
        seen += len(events)
    assert seen > 200  # the examples hold a few hundred events between them


def test_a_shared_identifier_stays_shared():
    ident = identifiers.parse_identifier("urn:epc:class:lgtin:0614141.011111.L1")
    one, two = pickle.loads(pickle.dumps([ident, ident]))
    assert one is two and one == ident and one.raw == ident.raw


def test_a_record_with_a_field_not_given_by_position_is_refused():
    @dataclass(slots=True, frozen=True)
    class Later:
        a: int
        b: int = field(init=False, default=0)

    @dataclass(slots=True, frozen=True, kw_only=True)
    class Named:
        a: int

    for cls in (Later, Named):
        with pytest.raises(TypeError, match="by position"):
            pickled_by_fields(cls)


def test_a_one_field_record_pickles():
    @pickled_by_fields
    @dataclass(slots=True, frozen=True)
    class One:
        a: tuple[int, ...]

    globals()["One"] = One  # pickle finds classes by module and name
    One.__qualname__ = "One"
    assert pickle.loads(pickle.dumps(One((1, 2)))) == One((1, 2))
