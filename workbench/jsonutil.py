"""Plain JSON for what the core returns: exact quantities, ISO date-times."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from workbench.format import escaped


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value


def dumps(value: Any, **kw: Any) -> str:
    """JSON text that any UTF-8 file or terminal can hold: unsafe characters (a lone
    surrogate from a stray byte of a command-line argument, C1 controls, bidi overrides)
    are written as ``\\u202e``-style escapes, which read back as the same text."""
    return escaped(json.dumps(jsonable(value), ensure_ascii=False, **kw), keep="\n")


def json_object(value: dict[str, Any]) -> dict[str, Any]:
    """A dict of plain JSON values (``jsonable`` of each value)."""
    return {k: jsonable(v) for k, v in value.items()}
