"""`workbench recall`: from suspect lots to the complete recall package in a folder."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Any

from workbench.actions.recall import check_target, start_recall, write_recall_package
from workbench.commands import Subparsers, add_db_option, reading
from workbench.format import per_unit
from workbench.interchange.epcisload.lookup import find_lot_named
from workbench.settings import load_letterhead


def _given(values: str | Sequence[Any] | None) -> list[Any]:
    """The values argparse hands an action (a list for ``nargs="+"``) as a list."""
    return [values] if isinstance(values, str) else list(values or ())


class _Lots(argparse.Action):
    """Suspect lots in order; each is ``[lot, item]`` (item filled in by ``--item``)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        specs = getattr(namespace, "lot_specs", None) or []
        specs += [[v, None] for v in _given(values)]
        namespace.lot_specs = specs


class _Item(_Lots):
    """``--item ITEM`` names the item of the lot just before it; lots after it are more lots."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        specs = getattr(namespace, "lot_specs", None) or []
        if not specs:
            parser.error("--item follows the lot it names: LOT --item ITEM")
        if specs[-1][1] is not None:
            parser.error(f"lot {specs[-1][0]} already has the item {specs[-1][1]}")
        given = _given(values)
        specs[-1][1] = given[0]
        namespace.lot_specs = specs
        if len(given) > 1:
            super().__call__(parser, namespace, given[1:], option_string)


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "recall", help="write the recall package of one or more suspect lots",
        usage="workbench recall [--db URL] LOT [--item ITEM] [LOT [--item ITEM] ...] --out DIR "
              "[--reason TEXT] [--letterhead FILE] [--force]",
        description="Trace the suspect lots forward and write the recall package into DIR: recall.json, "
        "hold-list.csv, reconciliation.csv, contacts.csv/.xlsx, fsma204.xlsx, summary.pdf, letters.pdf and "
        "letters/CUSTOMER.pdf. LOT is a lot code or a scanned GS1 barcode; --item names the item of the "
        "lot just before it, where the lot code exists on several items.",
    )
    add_db_option(parser)
    parser.add_argument("lots", metavar="LOT", nargs="+", action=_Lots, help="suspect lot code or GS1 barcode")
    parser.add_argument("--item", metavar="ITEM", nargs="+", action=_Item,
                        help="item code of the lot just before it")
    parser.add_argument("--out", metavar="DIR", required=True, help="folder for the package (new or empty)")
    parser.add_argument("--reason", help="why the lots are recalled (quoted in the letters)")
    parser.add_argument("--letterhead", metavar="FILE",
                        help="letterhead settings (TOML or JSON); default: the settings folder's, or the shipped one")
    parser.add_argument("--force", action="store_true",
                        help="replace a previous recall package in DIR (nothing else is ever replaced)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    check_target(args.out, force=args.force)  # before any work: a refusal costs nothing
    letterhead = load_letterhead(args.letterhead)
    with reading(args) as plant:
        with plant.Session() as session:
            roots = [find_lot_named(session, lot, item) for lot, item in args.lot_specs]
        result = start_recall(plant, roots, reason=args.reason)
    files = write_recall_package(result, args.out, letterhead=letterhead, force=args.force)
    t = result.totals
    units = per_unit(t.on_hold, empty="nothing")
    flagged = f"{t.flagged} lot(s) flagged in the reconciliation" if t.flagged else "the reconciliation balances"
    print(f"Recall {result.reference} of {', '.join(r.label for r in result.roots)}: "
          f"{t.affected_lots:,} affected lots, {t.lots_on_hold:,} to hold ({units}), "
          f"{t.customers:,} customers, {t.shipment_lines:,} shipment lines; {flagged}.")
    print(f"Wrote {len(files)} files to {args.out} in {time.perf_counter() - started:.1f} s.", file=sys.stderr)
    return 0
