"""Benchmark: import a generated EPCIS 2.0 JSON-LD document into SQLite and PostgreSQL; events per second.

    .venv/bin/python bench/bench_epcis.py [--events 100000] [--no-postgresql]

The document is a consistent chain, generated here (not by the exporter, so the bench does not depend on a
built demo plant): per group of ten events, three raw lots commissioned at a farm (with ILMD), a
transformation of them into a product lot at the plant, the product lot packed on a pallet (SSCC), the
pallet shipped to one of 200 customers and received there, unpacked, and one storing observation. Every
event has an eventID and a bizTransaction. The import is timed whole (read, map, write) and by stage, into a
fresh SQLite file and a fresh PostgreSQL database (dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import drop_pg, pg_url
from workbench.interchange.epcis.mapping import plan_import
from workbench.interchange.epcis.read import read_document
from workbench.interchange.epcisload import import_documents
from workbench.interchange.epcisload.importer import _known
from workbench.interchange.epcisload.loader import load_plan
from workbench.plant import open_plant

T0 = datetime(2025, 1, 1, 6, 0, tzinfo=UTC)
FARM, PLANT = "urn:epc:id:sgln:0614141.00001.0", "urn:epc:id:sgln:0614141.00002.0"


def generate(path: Path, events: int) -> int:
    out = []
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


def run(url: str, path: Path, events: int, label: str) -> None:
    plant = open_plant(url, create=True)
    try:
        t = time.perf_counter()
        document = read_document(path)
        read = time.perf_counter() - t
        with plant.Session.begin() as s:
            t = time.perf_counter()
            plan = plan_import([document], _known(s, [document]))
            mapped = time.perf_counter() - t
            t = time.perf_counter()
            load_plan(s, plan)
            written = time.perf_counter() - t
            s.rollback()
        with plant.Session.begin() as s:
            t = time.perf_counter()
            summary = import_documents(s, [path])
            whole = time.perf_counter() - t
        assert summary.new_events == events, (summary.new_events, events)
        print(f"| {label} | {events:,} | {whole:.1f} | {events / whole:,.0f} | {read:.1f} | {mapped:.1f} | {written:.1f} |")
    finally:
        plant.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jsonld"
        events = generate(path, args.events)
        print(f"generated {events:,} events, {path.stat().st_size / 1e6:.0f} MB")
        print("| database | events | seconds | events/s | read s | map s | write s |")
        print("|---|---|---|---|---|---|---|")
        run(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", path, events, "SQLite")
        if not args.no_postgresql:
            url = pg_url("wb_bench_epcis", fresh=True)
            try:
                run(url, path, events, "PostgreSQL")
            finally:
                drop_pg("wb_bench_epcis")


if __name__ == "__main__":
    main()
