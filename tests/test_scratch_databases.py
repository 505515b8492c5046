"""The test runs' PostgreSQL databases: named after their maker, swept once it is gone,
never a database of a live run nor one the tests did not make."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, text

from tests import scratch_databases as sd

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
def test_sweep_drops_the_databases_of_gone_runs_only(pg_server):
    gone = finished_process()
    other_machine = replace(gone, host="ffffff" if ME.host != "ffffff" else "eeeeee")
    names = {"gone": gone.new_name(), "mine": ME.new_name(), "other machine": other_machine.new_name()}
    with pg_server.admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        dropped = sd.sweep(pg_server.admin, ME)
        left = {name for name, _ in sd.listed_databases(pg_server.admin)}
        assert names["gone"] in dropped and names["gone"] not in left
        assert names["mine"] in left and names["other machine"] in left
        assert not [n for n in dropped if sd.owner_of(n) and sd.owner_of(n).host == ME.host
                    and sd.process_alive(sd.owner_of(n).pid, sd.owner_of(n).start)]
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
        pg_server.drop_soon(url)
