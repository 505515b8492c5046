"""What a database error means to the user, in one sentence that says what to do.

The drivers speak in their own words (``sqlite3.DatabaseError: file is not a database``,
``psycopg.OperationalError: terminating connection due to administrator command``);
the command line and the app show these sentences instead, never a traceback.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from workbench.plant.session import BUSY_TIMEOUT_S, redact

#: Errors from the database, wrapped by SQLAlchemy or straight from a driver (bulk
#: loading uses the drivers' own COPY and executemany).
DATABASE_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, sqlite3.Error, psycopg.Error)
_INTEGRITY: tuple[type[BaseException], ...] = (IntegrityError, sqlite3.IntegrityError, psycopg.IntegrityError)


def _detail(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__


def _sqlite_file(url: str | None) -> Path | None:
    if not url:
        return None
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - not a URL: no file to name
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def is_damaged(exc: BaseException) -> bool:
    """Whether ``exc`` says the file is not a database, or a damaged one."""
    low = _detail(exc).lower()
    return "not a database" in low or "malformed" in low


def forget_sidecars(url: str | None) -> None:
    """Remove the empty ``-wal`` and the ``-shm`` SQLite left beside a file it found damaged
    (no program can be using a file that is not a database)."""
    path = _sqlite_file(url)
    if path is None:
        return
    wal, shm = path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
    try:
        if wal.exists() and wal.stat().st_size == 0:
            wal.unlink()
            shm.unlink(missing_ok=True)
    except OSError:
        pass


def describe(exc: BaseException, url: str | None = None, writing: bool = False) -> str:
    """One sentence for ``exc``, met while using the database at ``url``."""
    where = redact(url) if url else "the database"
    detail = _detail(exc)
    low = detail.lower()
    path = _sqlite_file(url)
    if "file is not a database" in low or "malformed" in low or "not a database" in low:
        return (f"{where} is not a workbench plant database (not a SQLite file, or a damaged one); "
                "open another file, or rebuild the plant from an export.")
    if "database is locked" in low or "database table is locked" in low:
        return (f"{where} is locked by another program writing to it (waited {BUSY_TIMEOUT_S} s); "
                "nothing was written; try again when it has finished.")
    if "disk is full" in low or "no space left" in low or "could not extend file" in low:
        return f"The disk holding {where} is full; nothing was written; free some space and try again."
    if "readonly database" in low or "read-only" in low or (
            "unable to open database file" in low and path is not None
            and not os.access(path.parent if path.parent != Path("") else Path("."), os.W_OK)):
        return (f"{where} is read-only (its file or folder cannot be written); reading works, but "
                "importing or recording needs a writable copy.")
    if "disk i/o error" in low:
        return f"Reading or writing {where} failed (disk I/O error); check the disk, then try again."
    if isinstance(exc, _INTEGRITY) or isinstance(getattr(exc, "orig", None), _INTEGRITY):
        return (f"Another import or user changed {where} at the same time; nothing was written; "
                "try again.")
    if any(s in low for s in ("terminating connection", "server closed the connection", "connection is closed",
                              "consuming input failed", "connection was closed", "the connection is lost",
                              "admin_shutdown", "connection already closed")):
        return (f"The connection to {where} was lost (the server ended it){'; nothing was written' if writing else ''}; "
                "try again.")
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return f"The connection to {where} was lost; try again."
    if "could not serialize" in low or "deadlock" in low:
        return f"Another user changed {where} at the same time; nothing was written; try again."
    if "out of range" in low or "overflow" in low or "too large" in low:
        return f"A number or date is beyond what {where} can hold ({detail}); nothing was written."
    return f"The database {where} refused the operation: {detail}."
