"""`workbench gui` (and plain `workbench`): the desktop workbench."""

from __future__ import annotations

import argparse

from workbench.commands import Subparsers, add_db_option


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("gui", help="open the desktop workbench (the default command)")
    add_db_option(parser)
    parser.add_argument("--lot", help="open this lot's genealogy (a lot code or a scanned GS1 barcode)")
    parser.add_argument("--item", help="the item of --lot, when the lot code exists on several items")
    parser.add_argument("--search", metavar="TEXT", help="start with this search in the search panel")
    parser.add_argument("--expand", type=int, default=0, metavar="N",
                        help="expand the genealogy N levels both ways (with --lot)")
    parser.add_argument("--downstream", action="store_true",
                        help="open the lot's whole downstream tree (with --lot), shown fitted to the window")
    parser.add_argument("--table", action="store_true", help="show the trace table beside the graph (with --lot)")
    parser.add_argument("--size", default=None, metavar="WxH", help="window size, e.g. 1600x1000")
    parser.add_argument("--screenshot", metavar="PATH",
                        help="save a PNG of the window once everything is drawn, then exit")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from workbench.ui.app import run  # Qt only when the window is wanted

    return run(args)
