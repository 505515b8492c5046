"""Writing the demo plant: into a session, into a new SQLite file, or nowhere."""

from __future__ import annotations

import functools
import glob
import os
import re
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from workbench.demo.incident import DemoSummary
from workbench.demo.simulate import DAYS, EPOCH, Simulation
from workbench.demo.sink import TABLES, Sink
from workbench.errors import WorkbenchError
from workbench.plant import Consumption, Item, Lot, LotEdge, audit, open_plant, rebuild_edges
from workbench.plant.bulk import BULK_THRESHOLD, bulk_load
from workbench.plant.parties import link_parties
from workbench.plant.session import analyze, redact
from workbench.progress import report

#: Lots per unit of ``scale`` (measured: 4,528 at scale 1, 43,015 at 10, 1,075,146 at 250).
LOTS_PER_SCALE = 4_300
#: The material used everywhere: one of its lots goes into weeks of production.
EVERYWHERE_ITEM = "RM-SALT"

Progress = Callable[[float, str], None]


def build_demo(session: Session, seed: int = 7, scale: float = 1,
               progress: Progress | None = None, *, core_inserts: bool = False,
               extras: Callable[[Session], object] | None = None) -> DemoSummary:
    """Write the Northfield Foods demo plant into an empty plant database.

    Deterministic: the same ``seed`` and ``scale`` write the same rows. Lots grow
    linearly with ``scale`` (about ``LOTS_PER_SCALE`` per unit). Rows go in batches of
    10,000 with ids chosen here, through the session's own connection (the driver's
    bulk insert, see ``sink``); ``lot_edges`` is rebuilt once at the end.
    Does not commit: the caller owns the transaction, so a failed or cancelled build
    leaves nothing behind. ``core_inserts`` writes through plain Core inserts instead of
    the driver's bulk path (same rows, slower; see ``sink``).
    """
    if holds_data(session):
        raise WorkbenchError(
            "The plant database already holds data; the demo plant is only built into an "
            "empty one."
        )
    started = time.perf_counter()
    sim = Simulation(Sink(session, core=core_inserts), seed, scale, progress)
    # The plant is empty, so every table's indexes (and PostgreSQL's foreign keys) are
    # built once at the end rather than kept up row by row: see ``bulk_load``.
    with bulk_load(session, dict.fromkeys([*TABLES.values(), LotEdge.__table__], BULK_THRESHOLD)):
        sim.run()
        report(progress, 0.92, "Linking the lot genealogy")
        analyze(session, ("consumptions", "outputs"))
        rebuild_edges(session)
        report(progress, 0.95, "Indexing the plant")
    link_parties(session)
    if extras is not None:  # what other layers add to the year (the floor's pick lists and holds)
        extras(session)
    analyze(session)
    summary = _summary(sim, seed, scale, time.perf_counter() - started)
    audit.record(session, "demo plant built", "plant", "demo", None, {"seed": seed, "scale": scale})
    report(progress, 1.0, "Demo plant built")
    return summary


def holds_data(session: Session) -> bool:
    """Whether the plant database has any items, parties or lots."""
    return any(
        session.execute(select(TABLES[t].c.id).limit(1)).first() is not None
        for t in ("items", "vendors", "customers", "lots")
    )


@functools.lru_cache(maxsize=8)
def demo_summary(seed: int = 7, scale: float = 1) -> DemoSummary:
    """The summary ``build_demo`` returns for this seed and scale, without a database.

    Runs the same simulation with nowhere to write, so tests of the genealogy and
    recall engines can compare the shared demo plant with the generator's own account.
    """
    started = time.perf_counter()
    sim = Simulation(Sink(None), seed, scale)
    sim.run()
    return _summary(sim, seed, scale, time.perf_counter() - started)


def _summary(sim: Simulation, seed: int, scale: float, seconds: float) -> DemoSummary:
    counts = dict(sim.sink.counts)
    counts["lot_edges"] = sim.edges
    everywhere, uses = sim.everywhere()
    account = sim.chain.account
    return DemoSummary(
        seed=seed, scale=scale, first_day=EPOCH.date(),
        last_day=EPOCH.date() + timedelta(days=DAYS - 1), counts=counts, seconds=seconds,
        incident_reach=sim.reach(), overconsumed=sim.overconsumed(), everywhere_lot=everywhere,
        everywhere_orders=uses, complaint_rmas=tuple(sim.complaint_rmas),
        reworked_rmas=tuple(sim.reworked_rmas), transfer_lines=sim.transfer_lines,
        in_transit=account.in_transit[0].code if account.in_transit else None,
        in_transit_pallets=len(account.in_transit), pallets=counts.get("containers", 0),
        mixed_pallets=len({outer for outer, _inner in account.nested}),
        corrected_receipt=(account.correction.receipt, account.correction.lot) if account.correction.receipt else None,
    )


def everywhere_material(session: Session) -> tuple[str, str]:
    """(item, lot) of the salt lot consumed by the most orders: a lot whose forward
    trace covers weeks of production (tens of thousands of lots at scale 250)."""
    row = session.execute(
        select(Lot.code)
        .join(Item, Item.id == Lot.item_id)
        .join(Consumption, Consumption.lot_id == Lot.id)
        .where(Item.code == EVERYWHERE_ITEM)
        .group_by(Lot.id, Lot.code)
        .order_by(func.count(Consumption.id).desc(), Lot.id)
        .limit(1)
    ).first()
    if row is None:
        raise WorkbenchError(
            f"This plant has no consumed {EVERYWHERE_ITEM} lot; is it the demo plant?"
        )
    return EVERYWHERE_ITEM, row[0]


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL, or a one-sentence error for anything else."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        raise WorkbenchError(
            f"{redact(url)} is not a SQLite file; the demo plant is built into such a file "
            "on its own, or with `workbench demo --db URL` into an empty database."
        )
    return Path(parsed.database)


def build_sqlite_file(path: Path, seed: int = 7, scale: float = 1,
                      progress: Progress | None = None,
                      extras: Callable[[Session], object] | None = None) -> DemoSummary:
    """Build the demo into a temporary file beside ``path``, then rename it into place.

    The rename is atomic, so ``path`` is never a half-built plant; an existing file is
    replaced only once the new one is complete.
    """
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.building-{os.getpid()}")
    _remove(tmp)
    remove_stale_builds(path)
    try:
        plant = open_plant(f"sqlite:///{tmp}", create=True)
        try:
            with plant.Session.begin() as session:
                summary = build_demo(session, seed=seed, scale=scale, progress=progress, extras=extras)
            with plant.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            plant.dispose()
        if _sidecars(tmp)[0].exists():
            _remove(_sidecars(tmp)[0])
        for stale in _sidecars(path):  # an old WAL must not be replayed into the new file
            stale.unlink(missing_ok=True)
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise
    return summary


def ensure_demo(url: str, seed: int = 7, scale: float = 1,
                extras: Callable[[Session], object] | None = None) -> bool:
    """Build the demo plant into the SQLite file of ``url`` if there is no such file.

    Returns True when it built one, False when the file was already there.
    """
    path = sqlite_path(url)
    if path.exists():
        return False
    build_sqlite_file(path, seed=seed, scale=scale, extras=extras)
    return True


def remove_stale_builds(path: Path) -> list[Path]:
    """Remove the half-built files of earlier builds of ``path`` that were killed (their
    process is gone); returns what was removed. A build still running is left alone."""
    removed = []
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.building-*"):
        match = re.search(r"\.building-(\d+)(-wal|-shm|-journal)?$", tmp.name)
        if match is None or int(match[1]) == os.getpid() or _alive(int(match[1])):
            continue
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _remove(path: Path) -> None:
    for p in (path, *_sidecars(path)):
        p.unlink(missing_ok=True)
