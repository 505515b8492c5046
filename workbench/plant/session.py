"""One engine and one sessionmaker per plant database, and the schema check."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

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

    @property
    def display_url(self) -> str:
        return redact(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def make_engine(url: str, *, create: bool = False) -> Engine:
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
        engine = create_engine(parsed, connect_args={"timeout": 30})
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


def alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_state(engine: Engine) -> str:
    """'current', 'empty', 'older' or 'newer' (than this program)."""
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current is None:
            tables = set(inspect(conn).get_table_names())
            return "empty" if "lots" not in tables else "older"
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


def analyze(session: Session) -> None:
    """Refresh the query planner's statistics after a bulk load.

    Without them PostgreSQL plans the recursive genealogy walk for a table it believes
    empty-or-huge (merge joins over the whole edge table, even JIT compilation): a
    1 ms trace became 50 ms in measurements. Runs inside the caller's transaction.
    """
    session.execute(text("ANALYZE"))


def _connect_error(url: str, exc: Exception) -> WorkbenchError:
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()
    reason = detail[0] if detail else type(exc).__name__
    return WorkbenchError(f"Cannot connect to the database {redact(url)}: {reason}.")


def open_plant(url: str, *, create: bool = False) -> Plant:
    """Open a plant database, checking its schema.

    ``create=True`` (import, demo) creates the schema in an empty database. An older
    schema is only upgraded by ``workbench db upgrade``; a newer one is refused.
    """
    engine = make_engine(url, create=create)
    try:
        state = schema_state(engine)
        if state == "empty":
            if not create:
                raise WorkbenchError(
                    f"The database {redact(url)} holds no plant yet; fill it with "
                    "`workbench import` or `workbench demo`."
                )
            upgrade(engine)
        elif state == "older":
            raise SchemaError(
                f"The database {redact(url)} has an older schema; run "
                f"`workbench db upgrade --db {redact(url)}` first."
            )
        elif state == "newer":
            raise SchemaError(
                f"The database {redact(url)} was written by a newer version of the workbench; "
                "install that version to open it."
            )
    except OperationalError as exc:
        engine.dispose()
        raise _connect_error(url, exc) from None
    except WorkbenchError:
        engine.dispose()
        raise
    return Plant(url=url, engine=engine, Session=sessionmaker(engine, expire_on_commit=False))


def upgrade_plant(url: str) -> str:
    """``workbench db upgrade``: returns what was done, in words."""
    engine = make_engine(url, create=True)
    try:
        state = schema_state(engine)
        if state == "newer":
            raise SchemaError(
                f"The database {redact(url)} was written by a newer version of the workbench; "
                "it cannot be downgraded by this one."
            )
        if state == "current":
            return f"{redact(url)} is already at schema {head_revision()}."
        upgrade(engine)
        return f"{redact(url)} upgraded to schema {head_revision()}."
    except OperationalError as exc:
        raise _connect_error(url, exc) from None
    finally:
        engine.dispose()
