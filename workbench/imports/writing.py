"""Writes a checked ``Plan`` in the caller's transaction, in bulk.

Ids of new items, vendors, customers, orders and lots are reserved up front (from the
PostgreSQL sequence, or above SQLite's current maximum inside its write transaction)
so that every row can be built with its foreign keys and written in one pass per
table. SQLite gets batched ``executemany``; PostgreSQL gets ``COPY ... FROM STDIN``
on the session's own connection (same transaction), the fastest way into it.
Values go through each column's own bind processor, so they are stored exactly as
the ORM stores them (quantities as millionths, date-times in SQLAlchemy's format).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from workbench.imports.checking import Plan
from workbench.imports.format import QUANTITY_DECIMALS
from workbench.models import (
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
    rebuild_edges,
)
from workbench.models.types import Quantity, UTCDateTime

BATCH = 10_000

#: ``progress(fraction, message)``, the convention of ``workbench.progress``.
Progress = Callable[[float, str], None]


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

    def insert(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        processors = [
            (i, p) for i, c in enumerate(columns) if (p := _fast_converter(table.c[c], self.dialect)) is not None
        ]

        def processed(batch_rows):
            for row in batch_rows:
                if processors:
                    row = list(row)
                    for i, p in processors:
                        if row[i] is not None:
                            row[i] = p(row[i])
                yield row

        names = ", ".join(columns)
        count = 0
        if self.dialect.name == "postgresql":
            raw = self.connection.connection.driver_connection
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                    for row in processed(rows):
                        copy.write_row(row)
                        count += 1
            return count
        sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})"
        cursor = self.connection.connection.driver_connection.cursor()
        try:
            batch: list = []
            for row in processed(rows):
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        finally:
            cursor.close()
        return count


def write_plan(session: Session, plan: Plan, progress: Progress | None = None) -> set[int]:
    """Insert every new row of ``plan``; returns the ids of orders whose genealogy changed."""
    say = progress or (lambda _fraction, _message: None)
    w = BulkWriter(session)

    item_ids = plan.item_ids
    item_ids.update(zip((r.item for r in plan.items), w.reserve_ids(Item.__table__, len(plan.items))))
    say(0.55, "Writing items, vendors and customers")
    w.insert(
        Item.__table__, ("id", "code", "name", "kind", "unit", "gtin", "shelf_life_days"),
        ((item_ids[r.item], r.item, r.name, r.kind, r.unit, r.gtin, r.shelf_life_days) for r in plan.items),
    )
    for model, rows, ids, attr in (
        (Vendor, plan.vendors, plan.vendor_ids, "vendor"),
        (Customer, plan.customers, plan.customer_ids, "customer"),
    ):
        ids.update(zip((getattr(r, attr) for r in rows), w.reserve_ids(model.__table__, len(rows))))
        w.insert(
            model.__table__, ("id", "code", "name", "contact", "email", "phone", "address"),
            ((ids[getattr(r, attr)], getattr(r, attr), r.name, r.contact, r.email, r.phone, r.address) for r in rows),
        )

    say(0.6, "Writing orders")
    order_ids = plan.order_ids
    order_ids.update(zip((r.order for r in plan.orders), w.reserve_ids(ProductionOrder.__table__, len(plan.orders))))
    w.insert(
        ProductionOrder.__table__, ("id", "code", "item_id", "started_at", "finished_at"),
        ((order_ids[r.order], r.order, item_ids[r.item], r.started_at, r.finished_at) for r in plan.orders),
    )

    say(0.62, "Writing lots")
    lot_ids = plan.lot_ids
    lot_ids.update(zip(((n.item, n.code) for n in plan.lots), w.reserve_ids(Lot.__table__, len(plan.lots))))
    w.insert(
        Lot.__table__, ("id", "item_id", "code", "vendor_lot", "quantity", "created_at", "expires_at", "origin"),
        (
            (lot_ids[(n.item, n.code)], item_ids[n.item], n.code, n.vendor_lot, n.quantity, n.created_at,
             n.expires_at, n.origin)
            for n in plan.lots
        ),
    )
    say(0.68, "Writing receipts")
    vendor_ids = plan.vendor_ids
    w.insert(
        Receipt.__table__, ("code", "received_at", "vendor_id", "po", "lot_id", "vendor_lot", "quantity"),
        (
            (r.receipt, r.received_at, vendor_ids[r.vendor], r.po, lot_ids[(r.item, r.lot)], r.vendor_lot, r.quantity)
            for r in plan.receipts
        ),
    )
    say(0.7, "Writing operations")
    w.insert(
        Operation.__table__, ("order_id", "step", "machine", "operator", "started_at", "finished_at"),
        ((order_ids[r.order], r.step, r.machine, r.operator, r.started_at, r.finished_at) for r in plan.operations),
    )
    say(0.72, "Writing consumptions and outputs")
    w.insert(
        Consumption.__table__, ("order_id", "lot_id", "quantity", "consumed_at"),
        ((order_ids[r.order], lot_ids[(r.item, r.lot)], r.quantity, r.consumed_at) for r in plan.consumptions),
    )
    w.insert(
        Output.__table__, ("order_id", "lot_id", "quantity"),
        ((order_ids[order], lot_ids[(item, lot)], quantity) for order, item, lot, quantity in plan.outputs),
    )
    say(0.82, "Writing shipments and returns")
    customer_ids = plan.customer_ids
    w.insert(
        Shipment.__table__, ("code", "shipped_at", "customer_id", "order_ref", "lot_id", "quantity"),
        (
            (r.shipment, r.shipped_at, customer_ids[r.customer], r.order_ref, lot_ids[(r.item, r.lot)], r.quantity)
            for r in plan.shipments
        ),
    )
    w.insert(
        Return.__table__, ("rma", "received_at", "customer_id", "lot_id", "quantity", "reason"),
        (
            (r.rma, r.received_at, customer_ids[r.customer], lot_ids[(r.item, r.lot)], r.quantity, r.reason)
            for r in plan.returns
        ),
    )

    touched = {order_ids[r.order] for r in plan.consumptions} | {order_ids[o[0]] for o in plan.outputs}
    if touched:
        say(0.86, "Rebuilding the lot genealogy")
        total = session.execute(select(func.count()).select_from(ProductionOrder)).scalar_one()
        # One statement for the whole plant beats chunks when the bundle touched it all.
        rebuild_edges(session, order_ids=None if len(touched) == total else touched)
    return touched
