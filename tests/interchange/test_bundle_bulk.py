"""A first import big enough for the bulk path (``bulk_load``): indexes and PostgreSQL's
foreign keys taken off and rebuilt in the import's transaction, schema unchanged after it,
and a re-import still idempotent."""

from __future__ import annotations

from sqlalchemy import text

from bench.bench_import import generate_bundle
from workbench.interchange.bundle import import_bundle
from workbench.plant.bulk import BULK_THRESHOLD


def _schema(session) -> set[str]:
    if session.get_bind().dialect.name == "sqlite":
        return set(session.execute(text("SELECT name || ' ' || coalesce(sql, '') FROM sqlite_master "
                                            "WHERE name NOT LIKE 'sqlite_stat%'")).scalars())
    return set(session.execute(text(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' UNION ALL "
        "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = 'public'::regnamespace")).scalars())


def test_a_big_first_import_goes_through_the_bulk_path_and_leaves_the_schema_as_it_was(plant, tmp_path):
    counts = generate_bundle(tmp_path, scale=0.03)
    assert counts["consumptions.csv"] >= BULK_THRESHOLD  # big enough to take the bulk path
    with plant.Session() as s:
        before = _schema(s)
    with plant.Session.begin() as s:
        summary = import_bundle(s, tmp_path)
    assert summary.inserted == sum(counts.values())
    with plant.Session.begin() as s:
        again = import_bundle(s, tmp_path)
        assert _schema(s) == before
        edges = s.execute(text("SELECT count(*) FROM lot_edges")).scalar_one()
        orphans = s.execute(text("SELECT count(*) FROM lot_edges e LEFT JOIN lots l ON l.id = e.child_lot_id "
                                 "WHERE l.id IS NULL")).scalar_one()
    assert again.inserted == 0 and again.present == summary.inserted
    assert edges > 0 and orphans == 0
