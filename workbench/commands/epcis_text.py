"""The EPCIS part of `workbench export` (and the summary `workbench import` prints)."""

from __future__ import annotations

import argparse
import sys

from workbench.commands import disposing
from workbench.interchange.epcisload.lookup import find_lot_by_identifier
from workbench.outfile import check_file
from workbench.plant import Plant
from workbench.trace.genealogy import reachable_lots


def run_epcis_export(args: argparse.Namespace, plant: Plant) -> int:
    from workbench.interchange.epcisload.export import export_epcis

    with disposing(plant), plant.Session() as session:
        target = check_file(args.directory, "the EPCIS document", "plant.jsonld", args.force,
                            (".xml",) if args.format == "epcis-xml" else (".jsonld", ".json"))
        lot_ids = None
        if args.lot:
            root = find_lot_by_identifier(session, args.lot, args.item)
            lot_ids = reachable_lots(session, [root.id], args.direction)
        count = export_epcis(session, target, "xml" if args.format == "epcis-xml" else "json", lot_ids, args.force)
    print(f"Exported {count} events from {plant.display_url} to {args.directory} (EPCIS 2.0 "
          f"{'XML' if args.format == 'epcis-xml' else 'JSON-LD'}).", file=sys.stdout)
    return 0
