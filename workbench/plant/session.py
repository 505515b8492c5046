"""One engine and one sessionmaker per plant database, and the schema check."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.request import pathname2url

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

from workbench.errors import SchemaError, WorkbenchError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def redact(url: str) -> str:
    """A database URL fit for a status bar or a message: never a password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL at all: shown as typed
        return url


@dataclass(frozen=True)
class Plant:
    """An open plant database: the engine and the one sessionmaker built from it."""

    url: str
    engine: Engine
    Session: sessionmaker[Session]
    #: Opened for reading only (SQLite ``mode=ro``): nothing done through it writes the file.
    readonly: bool = False
    #: An empty database whose schema is created in the first write's own transaction
    #: (``open_plant(schema_later=True)``; see ``write_session``).
    needs_schema: bool = False

    @property
    def display_url(self) -> str:
        return redact(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()
        if isinstance(self.Session, ReadingSessions):
            self.Session.dispose_writer()


class ReadingSessions(sessionmaker[Session]):
    """The sessions of a plant opened for reading. ``Session()`` reads through the
    read-only engine; ``Session.begin()``, with which every write in the workbench
    starts, opens a writable engine on the same database on first use: the app reads
    read-only and still records a SCAR or a case, and only a write switches SQLite to WAL.
    """

    def __init__(self, reader: Engine, url: str):
        super().__init__(reader, expire_on_commit=False)
        self._url = url
        self._writer: sessionmaker[Session] | None = None
        self._lock = threading.Lock()

    def begin(self) -> AbstractContextManager[Session]:
        with self._lock:
            if self._writer is None:
                self._writer = sessionmaker(make_engine(self._url), expire_on_commit=False)
        return self._writer.begin()

    def dispose_writer(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.kw["bind"].dispose()
                self._writer = None


#: How long a SQLite statement waits for another program's write lock before it says so.
BUSY_TIMEOUT_S = 5


def _sqlite_reader_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _read_only_engine(path: Path) -> Engine:
    """An engine that opens the SQLite file read-only (``mode=ro``): it never creates,
    changes or switches the journal of the file, so a plant in a read-only folder or on
    a read-only medium can be investigated."""
    uri = "file:" + pathname2url(str(path.resolve())) + "?mode=ro"

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the file for real
            return conn
        except sqlite3.OperationalError:
            conn.close()
            # A WAL-mode file in a folder nobody may write to: SQLite cannot make its
            # shared-memory file there, and since nobody can write the file either, it
            # is read as the immutable file it is.
            if os.access(path.parent, os.W_OK):
                raise
            return sqlite3.connect(uri + "&immutable=1", uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)

    engine = create_engine(URL.create("sqlite", database=str(path)), creator=connect, poolclass=QueuePool)
    event.listen(engine, "connect", _sqlite_reader_pragmas)
    return engine


def make_engine(url: str, *, create: bool = False, readonly: bool = False) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise WorkbenchError(
            f"'{url}' is not a database URL; use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            path = Path(database)
            if not path.exists():
                if not create:
                    raise WorkbenchError(f"There is no plant database at {path}.")
                path.parent.mkdir(parents=True, exist_ok=True)
            if readonly and path.exists():
                return _read_only_engine(path)
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # JIT compilation costs 10-20 ms per query and pays off only for long analytic
        # scans; genealogy queries are short index walks.
        return create_engine(parsed, pool_pre_ping=True, connect_args={"options": "-c jit=off"})
    raise WorkbenchError(
        f"The database '{redact(url)}' is neither SQLite nor PostgreSQL, the two the workbench supports."
    )


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations have a head"
    return head


def schema_state(engine: Engine) -> str:
    """'current', 'empty', 'older' or 'newer' (than this program); 'foreign' for a database
    holding other tables (not a plant), 'unversioned' for plant tables without Alembic's
    version table (so their schema cannot be known)."""
    from workbench.plant.models import Base

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current is None:
            tables = set(inspect(conn).get_table_names()) - {"alembic_version"}
            if not tables:
                return "empty"
            return "unversioned" if tables & set(Base.metadata.tables) else "foreign"
    script = ScriptDirectory.from_config(alembic_config())
    if current == script.get_current_head():
        return "current"
    try:
        script.get_revision(current)
    except Exception:  # noqa: BLE001 - alembic raises several types for a revision it does not know
        return "newer"
    return "older"


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to this program's head revision."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")


def analyze(session: Session, tables: tuple[str, ...] = ()) -> None:
    """Refresh the query planner's statistics after a bulk load (of ``tables``, or all).

    Without them PostgreSQL plans the recursive genealogy walk for a table it believes
    empty-or-huge (merge joins over the whole edge table, even JIT compilation): a
    1 ms trace became 50 ms in measurements. Runs inside the caller's transaction.
    """
    if not tables:
        session.execute(text("ANALYZE"))
    for table in tables:
        session.execute(text(f"ANALYZE {table}"))


def _connect_error(url: str, exc: Exception) -> WorkbenchError:
    from workbench.plant.problems import describe

    detail = str(getattr(exc, "orig", exc)).strip().splitlines()
    reason = detail[0] if detail else type(exc).__name__
    plain = describe(exc, url)
    if not plain.startswith("The database "):  # a known problem, said in plain words
        return WorkbenchError(plain)
    return WorkbenchError(f"Cannot connect to the database {redact(url)}: {reason}.")


def not_a_plant(url: str, state: str) -> str:
    """Why a database that holds tables is not a plant this program can open."""
    if state == "foreign":
        return (f"The database {redact(url)} holds other tables, not a workbench plant; nothing was changed. "
                "Give a new or empty database for a new plant.")
    return (f"The database {redact(url)} holds plant tables but no schema version (its alembic_version "
            "table is missing), so its schema cannot be checked and nothing was changed; restore the database "
            "from a backup, or move the data through `workbench export` from a copy that opens "
            "and `workbench import` into a new database.")


def _probe_read_only(url: str, readonly: bool) -> None:
    """Before a SQLite file is opened for writing, read it read-only: a file that is not a
    plant database (or a damaged one) is refused before anything could touch it."""
    if readonly:
        return
    try:
        parsed = make_url(url)
    except ArgumentError:
        return
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    if not path.is_file():
        return
    sidecars = [path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal")]
    there = {p for p in sidecars if p.exists()}
    probe = _read_only_engine(path)
    try:
        schema_state(probe)
    except DBAPIError as exc:
        probe.dispose()
        for p in sidecars:  # what SQLite made beside a file it then found damaged
            if p not in there:
                p.unlink(missing_ok=True)
        raise _connect_error(url, exc) from None
    finally:
        probe.dispose()


def open_plant(url: str, *, create: bool = False, readonly: bool = False, schema_later: bool = False) -> Plant:
    """Open a plant database, checking its schema.

    ``create=True`` (import, demo) creates the schema in an empty database; with
    ``schema_later`` not yet: ``write_session`` creates it in the transaction of the
    write, so a refused import leaves an empty database empty. An older schema is only
    upgraded by ``workbench db upgrade``; a newer one, and a database holding other
    tables, are refused.
    """
    needs_schema = False
    _probe_read_only(url, readonly)
    engine = make_engine(url, create=create, readonly=readonly and not create)
    try:
        state = schema_state(engine)
        if state == "empty":
            if not create:
                raise WorkbenchError(
                    f"The database {redact(url)} holds no plant yet; fill it with "
                    "`workbench import` or `workbench demo`."
                )
            if schema_later:
                needs_schema = True
            else:
                upgrade(engine)
        elif state == "older":
            raise SchemaError(
                f"The database {redact(url)} has an older schema; run "
                f"`workbench db upgrade --db {redact(url)}` first."
            )
        elif state in ("foreign", "unversioned"):
            raise SchemaError(not_a_plant(url, state))
        elif state == "newer":
            raise SchemaError(
                f"The database {redact(url)} was written by a newer version of the workbench; "
                "install that version to open it."
            )
    except DBAPIError as exc:  # unreachable, not a database, damaged, locked, read-only
        engine.dispose()
        from workbench.plant.problems import forget_sidecars, is_damaged

        if is_damaged(exc):
            forget_sidecars(url)
        raise _connect_error(url, exc) from None
    except WorkbenchError:
        engine.dispose()
        raise
    readonly = readonly and not create and engine.dialect.name == "sqlite"
    sessions = ReadingSessions(engine, url) if readonly else sessionmaker(engine, expire_on_commit=False)
    return Plant(url=url, engine=engine, Session=sessions, readonly=readonly, needs_schema=needs_schema)


@contextmanager
def write_session(plant: Plant, commit: bool = True) -> Iterator[Session]:
    """A session in one transaction, committed when the block ends without an error (and
    ``commit``), rolled back otherwise, with the schema created first inside that same
    transaction when the plant ``needs_schema``: a refused import or a dry run leaves an
    empty database as empty as it was (PostgreSQL and SQLite both roll back DDL)."""
    with plant.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")  # else pysqlite runs each CREATE TABLE on its own
        else:
            conn.begin()  # the connection's, not the session's: the session joins it
        if plant.needs_schema:
            command.upgrade(alembic_config(conn), "head")
        with Session(bind=conn, expire_on_commit=False) as session:
            yield session
            session.flush()
        if commit:
            conn.commit()
        else:
            conn.rollback()


@contextmanager
def writing(plant: Plant) -> Iterator[Plant]:
    """The plant to write through: ``plant`` itself, whose ``Session.begin()`` writes
    even when it was opened for reading (``ReadingSessions``)."""
    yield plant


def upgrade_plant(url: str) -> str:
    """``workbench db upgrade``: returns what was done, in words."""
    _probe_read_only(url, False)
    engine = make_engine(url, create=True)
    try:
        state = schema_state(engine)
        if state == "newer":
            raise SchemaError(
                f"The database {redact(url)} was written by a newer version of the workbench; "
                "it cannot be downgraded by this one."
            )
        if state in ("foreign", "unversioned"):
            raise SchemaError(not_a_plant(url, state))
        if state == "current":
            return f"{redact(url)} is already at schema {head_revision()}."
        upgrade(engine)
        return f"{redact(url)} upgraded to schema {head_revision()}."
    except DBAPIError as exc:
        raise _connect_error(url, exc) from None
    finally:
        engine.dispose()
