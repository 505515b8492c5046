"""Every operational failure is one sentence, exit 1, and writes nothing.

A file that is not a database (random bytes, text, a truncated plant) for every
command; a SQLite database locked by another writer (said after a short wait, not 30 s
of silence); a full disk; an unwritable output folder; a PostgreSQL backend killed in
the middle of an import; two imports of one bundle at once; numbers beyond sense.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.hostile.conftest import tree
from tests.hostile.disks import fill, full_disk, read_only_folder
from workbench.interchange.bundle import import_bundle
from workbench.plant import Item, Lot, Shipment, open_plant
from workbench.plant import session as plant_session
from workbench.plant.problems import DATABASE_ERRORS, describe
from workbench.plant.session import write_session

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "example-bundle"

EVERY_COMMAND = [
    ("trace", "X"), ("trace", "X", "--json"), ("history", "X"), ("commonality", "--returns-reason", "x"),
    ("vendor", "V"), ("recall", "X", "--out", "{tmp}/recall"), ("export", "{tmp}/bundle"),
    ("import", str(EXAMPLE)), ("import", "--dry-run", str(EXAMPLE)), ("db", "status"), ("db", "upgrade"),
    ("scar", "X", "--out", "{tmp}/scar.pdf", "--problem", "x"), ("demo",),
]


def _not_databases(tmp_path: Path, plant_file: Path) -> dict[str, bytes]:
    whole = plant_file.read_bytes()
    return {
        "random.sqlite": bytes((i * 7919 + 13) % 256 for i in range(5000)),
        "text.sqlite": b"item,name\nA,Almonds\n",
        "truncated.sqlite": whole[: len(whole) // 3],
        "header-only.sqlite": whole[:100],
        "pdf.sqlite": b"%PDF-1.4\n" + bytes(3000),
    }


@pytest.fixture
def plant_file(tmp_path) -> Path:
    from tests.recall.test_recall import almond_incident

    path = tmp_path / "good.sqlite"
    plant = open_plant(f"sqlite:///{path}", create=True)
    with plant.Session.begin() as s:
        almond_incident(s)
    with plant.engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    plant.dispose()
    return path


@pytest.mark.sqlite
def test_a_file_that_is_not_a_plant_database_is_one_sentence_for_every_command(cli, tmp_path, plant_file):
    files = tmp_path / "files"
    files.mkdir()
    for name, data in _not_databases(tmp_path, plant_file).items():
        (files / name).write_bytes(data)
    before = tree(files)
    for name in sorted(before):
        for command in EVERY_COMMAND:
            args = [a.format(tmp=tmp_path) for a in command]
            said = cli.refused(*args, "--db", f"sqlite:///{files / name}")
            assert "not a workbench plant database" in said or "damaged" in said, (name, args, said)
    assert tree(files) == before  # not a byte changed, no journal or WAL left beside them
    assert sorted(p.name for p in tmp_path.iterdir()) == ["files", "good.sqlite"]


@pytest.mark.sqlite
def test_a_locked_database_is_said_after_a_short_wait(cli, plant_file, monkeypatch):
    monkeypatch.setattr(plant_session, "BUSY_TIMEOUT_S", 0.5)
    holder = sqlite3.connect(plant_file, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE items SET name = name")
    try:
        started = time.monotonic()
        said = cli.refused("import", "--db", f"sqlite:///{plant_file}", EXAMPLE, match="locked")
        assert "nothing was written" in said and "try again" in said
        assert time.monotonic() - started < 10
    finally:
        holder.rollback()
        holder.close()
    with sqlite3.connect(plant_file) as conn:
        assert conn.execute("SELECT count(*) FROM items WHERE code = 'FLOUR-T55'").fetchone() == (0,)


def test_a_full_disk_leaves_no_package_behind(cli, incident_url, tmp_path, monkeypatch):
    with full_disk(tmp_path, monkeypatch) as disk:
        before = tree(disk)
        said = cli.refused("recall", "ALM-A1", "--item", "ALM", "--db", incident_url, "--out", disk / "recall",
                           match="full")
        assert "nothing was kept" in said
        assert tree(disk) == before


@pytest.mark.sqlite
def test_a_full_disk_under_the_database_is_one_sentence(cli, tmp_path, monkeypatch, plant_file):
    with full_disk(tmp_path, monkeypatch) as disk:
        if not (disk / "filler").exists():  # simulated: the driver's own words for a full disk
            def full(*_a, **_k):
                raise sqlite3.OperationalError("database or disk is full")
            monkeypatch.setattr("workbench.commands.importcmd.import_bundle", full)
            target = plant_file
        else:
            (disk / "filler").unlink()
            target = disk / "plant.sqlite"
            shutil.copy(plant_file, target)
            fill(disk / "filler")  # what the copy left
        code, _, err = cli("import", "--db", f"sqlite:///{target}", EXAMPLE)
        assert code == 1 and len(err.strip().splitlines()) == 1, err
        assert "full" in err
        with sqlite3.connect(f"file:{target}?mode=ro&immutable=1", uri=True) as conn:
            assert conn.execute("SELECT count(*) FROM items WHERE code = 'FLOUR-T55'").fetchone() == (0,)


def test_an_unwritable_out_folder_is_one_sentence(cli, incident_url, tmp_path):
    with read_only_folder(tmp_path, []) as folder:
        for args in (("recall", "ALM-A1", "--item", "ALM", "--out", folder / "recall"),
                     ("export", folder / "bundle"), ("scar", "ALM-A1", "--item", "ALM", "--problem", "x",
                                                    "--out", folder / "scar.pdf")):
            said = cli.refused(*args[:1], "--db", incident_url, *args[1:])
            assert "read-only" in said or "Permission denied" in said, said
        assert list(folder.iterdir()) == []


def _counts(url: str) -> tuple[int, int, int]:
    engine = create_engine(make_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(select(func.count()).select_from(t)).scalar()  # type: ignore[return-value]
                         for t in (Item.__table__, Lot.__table__, Shipment.__table__))
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgresql)])
def test_a_postgresql_backend_killed_mid_import_is_one_sentence(cli, pg_server, db_factory, monkeypatch, backend):
    url = db_factory.empty_url()
    name = make_url(url).database
    killed = []

    def kill_once(_fraction, message):
        if "Checking every row" in message and not killed:
            pg_server.close_connections(name)  # pg_terminate_backend of the import's session
            killed.append(message)

    monkeypatch.setattr("workbench.commands.importcmd._progress", kill_once)
    said = cli.refused("import", "--db", url, EXAMPLE, match="connection")
    assert killed and "lost" in said and "nothing was written" in said
    assert _counts(url) == (0, 0, 0)
    db_factory.hand_back(url)


def test_two_imports_of_one_bundle_at_once_leave_one_import(db_url):
    barrier = threading.Barrier(2, timeout=15)
    outcomes: list[object] = []

    def meet(_fraction, message):
        if "Checking every row" in message:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    def one_import():
        plant = open_plant(db_url, create=True, schema_later=True)
        try:
            with write_session(plant) as session:
                outcomes.append(import_bundle(session, EXAMPLE, meet).inserted)
        except DATABASE_ERRORS as exc:
            outcomes.append(describe(exc, db_url, writing=True))
        finally:
            plant.dispose()

    threads = [threading.Thread(target=one_import) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == 2
    wins = [o for o in outcomes if isinstance(o, int)]
    losses = [o for o in outcomes if isinstance(o, str)]
    assert wins and wins[0] > 0
    for said in losses:
        assert "nothing was written" in said and "try again" in said, said
        assert "at the same time" in said or "locked" in said, said
    alone = _counts(db_url)
    assert alone[0] > 0 and alone[2] > 0
    plant = open_plant(db_url)
    try:  # importing the bundle once more changes nothing: the plant holds exactly one import
        with write_session(plant) as session:
            assert import_bundle(session, EXAMPLE).inserted == 0
    finally:
        plant.dispose()


@pytest.mark.parametrize("args,match", [
    (("trace", "ALM-A1", "--item", "ALM", "--depth", str(10**21)), "beyond any plant"),
    (("trace", "ALM-A1", "--item", "ALM", "--depth", "-1"), "zero or more"),
    (("history", "BAR-B1", "--item", "BAR", "--window-hours", "nan"), "between 0 and"),
    (("history", "BAR-B1", "--item", "BAR", "--window-hours", "1e308"), "between 0 and"),
    (("history", "BAR-B1", "--item", "BAR", "--window-hours", "inf"), "between 0 and"),
    (("scar", "ALM-A1", "--item", "ALM", "--due", "0001-01-01", "--out", "x.pdf"), "in the past"),
])
def test_numbers_beyond_sense_are_one_sentence(cli, incident_url, args, match, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli.refused(*args, "--db", incident_url, match=match)
    assert list(tmp_path.iterdir()) == []
