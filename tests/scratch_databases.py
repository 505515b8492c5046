"""The test runs' own PostgreSQL databases: names that say whose they are, and a sweep of
those left behind by runs that were killed.

A test run creates many databases on a server that outlives it (CI and every developer
use the same one). A run that is killed (a time-out, Ctrl-C twice, a crash) cannot drop
them, so the next run does: each name carries its maker, so a later run can tell a
database whose run is gone from one whose run is still going (another developer's, or
this run's own xdist workers)::

    wb_test_<host>_<boot>_<pid>_<start>_<random>

``host`` and ``boot`` are short hashes of the machine's name and of this boot; ``pid``
and ``start`` (the process's start time in clock ticks since boot, from /proc) name the
process, so a recycled pid is not mistaken for the maker. A database is stale when it was
made on this machine and its maker is gone (another boot, or no process with that pid and
start time). A database made on another machine is never touched (its maker cannot be
checked from here), nor anything not named ``wb_test_...``.

Databases named by the previous scheme (``wb_test_`` and 12 hex digits, no owner) are
swept only when nobody is connected to them and no other pytest process runs on this
machine (the server must be local): then no run can be using them.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, Engine

PREFIX = "wb_test_"
_NAME = re.compile(r"^wb_test_(?P<host>[0-9a-f]{6})_(?P<boot>[0-9a-f]{6})_(?P<pid>\d+)_(?P<start>\d+)_[0-9a-f]{8}$")
_LEGACY = re.compile(r"^wb_test_[0-9a-f]{12}$")
_PROC = Path("/proc")


def _tag(value: str) -> str:
    return hashlib.sha1(value.encode()).hexdigest()[:6]


def host_tag() -> str:
    return _tag(socket.gethostname())


def boot_tag() -> str:
    try:
        return _tag((_PROC / "sys/kernel/random/boot_id").read_text().strip())
    except OSError:
        return "000000"  # no /proc: every run looks like the same boot; pids still decide


def start_ticks(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot), or None if there is none."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # field 22; the command name (field 2) is in parentheses and may hold spaces
    return int(stat.rsplit(")", 1)[1].split()[19])


def process_alive(pid: int, start: int) -> bool:
    """Whether the process that made a database still runs (the same pid *and* start)."""
    if not _PROC.is_dir():  # no /proc (not Linux): the pid alone, erring on "alive"
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True
        return True
    return start_ticks(pid) == start


@dataclass(frozen=True)
class Owner:
    """The process that made a test database."""

    host: str
    boot: str
    pid: int
    start: int

    @classmethod
    def current(cls) -> Owner:
        pid = os.getpid()
        return cls(host_tag(), boot_tag(), pid, start_ticks(pid) or 0)

    def new_name(self) -> str:
        return f"{PREFIX}{self.host}_{self.boot}_{self.pid}_{self.start}_{uuid.uuid4().hex[:8]}"

    def comment(self) -> str:
        return (f"lot-trace workbench test database made by pid {self.pid} on {socket.gethostname()}; "
                "a later test run drops it once that process is gone")


def owner_of(name: str) -> Owner | None:
    """Who made the database ``name`` (None: not named by this scheme)."""
    m = _NAME.match(name)
    if m is None:
        return None
    return Owner(m["host"], m["boot"], int(m["pid"]), int(m["start"]))


def is_stale(name: str, me: Owner, *, legacy_unused: bool = False) -> bool:
    """Whether ``name`` is a test database whose run is gone (see the module's docstring).

    ``legacy_unused``: the caller has checked that no run can be using a database of the
    previous naming scheme.
    """
    owner = owner_of(name)
    if owner is None:
        return legacy_unused and _LEGACY.match(name) is not None
    if owner.host != me.host:
        return False
    if owner.boot != me.boot:
        return True
    if owner.pid == me.pid and owner.start == me.start:
        return False  # this run's own
    return not process_alive(owner.pid, owner.start)


def server_is_local(url: URL) -> bool:
    host = url.host or url.query.get("host") or ""
    host = host if isinstance(host, str) else host[0]
    return host in ("", "localhost", "127.0.0.1", "::1") or host.startswith("/")


def _processes() -> dict[int, tuple[int, bytes]]:
    """pid -> (parent pid, command line) of every process this user can see."""
    out: dict[int, tuple[int, bytes]] = {}
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            out[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmdline)
    return out


def _is_pytest(cmdline: bytes) -> bool:
    return b"pytest" in cmdline or b"py.test" in cmdline


def _family(pid: int, processes: dict[int, tuple[int, bytes]]) -> set[int]:
    """This run: ``pid``, its ancestors (pytest, the make or shell that started it) and
    every descendant of the outermost pytest among them (xdist's controller and workers)."""
    ancestors, root = [pid], pid
    up = processes.get(pid, (0, b""))[0]
    while up and up not in ancestors:
        ancestors.append(up)
        if _is_pytest(processes.get(up, (0, b""))[1]):
            root = up
        up = processes.get(up, (0, b""))[0]
    family = set(ancestors)
    below = {root}
    while below:
        below = {child for child, (parent, _) in processes.items() if parent in below and child not in family}
        family |= below
    return family


def other_pytest_runs(pid: int | None = None) -> list[int]:
    """Pids of pytest processes on this machine that are not part of this run."""
    if not _PROC.is_dir():
        return [-1]  # cannot tell: assume there are
    processes = _processes()
    mine = _family(os.getpid() if pid is None else pid, processes)
    return sorted(p for p, (_, cmdline) in processes.items() if p not in mine and _is_pytest(cmdline))


def listed_databases(admin: Engine) -> list[tuple[str, int]]:
    """(name, connections) of every database named like a test database."""
    with admin.connect() as conn:
        return [(name, count) for name, count in conn.execute(text(
            "SELECT d.datname, (SELECT count(*) FROM pg_stat_activity a WHERE a.datname = d.datname) "
            "FROM pg_database d WHERE d.datname LIKE 'wb\\_test\\_%' ORDER BY 1"))]


def drop(admin: Engine, names: Iterable[str]) -> list[str]:
    """Drop these databases (their connections too); the names that were dropped.

    All at once, each on its own connection: every DROP DATABASE makes the server
    checkpoint, and a checkpoint serves every drop waiting for it. One after the other,
    ten drops took 185 s on a busy machine (a checkpoint each); together, 1 s.
    """
    names = list(names)
    for name in names:
        if not re.fullmatch(r"wb_test_[0-9a-z_]+", name):  # never anything else, never a quoting trick
            raise ValueError(f"not a test database: {name!r}")

    def drop_one(name: str) -> str:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        return name

    if len(names) <= 1:
        return [drop_one(name) for name in names]
    with ThreadPoolExecutor(max_workers=min(8, len(names)), thread_name_prefix="drop test database") as pool:
        return list(pool.map(drop_one, names))


def stale_databases(admin: Engine, me: Owner | None = None) -> list[str]:
    """The stale test databases on the server of ``admin`` (see the module's docstring)."""
    me = me or Owner.current()
    listed = listed_databases(admin)
    legacy_possible = any(owner_of(name) is None for name, _ in listed)
    quiet = legacy_possible and server_is_local(admin.url) and not other_pytest_runs(me.pid)
    return [name for name, connections in listed if is_stale(name, me, legacy_unused=quiet and connections == 0)]


def sweep(admin: Engine, me: Owner | None = None) -> list[str]:
    """Drop the stale test databases on the server of ``admin``; the names dropped."""
    return drop(admin, stale_databases(admin, me))
