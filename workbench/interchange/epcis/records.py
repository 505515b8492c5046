"""Frozen, slotted records that are cheap to build and to pickle (a large import makes millions of them).

``@record`` goes above ``@dataclass(slots=True, frozen=True)`` and changes two things, neither of which a caller
can see (same signature, defaults, equality, hash, repr, and the record stays frozen):

* **Building.** A frozen dataclass's own ``__init__`` sets each field with ``object.__setattr__(self, name,
  value)``, a lookup of ``object``'s attribute and of the name through the class for every field of every
  record: about three times the cost of a plain class's ``__init__``. Building records was a fifth of the
  reading and mapping of a million-event document. ``record`` gives the class an ``__init__`` that sets each
  slot through its own descriptor (bound once, when the class is made): less than half the time.
* **Pickling.** A frozen slotted dataclass pickles through ``dataclasses``' own ``__getstate__``/
  ``__setstate__``, which look up the class's fields again for every object and set each value with a call
  from Python: unpickling a third of a million-event document (the reading worker's part) took longer than
  reading it. ``record`` makes the record pickle as its class and its field values (gathered by one
  ``operator.attrgetter``), so unpickling is one call of the class, as building it was.

Both need every field to be an ``__init__`` field given by position, and no ``__post_init__``: checked when the
class is made, so a record that breaks the rule fails at import, not with wrong data.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class _Factory:
    """The default of a field with a default_factory, meaning "not given" (shown as ``dataclass`` shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_NOTHING: Any = _Factory()


def record(cls: type[T]) -> type[T]:
    """``fast_init`` and ``pickled_by_fields``: a frozen slotted dataclass made cheap to build and to pickle."""
    return pickled_by_fields(fast_init(cls))


def _positional_fields(cls: type, what: str) -> tuple[dataclasses.Field[Any], ...]:
    fields = dataclasses.fields(cls)
    if any(not f.init or f.kw_only for f in fields):
        raise TypeError(f"{cls.__name__}: every field must be given to __init__ by position to {what}")
    return fields


def fast_init(cls: type[T]) -> type[T]:
    """Give the frozen slotted dataclass ``cls`` an ``__init__`` that sets each slot through its descriptor, with the
    signature and defaults of the one ``dataclass`` wrote."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in vars(cls):
        raise TypeError(f"{cls.__name__}: fast_init is for dataclasses made with slots=True, frozen=True")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: fast_init does not call __post_init__; the record must not have one")
    fields = _positional_fields(cls, "be built by fast_init")
    if list(cls.__init__.__code__.co_varnames[1:cls.__init__.__code__.co_argcount]) != [f.name for f in fields]:
        raise TypeError(f"{cls.__name__}: its __init__ takes more than its fields (an InitVar?); fast_init cannot "
                        "build it")
    namespace: dict[str, Any] = {"_NOTHING": _NOTHING}
    arguments, body = [], []
    for n, f in enumerate(fields):
        setter, value = f"_set{n}", f.name
        namespace[setter] = getattr(cls, f.name).__set__  # the slot's member descriptor, bound once
        if f.default is not dataclasses.MISSING:
            namespace[f"_default{n}"] = f.default
            arguments.append(f"{f.name}=_default{n}")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory{n}"] = f.default_factory
            arguments.append(f"{f.name}=_NOTHING")
            value = f"_factory{n}() if {f.name} is _NOTHING else {f.name}"
        else:
            arguments.append(f.name)
        body.append(f"    {setter}(self, {value})\n")
    source = f"def __init__(self, {', '.join(arguments)}):\n" + ("".join(body) or "    pass\n")
    exec(source, namespace)  # as dataclasses itself writes __init__: one function, no per-call loop
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    setattr(cls, "__init__", init)  # noqa: B010 (mypy refuses a plain assignment to __init__)
    return cls


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Pickle instances of the dataclass ``cls`` as ``cls(*values)``: every field must be an init field given by
    position (true of the EPCIS records; checked here, so a later field that is not fails at import)."""
    fields = _positional_fields(cls, "pickle by fields")
    get = operator.attrgetter(*(f.name for f in fields))
    reduce: Callable[[Any], tuple[Any, tuple[Any, ...]]]
    if len(fields) == 1:  # attrgetter of one name gives the value itself, not a tuple
        reduce = lambda self: (cls, (get(self),))
    else:
        reduce = lambda self: (cls, get(self))
    cls.__reduce__ = reduce  # type: ignore[method-assign]
    return cls
