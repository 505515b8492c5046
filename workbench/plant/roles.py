"""PostgreSQL roles for a plant: who may only investigate, who may write.

``workbench_reader`` may read every table (trace, recall, export, reports) and nothing
else; ``workbench_writer`` may also write cases, holds, SCARs and imports, and append to
the audit trail, but never UPDATE or DELETE an audit entry (the privilege is not granted,
and the trigger refuses it anyway). Both are group roles without login: grant them to
people's login roles (``GRANT workbench_reader TO alice``). The app asks the database
what the connection may do (``workbench.plant.who.access``) and says so.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError

READER = "workbench_reader"
WRITER = "workbench_writer"


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum() or not name[0].isalpha():
        raise WorkbenchError(f"'{name}' is not a plain role name (letters, digits and _).")
    return f'"{name}"'


def grant_roles(session: Session, reader: str = READER, writer: str = WRITER) -> list[str]:
    """Create (if missing) and grant the two roles on this plant's tables; returns what was done."""
    if session.get_bind().dialect.name != "postgresql":
        raise WorkbenchError("Roles are PostgreSQL's; a SQLite plant is guarded by its file's permissions.")
    r, w = _ident(reader), _ident(writer)
    done = []
    for name, ident in ((reader, r), (writer, w)):
        exists = session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
        if not exists:
            session.execute(text(f"CREATE ROLE {ident} NOLOGIN"))
            done.append(f"created role {name}")
    schema = session.execute(text("SELECT current_schema()")).scalar()
    s = f'"{schema}"'
    session.execute(text(f"GRANT USAGE ON SCHEMA {s} TO {r}, {w}"))
    session.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {r}, {w}"))
    session.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {w}"))
    session.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries FROM {w}"))
    session.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {w}"))
    done.append(f"{reader}: read-only; {writer}: writes, audit trail append-only")
    return done
