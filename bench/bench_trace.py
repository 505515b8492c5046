"""Genealogy trace benchmark: the engine against a naive per-lot walk and an in-memory BFS.

    .venv/bin/python bench/bench_trace.py [--scales 2.5,25,250] [--backends sqlite,postgresql]

For each demo plant size and database it times (median of --repeat runs):
- the engine's walk (one recursive query: the set of lots reached) against a naive walk
  issuing one query per lot (how ERP traceability reports commonly do it) and a plain
  breadth-first walk over the same edges held in memory; and the full trace (the graph
  with lots, orders, shipments, customers, vendors… that the app and reports use), for
- forward and backward traces whose results hold about 100 lots (the full engine: lots,
  orders, shipments, customers, vendors…), and a forward trace from the material lot
  used most widely;
- a deep synthetic genealogy (depth 8, ~100 lots) added inside a rolled-back transaction.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict, deque
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text

from bench.common import demo_plant, median_ms, table
from workbench.plant import Consumption, Item, Lot, LotEdge, Output, ProductionOrder, rebuild_edges
from workbench.trace.genealogy import reachable_lots, trace


def naive_walk(session, root: int, downstream: bool) -> set[int]:
    """One query per lot, as per-line move-history reports do."""
    seen = {root}
    queue = deque([root])
    if downstream:
        q = text("SELECT o.lot_id FROM consumptions c JOIN outputs o ON o.order_id = c.order_id WHERE c.lot_id = :l")
    else:
        q = text("SELECT c.lot_id FROM outputs o JOIN consumptions c ON c.order_id = o.order_id WHERE o.lot_id = :l")
    while queue:
        lot = queue.popleft()
        session.execute(text("SELECT * FROM lots WHERE id = :l"), {"l": lot}).first()
        for (nxt,) in session.execute(q, {"l": lot}):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def memory_walk(adjacent: dict[int, list[int]], root: int) -> set[int]:
    seen = {root}
    queue = deque([root])
    while queue:
        for nxt in adjacent.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def pick(session, candidates: list[int], downstream: bool, target: int, count: int = 3) -> list[tuple[int, int]]:
    sized = []
    for lot in candidates:
        n = len(reachable_lots(session, [lot], "forward" if downstream else "backward"))
        sized.append((abs(n - target), n, lot))
    sized.sort()
    return [(lot, n) for _, n, lot in sized[:count]]


def add_deep_chain(session, depth: int = 8, width: int = 12) -> int:
    """A synthetic genealogy ~depth levels deep (uncommitted); returns its root lot."""
    item = Item(code="BENCH-DEEP", name="bench", kind="intermediate", unit="kg")
    session.add(item)
    session.flush()
    root = Lot(item_id=item.id, code="D0", quantity=Decimal(1000), origin="opening")
    session.add(root)
    session.flush()
    level = [root]
    orders = []
    for d in range(1, depth + 1):
        nxt = []
        for w in range(width):
            po = ProductionOrder(code=f"BENCH-{d}-{w}", item_id=item.id)
            lot = Lot(item_id=item.id, code=f"D{d}-{w}", quantity=Decimal(10), origin="production")
            session.add_all([po, lot])
            session.flush()
            for parent in random.Random(d * 100 + w).sample(level, min(2, len(level))):
                session.add(Consumption(order_id=po.id, lot_id=parent.id, quantity=Decimal(1)))
            session.add(Output(order_id=po.id, lot_id=lot.id, quantity=Decimal(10)))
            orders.append(po.id)
            nxt.append(lot)
        level = nxt
    session.flush()
    rebuild_edges(session, orders)
    return root.id


def bench(backend: str, scale: float, repeat: int, log) -> list[list[object]]:
    plant = demo_plant(backend, scale, log)
    rows = []
    with plant.Session() as s:
        lots = s.execute(select(func.count()).select_from(Lot)).scalar()
        rng = random.Random(1)
        ids = s.execute(select(Lot.id, Lot.origin)).all()
        bought = [i for i, o in ids if o == "receipt"]
        made = [i for i, o in ids if o == "production"]
        t = time.perf_counter()
        edges = s.execute(select(LotEdge.parent_lot_id, LotEdge.child_lot_id)).all()
        down, up = defaultdict(list), defaultdict(list)
        for p, c in edges:
            down[p].append(c)
            up[c].append(p)
        load_ms = (time.perf_counter() - t) * 1000
        everywhere = s.execute(
            select(LotEdge.parent_lot_id).group_by(LotEdge.parent_lot_id)
            .order_by(func.count().desc(), LotEdge.parent_lot_id).limit(1)
        ).scalar()
        cases = [("forward ~100 lots", lot, n, True)
                 for lot, n in pick(s, rng.sample(bought, min(150, len(bought))), True, 100)]
        cases += [("backward ~100 lots", lot, n, False)
                  for lot, n in pick(s, rng.sample(made, min(150, len(made))), False, 100)]
        cases.append(("forward, material used most", everywhere,
                      len(reachable_lots(s, [everywhere], "forward")), True))
        deep = add_deep_chain(s)
        for p, c in s.execute(select(LotEdge.parent_lot_id, LotEdge.child_lot_id).join(
                Lot, Lot.id == LotEdge.parent_lot_id).join(Item, Item.id == Lot.item_id)
                .where(Item.code == "BENCH-DEEP")):
            down[p].append(c)
        cases.append(("forward, synthetic depth 8", deep, len(reachable_lots(s, [deep], "forward")), True))
        for name, lot, n, downstream in cases:
            direction = "forward" if downstream else "backward"
            g = trace(s, lot, direction)
            depth = max(abs(f.depth) for f in g.lot_facts())
            reps = repeat if n < 5000 else max(3, repeat // 5)
            walk_ms = median_ms(lambda lot=lot, d=direction: reachable_lots(s, [lot], d), reps)
            trace_ms = median_ms(lambda lot=lot, d=direction: trace(s, lot, d), reps)
            naive_reps = 1 if n > 2000 else max(3, reps // 3)
            naive_ms = median_ms(lambda lot=lot, d=downstream: naive_walk(s, lot, d), naive_reps)
            edges = down if downstream else up
            memory_ms = median_ms(lambda lot=lot, e=edges: memory_walk(e, lot), reps)
            rows.append([backend, f"{lots:,}", name, n, depth, f"{walk_ms:.1f}", f"{naive_ms:.1f}",
                         f"{naive_ms / walk_ms:.0f}x", f"{memory_ms:.2f}", f"{trace_ms:.1f}", f"{len(g.nodes):,}"])
            log(f"  {rows[-1]}")
        s.rollback()
        log(f"  (loading all {len(edges):,} edges into memory for the BFS took {load_ms:.0f} ms)")
    plant.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="2.5,25,250")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    log = lambda m: print(m, file=sys.stderr, flush=True)
    rows = []
    for backend in args.backends.split(","):
        for scale in (float(x) for x in args.scales.split(",")):
            log(f"{backend}, demo scale {scale:g}")
            rows += bench(backend, scale, args.repeat, log)
    print(table(["db", "plant lots", "trace", "result lots", "depth", "engine walk ms", "naive walk ms",
                 "speed-up", "in-memory BFS ms", "full trace ms", "graph nodes"], rows))


if __name__ == "__main__":
    main()
