"""New lot, receipt and pick-list codes in the plant's pattern (``R26132-01``: year, day of
year, running number), the next free one for the day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session


def next_code(session: Session, column: InstrumentedAttribute[str], prefix: str, width: int = 2,
              where: ColumnElement[bool] | None = None) -> str:
    """``prefix`` + the next running number not yet used under it."""
    stmt = select(column).where(column.like(prefix.replace("%", r"\%").replace("_", r"\_") + "%", escape="\\"))
    if where is not None:
        stmt = stmt.where(where)
    used = set(session.scalars(stmt))
    n = 1
    for code in used:
        tail = code[len(prefix):]
        if tail.isdigit():
            n = max(n, int(tail) + 1)
    return f"{prefix}{n:0{width}d}"


def day_prefix(letter: str, at: datetime) -> str:
    return f"{letter}{at:%y}{at.timetuple().tm_yday:03d}-"
