"""Shared bench helpers: demo plants cached between runs, scratch PostgreSQL databases, tables."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from workbench.plant import Lot, Plant, open_plant
from workbench.plant.session import head_revision, make_engine, schema_state, upgrade

CACHE = Path(os.environ.get("WORKBENCH_BENCH_CACHE", Path(__file__).resolve().parent / "results"))
PG_SERVER = os.environ.get("WORKBENCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def pg_url(name: str, fresh: bool = False) -> str:
    """URL of a bench database on the local server (created if missing, emptied if fresh)."""
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if exists and fresh:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            exists = None
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)


def drop_pg(name: str) -> None:
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _upgraded(url: str, log) -> str:
    """A cached SQLite plant of an older schema is upgraded in place (it is the bench's own)."""
    engine = make_engine(url)
    try:
        if schema_state(engine) == "older":
            log("  upgrading the cached plant's schema…")
            upgrade(engine)
    finally:
        engine.dispose()
    return url


def demo_plant(backend: str, scale: float, log=print) -> Plant:
    """A demo plant of the given scale, built once and cached (SQLite file or PG database)."""
    tag = f"{scale:g}".replace(".", "_")
    if backend == "sqlite":
        CACHE.mkdir(parents=True, exist_ok=True)
        path = CACHE / f"demo-scale-{tag}.sqlite"
        url = f"sqlite:///{path}"
        if path.exists():
            return open_plant(_upgraded(url, log))
    else:  # one database per schema revision: worktrees at other revisions share the server
        url = pg_url(f"wb_bench_demo_{tag}_r{head_revision()}")
    plant = open_plant(url, create=True)
    with plant.Session() as s:
        if s.execute(select(func.count()).select_from(Lot)).scalar():
            return plant
    from workbench.demo import build_demo

    log(f"  building demo plant scale {scale:g} on {backend}…")
    t = time.perf_counter()
    with plant.Session.begin() as s:
        build_demo(s, scale=scale)
    log(f"  built in {time.perf_counter() - t:.1f} s")
    return plant


def median_ms(fn: Callable[[], object], repeat: int, warm: bool = True) -> float:
    if warm:
        fn()  # warm the caches once, as a user's second query would find them
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.rjust(w) for c, w in zip(r, widths, strict=False)) + " |" for r in cells]
    return "\n".join([line, sep, *body])
