"""Where the generator's rows go: batched inserts, or nowhere (a dry run).

Ids are assigned by the generator, so rows can be written in plain batches with no
round trip per row. Every flush writes all tables in foreign-key order, so a row never
reaches the database before the rows it refers to.

Rows are converted by the columns' own bind processors (the ``Quantity`` and date-time
types, exactly as a Core insert would), then handed to the driver in bulk: SQLite's
``executemany``, PostgreSQL's ``COPY``. Measured at scale 10 (43,000 lots) against
``session.execute(insert(table), rows)``: a fifth less CPU on SQLite, and on PostgreSQL
2.3 times faster (its ``executemany`` pays per-row server round trips). ``core=True``
uses the plain Core insert (the tests check that both write the same rows).
"""

from __future__ import annotations

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from workbench.plant import (
    Consumption,
    Customer,
    Item,
    Lot,
    Operation,
    Output,
    ProductionOrder,
    Receipt,
    Return,
    Shipment,
    Vendor,
)

#: Tables the generator fills, parents before children.
TABLES = {
    "items": Item.__table__,
    "vendors": Vendor.__table__,
    "customers": Customer.__table__,
    "lots": Lot.__table__,
    "receipts": Receipt.__table__,
    "production_orders": ProductionOrder.__table__,
    "operations": Operation.__table__,
    "consumptions": Consumption.__table__,
    "outputs": Output.__table__,
    "shipments": Shipment.__table__,
    "returns": Return.__table__,
}

BATCH = 10_000


class Sink:
    """Collects rows per table and writes them in batches of about ``BATCH`` rows.

    With ``session=None`` rows are only counted: the generator runs as a dry run that
    yields the same ``DemoSummary`` without a database.
    """

    def __init__(self, session: Session | None, batch: int = BATCH, core: bool = False):
        self.session = session
        self.batch = batch
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLES}
        self.counts: dict[str, int] = dict.fromkeys(TABLES, 0)
        self._pending = 0
        self.dialect = session.get_bind().dialect if session is not None else None
        self.core = core or self.dialect is None or self.dialect.name not in (
            "sqlite", "postgresql")
        self._processors: dict[str, list] = {}

    def add(self, table: str, row: dict) -> None:
        self.counts[table] += 1
        if self.session is None:
            return
        self.rows[table].append(row)
        self._pending += 1
        if self._pending >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.session is None:
            return
        for name, table in TABLES.items():
            rows = self.rows[name]
            if rows:
                if self.core:
                    self.session.execute(insert(table), rows)
                else:
                    self._bulk(name, table, rows)
                self.rows[name] = []
        self._pending = 0

    def _bulk(self, name: str, table, rows: list[dict]) -> None:
        columns = list(rows[0])
        if name not in self._processors:
            self._processors[name] = [table.c[c].type.bind_processor(self.dialect)
                                      for c in columns]
        pairs = list(zip(columns, self._processors[name], strict=False))
        values = [tuple(p(r[c]) if p else r[c] for c, p in pairs) for r in rows]
        names = ", ".join(columns)
        connection = self.session.connection()
        if self.dialect.name == "postgresql":
            driver = connection.connection.driver_connection
            with driver.cursor() as cursor, cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            connection.exec_driver_sql(f"INSERT INTO {name} ({names}) VALUES ({marks})", values)

    def finish(self) -> None:
        """Write what is left and move PostgreSQL's id sequences past the ids used."""
        self.flush()
        if self.session is None:
            return
        if self.session.get_bind().dialect.name == "postgresql":
            for name, table in TABLES.items():
                top = self.session.execute(select(func.max(table.c.id))).scalar()
                if top is not None:
                    self.session.execute(
                        text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                        {"t": name, "v": top},
                    )
