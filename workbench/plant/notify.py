"""Several engineers on one PostgreSQL plant: each write announces itself to the others.

Every audit entry sends ``NOTIFY workbench_changes`` with a small JSON payload inside its
own transaction, so the others hear of it only once it has committed (a rolled-back write
says nothing). ``Listener`` holds one separate autocommit connection that LISTENs and calls
back with plain ``Notice`` values; it never uses, or hands out, a session. The SQLite plant
has one user and no listener (``Listener.supported`` is False).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import make_url

from workbench.plant.audit import CHANNEL


@dataclass(frozen=True)
class Notice:
    """A write committed by some connection (possibly this one)."""

    entry: int
    action: str
    object_type: str
    object_key: str
    actor: str
    pid: int

    @classmethod
    def parse(cls, payload: str, pid: int) -> Notice | None:
        try:
            d = json.loads(payload)
            return cls(int(d["id"]), str(d["action"]), str(d["object_type"]), str(d["object_key"]),
                       str(d.get("actor", "")), pid)
        except (ValueError, KeyError, TypeError):
            return None


def libpq_url(url: str) -> str | None:
    """The plain libpq form of a SQLAlchemy PostgreSQL URL, or None for SQLite."""
    u = make_url(url)
    if u.get_backend_name() != "postgresql":
        return None
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """LISTENs on a thread of its own and calls ``on_notice`` (on that thread) for each.

    ``stop()`` ends it within about a second. The callback must hand the notice on (a Qt
    signal, a queue) and never touch a session of another thread.
    """

    def __init__(self, url: str, on_notice: Callable[[Notice], None], poll_seconds: float = 0.5):
        self.dsn = libpq_url(url)
        self.on_notice = on_notice
        self.poll = poll_seconds
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self.own_pid: int | None = None
        self.error: str | None = None

    @property
    def supported(self) -> bool:
        return self.dsn is not None

    def start(self, wait: float = 10) -> bool:
        """Start listening; True once the LISTEN is in place (so no later write is missed)."""
        if self.dsn is None:
            return False
        self._thread = threading.Thread(target=self._run, args=(self.dsn,), name="workbench change listener", daemon=True)
        self._thread.start()
        self._ready.wait(wait)
        return self._ready.is_set() and self.error is None

    def _run(self, dsn: str) -> None:
        try:
            with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                self._ready.set()
                while not self._stop.is_set():
                    for n in conn.notifies(timeout=self.poll):
                        notice = Notice.parse(n.payload, n.pid)
                        if notice is not None:
                            self.on_notice(notice)
                        if self._stop.is_set():
                            break
        except Exception as exc:  # noqa: BLE001 - a lost server: the app says so; nothing to raise into
            self.error = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        finally:
            self._ready.set()

    def stop(self, wait: float = 5) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(wait)
            self._thread = None
