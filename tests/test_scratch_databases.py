"""The test runs' PostgreSQL databases: named after their maker, swept once it is gone,
never a database of a live run nor one the tests did not make."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from tests import scratch_databases as sd
from workbench.plant import Item, open_plant

ME = sd.Owner.current()


def finished_process() -> sd.Owner:
    """The owner a run that has ended would have had (pid and start time of a real, gone process)."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid(), open('/proc/self/stat').read().rsplit(')', 1)[1].split()[19])"],
        capture_output=True, text=True, check=True)
    pid, start = (int(v) for v in child.stdout.split())
    return replace(ME, pid=pid, start=start)


def test_a_name_says_who_made_it():
    name = ME.new_name()
    assert name.startswith(sd.PREFIX) and len(name) <= 63  # PostgreSQL's identifier limit
    assert sd.owner_of(name) == ME
    assert ME.new_name() != name
    assert sd.owner_of("wb_test_0123456789ab") is None  # the previous scheme: no owner
    assert sd.owner_of("postgres") is None


def test_only_databases_of_gone_runs_on_this_machine_are_stale():
    gone = finished_process()
    assert not sd.is_stale(ME.new_name(), ME)  # this run's own
    assert sd.is_stale(gone.new_name(), ME)  # its process has ended
    assert sd.is_stale(replace(ME, start=ME.start + 1).new_name(), ME)  # a recycled pid is not its maker
    assert sd.is_stale(replace(ME, boot="ffffff").new_name(), ME)  # made before this machine started
    assert not sd.is_stale(replace(gone, host="ffffff").new_name(), ME)  # another machine's: cannot tell
    parent = os.getppid()  # alive, like another run going on at the same time
    assert not sd.is_stale(replace(ME, pid=parent, start=sd.start_ticks(parent)).new_name(), ME)


def test_names_not_made_by_the_tests_are_never_stale():
    for name in ("postgres", "template1", "lot_trace", "wb_test_", "wb_test_demo", "wb_test_0123456789ab_x"):
        assert not sd.is_stale(name, ME, legacy_unused=True)
    assert sd.is_stale("wb_test_0123456789ab", ME, legacy_unused=True)
    assert not sd.is_stale("wb_test_0123456789ab", ME)  # only when no run can be using it


def test_this_run_is_not_another_pytest_run():
    assert ME.pid not in sd.other_pytest_runs()
    assert os.getppid() not in sd.other_pytest_runs()


def test_drop_refuses_names_that_are_not_test_databases():
    nowhere = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/x")  # refused before connecting
    for name in ('wb_test_x" ; DROP DATABASE "postgres', "lot_trace", "postgres"):
        with pytest.raises(ValueError):
            sd.drop(nowhere, [ME.new_name(), name])


@pytest.mark.postgresql
def test_the_sweep_picks_the_databases_of_gone_runs_only(pg_server):
    gone = finished_process()
    other_machine = replace(gone, host="ffffff" if ME.host != "ffffff" else "eeeeee")
    names = {"gone": gone.new_name(), "mine": ME.new_name(), "other machine": other_machine.new_name()}
    with pg_server.admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        stale = set(sd.stale_databases(pg_server.admin, ME))
        assert names["gone"] in stale
        assert names["mine"] not in stale and names["other machine"] not in stale
        for name in stale:  # whatever else is on the server: never a live run's
            owner = sd.owner_of(name)
            assert owner is None or owner.host != ME.host or not sd.process_alive(owner.pid, owner.start)
        assert sd.drop(pg_server.admin, [names["gone"]]) == [names["gone"]]
        assert names["gone"] not in {name for name, _ in sd.listed_databases(pg_server.admin)}
    finally:
        sd.drop(pg_server.admin, names.values())


@pytest.mark.postgresql
def test_the_sessions_databases_carry_their_owner(pg_server):
    url = pg_server.create()
    name = url.rsplit("/", 1)[1]
    try:
        assert sd.owner_of(name) == pg_server.owner == ME
        with pg_server.admin.connect() as conn:
            comment = conn.execute(text("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                        "WHERE datname = :n"), {"n": name}).scalar()
        assert f"made by pid {ME.pid}" in comment
    finally:
        pg_server.drop(name)


# -- reuse: a test's database is emptied for the next one instead of dropped ---------------

POSTGRESQL_ONLY = pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgresql)])


def _count_items(url: str) -> int:
    plant = open_plant(url)
    try:
        with plant.Session() as s:
            return s.scalar(select(func.count()).select_from(Item))
    finally:
        plant.dispose()


@POSTGRESQL_ONLY
def test_a_used_database_is_handed_on_empty_and_like_new(db_factory, backend):
    url = db_factory.empty_url()
    plant = open_plant(url)
    with plant.Session.begin() as s:
        s.add_all([Item(code="FLOUR", name="Flour", kind="material", unit="kg"),
                    Item(code="SUGAR", name="Sugar", kind="material", unit="kg")])
    left_open = plant.engine.connect()  # a careless test's open transaction, holding a lock
    left_open.begin()
    left_open.execute(select(func.count()).select_from(Item))
    db_factory.hand_back(url)
    again = db_factory.empty_url()
    try:
        assert again == url  # the same database, not a new one
        assert _count_items(again) == 0
        fresh = open_plant(again)
        with fresh.Session.begin() as s:
            item = Item(code="SALT", name="Salt", kind="material", unit="kg")
            s.add(item)
            s.flush()
            assert item.id == 1  # identities start again
        fresh.dispose()
    finally:
        plant.dispose()
        db_factory.hand_back(again)


@POSTGRESQL_ONLY
@pytest.mark.parametrize("spoil", ["ALTER TABLE items ADD COLUMN colour text",
                                   "UPDATE alembic_version SET version_num = 'ffff'",
                                   "CREATE TABLE scratch (x int)"])
def test_a_database_whose_schema_a_test_changed_is_dropped_not_reused(db_factory, pg_server, backend, spoil):
    url = db_factory.empty_url()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(spoil))
    engine.dispose()
    db_factory.hand_back(url)
    again = db_factory.empty_url()
    try:
        assert again != url
        assert make_url(url).database not in {name for name, _ in sd.listed_databases(pg_server.admin)}
        assert _count_items(again) == 0
    finally:
        db_factory.hand_back(again)
