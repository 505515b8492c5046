"""Benchmark: the whole recall package for a material used in thousands of lots.

Two plants:

* ``demo`` — the demo plant (``workbench.demo``) at its largest scale (250, about a
  million lots; cached in ``bench/results`` by ``bench.common``); the suspect lot is the
  material lot consumed by the most orders (a salt lot, in weeks of production).
* ``synthetic`` — a plant built here in bulk to the issue's size: one material lot
  goes into intermediates, thousands of product lots, shipped to 1,000 customers.

Usage::

    .venv/bin/python bench/bench_recall.py [--plant demo|synthetic|both] [--db URL]
        [--customers 1000] [--scale 250] [--keep DIR] [--baseline REV|none] [--rounds N]

For each plant it prints a table, one row per file kind (each written alone, one after
the other, in one process: wall and CPU seconds), then the recall query, the letters on
one core, and the whole package as ``workbench recall`` writes it (worker processes for
the letters and spreadsheets): the total is query + package. Beside each figure, the
same measured for the code at ``--baseline`` (default: the commit before the speed work,
``BASELINE``), checked out from git into a temporary folder and run in its own process
on the same plant file, in the same run: relative figures are what count on a shared
machine, and CPU seconds are less disturbed by other load than wall seconds. The load
average before and after is printed with the table. With ``--rounds N`` each side runs
N times, alternately, and the fastest of each figure is kept.
The goal (issue #16): the whole package, 1,000 customers' letters included, under 5 s
on an idle 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The code a measuring process runs: this tree, or a baseline checked out by ``baseline_tree``.
sys.path.insert(0, os.environ.get("BENCH_RECALL_SRC") or str(ROOT))
sys.path.insert(1, str(ROOT))  # bench.common

#: The commit before the recall speed work (issue #16): openpyxl spreadsheets, platypus
#: tables in the letters, reportlab writing each letter file.
BASELINE = "f10ceb6"

from sqlalchemy import func, insert, select

from workbench.facts import LotRef
from workbench.plant import (
    Consumption,
    Customer,
    Item,
    Lot,
    Output,
    ProductionOrder,
    Receipt,
    Shipment,
    Vendor,
    open_plant,
    rebuild_edges,
)
from workbench.plant.lookup import lot_refs

T0 = datetime(2026, 1, 5, 6, 0)


def build_synthetic(session, customers: int = 1000, intermediates: int = 40, per_intermediate: int = 60,
                    seed: int = 11) -> LotRef:
    """One almond lot -> ``intermediates`` chopped-almond lots -> products, shipped widely.

    Each intermediate lot goes into ``per_intermediate`` product orders (one product lot
    each, with oats from other lots as a second input); each product lot is shipped to
    two to four customers. Returns the suspect lot.
    """
    rnd = random.Random(seed)
    d = Decimal
    session.execute(insert(Item), [
        {"code": "RM-ALMOND", "name": "Almonds, natural whole", "kind": "material", "unit": "kg",
         "gtin": "10850047100274"},
        {"code": "RM-OATS", "name": "Rolled oats", "kind": "material", "unit": "kg"},
        {"code": "IM-ALMOND-CHOP", "name": "Almonds, sorted and chopped", "kind": "intermediate", "unit": "kg"},
        {"code": "FG-BAR-ALM", "name": "Almond oat bar, 12 x 40 g", "kind": "product", "unit": "case",
         "gtin": "10614141000019"},
    ])
    items = dict(session.execute(select(Item.code, Item.id)).all())
    session.execute(insert(Vendor), [{"code": "V-NUTS", "name": "Valley Nut Growers", "address": "1 Orchard Rd"}])
    vendor = session.execute(select(Vendor.id)).scalar_one()
    session.execute(insert(Customer), [
        {"code": f"C{i:04d}", "name": f"Customer {i:04d} Fresh Market", "contact": f"Buyer {i}",
         "email": f"buyer{i}@c{i}.example", "phone": f"+1 555 01{i % 100:02d}",
         "address": f"{i} Market Street\nTown {i % 70}, ST 0{i % 9}000"} for i in range(customers)])
    cust_ids = list(session.execute(select(Customer.id).order_by(Customer.id)).scalars())

    lots = [{"item_id": items["RM-ALMOND"], "code": "ALM-0001", "quantity": d(100000), "origin": "receipt",
             "created_at": T0, "vendor_lot": "VN-2026-117"}]
    lots += [{"item_id": items["RM-OATS"], "code": f"OAT-{k:03d}", "quantity": d(1000000), "origin": "receipt",
              "created_at": T0} for k in range(10)]
    session.execute(insert(Lot), lots)
    lot_id = {(i, c): x for x, i, c in session.execute(select(Lot.id, Lot.item_id, Lot.code))}
    almond = lot_id[(items["RM-ALMOND"], "ALM-0001")]
    session.execute(insert(Receipt), [{"code": "R-0001", "received_at": T0, "vendor_id": vendor, "po": "PO-77",
                                       "lot_id": almond, "vendor_lot": "VN-2026-117", "quantity": d(100000)}])
    orders, consumptions, outputs, new_lots = [], [], [], []
    order_no = 0
    for k in range(intermediates):
        order_no += 1
        at = T0 + timedelta(hours=k)
        orders.append({"code": f"WO-{order_no:05d}", "item_id": items["IM-ALMOND-CHOP"], "started_at": at,
                       "finished_at": at + timedelta(hours=1)})
        new_lots.append({"item_id": items["IM-ALMOND-CHOP"], "code": f"CH-{k:03d}", "quantity": d(2400),
                         "origin": "production", "created_at": at})
        for j in range(per_intermediate):
            order_no += 1
            at2 = at + timedelta(hours=2 + j)
            orders.append({"code": f"WO-{order_no:05d}", "item_id": items["FG-BAR-ALM"], "started_at": at2,
                           "finished_at": at2 + timedelta(hours=1)})
            new_lots.append({"item_id": items["FG-BAR-ALM"], "code": f"B{k:03d}{j:03d}", "quantity": d(120),
                             "origin": "production", "created_at": at2})
    session.execute(insert(ProductionOrder), orders)
    session.execute(insert(Lot), new_lots)
    order_id = dict(session.execute(select(ProductionOrder.code, ProductionOrder.id)).all())
    lot_id = {(i, c): x for x, i, c in session.execute(select(Lot.id, Lot.item_id, Lot.code))}
    shipments = []
    order_no = 0
    ship_no = 0
    for k in range(intermediates):
        order_no += 1
        oid = order_id[f"WO-{order_no:05d}"]
        chop = lot_id[(items["IM-ALMOND-CHOP"], f"CH-{k:03d}")]
        consumptions.append({"order_id": oid, "lot_id": almond, "quantity": d(2450), "consumed_at": T0})
        outputs.append({"order_id": oid, "lot_id": chop, "quantity": d(2400)})
        for j in range(per_intermediate):
            order_no += 1
            oid = order_id[f"WO-{order_no:05d}"]
            bar = lot_id[(items["FG-BAR-ALM"], f"B{k:03d}{j:03d}")]
            consumptions.append({"order_id": oid, "lot_id": chop, "quantity": d(40), "consumed_at": T0})
            consumptions.append({"order_id": oid, "lot_id": lot_id[(items["RM-OATS"], f"OAT-{j % 10:03d}")],
                                 "quantity": d("60.5"), "consumed_at": T0})
            outputs.append({"order_id": oid, "lot_id": bar, "quantity": d(120)})
            left = 120
            for c in rnd.sample(cust_ids, rnd.randint(2, 4)):
                ship_no += 1
                q = min(left, rnd.randint(10, 40))
                left -= q
                shipments.append({"code": f"SH-{ship_no:06d}", "shipped_at": T0 + timedelta(days=3, minutes=ship_no),
                                  "customer_id": c, "order_ref": f"SO-{ship_no:06d}", "lot_id": bar,
                                  "quantity": d(q)})
    # Make sure every customer received at least one affected lot (the 1,000-letter case).
    bars = [v for (i, _), v in lot_id.items() if i == items["FG-BAR-ALM"]]
    shipped_to = {s["customer_id"] for s in shipments}
    for c in cust_ids:
        if c not in shipped_to:
            ship_no += 1
            shipments.append({"code": f"SH-{ship_no:06d}", "shipped_at": T0 + timedelta(days=4, minutes=ship_no),
                              "customer_id": c, "order_ref": f"SO-{ship_no:06d}", "lot_id": rnd.choice(bars),
                              "quantity": d(1)})
    session.execute(insert(Consumption), consumptions)
    session.execute(insert(Output), outputs)
    session.execute(insert(Shipment), shipments)
    rebuild_edges(session)
    return lot_refs(session, [almond])[almond]


def everywhere_lot(session) -> LotRef:
    """The material lot consumed by the most production orders (the demo's salt lot)."""
    lot = session.execute(
        select(Consumption.lot_id).join(Lot, Lot.id == Consumption.lot_id).join(Item, Item.id == Lot.item_id)
        .where(Item.kind == "material").group_by(Consumption.lot_id)
        .order_by(func.count(func.distinct(Consumption.order_id)).desc()).limit(1)
    ).scalar_one()
    return lot_refs(session, [lot])[lot]


REASON = "possible Salmonella contamination reported by the supplier"
#: Rows of the table, in order: (key, label).
ROWS = (("query", "recall query (trace, balances, customers, events)"),
        ("recall.json", "recall.json"), ("hold-list.csv", "hold-list.csv"),
        ("reconciliation.csv", "reconciliation.csv"), ("contacts.csv", "contacts.csv"),
        ("summary.pdf", "summary.pdf"), ("fsma204.xlsx", "fsma204.xlsx"), ("contacts.xlsx", "contacts.xlsx"),
        ("letters", "letters (1 core: letters/*.pdf + letters.pdf)"),
        ("kinds", "all file kinds one after the other (1 core)"),
        ("package", "package as written (worker processes)"), ("total", "TOTAL: query + package"))


def measure(url: str, lot: str, keep: Path | None = None) -> dict:
    """Time each file kind alone, then the whole package, for the code on ``sys.path``
    (only calls that the baseline has too). Returns {key: [wall s, cpu s]} and counts.

    ``lot`` is a lot id in the plant at ``url``, or ``build:N``: build the synthetic plant
    with N customers there first, with the code measured (each side's own schema)."""
    if lot.startswith("build:"):
        plant = open_plant(url, create=True)
        with plant.Session.begin() as session:
            lot_id = build_synthetic(session, customers=int(lot.split(":", 1)[1])).id
        plant.dispose()
    else:
        lot_id = int(lot)
    from workbench.recall.engine import recall
    from workbench.reports import letters
    from workbench.reports.package import FILES, SPREADSHEETS, write_file, write_recall_package
    from workbench.settings import load_letterhead

    def timed(fn):
        w, c = time.perf_counter(), time.process_time()
        value = fn()
        return value, [time.perf_counter() - w, time.process_time() - c]

    plant = open_plant(url)
    letterhead = load_letterhead()
    with plant.Session() as session:
        root = lot_refs(session, [lot_id])[lot_id]
        r, out = timed(lambda: recall(session, [root], reason=REASON))
    figures: dict = {"query": out}
    work = Path(tempfile.mkdtemp(prefix="bench-recall-"))
    try:
        kinds = [0.0, 0.0]
        for name in (*FILES, *SPREADSHEETS):
            _, figures[name] = timed(lambda name=name: write_file(name, r, work / name, letterhead))
        _, figures["letters"] = timed(lambda: letters.write_letters(r, letterhead, work, parallel=False))
        for key in (*FILES, *SPREADSHEETS, "letters"):
            kinds = [kinds[0] + figures[key][0], kinds[1] + figures[key][1]]
        figures["kinds"] = kinds
        target = keep or work / "package"
        shutil.rmtree(target, ignore_errors=True)
        files, figures["package"] = timed(lambda: write_recall_package(r, target, letterhead))
        # CPU of the package: this process only (the workers' CPU is not counted here).
        figures["total"] = [figures["query"][0] + figures["package"][0], figures["query"][1] + figures["package"][1]]
        tot = r.totals
        figures["counts"] = {"root": root.label, "affected_lots": tot.affected_lots, "customers": tot.customers,
                             "shipment_lines": tot.shipment_lines, "files": len(files)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
        plant.dispose()
    return figures


def baseline_tree(rev: str, into: Path) -> Path:
    """The baseline's ``workbench`` and ``resources`` from git, in ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "workbench", "resources"],
                             check=True, capture_output=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def measure_in_process(src: Path | None, url: str, lot: str, keep: Path | None) -> dict:
    """``measure`` in a fresh interpreter running the code in ``src`` (None: this tree)."""
    env = dict(os.environ)
    if src is not None:
        env["BENCH_RECALL_SRC"] = str(src)
    else:
        env.pop("BENCH_RECALL_SRC", None)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", url, lot]
    if keep is not None:
        cmd += ["--keep", str(keep)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the {'baseline' if src else 'current'} code could not measure: {last}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def compare(plants: dict[str, tuple[str, str]], baseline: str | None, rounds: int, keep: Path | None) -> dict:
    """Both sides, alternately, ``rounds`` times, each on its plant ``side -> (url, lot)``
    (``{round}`` in a url is replaced by the round); prints the table; returns this tree's
    figures."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    try:
        src = baseline_tree(baseline, tmp / "src") if baseline and "baseline" in plants else None
        before = load()
        best: dict[str, dict] = {}
        for n in range(rounds):
            for side, where in (("baseline", src), ("now", None)):
                if side == "baseline" and src is None:
                    continue
                url, lot = plants[side]
                try:
                    got = measure_in_process(where, url.format(round=n), lot, keep if side == "now" else None)
                except RuntimeError as exc:
                    if side == "now":
                        raise
                    print(f"  baseline left out: {exc}")
                    src = None
                    continue
                mine = best.setdefault(side, got)
                for key, _label in ROWS:
                    mine[key] = [min(x, y) for x, y in zip(mine[key], got[key], strict=True)]
        after = load()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    now = best["now"]
    c = now["counts"]
    print(f"  suspect {c['root']}: {c['affected_lots']:,} affected lots, {c['customers']:,} customers, "
          f"{c['shipment_lines']:,} shipment lines, {c['files']:,} files")
    print(f"  {before} before, {after} after; fastest of {rounds} round(s); wall and CPU seconds")
    base = best.get("baseline")
    head = f"  {'':52} {'now wall':>9} {'now cpu':>8}"
    if base:
        head += f" {'base wall':>10} {'base cpu':>9} {'wall x':>7}"
        print(f"  baseline: {baseline}")
    print(head)
    for key, label in ROWS:
        line = f"  {label:52} {now[key][0]:9.2f} {now[key][1]:8.2f}"
        if base:
            ratio = base[key][0] / now[key][0] if now[key][0] else float("inf")
            line += f" {base[key][0]:10.2f} {base[key][1]:9.2f} {ratio:6.1f}x"
        print(line)
    print("  (CPU of 'package' and 'TOTAL' is this process's only: the workers' CPU is not counted)")
    return now


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plant", choices=("demo", "synthetic", "both"), default="synthetic")
    ap.add_argument("--db", help="database server URL for a fresh database (default: a temporary SQLite file)")
    ap.add_argument("--customers", type=int, default=1000, help="customers of the synthetic plant")
    ap.add_argument("--scale", type=float, default=250, help="demo plant scale (250: about a million lots)")
    ap.add_argument("--keep", type=Path, help="keep the package in this folder")
    ap.add_argument("--baseline", default=BASELINE, help=f"git revision to compare with (default {BASELINE}; 'none')")
    ap.add_argument("--rounds", type=int, default=1, help="runs of each side, alternately; the fastest is kept")
    ap.add_argument("--measure", nargs=2, metavar=("URL", "LOT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:  # a measuring process (see ``measure_in_process``)
        print(json.dumps(measure(args.measure[0], args.measure[1], args.keep)))
        return 0
    baseline = None if args.baseline in ("", "none") else args.baseline
    work = Path(tempfile.mkdtemp(prefix="bench-plant-"))
    try:
        if args.plant in ("synthetic", "both"):
            if args.db:  # a server database: built once, by this tree, and measured with it alone
                plant = open_plant(args.db, create=True)
                with plant.Session.begin() as s:
                    root = build_synthetic(s, customers=args.customers)
                plant.dispose()
                print(f"synthetic plant on {args.db.split('://')[0]} (no baseline: built with this tree's schema)")
                compare({"now": (args.db, str(root.id))}, None, args.rounds, args.keep)
            else:  # each side builds its own SQLite plant, the same data, with its own code
                print(f"synthetic plant, {args.customers:,} customers, built by each side in its own SQLite file")
                build = f"build:{args.customers}"
                compare({side: (f"sqlite:///{work}/synthetic-{side}-{{round}}.sqlite", build)
                         for side in ("baseline", "now")}, baseline, args.rounds, args.keep)
        if args.plant in ("demo", "both"):
            from bench.common import demo_plant

            plant = demo_plant("sqlite", args.scale)
            with plant.Session() as s:
                root = everywhere_lot(s)
            url = plant.url
            plant.dispose()
            print(f"demo plant scale {args.scale:g} (sqlite)")
            compare({side: (url, str(root.id)) for side in ("baseline", "now")}, baseline, args.rounds,
                    None if args.keep is None else args.keep.with_name(args.keep.name + "-demo"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
