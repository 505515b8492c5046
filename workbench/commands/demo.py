"""`workbench demo`: build the Northfield Foods demo plant, all or nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from workbench.commands import Subparsers, add_db_option, writing
from workbench.config import resolve_url
from workbench.demo import (
    COMPANY,
    INCIDENT,
    LOTS_PER_SCALE,
    DemoSummary,
    build_demo,
    build_sqlite_file,
    holds_data,
)
from workbench.errors import WorkbenchError
from workbench.floor.examples import seed_floor_examples
from workbench.plant.session import redact


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "demo", help="build the demo plant (a year of Northfield Foods, with a planted incident)",
        description="Build the demo plant into an empty database: a food manufacturer's year of "
        "receipts, production, shipments and returns, with one planted Salmonella incident to "
        "trace and recall. The same seed and scale always build the same plant.",
    )
    add_db_option(parser)
    parser.add_argument("--seed", type=int, default=7, metavar="N",
                        help="random seed (default 7, the plant the tests and guides use)")
    parser.add_argument("--scale", type=_scale, default=1.0, metavar="N",
                        help=f"size: about {LOTS_PER_SCALE:,} lots per unit (default 1; "
                        "250 is about a million lots)")
    parser.add_argument("--if-missing", action="store_true",
                        help="do nothing when the database already exists (used by `make run`)")
    parser.add_argument("--force", action="store_true",
                        help="rebuild a SQLite file that already holds a plant")
    parser.set_defaults(handler=run)


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 < value <= 10_000:
        raise argparse.ArgumentTypeError("the scale is a number above 0 (1 is about "
                                         f"{LOTS_PER_SCALE:,} lots)")
    return value


def run(args: argparse.Namespace) -> int:
    url = resolve_url(args.db)
    path = _sqlite_file(url)
    progress = _ProgressLine() if sys.stderr.isatty() else None
    if path is not None and path.exists() and args.if_missing:
        print(f"{path} already exists; nothing to do.")
        return 0
    if path is not None and not path.exists():
        summary = build_sqlite_file(path, seed=args.seed, scale=args.scale, progress=progress,
                                    extras=seed_floor_examples)
    else:
        with writing(args) as plant:
            with plant.Session() as session:
                full = holds_data(session)
            if full and args.if_missing:
                print(f"{redact(url)} already holds a plant; nothing to do.")
                return 0
            if full and not (args.force and path is not None):
                raise WorkbenchError(_refusal(url, path is not None, args.force))
            if path is None or not full:
                with plant.Session.begin() as session:
                    summary = build_demo(session, seed=args.seed, scale=args.scale,
                                         progress=progress, extras=seed_floor_examples)
        if full and path is not None:
            summary = build_sqlite_file(path, seed=args.seed, scale=args.scale,
                                        progress=progress, extras=seed_floor_examples)
    if progress:
        progress.done()
    print(describe(summary, redact(url), args.db))
    return 0


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases (and for bad URLs, which
    ``open_for_writing`` then refuses in one sentence)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database)
    return None


def _refusal(url: str, sqlite: bool, force: bool) -> str:
    if force and not sqlite:
        return (f"{redact(url)} already holds a plant and --force only rebuilds SQLite files; "
                "empty that database yourself or name another with --db.")
    return (f"{redact(url)} already holds a plant; use --force to rebuild it or name another "
            "database with --db.")


def describe(summary: DemoSummary, where: str, db: str | None) -> str:
    """The few lines printed after a build: what is in it and how to investigate."""
    c = summary.counts
    reach = summary.incident_reach
    db_opt = f" --db {db}" if db else ""
    item, lot = INCIDENT.overconsumed_lot
    lines = [
        (f"Built the {COMPANY} demo plant in {where} (seed {summary.seed}, scale "
        f"{summary.scale:g}) in {summary.seconds:.1f} s."),
        (f"  {summary.first_day:%d %b %Y} to {summary.last_day:%d %b %Y}: {c['lots']:,} lots, "
        f"{c['receipts']:,} receipt lines, {c['production_orders']:,} orders, "
        f"{c['consumptions']:,} consumptions, {c['shipments']:,} shipment lines, "
        f"{c['returns']:,} returns."),
        (f"  {c['items']} items, {c['vendors']} vendors, {c['customers']:,} customers, "
        f"{c['lot_edges']:,} lot-to-lot links."),
        (f"  Two sites, the plant and the distribution centre: {summary.transfer_lines:,} transfer lines by "
         f"overnight truck, the last ({summary.in_transit}, {summary.in_transit_pallets} pallets) in transit at "
         f"the end; {summary.pallets:,} pallets (SSCC), {summary.mixed_pallets:,} of them mixed pallets of "
         "display pallets."),
        *([(f"  Receipt {summary.corrected_receipt[0]} (lot {summary.corrected_receipt[1]}) was keyed wrong, "
           "retracted and recorded again, corrected.")] if summary.corrected_receipt else []),
        "",
        "The planted incident:",
        f"  {INCIDENT.story}",
        (f"  It went into {len(reach.lots):,} lots ({len(reach.products)} products) shipped to "
        f"{len(reach.customers):,} customers; {len(summary.complaint_rmas)} of them returned "
        "cases with illness complaints."),
        f"  Lot {lot} of {item} was consumed {summary.overconsumed:g} kg beyond what it held.",
        "",
        "Investigate it:",
        f"  workbench trace {INCIDENT.lot} --item {INCIDENT.item}{db_opt}",
        f"  workbench recall {INCIDENT.lot} --item {INCIDENT.item} --out recall-almonds{db_opt}",
    ]
    return "\n".join(lines)


class _ProgressLine:
    """A percentage on one terminal line, rewritten in place."""

    def __init__(self) -> None:
        self._shown = -1

    def __call__(self, fraction: float, message: str | None = None) -> None:
        percent = int(fraction * 100)
        if percent != self._shown:
            self._shown = percent
            print(f"\r{percent:3d}% {message or ''}".ljust(60), end="", file=sys.stderr,
                  flush=True)

    def done(self) -> None:
        print("\r" + " " * 60 + "\r", end="", file=sys.stderr, flush=True)
