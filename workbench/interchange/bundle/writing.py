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

from collections.abc import Callable

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from workbench.interchange.bundle.checking import Plan
from workbench.interchange.bundle.writing_chain import ChainWriter
from workbench.plant import (
    Consumption,
    Customer,
    Item,
    Lot,
    LotEdge,
    Operation,
    Output,
    ProductionOrder,
    Receipt,
    Return,
    Shipment,
    Vendor,
    rebuild_edges,
)
from workbench.plant.bulk import BulkWriter, bulk_load
from workbench.plant.parties import link_parties

#: ``progress(fraction, message)``, the convention of ``workbench.progress``.
Progress = Callable[[float, str], None]


def _column(rows: list, attribute: str) -> list:
    return [getattr(r, attribute) for r in rows]


def write_plan(session: Session, plan: Plan, progress: Progress | None = None) -> set[int]:
    """Insert every new row of ``plan``; returns the ids of orders whose genealogy changed.

    A load that at least doubles a table rebuilds that table's indexes (and on PostgreSQL
    re-validates its foreign keys) once at the end instead of row by row (``bulk_load``).
    """
    say = progress or (lambda _fraction, _message: None)
    sizes = {
        Item.__table__: len(plan.items), Vendor.__table__: len(plan.vendors),
        Customer.__table__: len(plan.customers), ProductionOrder.__table__: len(plan.orders),
        Lot.__table__: len(plan.lots), Receipt.__table__: len(plan.receipts),
        Operation.__table__: len(plan.operations), Consumption.__table__: len(plan.consumptions),
        Output.__table__: len(plan.outputs), Shipment.__table__: len(plan.shipments),
        Return.__table__: len(plan.returns), LotEdge.__table__: len(plan.consumptions),
    }
    with bulk_load(session, sizes):
        touched = _write(session, plan, say)
        say(0.9, "Indexing the new rows")
    return touched


def _write(session: Session, plan: Plan, say: Progress) -> set[int]:
    w = BulkWriter(session)
    col = _column
    chain = ChainWriter(session, w, plan, plan.chain) if plan.chain is not None else None

    def extra(table: str, rows) -> dict[str, list]:
        """The supply-chain columns of ``table`` (version 2; nothing for version 1)."""
        return chain.columns(table, rows) if chain is not None else {}

    say(0.55, "Writing items, vendors and customers")
    item_ids = plan.item_ids
    new_ids = w.reserve_ids(Item.__table__, len(plan.items))
    item_ids.update(zip(col(plan.items, "item"), new_ids, strict=False))
    w.insert(Item.__table__, {
        "id": new_ids, "code": col(plan.items, "item"), "name": col(plan.items, "name"),
        "kind": col(plan.items, "kind"), "unit": col(plan.items, "unit"), "gtin": col(plan.items, "gtin"),
        "shelf_life_days": col(plan.items, "shelf_life_days"),
    })
    if chain is not None:
        chain.masters(item_ids)
    for model, rows, ids, code in (
        (Vendor, plan.vendors, plan.vendor_ids, "vendor"),
        (Customer, plan.customers, plan.customer_ids, "customer"),
    ):
        new_ids = w.reserve_ids(model.__table__, len(rows))
        ids.update(zip(col(rows, code), new_ids, strict=False))
        w.insert(model.__table__, {
            "id": new_ids, "code": col(rows, code),
            **{c: col(rows, c) for c in ("name", "contact", "email", "phone", "address")},
            **({"party_id": chain.party_ids(rows)} if chain is not None else {}),
        })
    if chain is not None:
        chain.containers_and_events()

    say(0.6, "Writing orders")
    order_ids, orders = plan.order_ids, plan.orders
    new_ids = w.reserve_ids(ProductionOrder.__table__, len(orders))
    order_ids.update(zip(col(orders, "order"), new_ids, strict=False))
    w.insert(ProductionOrder.__table__, {
        "id": new_ids, "code": col(orders, "order"), "item_id": [item_ids[r.item] for r in orders],
        "started_at": col(orders, "started_at"), "finished_at": col(orders, "finished_at"),
        **extra("orders", orders),
    })

    say(0.62, "Writing lots")
    lot_ids, lots = plan.lot_ids, plan.lots
    new_ids = w.reserve_ids(Lot.__table__, len(lots))
    lot_ids.update(zip([(n.item, n.code) for n in lots], new_ids, strict=False))
    w.insert(Lot.__table__, {
        "id": new_ids, "item_id": [item_ids[n.item] for n in lots], "code": col(lots, "code"),
        "vendor_lot": col(lots, "vendor_lot"), "quantity": col(lots, "quantity"),
        "created_at": col(lots, "created_at"), "expires_at": col(lots, "expires_at"), "origin": col(lots, "origin"),
        **(chain.lot_columns(lots) if chain is not None else {}),
    })

    say(0.68, "Writing receipts")
    rows = plan.receipts
    w.insert(Receipt.__table__, {
        "code": col(rows, "receipt"), "received_at": col(rows, "received_at"),
        "vendor_id": [plan.vendor_ids[r.vendor] for r in rows], "po": col(rows, "po"),
        "lot_id": [lot_ids[(r.item, r.lot)] for r in rows], "vendor_lot": col(rows, "vendor_lot"),
        "quantity": col(rows, "quantity"), **extra("receipts", rows),
    })

    say(0.7, "Writing operations")
    rows = plan.operations
    w.insert(Operation.__table__, {
        "order_id": [order_ids[r.order] for r in rows],
        **{c: col(rows, c) for c in ("step", "machine", "operator", "started_at", "finished_at")},
    })

    say(0.72, "Writing consumptions and outputs")
    rows = plan.consumptions
    w.insert(Consumption.__table__, {
        "order_id": [order_ids[r.order] for r in rows], "lot_id": [lot_ids[(r.item, r.lot)] for r in rows],
        "quantity": col(rows, "quantity"), "consumed_at": col(rows, "consumed_at"), **extra("consumptions", rows),
    })
    outputs = plan.outputs
    w.insert(Output.__table__, {
        "order_id": [order_ids[o[0]] for o in outputs], "lot_id": [lot_ids[(o[1], o[2])] for o in outputs],
        "quantity": [o[3] for o in outputs], **extra("outputs", outputs),
    })

    say(0.82, "Writing shipments and returns")
    rows = plan.shipments
    w.insert(Shipment.__table__, {
        "code": col(rows, "shipment"), "shipped_at": col(rows, "shipped_at"),
        "customer_id": [plan.customer_ids[r.customer] for r in rows], "order_ref": col(rows, "order_ref"),
        "lot_id": [lot_ids[(r.item, r.lot)] for r in rows], "quantity": col(rows, "quantity"),
        **extra("shipments", rows),
    })
    if chain is not None:
        chain.transfers(lot_ids)
    rows = plan.returns
    w.insert(Return.__table__, {
        "rma": col(rows, "rma"), "received_at": col(rows, "received_at"),
        "customer_id": [plan.customer_ids[r.customer] for r in rows],
        "lot_id": [lot_ids[(r.item, r.lot)] for r in rows], "quantity": col(rows, "quantity"),
        "reason": col(rows, "reason"), **extra("returns", rows),
    })
    if chain is not None:
        say(0.84, "Writing packings, key data elements, events and retractions")
        chain.after(lot_ids)

    if w.dialect.name == "postgresql" and len(plan.lots) + len(plan.consumptions) + len(plan.shipments) > 10_000:
        # Fresh planner statistics: a table that was empty when last analysed would
        # otherwise be joined as if tiny (nested loops over a million rows) by the
        # genealogy rebuild and the mass balance that follow. ANALYZE samples, so it
        # is quick, and it runs inside this transaction.
        say(0.85, "Updating the planner's statistics")
        for table in (Lot, Receipt, ProductionOrder, Consumption, Output, Shipment, Return):
            session.execute(text(f"ANALYZE {table.__tablename__}"))

    link_parties(session)
    touched = {order_ids[r.order] for r in plan.consumptions} | {order_ids[o[0]] for o in outputs}
    if touched:
        say(0.86, "Rebuilding the lot genealogy")
        total = session.execute(select(func.count()).select_from(ProductionOrder)).scalar_one()
        # One statement for the whole plant beats chunks when the bundle touched it all.
        rebuild_edges(session, order_ids=None if len(touched) == total else touched)
    return touched
