"""The one bulk writer: many rows into one table on the session's own connection.

SQLite gets batched ``executemany``; PostgreSQL gets ``COPY ... FROM STDIN`` (same
transaction), the fastest way into it. Values go through each column's own bind processor,
so they are stored exactly as the ORM stores them (quantities as millionths, date-times in
SQLAlchemy's format). The CSV-bundle import and the demo generator both write through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Column, Connection, Dialect, FromClause, Table, func, select, text
from sqlalchemy.orm import Session

from workbench.plant.types import QUANTITY_SCALE, Quantity, UTCDateTime

QUANTITY_DECIMALS = len(str(QUANTITY_SCALE)) - 1

#: Rows below which ``bulk_load`` leaves a table's indexes and keys alone.
BULK_THRESHOLD = 5_000

#: A table as the models hand it out (``Model.__table__`` is typed as a ``FromClause``).
TableLike = Table | FromClause

_PROBES = {"datetime": datetime(2026, 3, 2, 6, 30, 15, 250), "quantity": Decimal("1234.5")}


def _table(table: TableLike) -> Table:
    return cast(Table, table)


def _fast_converter(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column's bind processor, or an equivalent faster function.

    A quantity becomes whole millionths; on SQLite a date-time becomes the text
    SQLAlchemy itself stores. Each shortcut is checked against the real processor
    once, so a change in SQLAlchemy's storage format cannot slip past unnoticed.
    """
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    if processor is None:
        return None
    if isinstance(column.type, Quantity):
        fast: Any = lambda d: int(d.scaleb(QUANTITY_DECIMALS))
        probe: Any = _PROBES["quantity"]
    elif isinstance(column.type, UTCDateTime) and dialect.name == "sqlite":
        fast, probe = (lambda t: t.isoformat(" ", "microseconds")), _PROBES["datetime"]
    elif isinstance(column.type, UTCDateTime):
        probe = _PROBES["datetime"]  # naive already: nothing to do
        return None if processor(probe) == probe else processor
    else:
        return processor
    return fast if fast(probe) == processor(probe) else processor


class BulkWriter:
    """Inserts tuples into one table at a time on the session's connection."""

    def __init__(self, session: Session):
        self.session = session
        self.connection = session.connection()
        self.dialect = self.connection.dialect

    def reserve_ids(self, table: TableLike, n: int) -> list[int]:
        """``n`` fresh primary keys for ``table``."""
        if n == 0:
            return []
        if self.dialect.name == "postgresql":
            # The sequence is named once, and the ids come back on the driver's cursor in one fetch: at a
            # million ids, SQLAlchemy rows cost more than the server's nextval calls.
            sequence = self.connection.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                               {"t": _table(table).name}).scalar_one()
            raw: Any = self.connection.connection.driver_connection
            with raw.cursor() as cursor:
                cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", (sequence, n))
                return sorted(r[0] for r in cursor.fetchall())
        top = self.connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        return list(range(top + 1, top + n + 1))

    def insert(self, table_like: TableLike, columns: Mapping[str, Sequence[object]]) -> int:
        """Insert rows given column by column (``{"code": [...], "quantity": [...]}``).

        Columns rather than rows: each column is converted in one comprehension,
        which is much cheaper in Python than converting values row by row.
        """
        table = _table(table_like)
        names = list(columns)
        data: list[Sequence[object]] = []
        for name, values in columns.items():
            convert = _fast_converter(table.c[name], self.dialect)
            data.append(values if convert is None else [None if v is None else convert(v) for v in values])
        count = len(data[0]) if data else 0
        if count == 0:
            return 0
        listed = ", ".join(names)
        if self.dialect.name == "postgresql":
            raw: Any = self.connection.connection.driver_connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({listed}) FROM STDIN") as copy:
                for row in zip(*data, strict=False):
                    copy.write_row(row)
            return count
        driver: Any = self.connection.connection.driver_connection
        cursor = driver.cursor()
        try:
            cursor.executemany(
                f"INSERT INTO {table.name} ({listed}) VALUES ({', '.join('?' * len(names))})", zip(*data, strict=False)
            )
        finally:
            cursor.close()
        return count

    def load(self, table: TableLike, columns: Mapping[str, Sequence[object]]) -> int:
        """``insert``, with the table's secondary indexes (and PostgreSQL foreign keys) taken off for it and rebuilt
        once after it when it at least doubles the table (``bulk_load``); only around this insert, so look-ups
        before and after it stay indexed."""
        rows = len(next(iter(columns.values()), ()))
        with bulk_load(self.session, {table: rows}):
            return self.insert(table, columns)

    def insert_rows(self, table: TableLike, rows: Sequence[Mapping[str, object]]) -> int:
        """Insert row dicts (every row with the same keys)."""
        if not rows:
            return 0
        return self.insert(table, {name: [r[name] for r in rows] for name in rows[0]})

    def advance_sequences(self, tables: list[TableLike]) -> None:
        """Move PostgreSQL's id sequences past ids the caller chose itself (no-op on SQLite)."""
        if self.dialect.name != "postgresql":
            return
        for table in map(_table, tables):
            top = self.connection.execute(select(func.max(table.c.id))).scalar()
            if top is not None:
                self.connection.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                                        {"t": table.name, "v": top})


@dataclass
class _Deferred:
    """What ``bulk_load`` took off a table and puts back: ``(name, statement)`` pairs."""

    indexes: list[tuple[str, str]] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # table, name, definition


def _existing_rows(connection: Connection, table: Table, bound: int) -> int:
    """Rows already in ``table``, counted only up to ``bound`` (a cheap question at any size)."""
    return int(connection.execute(
        text(f"SELECT count(*) FROM (SELECT 1 FROM {table.name} LIMIT :n) AS probe"), {"n": bound}
    ).scalar_one())


def _deferrable(connection: Connection, table: Table, adding: int) -> bool:
    """Whether rebuilding ``table``'s indexes after the load beats maintaining them row by row:
    when the load brings at least as many rows as the table holds (an empty plant, a first import)."""
    return adding >= BULK_THRESHOLD and _existing_rows(connection, table, adding) < adding


def _take_off_postgresql(connection: Connection, table: Table, deferred: _Deferred) -> None:
    indexes = connection.execute(text(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = CAST(:t AS regclass) AND NOT i.indisunique AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
    ), {"t": table.name}).all()
    keys = connection.execute(text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f' ORDER BY conname"
    ), {"t": table.name}).all()
    for name, definition in keys:
        connection.execute(text(f'ALTER TABLE {table.name} DROP CONSTRAINT "{name}"'))
        deferred.foreign_keys.append((table.name, name, definition))
    for name, definition in indexes:
        connection.execute(text(f'DROP INDEX "{name}"'))
        deferred.indexes.append((name, definition))


def _take_off_sqlite(connection: Connection, table: Table, deferred: _Deferred) -> None:
    # Indexes that UNIQUE constraints made (sql IS NULL) stay: they keep the load honest.
    rows = connection.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL "
        "AND sql NOT LIKE 'CREATE UNIQUE%'"
    ), {"t": table.name}).all()
    for name, definition in rows:
        connection.execute(text(f'DROP INDEX "{name}"'))
        deferred.indexes.append((name, definition))


#: SQLite's page cache during a large load, in KiB (SQLite takes the memory only as pages are used).
LOAD_CACHE_KIB = 1 << 20


@contextmanager
def roomy_cache(session: Session) -> Iterator[None]:
    """On SQLite, a page cache that holds the unique indexes a large load grows at random places (event references,
    event hashes): with the usual 64 MiB, such an index reads pages back from the file row after row. Set back after.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


@contextmanager
def bulk_load(session: Session, tables: Mapping[TableLike, int]) -> Iterator[None]:
    """Load ``tables`` (each with the number of rows about to go in) with their secondary
    indexes, and on PostgreSQL their foreign keys, taken off and put back at the end.

    Only a table the load at least doubles is touched: rebuilding an index in one sort
    beats updating it row by row then, and re-adding a foreign key validates every row in
    one set-wise join instead of one trigger query per row. Everything happens in the
    caller's transaction (DDL is transactional on both databases), so a failed load leaves
    the schema as it was; an invalid reference still fails the load, when the key is re-added.
    PostgreSQL holds the loaded tables locked against readers until the commit.
    """
    connection = session.connection()
    name = connection.dialect.name
    if name not in ("postgresql", "sqlite"):
        yield
        return
    deferred = _Deferred()
    take_off = _take_off_postgresql if name == "postgresql" else _take_off_sqlite
    for table_like, adding in tables.items():
        table = _table(table_like)
        if _deferrable(connection, table, adding):
            take_off(connection, table, deferred)
    yield
    if name == "postgresql" and deferred.indexes:
        connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    for _name, definition in deferred.indexes:
        connection.execute(text(definition))
    for table_name, key, definition in deferred.foreign_keys:
        connection.execute(text(f'ALTER TABLE {table_name} ADD CONSTRAINT "{key}" {definition}'))
