"""Set-wise queries over many ids: the one way the workbench asks for "these thousand lots".

``column IN (…10,000 values…)`` as ten thousand bind parameters costs more to render and
convert than the indexed lookup itself. Here a chunk of ids travels as ONE parameter: an
array on PostgreSQL (``column = ANY(:ids)``) and a JSON array unpacked by ``json_each`` on
SQLite (built into every SQLite since 3.38, which Python 3.11 ships). Chunks keep any one
statement bounded.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import ARRAY, BigInteger, Integer, String, any_, bindparam, func, literal_column, select
from sqlalchemy.engine import Connection, Dialect, Row
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql import ColumnElement, Select

#: The most values one statement carries.
CHUNK = 10_000

T = TypeVar("T", bound=Hashable)


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """The distinct ``values`` in sorted order, ``size`` at a time."""
    ordered = sorted(set(values))  # type: ignore[type-var]
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


#: A column to test: a Core column expression or a mapped attribute such as ``Lot.id``.
Column = ColumnElement[Any] | QueryableAttribute[Any]

#: Where the dialect comes from: a session, a connection, a dialect or a dialect's name.
Bind = Session | Connection | Dialect | str


def _dialect(bind: Bind) -> str:
    if isinstance(bind, str):
        return bind
    if isinstance(bind, Dialect):
        return str(bind.name)
    if isinstance(bind, Session):
        return str(bind.get_bind().dialect.name)
    return str(bind.dialect.name)


def _array_type(column: ColumnElement[Any] | QueryableAttribute[Any]) -> ARRAY[Any]:
    python = getattr(column.type, "python_type", None)
    try:
        kind = column.type.python_type if python is not None else int
    except NotImplementedError:
        kind = int
    if kind is str:
        return ARRAY(String)
    return ARRAY(BigInteger if isinstance(column.type, BigInteger) else Integer)


def ids_in(column: Column, bind: Bind, name: str = "ids") -> ColumnElement[bool]:
    """``column IN :name`` as one parameter, for a statement built once and run many times
    (pass the value through ``ids_value``)."""
    if _dialect(bind) == "postgresql":
        return column == any_(bindparam(name, type_=_array_type(column)))
    listed: Select[Any] = select(literal_column("value")).select_from(func.json_each(bindparam(name)))
    return column.in_(listed)


def ids_value(values: Sequence[Any], bind: Bind) -> Any:
    """The value of an ``ids_in`` parameter: a list on PostgreSQL, JSON text on SQLite."""
    return list(values) if _dialect(bind) == "postgresql" else json.dumps(list(values))


def among(column: ColumnElement[Any] | QueryableAttribute[Any], values: Sequence[Any], bind: Bind) -> ColumnElement[bool]:
    """``column IN values`` with the values bound as one parameter (see the module docstring)."""
    if _dialect(bind) == "postgresql":
        return column == any_(bindparam(None, list(values), type_=_array_type(column)))
    listed: Select[Any] = select(literal_column("value")).select_from(func.json_each(bindparam(None, json.dumps(list(values)))))
    return column.in_(listed)


def fetch_in(session: Session, stmt: Select[*tuple[Any, ...]], column: ColumnElement[Any] | QueryableAttribute[Any],
             values: Iterable[Any]) -> Iterator[Row[*tuple[Any, ...]]]:
    """The rows of ``stmt`` where ``column`` is among ``values``, a chunk at a time."""
    for chunk in chunks(values):
        yield from session.execute(stmt.where(among(column, chunk, session)))
