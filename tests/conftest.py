"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL server.

PostgreSQL comes from ``WORKBENCH_TEST_PG`` (a server URL; default the local server).
Each test process creates its own databases, named after itself (``tests.scratch_databases``):
a test's database is emptied and reused by the next test, all are dropped when the session
ends, and a new session drops those left by runs that were killed. Without a
reachable server the PostgreSQL tests skip, except under ``CI=true`` where they fail (in
every xdist worker alike).

Everything a test process writes is its own: databases, ``WORKBENCH_HOME``, QSettings
(tests/ui/conftest.py), temporary files (pytest's per-worker ``tmp_path``), so the suite
runs under pytest-xdist.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

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


class _Sweep:
    """Drops the databases of killed runs on a background thread: the server checkpoints
    for them (seconds on a busy machine), which need not hold up the start. What is not
    done when the session ends is left for the next run."""

    def __init__(self, url: str):
        self.url = url
        self.dropped: list[str] = []
        self.thread = threading.Thread(target=self._run, name="sweep stale test databases", daemon=True)

    def _run(self) -> None:
        admin = _admin_engine(self.url)
        try:
            self.dropped = scratch_databases.drop(admin, scratch_databases.stale_databases(admin))
        except Exception:  # noqa: BLE001 - no server: the PostgreSQL fixtures say so (and fail under CI)
            pass
        finally:
            admin.dispose()


_sweep: _Sweep | None = None


def pytest_sessionstart(session):
    """Start dropping the databases of killed runs, once per run (xdist's controller, not each worker)."""
    global _sweep
    if not hasattr(session.config, "workerinput"):
        _sweep = _Sweep(PG_SERVER)
        _sweep.thread.start()


def pytest_terminal_summary(terminalreporter):
    if _sweep is not None:
        _sweep.thread.join(60)
        if _sweep.dropped:
            terminalreporter.write_line(f"dropped {len(_sweep.dropped)} test databases left on "
                                        f"{make_url(PG_SERVER).host} by runs that are gone")


class PgServer:
    """Creates, resets and drops this test process's own PostgreSQL databases.

    Each DROP DATABASE forces a server checkpoint: 0.1 s on a quiet machine, up to 18 s on
    a busy one, and a load on every other user of the server. So a test's database is not
    dropped but emptied and handed to the next test (see ``DatabaseFactory``); the few
    databases of a session are dropped together at its end.
    """

    def __init__(self, url: str):
        self.url = make_url(url)
        self.admin = _admin_engine(url)
        self.owner = scratch_databases.Owner.current()
        self.created: set[str] = set()

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

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
        return self.url_of(name)

    def close_connections(self, name: str) -> None:
        """End every session on ``name`` (what a test left open), as DROP ... WITH (FORCE) would."""
        with self.admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})

    def drop(self, name: str) -> None:
        self.created.discard(name)
        scratch_databases.drop(self.admin, [name])

    def drop_all(self) -> None:
        names, self.created = sorted(self.created), set()
        scratch_databases.drop(self.admin, names)  # all at once: see scratch_databases.drop
        self.admin.dispose()


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


#: What a plant database's schema is, as one string: a database handed on to the next test
#: must match its template exactly (a test that changed the schema spoils its database).
_PG_SCHEMA = """
SELECT string_agg(x, E'\n' ORDER BY x) FROM (
    SELECT 'c ' || table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' '
           || is_nullable || ' ' || coalesce(column_default, '') AS x
      FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
    UNION ALL SELECT 'r ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    UNION ALL SELECT 'i ' || indexdef FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
    UNION ALL SELECT 'k ' || conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
     WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
    UNION ALL SELECT 'f ' || p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
    UNION ALL SELECT 'v ' || version_num FROM alembic_version
) schema
"""


def _pg_tables(conn) -> list[str]:
    """The tables a test fills; not the schema's bookkeeping, which the migrations seed (the
    version, and migration 0007's edge change counter: a counter need not start again at 1)."""
    return [f'"{schema}"."{name}"' for schema, name in conn.execute(text(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') "
        "AND tablename NOT IN ('alembic_version', 'lot_edge_version') ORDER BY 1, 2"))]


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


class DatabaseFactory:
    """Makes fresh plant databases quickly: one migrated template per backend, copied.

    On PostgreSQL a test's database (``db_url``) is handed back when the test ends and
    emptied (TRUNCATE, sequences restarted) for the next test instead of being dropped and
    created again: an emptied database whose schema is not exactly its template's is
    dropped and a new copy made. The emptying happens when the next test asks, by which
    time everything the last test started (background work in the UI tests) has ended.
    """

    def __init__(self, backend: str, tmp: Path, pg: PgServer | None):
        self.backend = backend
        self.tmp = tmp
        self.pg = pg
        self._template: str | None = None
        self._schema: str | None = None  # the template's, or None: do not reuse databases
        self._used: list[str] = []  # PostgreSQL databases handed back, to empty and reuse

    def _template_url(self) -> str:
        if self._template is None:
            if self.backend == "sqlite":
                url = f"sqlite:///{self.tmp / 'template.sqlite'}"
            else:
                url = self.pg.create()
            plant = open_plant(url, create=True)
            if self.backend == "postgresql":
                with plant.engine.connect() as conn:
                    seeded = [t for t in _pg_tables(conn) if conn.execute(text(f"SELECT 1 FROM {t} LIMIT 1")).first()]
                    self._schema = None if seeded else conn.execute(text(_PG_SCHEMA)).scalar()
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
        while self._used:
            name = self._used.pop()
            if self._empty(name):
                return self.pg.url_of(name)
            self.pg.drop(name)
        return self.pg.create(template=make_url(template).database)

    def hand_back(self, url: str) -> None:
        """The test that had ``url`` (from ``empty_url``) is over: reuse the database."""
        if self.backend == "postgresql" and self._schema is not None:
            self._used.append(make_url(url).database)

    def _empty(self, name: str) -> bool:
        """Empty a used database for the next test; False if it cannot be made like new."""
        self.pg.close_connections(name)
        engine = create_engine(make_url(self.pg.url_of(name)), poolclass=NullPool)
        try:
            with engine.begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '20s'"))
                tables = _pg_tables(conn)
                if tables:
                    conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
                return conn.execute(text(_PG_SCHEMA)).scalar() == self._schema
        except Exception:  # noqa: BLE001 - any trouble: this database is not reused
            return False
        finally:
            engine.dispose()

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
    """URL of a new, empty (migrated) plant database on each backend (on PostgreSQL one
    that an earlier test used, emptied: see ``DatabaseFactory``)."""
    url = db_factory.empty_url()
    yield url
    db_factory.hand_back(url)


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
