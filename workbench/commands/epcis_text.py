"""The EPCIS part of `workbench export` (and the summary `workbench import` prints)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands import disposing
from workbench.errors import WorkbenchError
from workbench.interchange.epcisload.lookup import find_lot_by_identifier
from workbench.plant import Plant
from workbench.trace.genealogy import reachable_lots


def run_epcis_export(args: argparse.Namespace, plant: Plant) -> int:
    from workbench.interchange.epcisload.export import export_epcis

    target = Path(args.directory)
    with disposing(plant), plant.Session() as session:
        if target.is_dir():
            raise WorkbenchError(f"{args.directory} is a folder; give the EPCIS file to write (plant.jsonld, plant.xml).")
        if target.exists() and not args.force:
            raise WorkbenchError(f"{args.directory} exists; add --force to replace it.")
        lot_ids = None
        if args.lot:
            root = find_lot_by_identifier(session, args.lot, args.item)
            lot_ids = reachable_lots(session, [root.id], args.direction)
        count = export_epcis(session, target, "xml" if args.format == "epcis-xml" else "json", lot_ids)
    print(f"Exported {count} events from {plant.display_url} to {args.directory} (EPCIS 2.0 "
          f"{'XML' if args.format == 'epcis-xml' else 'JSON-LD'}).", file=sys.stdout)
    return 0
