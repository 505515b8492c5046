"""A large first EPCIS import (the bulk path: indexes and PostgreSQL's foreign keys off around each insert, edges
written from the orders, the document read on two processes) writes exactly what the row-by-row path writes."""

from __future__ import annotations

from sqlalchemy import select

from bench.bench_epcis import generate
from tests.interchange.plantdump import dump
from workbench.interchange.epcis import parallel
from workbench.interchange.epcisload import import_documents
from workbench.plant import LotEdge, bulk, open_plant, rebuild_edges

EVENTS = 2_000


def _import(url: str, path, monkeypatch, big: bool):
    monkeypatch.setattr(bulk, "BULK_THRESHOLD", 100 if big else 10**9)
    monkeypatch.setattr(parallel, "MIN_EVENTS", 500 if big else 10**9)
    plant = open_plant(url)
    try:
        with plant.Session.begin() as s:
            summary = import_documents(s, [path])
        return plant, summary
    except BaseException:
        plant.dispose()
        raise


def test_the_bulk_path_writes_what_the_row_path_writes(db_factory, tmp_path, monkeypatch):
    path = tmp_path / "chain.jsonld"
    generate(path, EVENTS)
    fast, summary = _import(db_factory.empty_url(), path, monkeypatch, big=True)
    slow, _ = _import(db_factory.empty_url(), path, monkeypatch, big=False)
    try:
        assert summary.new_events == EVENTS and summary.counts.orders == EVENTS // 10
        assert dump(fast) == dump(slow)
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
