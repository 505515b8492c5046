"""Benchmark: the whole recall package for a material used in thousands of lots.

Two plants:

* ``demo`` — the demo plant (``workbench.demo``) at its largest scale (250, about a
  million lots; cached in ``bench/results`` by ``bench.common``); the suspect lot is the
  material lot consumed by the most orders (a salt lot, in weeks of production).
* ``synthetic`` — a plant built here in bulk to the issue's size: one material lot
  goes into intermediates, thousands of product lots, shipped to 1,000 customers.

Usage::

    .venv/bin/python bench/bench_recall.py [--plant demo|synthetic|both] [--db URL]
        [--customers 1000] [--scale 250] [--keep DIR]

Prints one line per phase (trace + balance, package files, letters) and the total.
The goal: the whole package, 1,000 customers' letters included, under 10 s on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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
from workbench.progress import Progress
from workbench.recall.engine import recall
from workbench.reports.package import write_recall_package
from workbench.settings import load_letterhead

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


def run_once(plant, root: LotRef, keep: Path | None) -> dict[str, float]:
    letterhead = load_letterhead()
    t0 = time.perf_counter()
    with plant.Session() as session:
        r = recall(session, [root], reason="possible Salmonella contamination reported by the supplier")
    t1 = time.perf_counter()
    target = keep or Path(tempfile.mkdtemp(prefix="bench-recall-")) / "package"
    shutil.rmtree(target, ignore_errors=True)
    progress = Progress()
    files = write_recall_package(r, target, letterhead, progress=progress)
    t2 = time.perf_counter()
    tot = r.totals
    print(f"  suspect {root.label}: {tot.affected_lots:,} affected lots, {tot.customers:,} customers, "
          f"{tot.shipment_lines:,} shipment lines, {len(files):,} files")
    print(f"  recall query (trace, balances, customers, events): {t1 - t0:6.2f} s")
    print(f"  package (json, csv, xlsx, fsma204, summary, letters): {t2 - t1:6.2f} s")
    print(f"  total: {t2 - t0:6.2f} s")
    if keep is None:
        shutil.rmtree(target.parent, ignore_errors=True)
    return {"query": t1 - t0, "package": t2 - t1, "total": t2 - t0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plant", choices=("demo", "synthetic", "both"), default="both")
    ap.add_argument("--db", help="database server URL for a fresh database (default: a temporary SQLite file)")
    ap.add_argument("--customers", type=int, default=1000, help="customers of the synthetic plant")
    ap.add_argument("--scale", type=float, default=250, help="demo plant scale (250: about a million lots)")
    ap.add_argument("--keep", type=Path, help="keep the package in this folder")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-plant-"))
    try:
        if args.plant in ("synthetic", "both"):
            url = args.db or f"sqlite:///{work / 'synthetic.sqlite'}"
            plant = open_plant(url, create=True)
            t = time.perf_counter()
            with plant.Session.begin() as s:
                root = build_synthetic(s, customers=args.customers)
            print(f"synthetic plant built in {time.perf_counter() - t:.1f} s ({url.split('://')[0]})")
            run_once(plant, root, args.keep)
            plant.dispose()
        if args.plant in ("demo", "both"):
            from bench.common import demo_plant

            plant = demo_plant("sqlite", args.scale)
            with plant.Session() as s:
                root = everywhere_lot(s)
            print(f"demo plant scale {args.scale:g} (sqlite)")
            run_once(plant, root, None if args.keep is None else args.keep.with_name(args.keep.name + "-demo"))
            plant.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
