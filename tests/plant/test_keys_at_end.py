"""``write_session(incoming_bytes=…)``: a write large against the plant has SQLite check its foreign keys once,
before the commit, instead of row by row; a broken reference still refuses the whole, and every connection
goes back to the pool enforcing its keys again."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from workbench.errors import WorkbenchError
from workbench.plant import Consumption, Item, bulk, open_plant
from workbench.plant.bulk import KEYS_AT_END_BYTES, BulkWriter
from workbench.plant.session import write_session

LARGE = 1 << 40  # bytes of input: far larger than any empty plant


def _enforced(session_or_conn) -> int:
    return session_or_conn.execute(text("PRAGMA foreign_keys")).scalar_one()


def _pooled_connections_enforce(plant) -> None:
    for _ in range(3):
        with plant.engine.connect() as conn:
            assert _enforced(conn) == 1


def _item(session) -> None:
    BulkWriter(session).insert(Item.__table__, {"id": [1], "code": ["RM-1"], "name": ["Flour"], "kind": ["material"],
                                                "unit": ["kg"]})


def _broken_consumption(session) -> None:
    BulkWriter(session).insert(Consumption.__table__, {"order_id": [999], "lot_id": [999], "quantity": [Decimal(1)]})


def _items(plant) -> int:
    with plant.Session() as s:
        return s.execute(select(func.count()).select_from(Item)).scalar_one()


def test_a_large_write_into_a_small_plant_checks_its_keys_at_the_end(plant, backend):
    with write_session(plant, incoming_bytes=LARGE) as s:
        if backend == "sqlite":
            assert _enforced(s) == 0
        _item(s)
    assert _items(plant) == 1
    if backend == "sqlite":
        _pooled_connections_enforce(plant)


def test_a_broken_reference_still_refuses_the_whole_write(plant, backend):
    expected = (WorkbenchError,) if backend == "sqlite" else (IntegrityError, psycopg.IntegrityError)
    with pytest.raises(expected) as refused, write_session(plant, incoming_bytes=LARGE) as s:
        _item(s)
        _broken_consumption(s)
    if backend == "sqlite":
        assert str(refused.value) == ("The write would leave 2 row(s) referring to rows that do not exist (the first: "
                                      "row 1 of consumptions, referring to production_orders); nothing was written.")
        _pooled_connections_enforce(plant)
    assert _items(plant) == 0


@pytest.fixture
def sqlite_plant(tmp_path):
    """SQLite's switch alone: PostgreSQL's keys are never switched off for a session (``bulk_load`` drops and
    re-adds them, tested in ``test_bulk_load``)."""
    p = open_plant(f"sqlite:///{tmp_path / 'plant.sqlite'}", create=True)
    yield p
    p.dispose()


@pytest.mark.parametrize("commit", [True, False])
def test_keys_are_enforced_again_after_an_error_or_a_dry_run(sqlite_plant, commit):
    plant = sqlite_plant
    with pytest.raises(RuntimeError), write_session(plant, commit=commit, incoming_bytes=LARGE) as s:
        _item(s)
        raise RuntimeError("a failure half-way")
    assert _items(plant) == 0
    _pooled_connections_enforce(plant)
    with write_session(plant, commit=False, incoming_bytes=LARGE) as s:
        _item(s)
    assert _items(plant) == 0
    _pooled_connections_enforce(plant)


def test_a_small_write_or_a_large_plant_keeps_checking_row_by_row(sqlite_plant, monkeypatch):
    plant = sqlite_plant
    with write_session(plant, incoming_bytes=KEYS_AT_END_BYTES - 1) as s:
        assert _enforced(s) == 1
    monkeypatch.setattr(bulk, "KEYS_AT_END_BYTES", 1)
    with write_session(plant, incoming_bytes=1024) as s:  # the empty plant's schema alone is larger than 2 KiB
        assert _enforced(s) == 1
        with pytest.raises(sqlite3.IntegrityError):
            _broken_consumption(s)
