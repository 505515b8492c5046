"""Opening the plant a command or the app works on."""

from __future__ import annotations

from collections.abc import Callable

from workbench.config import demo_db_path, is_default_demo, resolve_url
from workbench.demo import ensure_demo
from workbench.floor.examples import seed_floor_examples
from workbench.plant import Plant, open_plant


def open_for_reading(url: str | None, on_first_build: Callable[[], None] | None = None) -> Plant:
    """The plant at ``url`` (``--db``, else ``WORKBENCH_DB``, else the embedded demo plant),
    opened read-only (SQLite ``mode=ro``: reading never writes the file; see ``writing``).

    The embedded demo plant is built on first use; ``on_first_build`` is called before
    that happens, so the caller can say why the first start takes a few seconds.
    """
    resolved = resolve_url(url)
    if is_default_demo(resolved) and not demo_db_path().exists():
        if on_first_build is not None:
            on_first_build()
        ensure_demo(resolved, extras=seed_floor_examples)
    return open_plant(resolved, readonly=True)


def open_for_writing(url: str | None) -> Plant:
    """The plant at ``url``, its schema created when the database is empty (import, demo)."""
    return open_plant(resolve_url(url), create=True)
