"""`workbench flows`: the quantity flow (Sankey) of a recall, as SVG, PDF or PNG."""

from __future__ import annotations

import argparse
import sys

from workbench.actions.recall import start_recall
from workbench.commands import Subparsers, add_db_option, reading
from workbench.commands.recall import _Item, _Lots
from workbench.interchange.epcisload.lookup import find_lot_named
from workbench.outfile import check_file, written
from workbench.recall.flows import ALERT_KINDS, layout_flows, recall_flows
from workbench.reports.paper import page_points
from workbench.reports.sankey import FORMATS, print_size, write_flows
from workbench.settings import load_letterhead


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT in pixels, e.g. 1600x900") from None
    if not (400 <= w <= 20000 and 300 <= h <= 20000):
        raise argparse.ArgumentTypeError(f"{text!r}: width 400-20000 and height 300-20000 pixels")
    return w, h


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "flows", help="draw the quantity flow (Sankey) of a recall",
        usage="workbench flows [--db URL] LOT [--item ITEM] [LOT [--item ITEM] ...] --out FILE.svg|.pdf|.png "
              "[--size WxH]",
        description="Trace the suspect lots forward and draw where their quantity went: through every "
        "intermediate and finished lot to the customers and the stock on hand, band widths in the suspect "
        "lots' unit (converted through each order), unaccounted quantity in red. The PDF is one landscape "
        "page of the company's paper.",
    )
    add_db_option(parser)
    parser.add_argument("lots", metavar="LOT", nargs="+", action=_Lots, help="suspect lot code or GS1 barcode")
    parser.add_argument("--item", metavar="ITEM", nargs="+", action=_Item,
                        help="item code of the lot just before it")
    parser.add_argument("--out", metavar="FILE", required=True, help="the picture: .svg, .pdf or .png")
    parser.add_argument("--size", metavar="WxH", type=_size, default=None,
                        help="drawing size in pixels (default 1600x900, a PDF its page; grows where boxes need room)")
    parser.add_argument("--letterhead", metavar="FILE", help="letterhead settings (its paper for the PDF)")
    parser.add_argument("--force", action="store_true", help="write over an existing file")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    out = check_file(args.out, "the quantity flow", "flow.svg", args.force, FORMATS)
    letterhead = load_letterhead(args.letterhead)
    with reading(args) as plant:
        with plant.Session() as session:
            roots = [find_lot_named(session, lot, item) for lot, item in args.lot_specs]
        result = start_recall(plant, roots)
    flows = recall_flows(result)
    w, h = page_points(letterhead)
    size = args.size or (print_size((w, h)) if out.suffix.lower() == ".pdf" else (1600, 900))
    layout = layout_flows(flows, *size)
    with written(out, args.force) as work:
        write_flows(layout, work, page=(w, h))
    red = [n for n in flows.nodes.values() if n.kind in ALERT_KINDS]
    customers = sum(1 for n in flows.nodes.values() if n.kind == "customer")
    print(f"Quantity flow of {', '.join(r.label for r in flows.roots)}: {flows.describe(flows.in_question())} "
          f"through {sum(1 for n in flows.nodes.values() if n.kind == 'lot'):,} lots to {customers:,} customers"
          + (f"; unaccounted: {'; '.join(n.detail for n in red)}" if red else "; nothing unaccounted") + ".")
    print(f"Wrote {out}.", file=sys.stderr)
    return 0
