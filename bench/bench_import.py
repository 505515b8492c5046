"""Benchmark: import a synthetic one-million-row CSV bundle into SQLite and PostgreSQL.

    .venv/bin/python bench/bench_import.py [--scale 1.0] [--no-postgresql] [--pg URL]

Generates a consistent bundle (items, vendors, customers, opening lots, receipt lines,
orders, operations, consumptions, outputs, shipments, returns: about 1,000,000 rows at
scale 1) into a temporary folder, imports it into a fresh SQLite file and a fresh
PostgreSQL database (created on the server and dropped afterwards), and prints
database, rows, seconds, rows/s, and the naive baseline: the ORM inserting one object
at a time with one look-up per reference (a 20,000-row sample of receipt lines,
extrapolated to the bundle's size). Goal (issue #16): under 30 s per database on 2 cores (the first goal was 60 s).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.interchange.bundle import import_bundle
from workbench.interchange.bundle.format import SPECS
from workbench.plant import Item, Lot, Receipt, Vendor, open_plant

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
T0 = datetime(2025, 1, 1, 6, 0)
NAIVE_SAMPLE = 20_000


def _writer(folder: Path, name: str):
    handle = open(folder / name, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by the caller
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(SPECS[name].columns)
    return handle, writer


def generate_bundle(folder: Path, scale: float = 1.0, seed: int = 1) -> dict[str, int]:
    """Write a consistent synthetic bundle; returns the data rows per file.

    Every reference resolves, and quantities stay within what each lot held, so the
    import has no faults and no warnings: the benchmark measures the normal path.
    """
    rng = random.Random(seed)
    n = lambda base: max(1, int(base * scale))
    counts: dict[str, int] = {}

    def emit(name: str, rows) -> None:
        handle, writer = _writer(folder, name)
        with handle:
            count = 0
            for row in rows:
                writer.writerow(row)
                count += 1
        counts[name] = count

    materials = [f"MAT-{i:05d}" for i in range(n(1_500))]
    intermediates = [f"INT-{i:04d}" for i in range(n(300))]
    products = [f"PRD-{i:04d}" for i in range(n(200))]
    emit("items.csv", (
        [code, f"{kind.title()} {code}", kind, "kg" if kind != "product" else "case", "", days]
        for codes, kind, days in ((materials, "material", 365), (intermediates, "intermediate", 30),
                                  (products, "product", 180))
        for code in codes
    ))
    vendors = [f"V{i:03d}" for i in range(n(50))]
    emit("vendors.csv", ([v, f"Vendor {v}", "QA desk", f"qa@{v.lower()}.example", "+1 555 0100", "1 Mill Road"]
                         for v in vendors))
    customers = [f"C{i:04d}" for i in range(n(500))]
    emit("customers.csv", ([c, f"Customer {c}", "Buyer", f"buy@{c.lower()}.example", "+1 555 0200", "9 Market St"]
                           for c in customers))

    material_lots: list[tuple[str, str]] = []

    def opening():
        for i in range(n(45_000)):
            item = rng.choice(materials)
            material_lots.append((item, f"OP{i:07d}"))
            yield [item, f"OP{i:07d}", "1000", (T0 - timedelta(days=1)).isoformat(), "", ""]

    emit("lots.csv", opening())

    def receipts():
        when = T0
        for i in range(n(200_000)):
            if i % 4 == 0:
                when += timedelta(minutes=37)
            item = rng.choice(materials)
            code = f"RL{i:07d}"
            material_lots.append((item, code))
            yield [f"GR{i // 4:06d}", when.isoformat(), rng.choice(vendors), f"PO{i // 40:05d}", item, code,
                   f"VL{i:07d}", "1000", ""]

    emit("receipts.csv", receipts())

    n_orders = n(40_000)
    order_items = [rng.choice(intermediates) if rng.random() < 0.3 else rng.choice(products) for _ in range(n_orders)]
    starts = [T0 + timedelta(days=10, minutes=30 * i) for i in range(n_orders)]
    emit("orders.csv", ([f"MO{i:06d}", order_items[i], starts[i].isoformat(),
                         (starts[i] + timedelta(hours=4)).isoformat()] for i in range(n_orders)))
    emit("operations.csv", (
        [f"MO{i:06d}", step, f"M-{rng.randrange(40):02d}", f"OP-{rng.randrange(120):03d}",
         (starts[i] + timedelta(hours=2 * k)).isoformat(), (starts[i] + timedelta(hours=2 * k + 2)).isoformat()]
        for i in range(n_orders) for k, step in enumerate(("10-mix", "20-process"))
    ))

    outputs: list[list[str]] = []
    intermediate_lots: list[tuple[str, str]] = []
    product_lots: list[tuple[str, str]] = []
    consumptions: list[list[str]] = []
    for i in range(n_orders):
        order, item = f"MO{i:06d}", order_items[i]
        used = set()
        for _ in range(7 if intermediate_lots else 8):
            used.add(rng.choice(material_lots))
        if intermediate_lots:
            used.add(rng.choice(intermediate_lots))
        for in_item, in_lot in sorted(used):
            consumptions.append([order, in_item, in_lot, "10", (starts[i] + timedelta(minutes=5)).isoformat()])
        for k in range(2 if i % 2 else 1):
            lot = f"PL{i:06d}-{k}"
            outputs.append([order, lot, "1000", "", ""])
            (intermediate_lots if item in intermediates else product_lots).append((item, lot))
    emit("consumptions.csv", consumptions)
    emit("outputs.csv", outputs)

    shipped: list[tuple[str, str, str]] = []

    def shipments():
        when = starts[-1]
        for i in range(n(250_000)):
            item, lot = rng.choice(product_lots)
            customer = rng.choice(customers)
            if i % 3 == 0:
                when += timedelta(minutes=11)
            if len(shipped) < n(2_000) and i % 7 == 0:
                shipped.append((customer, item, lot))
            yield [f"SH{i:07d}", when.isoformat(), customer, f"SO{i // 3:06d}", item, lot, "5"]

    emit("shipments.csv", shipments())
    emit("returns.csv", ([f"RMA{i:05d}", (starts[-1] + timedelta(days=30)).isoformat(), c, item, lot, "1", "damaged"]
                         for i, (c, item, lot) in enumerate(shipped)))
    return counts


def timed_import(url: str, folder: Path) -> tuple[int, float, list[Any], list[tuple[str, float]]]:
    """Rows inserted, seconds (commit included), warnings, and seconds per stage."""
    plant = open_plant(url, create=True)
    stages: list[tuple[str, float]] = []
    clock: dict[str, Any] = {"at": time.perf_counter(), "stage": ""}

    def progress(_fraction: float, message: str) -> None:
        now = time.perf_counter()
        if clock["stage"]:
            stages.append((clock["stage"], now - clock["at"]))
        clock.update(at=now, stage=message)

    try:
        started = time.perf_counter()
        with plant.Session.begin() as session:
            summary = import_bundle(session, folder, progress)
            progress(1.0, "Committing")
        progress(1.0, "")
        return summary.inserted, time.perf_counter() - started, summary.warnings, stages
    finally:
        plant.dispose()


def naive_rate(url: str, folder: Path) -> float:
    """Rows/s of the naive way: one ORM object at a time, one look-up per reference,
    a flush per row (what a hand-written importer loop does), on receipt lines."""
    plant = open_plant(url, create=True)
    try:
        with open(folder / "items.csv", encoding="utf-8") as f, plant.Session.begin() as session:
            for row in csv.DictReader(f):
                session.add(Item(code=row["item"], name=row["name"], kind=row["kind"], unit=row["unit"],
                                 shelf_life_days=int(row["shelf_life_days"])))
        with open(folder / "vendors.csv", encoding="utf-8") as f, plant.Session.begin() as session:
            for row in csv.DictReader(f):
                session.add(Vendor(code=row["vendor"], name=row["name"]))
        with open(folder / "receipts.csv", encoding="utf-8") as f, plant.Session.begin() as session:
            reader = csv.DictReader(f)
            started = time.perf_counter()
            for count, row in enumerate(reader, start=1):
                item = session.scalars(select(Item).where(Item.code == row["item"])).one()
                vendor_id = session.scalars(select(Vendor.id).where(Vendor.code == row["vendor"])).one()
                when = datetime.fromisoformat(row["received_at"])
                lot = Lot(item_id=item.id, code=row["lot"], vendor_lot=row["vendor_lot"],
                          quantity=Decimal(row["quantity"]), created_at=when,
                          expires_at=when + timedelta(days=item.shelf_life_days or 0), origin="receipt")
                session.add(lot)
                session.flush()
                session.add(Receipt(code=row["receipt"], received_at=when, vendor_id=vendor_id, po=row["po"],
                                    lot_id=lot.id, vendor_lot=row["vendor_lot"], quantity=lot.quantity))
                session.flush()
                if count >= NAIVE_SAMPLE:
                    break
            return count / (time.perf_counter() - started)
    finally:
        plant.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = about one million rows")
    parser.add_argument("--pg", default=PG_SERVER, help="PostgreSQL server URL (a database is created on it)")
    parser.add_argument("--no-postgresql", action="store_true")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        tmp_path = Path(tmp)
        bundle = tmp_path / "bundle"
        bundle.mkdir()
        started = time.perf_counter()
        counts = generate_bundle(bundle, args.scale)
        rows = sum(counts.values())
        print(f"Generated {rows:,} rows in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)

        targets: list[tuple[str, str]] = [("sqlite", f"sqlite:///{tmp_path / 'plant.sqlite'}")]
        admin = None
        created: list[str] = []
        if not args.no_postgresql:
            admin = create_engine(make_url(args.pg), isolation_level="AUTOCOMMIT")
            for purpose in ("import", "naive"):
                name = f"wb_bench_{purpose}_{uuid.uuid4().hex[:8]}"
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                created.append(name)
            targets.append(("postgresql", make_url(args.pg).set(database=created[0]).render_as_string(False)))
        try:
            results = []
            for backend, url in targets:
                naive = None
                if not args.no_naive:  # first, while the heap is small, to be fair to it
                    naive_url = (f"sqlite:///{tmp_path / 'naive.sqlite'}" if backend == "sqlite"
                                 else make_url(args.pg).set(database=created[1]).render_as_string(False))
                    naive = rows / naive_rate(naive_url, bundle)
                inserted, seconds, warnings, stages = timed_import(url, bundle)
                results.append((backend, inserted, seconds, naive, len(warnings)))
                print(f"  {backend}: {inserted:,} rows in {seconds:.1f} s; "
                      + ", ".join(f"{name.lower()} {t:.1f}" for name, t in stages if t >= 0.5), flush=True)
        finally:
            if admin is not None:
                with admin.connect() as conn:
                    for name in created:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()

    print()
    print(f"{'database':<11} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'naive s (extrapolated)':>23} {'speed-up':>9}")
    for backend, inserted, seconds, naive, _warnings in results:
        naive_s = f"{naive:,.0f}" if naive else "-"
        speedup = f"{naive / seconds:,.0f}x" if naive else "-"
        print(f"{backend:<11} {inserted:>10,} {seconds:>8.1f} {inserted / seconds:>9,.0f} {naive_s:>23} {speedup:>9}")
    goal = all(seconds < 30 * max(args.scale, 1e-9) for _b, _i, seconds, _n, _w in results)
    print(f"\nGoal (1M rows < 30 s per database, scaled): {'met' if goal else 'NOT met'}.")
    return 0 if goal else 1


if __name__ == "__main__":
    sys.exit(main())
