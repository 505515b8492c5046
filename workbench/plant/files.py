"""Files kept in the plant database (case evidence, a vendor's SCAR answers): the bytes
and their SHA-256, so an archive can prove every file is the one that was filed."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.plant.case_models import Attachment
from workbench.plant.who import actor

#: Largest file kept (the database holds it; bigger evidence belongs in the plant's DMS).
MAX_FILE = 50 * 1024 * 1024


def read_evidence(path: str | Path) -> tuple[str, bytes]:
    """A file's name and bytes, refused in one sentence if missing or too big."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise WorkbenchError(f"{p}: no such file to attach.")
    size = p.stat().st_size
    if size > MAX_FILE:
        raise WorkbenchError(f"{p}: {size / 1e6:.0f} MB is more than the {MAX_FILE // 2**20} MB kept in the plant.")
    return p.name, p.read_bytes()


def keep_file(session: Session, name: str, content: bytes, *, case_id: int | None = None,
              scar_id: int | None = None, who: str | None = None) -> Attachment:
    """Store ``content`` under ``name`` (the caller commits and audits)."""
    a = Attachment(case_id=case_id, scar_id=scar_id, name=name[:255], size=len(content),
                   sha256=hashlib.sha256(content).hexdigest(), content=content,
                   added_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0), added_by=who or actor())
    session.add(a)
    session.flush()
    return a
