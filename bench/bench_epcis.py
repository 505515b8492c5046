"""Benchmark: import an EPCIS 2.0 JSON-LD document into SQLite and PostgreSQL; events per second.

    .venv/bin/python bench/bench_epcis.py [--events 100000] [--source chain|demo] [--no-postgresql]
                                          [--baseline REV|none]

``--source chain`` (the default) generates a consistent chain here: per group of ten events, three raw lots
commissioned at a farm (with ILMD), a transformation of them into a product lot at the plant, the product lot
packed on a pallet (SSCC), the pallet shipped to one of 200 customers and received there, unpacked, and one
storing observation. Every event has an eventID and a bizTransaction. ``--source demo`` builds the demo plant
at the scale that gives about that many events (``demo_scale``) and exports it whole with the
workbench's own exporter (``export_epcis``): richer events (several lots per shipment and order, operations,
vendor lots, master data), so more work per event. One import per database is timed whole (wall and CPU seconds of this
process and its reading worker) and by stage (from its progress messages), into a fresh SQLite file and a fresh
PostgreSQL database (dropped afterwards). Beside it, the bench of a baseline revision (``git archive``, run as it
was) on the same events: on a shared machine only figures side by side in one run compare.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# ``--code DIR`` runs one import with the workbench code in DIR (a baseline revision's, from ``git archive``).
_CODE = sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv else str(Path(__file__).resolve().parent.parent)
sys.path.insert(0, _CODE)

from bench.common import drop_pg, pg_url
from workbench.actions.imports import import_paths
from workbench.plant import open_plant
from workbench.progress import Progress

T0 = datetime(2025, 1, 1, 6, 0, tzinfo=UTC)
#: The import before the speed work of issue 12 (the figures the README had: ~1,600 events/s SQLite, ~800 PostgreSQL).
BASELINE = "f10ceb6"
FARM, PLANT = "urn:epc:id:sgln:0614141.00001.0", "urn:epc:id:sgln:0614141.00002.0"


def generate(path: Path, events: int) -> int:
    out: list[dict[str, Any]] = []
    groups = events // 10
    for g in range(groups):
        t = T0 + timedelta(minutes=10 * g)

        def ev(kind, minutes, t=t, **fields):
            return {"type": kind, "eventID": f"urn:uuid:00000000-0000-4000-8000-{len(out):012d}",
                    "eventTime": (t + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z"),
                    "eventTimeZoneOffset": "+00:00", **fields}

        raws = [f"urn:epc:class:lgtin:0614141.0{i:05d}.R{g}" for i in (11111, 22222, 33333)]
        for k, raw in enumerate(raws):
            out.append(ev("ObjectEvent", k, action="ADD", bizStep="commissioning", disposition="active",
                          quantityList=[{"epcClass": raw, "quantity": 100 + k, "uom": "KGM"}], bizLocation={"id": FARM},
                          ilmd={"cbvmda:countryOfOrigin": "US", "cbvmda:harvestStartDate": "2024-12-30"}))
        product = f"https://id.gs1.org/01/10614141000415/10/P{g}"
        out.append(ev("TransformationEvent", 3, bizStep="commissioning", bizLocation={"id": PLANT},
                      inputQuantityList=[{"epcClass": r, "quantity": 90, "uom": "KGM"} for r in raws],
                      outputQuantityList=[{"epcClass": product, "quantity": 250, "uom": "KGM"}],
                      ilmd={"cbvmda:itemExpirationDate": "2026-01-01"}))
        pallet = f"urn:epc:id:sscc:0614141.{g:010d}"
        out.append(ev("AggregationEvent", 4, action="ADD", bizStep="packing", parentID=pallet,
                      childQuantityList=[{"epcClass": product, "quantity": 250, "uom": "KGM"}], bizLocation={"id": PLANT}))
        customer = f"urn:epc:id:sgln:0614141.{10000 + g % 200:05d}.0"
        order = {"type": "po", "bizTransaction": f"urn:epcglobal:cbv:bt:0614141000005:PO{g}"}
        out.append(ev("ObjectEvent", 5, action="OBSERVE", bizStep="shipping", disposition="in_transit", epcList=[pallet],
                      bizLocation={"id": PLANT}, bizTransactionList=[order],
                      sourceList=[{"type": "location", "source": PLANT}],
                      destinationList=[{"type": "location", "destination": customer}]))
        out.append(ev("ObjectEvent", 6, action="OBSERVE", bizStep="receiving", disposition="active", epcList=[pallet],
                      bizLocation={"id": customer}, bizTransactionList=[order]))
        out.append(ev("AggregationEvent", 7, action="DELETE", bizStep="unpacking", parentID=pallet,
                      bizLocation={"id": customer}))
        out.append(ev("ObjectEvent", 8, action="OBSERVE", bizStep="storing", disposition="sellable_accessible",
                      quantityList=[{"epcClass": product, "quantity": 250, "uom": "KGM"}], bizLocation={"id": customer}))
        out.append(ev("ObjectEvent", 9, action="OBSERVE", bizStep="inspecting",
                      quantityList=[{"epcClass": raws[0], "quantity": 10, "uom": "KGM"}], bizLocation={"id": FARM}))
    document = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
                "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z", "epcisBody": {"eventList": out}}
    path.write_text(json.dumps(document), encoding="utf-8")
    return len(out)


class _Stages(Progress):
    """Stage times of one import, from the progress messages it gives (one import, timed whole and by stage)."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[tuple[str, float]] = []

    def __call__(self, _fraction: float, message: str | None = None) -> None:
        self.marks.append((message or "", time.perf_counter()))

    def split(self, started: float, ended: float) -> tuple[float, float, float]:
        """(read, map, write) seconds: reading ends where mapping starts, mapping where writing starts."""
        mapping = next((t for m, t in self.marks if m.startswith("Mapping")), started)
        writing = next((t for m, t in self.marks if m.startswith("Writing")), mapping)
        return mapping - started, writing - mapping, ended - writing


def demo_scale(events: int) -> float:
    """The demo scale whose export holds about ``events`` events. The export grows slower than the scale (29,609
    events at scale 2, 566,545 at 67.6: customers and vendors do not grow with it), so a power law through those
    two measurements."""
    return max((events / 16_560) ** (1 / 0.838), 0.05)



def from_demo(path: Path, events: int, tmp: Path) -> int:
    """The demo plant at the scale of about ``events`` events, exported whole to ``path``; the events written."""
    from workbench.demo.build import build_demo
    from workbench.interchange.epcisload.export import export_epcis

    plant = open_plant(f"sqlite:///{tmp / 'demo.sqlite'}", create=True)
    try:
        with plant.Session.begin() as s:
            build_demo(s, scale=demo_scale(events))
        with plant.Session() as s:
            return export_epcis(s, path)
    finally:
        plant.dispose()


def run(url: str, path: Path, events: int, warm_up: Path) -> dict[str, float]:
    """Import the document whole into a fresh plant as ``workbench import`` does (``import_paths``: one
    transaction, committed); wall and CPU seconds, and the stages (writing includes the commit).

    A small document is imported first as a dry run, so that the timed import, like the baseline's (which
    imported the document once by stages before it timed the whole), does not pay for first use.
    """
    plant = open_plant(url, create=True)
    try:
        import_paths(plant, [warm_up], dry_run=True)
        stages = _Stages()
        cpu, t = _cpu(), time.perf_counter()
        outcome, _changes = import_paths(plant, [path], stages)
        whole, cpu = time.perf_counter() - t, _cpu() - cpu
        assert outcome.epcis is not None and outcome.epcis.events_read == events, (outcome.epcis, events)
        read, mapped, written = stages.split(t, t + whole)
        return {"seconds": whole, "cpu": cpu, "read": read, "map": mapped, "write": written}
    finally:
        plant.dispose()


def _cpu() -> float:
    """CPU seconds of this process and of its ended children (the second reading process of a large document)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def extract(revision: str, tmp: Path) -> Path:
    """The workbench code of a git revision, in a folder of its own."""
    root = Path(__file__).resolve().parent.parent
    where = tmp / f"code-{revision}"
    where.mkdir()
    archive = subprocess.run(["git", "-C", str(root), "archive", revision, "workbench"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def run_apart(code: Path | None, url: str, path: Path, events: int, warm_up: Path) -> dict[str, float]:
    """``run`` in a process of its own, with the code in ``code`` (None: this tree's), so both sides start alike."""
    command = [sys.executable, __file__, "--one", url, str(path), str(events), str(warm_up)]
    if code is not None:
        command += ["--code", str(code)]
    # From a folder of no code: a baseline's reading worker (before it was started with -P) put the current folder
    # first on its path, so run from the checkout it would have read with this tree's code.
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=tempfile.gettempdir()).stdout
    return json.loads(out.strip().splitlines()[-1])


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (5 min {five:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--source", choices=("chain", "demo"), default="chain",
                        help="the document: a generated chain (default), or the demo plant exported whole")
    parser.add_argument("--no-postgresql", action="store_true")
    parser.add_argument("--baseline", metavar="REV", default=BASELINE,
                        help=f"also run the bench of this git revision, beside (default {BASELINE}: the import before "
                             "the speed work); 'none' to skip")
    parser.add_argument("--one", nargs=4, metavar=("URL", "DOCUMENT", "EVENTS", "WARM_UP"), help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        url, document, count, warm = args.one
        print(json.dumps(run(url, Path(document), int(count), Path(warm))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jsonld"
        started = time.perf_counter()
        events = generate(path, args.events) if args.source == "chain" else from_demo(path, args.events, Path(tmp))
        made = time.perf_counter() - started
        warm_up = Path(tmp) / "warm-up.jsonld"
        generate(warm_up, max(args.events // 100, 200))
        print(f"{'generated' if args.source == 'chain' else 'exported the demo plant:'} {events:,} events, "
              f"{path.stat().st_size / 1e6:.0f} MB in {made:.0f} s; {os.cpu_count()} cores, load average {_load()}")
        old_code = extract(args.baseline, Path(tmp)) if args.baseline != "none" else None
        databases = [("SQLite", lambda side: f"sqlite:///{Path(tmp) / f'bench-{side}.sqlite'}")]
        if not args.no_postgresql:
            databases.append(("PostgreSQL", lambda side: pg_url(f"wb_bench_epcis_{side}", fresh=True)))
        rows = []
        try:
            for label, url in databases:  # baseline and now one after the other, per database: alike loads
                was = run_apart(old_code, url("baseline"), path, events, warm_up) if old_code else None
                rows.append((label, was, run_apart(None, url("now"), path, events, warm_up)))
        finally:
            if not args.no_postgresql:
                drop_pg("wb_bench_epcis_baseline")
                drop_pg("wb_bench_epcis_now")
        print(f"load average after: {_load()}")
        print("| database | events | baseline s (CPU s) | baseline events/s | now s (CPU s) | now events/s | speed-up "
              "(CPU) | now: read s | map s | write s |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for label, was, r in rows:
            old = f"{was['seconds']:.1f} ({was['cpu']:.1f}) | {events / was['seconds']:,.0f}" if was else "– | –"
            gain = f"{was['seconds'] / r['seconds']:.1f}× ({was['cpu'] / r['cpu']:.1f}×)" if was else "–"
            print(f"| {label} | {events:,} | {old} | {r['seconds']:.1f} ({r['cpu']:.1f}) | {events / r['seconds']:,.0f} | "
                  f"{gain} | {r['read']:.1f} | {r['map']:.1f} | {r['write']:.1f} |")


if __name__ == "__main__":
    main()
