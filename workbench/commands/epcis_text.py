"""The EPCIS parts of `workbench import` and `workbench export`: the import summary and the export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.interchange.epcisload import EpcisImportSummary
from workbench.plant import Plant
from workbench.plant.lookup import find_lot
from workbench.trace.genealogy import reachable_lots


def format_epcis_summary(summary: EpcisImportSummary, where: str, shown: int = 50) -> str:
    verb = "Checked" if summary.dry_run else "Imported"
    n = len(summary.files)
    lines = [f"{verb} {n} EPCIS document{'s' if n != 1 else ''} into {where} in {summary.seconds:.1f} s.", ""]
    width = max(len(f.file) for f in summary.files)
    lines.append(f"{'file':<{width}}  {'format':<10}  {'events':>8}  {'master data':>11}")
    for f in summary.files:
        lines.append(f"{f.file:<{width}}  {f.format:<10}  {f.events:>8}  {f.master_data:>11}")
    c = summary.counts
    new = "to add" if summary.dry_run else "new"
    lines += [
        "",
        (f"events: {summary.events_read} read, {summary.new_events} {new}, {summary.present} already in the plant, "
         f"{summary.duplicates} given twice, {c.retracted + summary.retracted_earlier} retracted"),
        (f"lots {c.lots}, items {c.items}, transformations {c.orders}, shipment lines {c.shipments}, receipt lines "
         f"{c.receipts} ({c.linked} linked to shipments imported before), container stays {c.packings}"),
    ]
    if summary.events_read and summary.seconds:
        lines.append(f"speed: {summary.events_read / summary.seconds:,.0f} events/s")
    if summary.dry_run:
        lines += ["", "Dry run: nothing was written."]
    if summary.warnings:
        k = len(summary.warnings)
        lines += ["", f"Warnings ({k}):"] + [f"  {w}" for w in summary.warnings[:shown]]
        if k > shown:
            lines.append(f"  … and {k - shown} more.")
    return "\n".join(lines)


def run_epcis_export(args: argparse.Namespace, plant: Plant) -> int:
    from workbench.interchange.epcisload.export import export_epcis

    target = Path(args.directory)
    if target.is_dir():
        plant.dispose()
        raise WorkbenchError(f"{args.directory} is a folder; give the EPCIS file to write (plant.jsonld, plant.xml).")
    if target.exists() and not args.force:
        plant.dispose()
        raise WorkbenchError(f"{args.directory} exists; add --force to replace it.")
    try:
        with plant.Session() as session:
            lot_ids = None
            if args.lot:
                root = find_lot(session, args.lot, args.item)
                lot_ids = reachable_lots(session, [root.id], args.direction)
            count = export_epcis(session, target, "xml" if args.format == "epcis-xml" else "json", lot_ids)
    finally:
        plant.dispose()
    print(f"Exported {count} events from {plant.display_url} to {args.directory} (EPCIS 2.0 "
          f"{'XML' if args.format == 'epcis-xml' else 'JSON-LD'}).", file=sys.stdout)
    return 0
