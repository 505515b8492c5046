"""`workbench trace`: forward and backward traces as a tree or JSON."""

from __future__ import annotations

import argparse

from workbench.commands import Subparsers, add_db_option, reading
from workbench.errors import WorkbenchError
from workbench.interchange.epcisload.lookup import find_lot_by_identifier, identify_lot_nodes
from workbench.jsonutil import dumps
from workbench.lots.details import recorded_events
from workbench.outfile import check_file, written
from workbench.reports.trace_table import write_trace_xlsx
from workbench.reports.tree import render_tree
from workbench.trace.genealogy import DIRECTIONS, trace
from workbench.trace.table import traced_rows


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "trace", help="trace a lot forward (where it went) or backward (where it came from)",
        description="Trace a lot. LOT is a lot code, a scanned GS1 barcode "
        "((01)GTIN(10)LOT, the raw element string, or a GS1 Digital Link URI), or an EPCIS class identifier "
        "(urn:epc:class:lgtin:…, a GDST lot class URN, or the identifier the lot was imported with).",
    )
    add_db_option(parser)
    parser.add_argument("lot", metavar="LOT", help="lot code or GS1 barcode")
    parser.add_argument("--item", help="item code, where the lot code exists on several items")
    parser.add_argument("--direction", choices=DIRECTIONS, default="forward")
    parser.add_argument("--depth", type=int, metavar="N", help="at most N lot-to-lot steps (default: all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--events", action="store_true",
                        help="also list the traced lot's recorded events (EPCIS: eventID, type, bizStep, time, file)")
    parser.add_argument("--xlsx", metavar="FILE",
                        help="write the trace table (indented by level, with shipments, receipts and stock on hand) "
                             "as a spreadsheet instead of printing the tree")
    parser.add_argument("--force", action="store_true", help="with --xlsx: write over an existing file")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.xlsx is not None:
        return _write_table(args)
    with reading(args) as plant, plant.Session() as session:
        lot = find_lot_by_identifier(session, args.lot, args.item)
        g = trace(session, lot, args.direction, args.depth)
        data = g.to_json() if args.json else None
        if data is not None:
            identify_lot_nodes(session, data["nodes"])
        events = recorded_events(session, lot.id) if args.events else None
    if data is not None:
        if events is not None:
            data["events"] = [e.to_json() for e in events]
        print(dumps(data, indent=2))
    else:
        print(render_tree(g))
        if events is not None:
            print(f"\nRecorded events of {lot.label} ({len(events)}):")
            for e in events:
                print(f"  {e.occurred_at:%Y-%m-%d %H:%M}  {e.kind:<14} {e.event_type or '-':<20} {e.ref}  "
                      f"{e.source or ''}  {e.status}")
    return 0


def _write_table(args: argparse.Namespace) -> int:
    if args.json or args.events:
        raise WorkbenchError("--xlsx writes the trace table; it goes with neither --json nor --events.")
    target = check_file(args.xlsx, "the trace table", "trace.xlsx", args.force, (".xlsx",))
    with reading(args) as plant, plant.Session() as session:
        lot = find_lot_by_identifier(session, args.lot, args.item)
        rows = traced_rows(session, lot, args.direction, args.depth)
    what = {"forward": "forward trace", "backward": "backward trace"}.get(args.direction, "trace both ways")
    with written(target, args.force) as work:
        write_trace_xlsx(rows, work, f"{what.capitalize()} of {lot.label}")
    print(f"Wrote the {what} of {lot.label} ({len(rows)} rows) to {args.xlsx}.")
    return 0
