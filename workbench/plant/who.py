"""Who is working: the actor of every write, the database role, what it may do, and
re-authentication for electronic signatures (21 CFR Part 11 §11.200: a signature not
made in one continuous session of controlled access is made with both its components).

The actor is the operating-system login, or ``WORKBENCH_USER`` where a plant's people
share a login (a line PC). On PostgreSQL the database role is recorded beside it, and it
is the role's password that a signature re-checks. Where the server *trusts* the
connection (``trust`` in ``pg_hba.conf``) or the plant is a SQLite file, no password can
be checked: the signature says so (``method``) instead of pretending.
"""

from __future__ import annotations

import getpass
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from workbench.errors import WorkbenchError


def actor() -> str:
    """The person writing: ``WORKBENCH_USER``, else the OS login."""
    name = os.environ.get("WORKBENCH_USER", "").strip()
    if name:
        return name[:64]
    try:
        return getpass.getuser()[:64]
    except Exception:  # noqa: BLE001 - no login name at all (a container without passwd entry)
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def db_role(session: Session) -> str | None:
    """The database role of the session (PostgreSQL); SQLite has none."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return session.execute(text("SELECT current_user")).scalar()


@dataclass(frozen=True)
class Access:
    """What this connection may do, in words the app shows."""

    role: str | None
    can_write: bool
    why: str


def access(session: Session) -> Access:
    """Whether the connection may write cases, holds and SCARs (the database decides)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        role = db_role(session)
        can = bool(session.execute(text(
            "SELECT has_table_privilege(current_user, 'cases', 'INSERT') "
            "AND has_table_privilege(current_user, 'audit_entries', 'INSERT')")).scalar())
        why = (f"role {role} may write cases, holds and SCARs" if can
               else f"role {role} is read-only: it may investigate and export, not write")
        return Access(role, can, why)
    database = bind.engine.url.database
    if database and database != ":memory:":
        can = os.access(database, os.W_OK) and os.access(Path(database).resolve().parent, os.W_OK)
        return Access(None, can, "the plant file is writable" if can else
                      f"the plant file {database} is read-only for {actor()}")
    return Access(None, True, "an in-memory plant")


def require_write(session: Session) -> None:
    """Refuse a write the database would refuse, in one sentence, before doing any work."""
    a = access(session)
    if not a.can_write:
        raise WorkbenchError(f"Not written: {a.why}.")


@dataclass(frozen=True)
class Proof:
    """How a signer was proven: ``password`` (checked by the database server), ``trust``
    (the server lets this role in without a password: nothing could be checked) or
    ``os`` (SQLite: the operating-system login only)."""

    method: str
    role: str | None
    note: str


def _try_connect(url: URL, password: str) -> bool:
    engine = create_engine(url.set(password=password), poolclass=NullPool,
                           connect_args={"connect_timeout": 10})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def reauthenticate(session: Session, password: str | None) -> Proof:
    """Prove the signer again. On PostgreSQL the role's password is checked by opening a
    new connection with it; a wrong password raises ``WorkbenchError``."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return Proof("os", None, f"SQLite has no users: signed as the OS login {actor()}, no password checked")
    url = make_url(bind.engine.url.render_as_string(hide_password=False))
    role = db_role(session)
    if _try_connect(url, "not-the-password-" + secrets.token_hex(8)):
        return Proof("trust", role, f"the server trusts role {role} without a password: "
                                    "no password could be checked")
    if not password:
        raise WorkbenchError(f"Enter the password of database role {role} to sign.")
    if not _try_connect(url, password):
        raise WorkbenchError(f"The password for database role {role} is wrong; nothing was signed.")
    return Proof("password", role, f"password of role {role} checked by the server")
