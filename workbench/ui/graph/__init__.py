"""The interactive genealogy graph: ``GenealogyView`` and its parts.

``layout`` (core, no Qt) places the boxes; ``model`` and ``jobs`` (no Qt) hold and grow
what is opened; ``items``, ``scene``, ``view``, ``legend`` and ``export`` draw it.
"""

from __future__ import annotations

import ctypes
import sys


def _guard_none_refcount() -> None:
    """Work around PySide6 6.12's abi3 wheels on Python 3.11.

    They return ``None`` from every void method (``setPos``, ``update``, ``setPen``…)
    without taking a reference, as if ``None`` were immortal (it is only from Python
    3.12 on). Each call then drops one reference too many, and after a few thousand
    calls (one animated re-layout) Python aborts with "none_dealloc". Giving ``None`` a
    huge reference count makes it effectively immortal, as on 3.12. A no-op on 3.12+.
    """
    if sys.version_info < (3, 12):
        ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40


_guard_none_refcount()

from workbench.ui.graph.view import GenealogyView  # noqa: E402 - after the guard

__all__ = ["GenealogyView"]
