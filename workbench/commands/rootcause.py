"""`workbench history | commonality | vendor`: root cause and the vendor's record (`scar` is
``workbench.commands.scar``)."""

from __future__ import annotations

import argparse
import math
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from workbench.commands import Subparsers, add_db_option, parse_day, reading
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.format import purchase_order, quantity
from workbench.interchange.epcisload.lookup import find_lot_named
from workbench.jsonutil import dumps


def register(sub: Subparsers) -> None:
    h = sub.add_parser("history", help="backward history of a lot: upstream lots, receipts, operations, siblings",
                       description="Everything upstream of a lot in time order, and its siblings: lots "
                       "that share a material lot or ran on the same machines around the same time.")
    add_db_option(h)
    h.add_argument("lot", metavar="LOT", help="lot code or GS1 barcode")
    h.add_argument("--item", help="item code, where the lot code exists on several items")
    h.add_argument("--window-hours", type=float, default=8, metavar="H",
                   help="machine window around the lot's operations, in hours (default 8)")
    h.add_argument("--limit", type=int, default=40, metavar="N",
                   help="siblings listed per kind (default 40; --json lists all)")
    h.add_argument("--json", action="store_true", help="print one JSON object")
    h.set_defaults(handler=run_history)

    c = sub.add_parser("commonality", help="rank what defective lots share (lots, vendors, machines, ...)",
                       description="Rank every upstream factor of the defective lots by how much more "
                       "often they share it than the other lots of the same items made in the same period.")
    add_db_option(c)
    c.add_argument("lots", nargs="*", metavar="ITEM/LOT", help="defective lots (ITEM/LOT, or a lot code)")
    c.add_argument("--returns-reason", metavar="TEXT",
                   help="take as defective every lot returned with a reason containing TEXT")
    c.add_argument("--since", metavar="YYYY-MM-DD", help="baseline period start (default: defective lots - 7 days)")
    c.add_argument("--until", metavar="YYYY-MM-DD", help="baseline period end (default: defective lots + 7 days)")
    c.add_argument("--top", type=int, default=20, metavar="N", help="factors to print (default 20; JSON has all)")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.set_defaults(handler=run_commonality)

    v = sub.add_parser("vendor", help="a vendor's receipts, implicated lots, quality history and open SCARs",
                       description="A vendor's quality history: every receipt line and lot received from it, "
                                   "the lots implicated in customer returns (traced downstream at any depth) "
                                   "or SCARs, a monthly series, and its open SCARs with their due dates.")
    add_db_option(v)
    v.add_argument("code", metavar="CODE", help="vendor code")
    v.add_argument("--json", action="store_true", help="print one JSON object")
    v.set_defaults(handler=run_vendor)


def _when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M}" if at else "(no time)"


def parse_lot(session: Session, text: str) -> LotRef:
    """``ITEM/LOT``, a lot code alone, or a GS1 barcode."""
    return find_lot_named(session, text)


# --- history -----------------------------------------------------------------------------


def run_history(args: argparse.Namespace) -> int:
    from workbench.rootcause.history import lot_history
    from workbench.rootcause.siblings import siblings

    if not 0 <= args.window_hours <= 87_600:  # also refuses nan and inf
        raise WorkbenchError("--window-hours must be between 0 and 87,600 (ten years).")
    with reading(args) as plant, plant.Session() as session:
        lot = find_lot_named(session, args.lot, args.item)
        h = lot_history(session, lot)
        sib = siblings(session, lot, timedelta(hours=args.window_hours), history=h)
    if args.json:
        print(dumps({**h.to_json(), "siblings": sib.to_json()}, indent=2))
        return 0
    print(f"History of {h.lot.label}" + (f" ({h.item_name})" if h.item_name else "")
          + f", made {_when(h.created_at)}")
    print(f"\nUpstream lots ({len(h.upstream)}), direct inputs first:")
    for u in h.upstream:
        source = (f"from {u.vendor} vendor lot {u.vendor_lot or '-'}, {u.receipt}, {purchase_order(u.po, 'PO -')}"
                  if u.vendor else u.origin)
        print(f"  {-u.depth:>2}  {u.lot.label:<30} {u.item_kind:<12} {source}")
    print(f"\nEvents ({len(h.events)}):")
    for e in h.events:
        until = f" - {e.end:%H:%M}" if e.end else ""
        print(f"  {_when(e.at)}{until:<8}  {e.label}")
    for title, found in ((f"Siblings by shared material ({len(sib.by_material)}):", sib.by_material),
                         (f"Siblings by machine within ±{args.window_hours:g} h ({len(sib.by_machine)}):",
                          sib.by_machine)):
        print(f"\n{title}")
        for s in found[:args.limit]:
            print(f"  {s.lot.label:<28} {s.reason}")
        if len(found) > args.limit:
            print(f"  … {len(found) - args.limit} more (--limit N, or --json for all)")
    return 0


# --- commonality -------------------------------------------------------------------------


def run_commonality(args: argparse.Namespace) -> int:
    from workbench.rootcause.commonality import commonality, defective_from_returns

    if not args.lots and not args.returns_reason:
        raise WorkbenchError("Name the defective lots as ITEM/LOT, or give --returns-reason TEXT.")
    since, until = parse_day(args.since, "--since date"), parse_day(args.until, "--until date")
    with reading(args) as plant, plant.Session() as session:
        lots = [parse_lot(session, text) for text in args.lots]
        if args.returns_reason:
            found = defective_from_returns(session, args.returns_reason)
            if not found:
                raise WorkbenchError(f"No return has a reason containing '{args.returns_reason}'.")
            lots += found
        period = None
        if since or until:
            if not (since and until):
                raise WorkbenchError("Give both --since and --until, or neither.")
            period = (datetime.combine(since, datetime.min.time()),
                      datetime.combine(until, datetime.max.time()))
        result = commonality(session, lots, period)
    if args.json:
        print(dumps(result.to_json(), indent=2))
        return 0
    p = result.period
    print(f"{len(result.defective)} defective lots of {', '.join(result.items)} against "
          f"{len(result.baseline)} baseline lots"
          + (f" made {p[0]:%Y-%m-%d} to {p[1]:%Y-%m-%d}" if p else ""))
    print(f"\n{'#':>3}  {'factor':<44} {'defective':>10} {'baseline':>10} {'lift':>7} {'p-value':>10}")
    for i, f in enumerate(result.factors[: args.top], 1):
        lift = "new" if math.isinf(f.lift) else f"{f.lift:.1f}"
        print(f"{i:>3}  {f.label[:44]:<44} {f.defective_exposed:>4}/{f.defective_total:<5}"
              f"{f.baseline_exposed:>4}/{f.baseline_total:<5} {lift:>7} {f.p_value:>10.2g}")
    if len(result.factors) > args.top:
        print(f"\n{len(result.factors) - args.top} more factors (--top N, or --json for all).")
    print("\n'new': never seen in the baseline lots. p-value: one-sided Fisher exact test.")
    return 0


# --- vendor ------------------------------------------------------------------------------


def run_vendor(args: argparse.Namespace) -> int:
    from workbench.supplier.quality import vendor_quality

    with reading(args) as plant, plant.Session() as session:
        q = vendor_quality(session, args.code)
    if args.json:
        print(dumps(q.to_json(), indent=2))
        return 0
    print(f"{q.vendor.display}: {len(q.receipts)} receipt lines, {q.lots} lots, "
          f"{len(q.implicated_lots)} implicated, {len(q.returns)} returns caused by the material, "
          f"{len(q.open_scars)} open SCARs")
    for r in q.receipts:
        flag = f"  returns {r.returns}" if r.returns else ""
        flag += f"  SCARs {r.scars}" if r.scars else ""
        line = r.line
        print(f"  {line.received_at:%Y-%m-%d} {line.receipt:<16} {r.lot.label:<28} vendor lot "
              f"{line.vendor_lot or '-':<14}{quantity(line.quantity, line.unit):>14}{flag}")
    if q.excluded:
        causes: dict[str, int] = {}
        for ret in q.excluded:
            causes[ret.cause] = causes.get(ret.cause, 0) + 1
        print(f"Not counted against {q.vendor.code}: " + ", ".join(
            f"{n} returns caused by {c}" for c, n in sorted(causes.items(), key=lambda x: -x[1]))
              + " (not the vendor's material; `workbench scar cause RMA CAUSE` corrects one)")
    if q.scars:
        print("SCARs:")
        for s in q.scars:
            due = f"due {s.due_at:%Y-%m-%d}" if s.due_at else ""
            print(f"  {s.code} {s.status:<7} {s.lot.label:<28} {due}{' OVERDUE' if s.overdue else ''}")
    return 0
