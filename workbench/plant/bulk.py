"""The one bulk writer: many rows into one table on the session's own connection.

SQLite gets batched ``executemany``; PostgreSQL gets ``COPY ... FROM STDIN`` (same
transaction), the fastest way into it. Values go through each column's own bind processor,
so they are stored exactly as the ORM stores them (quantities as millionths, date-times in
SQLAlchemy's format). The CSV-bundle import and the demo generator both write through it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from workbench.plant.types import QUANTITY_SCALE, Quantity, UTCDateTime

QUANTITY_DECIMALS = len(str(QUANTITY_SCALE)) - 1

_PROBES = {"datetime": datetime(2026, 3, 2, 6, 30, 15, 250), "quantity": Decimal("1234.5")}


def _fast_converter(column, dialect):
    """The column's bind processor, or an equivalent faster function.

    A quantity becomes whole millionths; on SQLite a date-time becomes the text
    SQLAlchemy itself stores. Each shortcut is checked against the real processor
    once, so a change in SQLAlchemy's storage format cannot slip past unnoticed.
    """
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    if processor is None:
        return None
    if isinstance(column.type, Quantity):
        fast, probe = (lambda d: int(d.scaleb(QUANTITY_DECIMALS))), _PROBES["quantity"]
    elif isinstance(column.type, UTCDateTime) and dialect.name == "sqlite":
        fast, probe = (lambda t: t.isoformat(" ", "microseconds")), _PROBES["datetime"]
    elif isinstance(column.type, UTCDateTime):
        fast, probe = None, _PROBES["datetime"]  # naive already: nothing to do
        return None if processor(probe) == probe else processor
    else:
        return processor
    return fast if fast(probe) == processor(probe) else processor


class BulkWriter:
    """Inserts tuples into one table at a time on the session's connection."""

    def __init__(self, session: Session):
        self.connection = session.connection()
        self.dialect = self.connection.dialect

    def reserve_ids(self, table: Table, n: int) -> list[int]:
        """``n`` fresh primary keys for ``table``."""
        if n == 0:
            return []
        if self.dialect.name == "postgresql":
            rows = self.connection.execute(
                text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                {"t": table.name, "n": n},
            )
            return sorted(r[0] for r in rows)
        top = self.connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        return list(range(top + 1, top + n + 1))

    def insert(self, table: Table, columns: dict[str, list]) -> int:
        """Insert rows given column by column (``{"code": [...], "quantity": [...]}``).

        Columns rather than rows: each column is converted in one comprehension,
        which is much cheaper in Python than converting values row by row.
        """
        names = list(columns)
        data = []
        for name, values in columns.items():
            convert = _fast_converter(table.c[name], self.dialect)
            data.append(values if convert is None else [None if v is None else convert(v) for v in values])
        count = len(data[0]) if data else 0
        if count == 0:
            return 0
        listed = ", ".join(names)
        if self.dialect.name == "postgresql":
            raw = self.connection.connection.driver_connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({listed}) FROM STDIN") as copy:
                for row in zip(*data, strict=False):
                    copy.write_row(row)
            return count
        cursor = self.connection.connection.driver_connection.cursor()
        try:
            cursor.executemany(
                f"INSERT INTO {table.name} ({listed}) VALUES ({', '.join('?' * len(names))})", zip(*data, strict=False)
            )
        finally:
            cursor.close()
        return count

    def insert_rows(self, table: Table, rows: list[dict]) -> int:
        """Insert row dicts (every row with the same keys)."""
        if not rows:
            return 0
        return self.insert(table, {name: [r[name] for r in rows] for name in rows[0]})

    def advance_sequences(self, tables: list[Table]) -> None:
        """Move PostgreSQL's id sequences past ids the caller chose itself (no-op on SQLite)."""
        if self.dialect.name != "postgresql":
            return
        for table in tables:
            top = self.connection.execute(select(func.max(table.c.id))).scalar()
            if top is not None:
                self.connection.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                                        {"t": table.name, "v": top})
