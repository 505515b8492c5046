"""`workbench trace`: forward and backward traces as a tree or JSON."""

from __future__ import annotations

import argparse

from workbench.commands import Subparsers, add_db_option, reading
from workbench.interchange.epcisload.lookup import find_lot_by_identifier, identify_lot_nodes
from workbench.jsonutil import dumps
from workbench.reports.tree import render_tree
from workbench.trace.genealogy import DIRECTIONS, trace


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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with reading(args) as plant, plant.Session() as session:
        lot = find_lot_by_identifier(session, args.lot, args.item)
        g = trace(session, lot, args.direction, args.depth)
        data = g.to_json() if args.json else None
        if data is not None:
            identify_lot_nodes(session, data["nodes"])
    if data is not None:
        print(dumps(data, indent=2))
    else:
        print(render_tree(g))
    return 0
