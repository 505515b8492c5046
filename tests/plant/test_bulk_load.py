"""``bulk_load``: a big load into an empty table rebuilds its indexes (and PostgreSQL's
foreign keys) once at the end, and leaves the schema exactly as it found it."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from workbench.plant import Consumption, Item, Lot, ProductionOrder
from workbench.plant.bulk import BULK_THRESHOLD, BulkWriter, bulk_load


def _schema(session, table: str) -> set[str]:
    """Index and foreign-key definitions of ``table``."""
    if session.get_bind().dialect.name == "sqlite":
        rows = session.execute(text("SELECT name, sql FROM sqlite_master WHERE tbl_name = :t AND type = 'index'"),
                               {"t": table}).all()
        keys = session.execute(text(f"PRAGMA foreign_key_list({table})")).all()
        return {f"{n} {s}" for n, s in rows} | {f"fk {k[2]}.{k[3]}" for k in keys}
    rows = session.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t"), {"t": table}).all()
    keys = session.execute(text("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                                "WHERE conrelid = CAST(:t AS regclass)"), {"t": table}).all()
    return {f"{n} {s}" for n, s in rows} | {f"{n} {s}" for n, s in keys}


def _order(session) -> tuple[int, int]:
    w = BulkWriter(session)
    w.insert(Item.__table__, {"id": [1], "code": ["RM-1"], "name": ["Flour"], "kind": ["material"], "unit": ["kg"]})
    w.insert(ProductionOrder.__table__, {"id": [1], "code": ["MO-1"], "item_id": [1]})
    w.insert(Lot.__table__, {"id": [1], "item_id": [1], "code": ["L1"], "quantity": [Decimal(1)],
                           "origin": ["receipt"]})
    return 1, 1


def _consume(session, n: int, lot: int = 1) -> None:
    BulkWriter(session).insert(Consumption.__table__, {"order_id": [1] * n, "lot_id": [lot] * n,
                                                       "quantity": [Decimal(1)] * n})


def test_a_load_into_an_empty_table_rebuilds_its_indexes_at_the_end(session):
    _order(session)
    before = _schema(session, "consumptions")
    with bulk_load(session, {Consumption.__table__: BULK_THRESHOLD}):
        during = _schema(session, "consumptions")
        _consume(session, BULK_THRESHOLD)
    assert _schema(session, "consumptions") == before
    assert not any("ix_consumptions_lot_id" in d for d in during)
    if session.get_bind().dialect.name == "postgresql":
        assert not any("FOREIGN KEY" in d for d in during)
    plan = session.execute(text("SELECT count(*) FROM consumptions WHERE lot_id = 1")).scalar_one()
    assert plan == BULK_THRESHOLD


def test_a_table_that_already_holds_as_many_rows_keeps_its_indexes(session):
    _order(session)
    _consume(session, 10)
    before = _schema(session, "consumptions")
    with bulk_load(session, {Consumption.__table__: 10}):
        assert _schema(session, "consumptions") == before
    with bulk_load(session, {Consumption.__table__: BULK_THRESHOLD}):  # holds fewer: rebuilt
        assert _schema(session, "consumptions") != before
    assert _schema(session, "consumptions") == before


def test_a_bad_reference_still_fails_the_load(session):
    """SQLite keeps checking each row; PostgreSQL checks all of them when the key is re-added."""
    _order(session)
    with pytest.raises((IntegrityError, sqlite3.IntegrityError)), bulk_load(session, {Consumption.__table__: BULK_THRESHOLD}):
        _consume(session, BULK_THRESHOLD, lot=999)
