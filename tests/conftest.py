"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL server.

PostgreSQL comes from ``WORKBENCH_TEST_PG`` (a server URL; default the local server).
Each test process creates its own databases, named after itself (``tests.scratch_databases``):
a test's own database is dropped when the test ends, the shared ones when the session
ends, and a new session first drops those left by runs that were killed. Without a
reachable server the PostgreSQL tests skip, except under ``CI=true`` where they fail (in
every xdist worker alike).

Everything a test process writes is its own: databases, ``WORKBENCH_HOME``, QSettings
(tests/ui/conftest.py), temporary files (pytest's per-worker ``tmp_path``), so the suite
runs under pytest-xdist.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests import scratch_databases
from workbench.plant import Base, Plant, open_plant

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_SERVER = os.environ.get("WORKBENCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = [pytest.param("sqlite", marks=pytest.mark.sqlite), pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory):
    """Keep the user's real data directory and settings out of the tests."""
    home = tmp_path_factory.mktemp("home")
    old = os.environ.get("WORKBENCH_HOME")
    os.environ["WORKBENCH_HOME"] = str(home)
    os.environ.pop("WORKBENCH_DB", None)
    yield home
    if old is None:
        os.environ.pop("WORKBENCH_HOME", None)
    else:
        os.environ["WORKBENCH_HOME"] = old


def _admin_engine(url: str):
    return create_engine(make_url(url), isolation_level="AUTOCOMMIT", pool_pre_ping=True,
                         connect_args={"connect_timeout": 10})


def pytest_sessionstart(session):
    """Drop the databases of killed runs, once per run (in xdist's controller, not per worker)."""
    if hasattr(session.config, "workerinput"):
        return
    admin = _admin_engine(PG_SERVER)
    try:
        dropped = scratch_databases.sweep(admin)
    except Exception:  # noqa: BLE001 - no server: the PostgreSQL fixtures say so (and fail under CI)
        return
    finally:
        admin.dispose()
    if dropped:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"dropped {len(dropped)} test databases left on {make_url(PG_SERVER).host} "
                                "by runs that are gone")


class PgServer:
    """Creates and drops this test process's own PostgreSQL databases.

    Drops happen on a background thread (each takes a tenth of a second of server time
    that the tests need not wait for); the session's end waits for them.
    """

    def __init__(self, url: str):
        self.url = make_url(url)
        self.admin = _admin_engine(url)
        self.owner = scratch_databases.Owner.current()
        self.created: set[str] = set()
        self._drops: queue.Queue[str | None] = queue.Queue()
        self._dropper: threading.Thread | None = None
        self.drop_errors: list[str] = []

    def reachable(self) -> str | None:
        try:
            with self.admin.connect() as conn:
                conn.execute(text("select 1"))
            return None
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            return str(exc).splitlines()[0]

    def create(self, template: str | None = None) -> str:
        name = self.owner.new_name()
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
            self.created.add(name)
            conn.exec_driver_sql(f'COMMENT ON DATABASE "{name}" IS {_quote(self.owner.comment())}')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_soon(self, url: str) -> None:
        """Drop the database of ``url`` in the background (its connections are closed)."""
        name = make_url(url).database
        if name not in self.created:
            return
        self.created.discard(name)
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_loop, name="drop test databases", daemon=True)
            self._dropper.start()
        self._drops.put(name)

    def _drop_loop(self) -> None:
        while (name := self._drops.get()) is not None:
            try:
                scratch_databases.drop(self.admin, [name])
            except Exception as exc:  # noqa: BLE001 - reported at the end; a later run sweeps it
                self.drop_errors.append(f"{name}: {str(exc).splitlines()[0]}")

    def drop_all(self) -> None:
        for name in sorted(self.created):
            self.drop_soon(self.url.set(database=name).render_as_string(hide_password=False))
        if self._dropper is not None:
            self._drops.put(None)
            self._dropper.join(120)
        self.admin.dispose()


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@pytest.fixture(scope="session")
def pg_server():
    server = PgServer(PG_SERVER)
    problem = server.reachable()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL test server {PG_SERVER} is unreachable under CI=true: {problem}")
        pytest.skip(f"no PostgreSQL server at {PG_SERVER}: {problem}")
    yield server
    server.drop_all()
    assert not server.drop_errors, f"test databases that could not be dropped: {server.drop_errors}"


class DatabaseFactory:
    """Makes fresh plant databases quickly: one migrated template per backend, copied."""

    def __init__(self, backend: str, tmp: Path, pg: PgServer | None):
        self.backend = backend
        self.tmp = tmp
        self.pg = pg
        self._template: str | None = None

    def _template_url(self) -> str:
        if self._template is None:
            if self.backend == "sqlite":
                url = f"sqlite:///{self.tmp / 'template.sqlite'}"
            else:
                url = self.pg.create()
            plant = open_plant(url, create=True)
            plant.dispose()
            self._template = url
        return self._template

    def empty_url(self) -> str:
        """A new database URL with the schema and no data."""
        template = self._template_url()
        if self.backend == "sqlite":
            target = self.tmp / f"plant-{uuid.uuid4().hex[:8]}.sqlite"
            shutil.copyfile(make_url(template).database, target)
            return f"sqlite:///{target}"
        return self.pg.create(template=make_url(template).database)

    def blank_url(self) -> str:
        """A new database URL with nothing in it, not even the schema."""
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp / f'blank-{uuid.uuid4().hex[:8]}.sqlite'}"
        return self.pg.create()


@pytest.fixture(scope="session")
def _factories(tmp_path_factory):
    made: dict[str, DatabaseFactory] = {}
    yield made


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_factory(backend, request, _factories, tmp_path_factory) -> DatabaseFactory:
    if backend not in _factories:
        pg = request.getfixturevalue("pg_server") if backend == "postgresql" else None
        _factories[backend] = DatabaseFactory(backend, tmp_path_factory.mktemp(backend), pg)
    return _factories[backend]


@pytest.fixture
def db_url(db_factory) -> str:
    """URL of a new, empty (migrated) plant database on each backend, dropped after the test."""
    url = db_factory.empty_url()
    yield url
    if db_factory.pg is not None:
        db_factory.pg.drop_soon(url)


@pytest.fixture
def plant(db_url) -> Plant:
    """An open, empty plant database on each backend."""
    p = open_plant(db_url)
    yield p
    p.dispose()


@pytest.fixture
def session(plant):
    """A session in a transaction that is rolled back at the end of the test."""
    with plant.Session() as s:
        yield s
        s.rollback()


@pytest.fixture(scope="session")
def _demo_cache():
    return {}


@pytest.fixture
def demo_plant(backend, request, _demo_cache, db_factory) -> Plant:
    """The standard demo plant (seed 7, scale 1), built once per backend and shared.

    Tests must treat it as read-only; use ``plant`` plus ``build_demo`` to change one.
    """
    if backend not in _demo_cache:
        from workbench.demo import build_demo

        url = db_factory.empty_url()
        p = open_plant(url)
        with p.Session.begin() as s:
            build_demo(s)
        _demo_cache[backend] = p
    return _demo_cache[backend]


@pytest.fixture(scope="session", autouse=True)
def _dispose_demo(_demo_cache):
    yield
    for p in _demo_cache.values():
        p.dispose()


__all__ = ["Base"]
