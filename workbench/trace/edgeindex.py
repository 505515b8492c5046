"""An in-memory index of the lot-to-lot edges: walks at the speed of a plain BFS.

The index is two CSR (compressed sparse row) pairs, downstream and upstream:
``to[start[lot]:start[lot + 1]]`` are the lots one step away. Up to ``LISTS_UP_TO`` edges
they are lists sharing one int object per lot id (a walk then allocates nothing but its
result: within 1.5x of a dict-of-lists BFS), about 50 bytes per edge; beyond, arrays of
4-byte ints, 16 bytes per edge (a walk about 2x slower).

Staleness rule: it never answers from stale edges. Migration 0007 keeps a change counter
(``lot_edge_version``) that every write to ``lot_edges`` raises inside the writer's own
transaction. An index remembers the counter of the snapshot it was loaded from (counter and
edges are read by ONE statement, so they agree); before each walk the counter is read
through the caller's own connection, and the index answers only when they are equal. A
session with uncommitted edge writes sees its own raised counter, so it walks in SQL; a
rolled-back write leaves the counter as it was (and the index valid). Writers serialise on
the counter row, so a committed counter value names one set of edges.

Loading: ``load`` reads every edge at once (synchronously, for tests and benchmarks);
``current`` starts a background load for an engine the second time it finds no valid
index (a long-lived process: the app, a recall run), and a reload when it finds the index
stale. Until the load is done, walks are the engine's recursive SQL. In-memory SQLite
databases are never indexed (a loader thread could not see them).
"""

from __future__ import annotations

import threading
import time
import weakref
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

VERSION_SQL = "SELECT version FROM lot_edge_version WHERE id = 1"
#: Counter and edges in one statement, so both come from one snapshot (the counter's row is
#: told apart by its parent id -1; lot ids are positive).
LOAD_SQL = ("SELECT -1, version FROM lot_edge_version WHERE id = 1 "
            "UNION ALL SELECT parent_lot_id, child_lot_id FROM lot_edges")
#: Walks that found no valid index before a background load starts.
AUTO_AFTER = 2
_BATCH = 50_000


def _empty(typecode: str, n: int) -> array[int]:
    return array(typecode, bytes(array(typecode).itemsize * n))


def _csr(src: array[int], dst: array[int], size: int, typecode: str) -> tuple[array[int], array[int]]:
    """(start, to) for edges src -> dst over lot ids 0..size-1."""
    counts = _empty(typecode, size + 1)
    for s in src:
        counts[s + 1] += 1
    running = 0
    for i in range(size + 1):
        running += counts[i]
        counts[i] = running
    # Counting sort (no temporary list of a million ints): one lot's targets in load order.
    free = array(typecode, counts)
    to = _empty(typecode, len(dst))
    for s, d in zip(src, dst, strict=True):
        at = free[s]
        to[at] = d
        free[s] = at + 1
    return counts, to


def _as_lists(start: array[int], to: array[int], pool: list[int]) -> tuple[list[int], list[int]]:
    """The CSR pair as lists of shared int objects: a walk then creates no int objects (the
    floor's speed), for 8 bytes a slot more than the arrays."""
    return list(start), [pool[x] for x in to]


#: Up to this many edges the index is held as lists (fast), beyond as 4-byte arrays (compact).
LISTS_UP_TO = 5_000_000


@dataclass(frozen=True)
class EdgeIndex:
    """The lot-to-lot edges as of counter ``version``; immutable, safe to share between threads."""

    version: int
    down_start: Sequence[int]
    down_to: Sequence[int]
    up_start: Sequence[int]
    up_to: Sequence[int]
    load_s: float = 0.0

    @property
    def edges(self) -> int:
        return len(self.down_to)

    @property
    def nbytes(self) -> int:
        """Memory held: the four sequences, and the int objects the lists share."""
        parts = (self.down_start, self.down_to, self.up_start, self.up_to)
        if all(isinstance(a, array) for a in parts):
            return sum(a.itemsize * len(a) for a in parts if isinstance(a, array))
        slots = sum(8 * len(a) for a in parts)
        # One shared int per lot id, and one per offset of each start list.
        return slots + 32 * 3 * len(self.down_start)

    @classmethod
    def build(cls, version: int, parents: array[int], children: array[int], load_s: float = 0.0) -> EdgeIndex:
        """The index of edges ``parents[i] -> children[i]``."""
        top = max(max(parents, default=0), max(children, default=0))
        typecode = "i" if top < 2**31 - 1 and len(parents) < 2**31 - 1 else "q"
        if parents.typecode != typecode:
            parents, children = array(typecode, parents), array(typecode, children)
        down: tuple[Sequence[int], Sequence[int]] = _csr(parents, children, top + 1, typecode)
        up: tuple[Sequence[int], Sequence[int]] = _csr(children, parents, top + 1, typecode)
        if len(parents) <= LISTS_UP_TO:
            pool = list(range(top + 1))
            down = _as_lists(down[0], down[1], pool)  # type: ignore[arg-type]
            up = _as_lists(up[0], up[1], pool)  # type: ignore[arg-type]
        return cls(version, down[0], down[1], up[0], up[1], load_s)

    def walk(self, roots: Sequence[int], downstream: bool, depth: int | None = None) -> dict[int, int]:
        """Fewest lot-to-lot hops from the roots to every lot reachable (roots at 0), at most
        ``depth`` hops; exactly what the recursive SQL walk returns."""
        start, to = (self.down_start, self.down_to) if downstream else (self.up_start, self.up_to)
        size = len(start) - 1
        hops = dict.fromkeys(roots, 0)
        frontier = [r for r in hops if 0 <= r < size]
        d = 0
        while frontier and (depth is None or d < depth):
            d += 1
            reached = []
            for lot in frontier:
                for nxt in to[start[lot]:start[lot + 1]]:
                    if nxt not in hops:
                        hops[nxt] = d
                        reached.append(nxt)
            frontier = reached
        return hops


@dataclass
class _Keeper:
    """One engine's index and its loader."""

    indexable: bool = True
    has_counter: bool | None = None
    index: EdgeIndex | None = None
    misses: int = 0
    loader: threading.Thread | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_keepers: weakref.WeakKeyDictionary[Engine, _Keeper] = weakref.WeakKeyDictionary()
_keepers_lock = threading.Lock()


def _keeper(engine: Engine) -> _Keeper:
    keeper = _keepers.get(engine)
    if keeper is not None:
        return keeper
    with _keepers_lock:
        keeper = _keepers.get(engine)
        if keeper is None:
            keeper = _keepers[engine] = _Keeper(indexable=_indexable(engine))
        return keeper


def _indexable(engine: Engine) -> bool:
    url = engine.url
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))


def _has_counter(keeper: _Keeper, conn: Connection) -> bool:
    if keeper.has_counter is None:
        keeper.has_counter = inspect(conn).has_table("lot_edge_version")
    return keeper.has_counter


def edge_version(conn: Connection) -> int | None:
    """The edge counter as ``conn``'s transaction sees it (None: no counter row)."""
    # Both drivers (sqlite3, psycopg 3) run a statement on the connection itself: the
    # check is one round trip and no SQLAlchemy (it runs before every indexed walk).
    row = conn.connection.dbapi_connection.execute(VERSION_SQL).fetchone()  # type: ignore[union-attr]
    return None if row is None else int(row[0])


def current(session: Session, *, auto: bool = True) -> EdgeIndex | None:
    """The index if it holds exactly the edges ``session`` sees, else None (walk in SQL).

    With ``auto``, a miss counts towards (re)loading the index in the background.
    """
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        return None
    keeper = _keeper(engine)
    if not keeper.indexable:
        return None
    conn = session.connection()
    if not _has_counter(keeper, conn):
        return None
    index = keeper.index
    if index is None and not auto:
        return None
    version = edge_version(conn)
    if index is not None and version is not None and index.version == version:
        return index
    if auto and version is not None:
        keeper.misses += 1
        if index is not None or keeper.misses >= AUTO_AFTER:
            start_loading(engine)
    return None


def load(engine: Engine) -> EdgeIndex | None:
    """Read every edge and the counter of the same snapshot into a new index for ``engine``
    (None when the plant has no counter). Takes about a second per million edges."""
    keeper = _keeper(engine)
    t = time.perf_counter()
    with engine.connect() as conn:
        if not _has_counter(keeper, conn):
            return None
        cursor = conn.connection.cursor()
        version: int | None = None
        parents, children = array("q"), array("q")
        try:
            cursor.execute(LOAD_SQL)
            while batch := cursor.fetchmany(_BATCH):
                for p, c in batch:
                    if p == -1:
                        version = int(c)
                    else:
                        parents.append(p)
                        children.append(c)
        finally:
            cursor.close()
        conn.rollback()
    if version is None:
        return None
    index = EdgeIndex.build(version, parents, children)
    index = EdgeIndex(index.version, index.down_start, index.down_to, index.up_start, index.up_to,
                      time.perf_counter() - t)
    with keeper.lock:  # the latest load wins; whether it answers is the counter's to say
        keeper.index = index
    return index


def start_loading(engine: Engine) -> None:
    """Load the index on a background thread, unless a load is under way."""
    keeper = _keeper(engine)
    with keeper.lock:
        if keeper.loader is not None and keeper.loader.is_alive():
            return
        keeper.loader = threading.Thread(target=_load_quietly, args=(engine,), daemon=True,
                                         name="load the lot edge index")
        keeper.loader.start()


def _load_quietly(engine: Engine) -> None:
    """Load, unless the committed counter is the index's own (the miss that asked was a
    session's uncommitted writes, or a reload already done)."""
    try:
        index = _keeper(engine).index
        if index is not None:
            with engine.connect() as conn:
                unchanged = edge_version(conn) == index.version
                conn.rollback()
            if unchanged:
                return
        load(engine)
    except Exception:  # noqa: BLE001 - a failed load leaves walks in SQL, which stay correct
        pass


def wait_loaded(engine: Engine, timeout: float | None = None) -> EdgeIndex | None:
    """The index once a background load under way has finished (for tests and benchmarks)."""
    keeper = _keeper(engine)
    loader = keeper.loader
    if loader is not None:
        loader.join(timeout)
    return keeper.index


def forget(engine: Engine) -> None:
    """Drop the engine's index (it reloads on demand)."""
    keeper = _keeper(engine)
    with keeper.lock:
        keeper.index = None
        keeper.misses = 0
