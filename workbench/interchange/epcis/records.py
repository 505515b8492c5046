"""Frozen, slotted records that pickle cheaply (the reading worker hands a million events back pickled).

A frozen dataclass with slots pickles through ``dataclasses``' own ``__getstate__``/``__setstate__``, which
look up the class's fields again for every object and set each value with a call from Python: unpickling a
third of a million-event document took longer than reading it. ``pickled_by_fields`` makes the record pickle
as its class and its field values (gathered by one ``operator.attrgetter``), so unpickling is one call of the
class, as building it was: about a third of the time, and a smaller pickle.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Pickle instances of the dataclass ``cls`` as ``cls(*values)``: every field must be an init field given by
    position (true of the EPCIS records; checked here, so a later field that is not fails at import)."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if any(not f.init or f.kw_only for f in fields):
        raise TypeError(f"{cls.__name__}: every field must be given to __init__ by position to pickle by fields")
    get = operator.attrgetter(*(f.name for f in fields))
    reduce: Callable[[Any], tuple[Any, tuple[Any, ...]]]
    if len(fields) == 1:  # attrgetter of one name gives the value itself, not a tuple
        reduce = lambda self: (cls, (get(self),))
    else:
        reduce = lambda self: (cls, get(self))
    cls.__reduce__ = reduce  # type: ignore[method-assign]
    return cls
