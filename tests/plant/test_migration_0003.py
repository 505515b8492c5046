"""Migration 0003 (the supply chain): the migrated schema is the models' schema, and a plant
written under schema 0002 keeps every trace, recall and row when upgraded."""

from __future__ import annotations

import random

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, column, create_engine, func, inspect, select, text
from sqlalchemy import table as sa_table
from sqlalchemy.pool import NullPool

from workbench.demo import INCIDENT
from workbench.plant import Base, Customer, Lot, Party, Vendor, open_plant, upgrade_plant
from workbench.plant.lookup import find_lot
from workbench.plant.session import alembic_config, head_revision
from workbench.recall.engine import recall
from workbench.trace.genealogy import trace


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrated_schema_is_the_models_schema(plant):
    with plant.engine.connect() as conn:
        # The line indexes are expressions (coalesce(container_id, 0)), which reflection skips: named here.
        names = inspect(conn).get_indexes("shipments") + inspect(conn).get_indexes("receipts")
        if plant.engine.dialect.name == "sqlite":
            names = [{"name": n} for n in conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index'"))]
        assert {"uq_shipments_line", "uq_receipts_line"} <= {i["name"] for i in names}
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    if plant.engine.dialect.name == "sqlite":
        # SQLite does not enforce VARCHAR lengths; the widening to 255 is done on PostgreSQL only.
        assert {d[0][0] for d in diffs if isinstance(d, list)} <= {"modify_type"}
        assert all(d[0][5].length == 64 and d[0][6].length == 255 for d in diffs)
    else:
        assert diffs == []


def _copy_into_0002(source, url: str, revision: str = "0002") -> None:
    """The demo plant as a 0002 database: the 0002 tables filled with the same rows, but for
    those 0002 could not hold (the demo's transfers between its two sites have no vendor or
    customer). With ``revision`` "head", the same rows in a database of today's schema."""
    target = create_engine(url, poolclass=NullPool)
    with target.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
    old = MetaData()
    old.reflect(target)
    if revision != "0002":
        with target.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
    with source.engine.connect() as src, target.begin() as dst:
        for table in old.sorted_tables:
            if table.name == "alembic_version":
                continue
            columns = [c.name for c in table.columns]
            required = [c.name for c in table.columns if not c.nullable and not c.primary_key]
            raw = sa_table(table.name, *(column(c) for c in columns))  # raw values, no type conversion
            stmt = select(*raw.c).where(*(raw.c[c].is_not(None) for c in required))
            rows = [dict(zip(columns, r, strict=True)) for r in src.execute(stmt)]
            if rows:
                dst.execute(raw.insert(), rows)
    target.dispose()


def _shape(g):
    return (g.roots, sorted(g.nodes.items()), sorted(map(repr, g.edges)))


def test_upgrade_from_0002_keeps_every_trace_and_the_recall(demo_plant, db_factory):
    url, same = db_factory.blank_url(), db_factory.blank_url()
    _copy_into_0002(demo_plant, url)
    _copy_into_0002(demo_plant, same, "head")  # the same rows, never upgraded: what to compare with
    assert f"upgraded to schema {head_revision()}" in upgrade_plant(url)  # 0003 and every migration after it
    upgraded, original = open_plant(url), open_plant(same)
    try:
        with original.Session() as before, upgraded.Session() as after:
            lot_ids = sorted(before.scalars(select(Lot.id)))
            sample = random.Random(3).sample(lot_ids, 40)
            for lot_id in sample:
                for direction in ("forward", "backward"):
                    assert _shape(trace(after, lot_id, direction)) == _shape(trace(before, lot_id, direction))
            root = find_lot(before, INCIDENT.lot, INCIDENT.item)
            a, b = recall(before, [root], now=INCIDENT.received_at), recall(after, [root], now=INCIDENT.received_at)
            assert (a.affected, a.customers, a.reconciliation, a.totals) == (b.affected, b.customers,
                                                                            b.reconciliation, b.totals)
            # Every vendor and customer is a party; a vendor and a customer of one code are one party.
            codes = set(after.scalars(select(Vendor.code))) | set(after.scalars(select(Customer.code)))
            assert set(after.scalars(select(Party.code))) == codes
            assert after.scalar(select(func.count()).where(Vendor.party_id.is_(None))) == 0
            assert after.scalar(select(func.count()).where(Customer.party_id.is_(None))) == 0
            named = after.execute(select(Vendor.code, Party.code).join(Party, Party.id == Vendor.party_id)).all()
            assert all(v == p for v, p in named)
    finally:
        upgraded.dispose()
        original.dispose()
