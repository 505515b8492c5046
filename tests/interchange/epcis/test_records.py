"""The EPCIS records (``records.record``) are built by ``fast_init`` exactly as ``dataclass`` builds them (same
signature, defaults, equality, hash, still frozen), and pickle as their class and field values
(``pickled_by_fields``): what the reading worker hands back is the very event it built, every field included
(also those equality leaves out)."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from dataclasses import dataclass, field

import pytest

from tests.interchange.epcis.paths import GS1, OPENEPCIS, REAL, documents
from workbench.interchange.epcis import identifiers, model, plan
from workbench.interchange.epcis.faults import EpcisReadFailed
from workbench.interchange.epcis.read import read_document
from workbench.interchange.epcis.records import fast_init, pickled_by_fields, record


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
    return [c for m in (model, identifiers, plan) for c in vars(m).values()
            if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == m.__name__
            and "__slots__" in vars(c) and c.__dataclass_params__.frozen]  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls", _slotted_records(), ids=lambda c: c.__name__)
def test_every_frozen_slotted_record_is_a_record(cls):
    assert "__reduce__" in vars(cls), f"{cls.__name__} lacks @record"
    assert "_set0" in cls.__init__.__globals__ or not dataclasses.fields(cls), f"{cls.__name__} lacks @record"


@dataclass(slots=True, frozen=True)
class _Plain:
    a: int
    b: str = "b"
    c: tuple[int, ...] = ()
    d: list[int] = field(default_factory=list, hash=False)
    e: int | None = field(default=None, compare=False)


@record
@dataclass(slots=True, frozen=True)
class _Fast:
    a: int
    b: str = "b"
    c: tuple[int, ...] = ()
    d: list[int] = field(default_factory=list, hash=False)
    e: int | None = field(default=None, compare=False)


@pytest.mark.parametrize("args, kwargs", [((1,), {}), ((1, "x"), {}), ((1,), {"c": (2, 3), "e": 5}),
                                          ((), {"a": 1, "d": [4], "b": "y"}), ((1, "x", (2,), [3], 4), {})])
def test_fast_init_builds_what_dataclass_builds(args, kwargs):
    plain, fast = _Plain(*args, **kwargs), _Fast(*args, **kwargs)
    assert dataclasses.astuple(plain) == dataclasses.astuple(fast)
    assert repr(plain).replace("_Plain", "_Fast") == repr(fast)
    assert hash(_Fast(*args, **kwargs)) == hash(fast) and _Fast(*args, **kwargs) == fast
    assert str(inspect.signature(_Plain)) == str(inspect.signature(_Fast))
    assert dataclasses.replace(fast, a=9) == _Fast(9, *dataclasses.astuple(fast)[1:])


def test_fast_init_keeps_the_record_frozen_and_its_factories_fresh():
    fast = _Fast(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.a = 2  # type: ignore[misc]
    assert fast.d == [] and _Fast(1).d is not fast.d
    with pytest.raises(TypeError):
        _Fast()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Fast(1, z=2)  # type: ignore[call-arg]


def test_fast_init_refuses_what_it_cannot_build():
    @dataclass(frozen=True)
    class Unslotted:
        a: int

    @dataclass(slots=True)
    class Unfrozen:
        a: int

    @dataclass(slots=True, frozen=True)
    class Posted:
        a: int

        def __post_init__(self) -> None:
            pass

    @dataclass(slots=True, frozen=True)
    class WithInitVar:
        a: int
        b: dataclasses.InitVar[int]

    for cls, message in ((Unslotted, "slots=True, frozen=True"), (Unfrozen, "slots=True, frozen=True"),
                         (Posted, "__post_init__"), (WithInitVar, "InitVar")):
        with pytest.raises(TypeError, match=message):
            fast_init(cls)


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
