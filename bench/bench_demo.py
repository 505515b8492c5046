"""Benchmark: build the demo plant on SQLite and PostgreSQL, beside a baseline revision.

    .venv/bin/python bench/bench_demo.py [--scale 250] [--backends sqlite,postgresql] [--baseline REV]

Each build runs in a process of its own (so one build's heap never slows the next) into a
fresh SQLite file or a fresh PostgreSQL database, and reports wall-clock seconds and the
client's CPU seconds: on a machine shared with other work the CPU seconds are the fairer
comparison (PostgreSQL's own work is in its server processes and shows only in the wall
clock). With ``--baseline`` (a git revision, e.g. ``main``) the same build of that revision
runs first, side by side. Goal: a plant of 1M lots (scale 250) in under 5 minutes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import PG_SERVER, table

#: Run in the child: build the demo from the source tree given, print one JSON line.
CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from workbench.demo.build import build_demo
from workbench.plant import open_plant
plant = open_plant(sys.argv[2], create=True)
wall, cpu = time.perf_counter(), time.process_time()
with plant.Session.begin() as session:
    summary = build_demo(session, seed=7, scale=float(sys.argv[3]))
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "lots": summary.counts["lots"]}))
plant.dispose()
"""


def build(source: Path, url: str, scale: float) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(source), url, str(scale)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=250)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--baseline", help="a git revision to build beside this tree")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="wb-bench-demo-") as tmp:
        trees = []
        if args.baseline:
            base = Path(tmp) / "baseline"
            base.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline, "workbench"],
                                     check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
            trees.append((args.baseline, base))
        trees.append(("this tree", ROOT))
        admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        for backend in args.backends.split(","):
            for label, source in trees:
                name = f"wb_bench_demo_{uuid.uuid4().hex[:8]}"
                if backend == "sqlite":
                    url = f"sqlite:///{Path(tmp) / (name + '.sqlite')}"
                else:
                    with admin.connect() as conn:
                        conn.execute(text(f'CREATE DATABASE "{name}"'))
                    url = make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
                try:
                    result = build(source, url, args.scale)
                finally:
                    if backend != "sqlite":
                        with admin.connect() as conn:
                            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    else:
                        for f in Path(tmp).glob(name + ".sqlite*"):
                            f.unlink()
                rows.append([backend, label, f"{args.scale:g}", f"{result['lots']:,}", f"{result['wall']:.1f}",
                             f"{result['cpu']:.1f}"])
                print(f"  {rows[-1]}", file=sys.stderr, flush=True)
        admin.dispose()
    print(table(["database", "code", "scale", "lots", "wall s", "client CPU s"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
