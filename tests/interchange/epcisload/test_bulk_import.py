"""A large first EPCIS import (the bulk path: indexes and PostgreSQL's foreign keys off around each insert, SQLite's
foreign keys checked once before the commit, edges written from the orders, the document read on two processes)
writes exactly what the row-by-row path writes."""

from __future__ import annotations

from sqlalchemy import select

from bench.bench_epcis import generate
from tests.interchange.plantdump import dump
from workbench.actions.imports import import_paths
from workbench.interchange.epcis import parallel
from workbench.interchange.epcisload import import_documents
from workbench.plant import LotEdge, bulk, open_plant, rebuild_edges
from workbench.plant import session as plant_session

EVENTS = 2_000


def _import(url: str, path, monkeypatch, big: bool):
    """``workbench import`` of the document, on the bulk path or the row path; the plant, the summary and how often
    the foreign keys were checked at the end."""
    monkeypatch.setattr(bulk, "BULK_THRESHOLD", 100 if big else 10**9)
    monkeypatch.setattr(parallel, "MIN_EVENTS", 500 if big else 10**9)
    monkeypatch.setattr(bulk, "KEYS_AT_END_BYTES", 1 if big else 1 << 62)
    checked = []
    monkeypatch.setattr(plant_session, "check_foreign_keys", lambda conn: checked.append(bulk.check_foreign_keys(conn)))
    plant = open_plant(url)
    try:
        outcome, _ = import_paths(plant, [path])
        assert outcome.epcis is not None
        return plant, outcome.epcis, len(checked)
    except BaseException:
        plant.dispose()
        raise


def _written(plant) -> dict[str, list[tuple]]:
    """The plant's tables, but for when the audit entry was made (its time, and its hash, which covers the time) and
    the edge change counter (whose start depends on what the database held before: emptying one for reuse raises it)."""
    tables = dump(plant)
    del tables["lot_edge_version"]
    tables["audit_entries"] = [row[:1] + row[2:-1] for row in tables["audit_entries"]]
    return tables


def test_the_bulk_path_writes_what_the_row_path_writes(db_factory, tmp_path, monkeypatch):
    path = tmp_path / "chain.jsonld"
    generate(path, EVENTS)
    fast, summary, checked_at_end = _import(db_factory.empty_url(), path, monkeypatch, big=True)
    slow, _, checked_row_by_row = _import(db_factory.empty_url(), path, monkeypatch, big=False)
    try:
        assert summary.new_events == EVENTS and summary.counts.orders == EVENTS // 10
        assert (checked_at_end, checked_row_by_row) == ((1, 0) if db_factory.backend == "sqlite" else (0, 0))
        assert _written(fast) == _written(slow)
        # The edges written from the orders are the edges rebuild_edges derives from consumptions and outputs.
        with fast.Session.begin() as s:
            written = sorted(s.execute(select(LotEdge.__table__)).all())
            rebuild_edges(s)
            assert sorted(s.execute(select(LotEdge.__table__)).all()) == written
            assert len(written) == 3 * EVENTS // 10
        with fast.Session.begin() as s:  # and importing again changes nothing
            again = import_documents(s, [path])
        assert again.new_events == 0 and again.present == EVENTS
    finally:
        fast.dispose()
        slow.dispose()
