"""A ten-million-lot PostgreSQL plant, and walk and full-trace times beside the 1M-lot plant.

    .venv/bin/python bench/bench_scale.py build [--from wb_scale_1m] [--to wb_scale_10m] [--plants 10]
    .venv/bin/python bench/bench_scale.py measure [--dbs wb_scale_1m,wb_scale_10m] [--repeat 15]

``build`` makes a group of plants out of one demo year: the database ``--to`` starts as a
copy of ``--from`` (a demo plant, ``workbench demo --db … --scale 250``) and receives
``--plants - 1`` more years of production beside it: every lot, order, operation,
consumption, output, shipment, receipt, return, container, packing, event and edge again,
under new ids and with ``-P2``, ``-P3``… after its codes. Items, parties, locations, vendors
and customers are shared, as in a group whose plants buy from the same vendors and sell to
the same customers. It is set-wise SQL on the server (one ``INSERT … SELECT`` per table,
indexes and foreign keys rebuilt once; see ``workbench.plant.bulk.bulk_load``): minutes,
where generating ten years with the demo simulation would take hours on 2 cores.

``measure`` times, in each database, the same traces (the same lots of the first plant)
and prints them side by side: the engine's walk (the set of lots reached), the full trace,
and the in-memory floor; then the plans of the recursive walk (``EXPLAIN (ANALYZE,
BUFFERS)``) in the largest database, which show whether it stays index-only.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, func, select, text

from bench.bench_trace import memory_walk, pick
from bench.common import PG_SERVER, median_ms, table
from workbench.plant import Lot, LotEdge, open_plant
from workbench.plant.bulk import BulkWriter, bulk_load
from workbench.plant.models import Base
from workbench.trace.genealogy import reachable_lots, trace

#: The tables that hold a plant's year; everything else is shared by the group's plants.
PER_PLANT = ("containers", "events", "lots", "packings", "key_data_elements", "event_lots", "production_orders",
             "operations", "consumptions", "outputs", "shipments", "receipts", "returns", "lot_edges")
#: Codes made unique per plant by a ``-P<n>`` suffix (SSCCs are 18 digits and not unique: kept).
CODES = {"containers": ("code",), "events": ("ref",), "lots": ("code",), "production_orders": ("code",),
         "shipments": ("code",), "receipts": ("code",), "returns": ("rma",)}


def url_of(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)


def _copy_statement(name: str, offsets: dict[str, int]) -> str:
    """``INSERT … SELECT`` writing plant ``:k + 1`` of table ``name`` from plant 1: one plant at a
    time, so each primary key grows at its end (the edges' key is kept up as rows arrive)."""
    tbl = Base.metadata.tables[name]
    out = []
    for column in tbl.c:
        targets = {fk.column.table.name for fk in column.foreign_keys}
        if column.name == "id" and name in offsets:
            out.append(f"t.id + k * {offsets[name]}")
        elif targets & set(offsets):
            (target,) = targets
            out.append(f"t.{column.name} + k * {offsets[target]}")
        elif column.name in CODES.get(name, ()):
            out.append(f"t.{column.name} || '-P' || (k + 1)")
        else:
            out.append(f"t.{column.name}")
    columns = ", ".join(c.name for c in tbl.c)
    key = "id" if "id" in tbl.c else next(c.name for c in tbl.c if c.name.endswith("lot_id"))  # plant 1's rows
    return (f"INSERT INTO {name} ({columns}) SELECT {', '.join(out)} "
            f"FROM {name} AS t CROSS JOIN (SELECT CAST(:k AS integer) AS k) AS plant "
            f"WHERE t.{key} <= {offsets[name] if key == 'id' else offsets['lots']}")


def build(source: str, target: str, plants: int, log) -> None:
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
        started = time.perf_counter()
        conn.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'))
        log(f"copied {source} to {target} in {time.perf_counter() - started:.0f} s")
    admin.dispose()
    plant = open_plant(url_of(target))
    try:
        with plant.Session.begin() as s:
            offsets = {name: s.execute(text(f"SELECT coalesce(max(id), 0) FROM {name}")).scalar_one()
                       for name in PER_PLANT if "id" in Base.metadata.tables[name].c}
            sizes = {name: s.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() for name in PER_PLANT}
            more = plants - 1
            tables: dict[Any, int] = {Base.metadata.tables[name]: n * more for name, n in sizes.items()}
            started = time.perf_counter()
            with bulk_load(s, tables):
                for name in PER_PLANT:
                    t = time.perf_counter()
                    for k in range(1, more + 1):
                        s.execute(text(_copy_statement(name, offsets)), {"k": k})
                    log(f"  {name}: {sizes[name] * more:,} rows in {time.perf_counter() - t:.0f} s")
                log(f"copied the year {more} times in {time.perf_counter() - started:.0f} s; indexing")
                t = time.perf_counter()
            log(f"indexes and foreign keys rebuilt in {time.perf_counter() - t:.0f} s")
            BulkWriter(s).advance_sequences([Base.metadata.tables[n] for n in offsets])
        with plant.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            t = time.perf_counter()
            conn.execute(text("VACUUM ANALYZE"))  # the visibility map, so index-only scans stay index-only
            log(f"vacuumed and analysed in {time.perf_counter() - t:.0f} s")
    finally:
        plant.dispose()


def _cases(session, rng: random.Random) -> list[tuple[str, int, str]]:
    """Forward and backward traces of about 100 lots, and the material lot used most widely."""
    ids = session.execute(select(Lot.id, Lot.origin)).all()
    bought = [i for i, o in ids if o == "receipt"]
    made = [i for i, o in ids if o == "production"]
    cases = [("forward ~100 lots", lot, "forward") for lot, _n in pick(session, rng.sample(bought, 150), True, 100)]
    cases += [("backward ~100 lots", lot, "backward") for lot, _n in pick(session, rng.sample(made, 150), False, 100)]
    everywhere = session.execute(
        select(LotEdge.parent_lot_id).group_by(LotEdge.parent_lot_id)
        .order_by(func.count().desc(), LotEdge.parent_lot_id).limit(1)).scalar_one()
    cases.append(("forward, material used most", everywhere, "forward"))
    return cases


def _walk_statements(plant, lot: int, direction: str) -> list[tuple[str, Any]]:
    """The SQL (and parameters) the engine's walk sends, as the driver receives them: the
    walk itself (the longest) last, after the settings it makes for itself."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(plant.engine, "before_cursor_execute", keep)
    try:
        with plant.Session() as s:
            reachable_lots(s, [lot], direction)
    finally:
        event.remove(plant.engine, "before_cursor_execute", keep)
    last = max(range(len(seen)), key=lambda i: len(seen[i][0]))
    return seen[: last + 1]


def measure(dbs: list[str], repeat: int, log) -> None:
    plants = {name: open_plant(url_of(name)) for name in dbs}
    first = plants[dbs[0]]
    with first.Session() as s:
        cases = _cases(s, random.Random(1))
        down, up = defaultdict(list), defaultdict(list)
        for p, c in s.execute(select(LotEdge.parent_lot_id, LotEdge.child_lot_id)):
            down[p].append(c)
            up[c].append(p)
    rows = []
    for name, plant in plants.items():
        with plant.Session() as s:
            lots = s.execute(text("SELECT reltuples::bigint FROM pg_class WHERE relname = 'lots'")).scalar_one()
            edges = s.execute(text("SELECT reltuples::bigint FROM pg_class WHERE relname = 'lot_edges'")).scalar_one()
            for label, lot, direction in cases:
                n = len(reachable_lots(s, [lot], direction))
                reps = repeat if n < 5000 else max(3, repeat // 5)
                walk = median_ms(partial(reachable_lots, s, [lot], direction), reps)
                full = median_ms(partial(trace, s, lot, direction), reps)
                floor = median_ms(partial(memory_walk, down if direction == "forward" else up, lot), reps)
                rows.append([name, f"{lots:,}", f"{edges:,}", label, lot, f"{n:,}", f"{walk:.1f}", f"{full:.1f}",
                             f"{floor:.2f}"])
                log(f"  {rows[-1]}")
    print(table(["database", "lots", "edges", "trace", "lot", "result lots", "engine walk ms", "full trace ms",
                 "in-memory floor ms"], rows))
    largest = plants[dbs[-1]]
    for label, lot, direction in (cases[0], cases[-1]):
        *settings, (statement, parameters) = _walk_statements(largest, lot, direction)
        with largest.engine.connect() as conn:
            for setting, values in settings:
                conn.exec_driver_sql(setting, values)
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters).all()
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the walk, {label} (lot {lot}), in {dbs[-1]}:")
        print("\n".join("    " + r[0] for r in plan))
    for plant in plants.values():
        plant.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="a group of plants from one demo year")
    b.add_argument("--from", dest="source", default="wb_scale_1m")
    b.add_argument("--to", dest="target", default="wb_scale_10m")
    b.add_argument("--plants", type=int, default=10)
    m = sub.add_parser("measure", help="walk and full-trace times side by side")
    m.add_argument("--dbs", default="wb_scale_1m,wb_scale_10m")
    m.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    log = lambda msg: print(msg, file=sys.stderr, flush=True)
    if args.command == "build":
        build(args.source, args.target, args.plants, log)
    else:
        measure(args.dbs.split(","), args.repeat, log)


if __name__ == "__main__":
    main()
