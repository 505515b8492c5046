"""`workbench floor …`: receiving, labels, pick lists, scans, overrides, production,
shipping and holds, from the command line (scripts, scanners wired to a terminal)."""

from __future__ import annotations

import argparse
import getpass
from datetime import datetime

from workbench.actions import floor as actions
from workbench.commands import Subparsers, add_db_option, reading
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.floor.picking import PickListView
from workbench.format import quantity as fmt
from workbench.plant import Plant


def _who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name from the system: --by is then required
        return ""


def _day(text: str | None, what: str) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise WorkbenchError(f"The {what} '{text}' is not a date as YYYY-MM-DD.") from None


def _common(p: argparse.ArgumentParser, by: bool = True) -> None:
    add_db_option(p)
    if by:
        p.add_argument("--by", default=_who(), metavar="NAME", help="who does this (default: your user name)")


def register(sub: Subparsers) -> None:
    floor = sub.add_parser("floor", help="the plant floor: receive, label, pick, scan, override, complete, ship, hold",
                           description="Record the life of a lot where it is handled.")
    fs = floor.add_subparsers(dest="floor_command", metavar="STEP")

    p = fs.add_parser("location", help="add a storage location")
    _common(p, by=False)
    p.add_argument("code", metavar="CODE")
    p.add_argument("--site", help="the site it is at (default: the plant's site)")
    p.add_argument("--name", help="a description")
    p.set_defaults(handler=run_location)

    p = fs.add_parser("receive", help="receive a purchase-order line (or free) as a new lot, with its labels")
    _common(p)
    p.add_argument("--item", required=True)
    p.add_argument("--quantity", required=True)
    p.add_argument("--unit", help="checked against the item's unit")
    p.add_argument("--vendor", required=True, metavar="CODE")
    p.add_argument("--vendor-lot", metavar="LOT", help="the vendor's own lot number")
    p.add_argument("--po", metavar="PO", help="purchase order (line) received against")
    p.add_argument("--receipt", metavar="CODE", help="receipt (GRN) code (default: the next of the day)")
    p.add_argument("--lot", metavar="CODE", help="our lot code (default: the next of the day, R26132-01)")
    p.add_argument("--produced", metavar="YYYY-MM-DD", help="the vendor's production date")
    p.add_argument("--expiry", metavar="YYYY-MM-DD", help="expiry or best-before date (default: from the item's shelf life)")
    p.add_argument("--location", required=True, metavar="CODE")
    p.add_argument("--sscc", help="the pallet's SSCC (18 digits)")
    p.add_argument("--quarantine", action="store_true", help="hold the lot until QA releases it")
    _label_options(p, required=False)
    p.set_defaults(handler=run_receive)

    p = fs.add_parser("label", help="write a lot's labels as PDF (GS1-128, GS1 DataMatrix)")
    _common(p, by=False)
    p.add_argument("lot", metavar="LOT", help="lot code, ITEM/LOT or a scanned barcode")
    p.add_argument("--item")
    _label_options(p, required=True)
    p.set_defaults(handler=run_label)

    p = fs.add_parser("picks", help="open a pick list (production order materials or a shipment), or show one")
    _common(p)
    p.add_argument("code", nargs="?", metavar="PICKLIST", help="show this pick list")
    p.add_argument("--order", metavar="CODE", help="production order to pick materials for")
    p.add_argument("--product", metavar="ITEM", help="what a new production order makes")
    p.add_argument("--customer", metavar="CODE", help="customer of a shipment pick list")
    p.add_argument("--shipment", metavar="CODE", help="shipment code (default: assigned when shipped)")
    p.add_argument("--order-ref", metavar="REF", help="the customer's order reference")
    p.add_argument("--need", action="append", default=[], metavar="ITEM=QTY", help="what to pick (repeat)")
    p.add_argument("--open", action="store_true", help="list the open pick lists")
    p.set_defaults(handler=run_picks)

    p = fs.add_parser("scan", help="check a scanned label against a pick list (and count it when right)")
    _common(p)
    p.add_argument("code", metavar="PICKLIST")
    p.add_argument("scanned", metavar="BARCODE", help="what the scanner read (GS1 element string, lot code)")
    p.add_argument("--quantity", help="quantity taken (default: the label's, else the proposal's)")
    p.set_defaults(handler=run_scan)

    p = fs.add_parser("override", help="record the lot actually taken instead of the proposed ones")
    _common(p)
    p.add_argument("code", metavar="PICKLIST")
    p.add_argument("--line", help="line number or item (needed when the list has several lines)")
    p.add_argument("--lot", required=True, metavar="CODE", help="the lot actually taken")
    p.add_argument("--quantity", required=True)
    p.add_argument("--reason", required=True, metavar="CODE", help="a reason from `floor overrides --reasons`")
    p.add_argument("--note", metavar="TEXT", help="what happened (required with OTHER)")
    p.set_defaults(handler=run_override)

    p = fs.add_parser("overrides", help="the overrides by period, item and reason (or the list of reasons)")
    _common(p, by=False)
    p.add_argument("--since", metavar="YYYY-MM-DD")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="up to (not including) this day")
    p.add_argument("--item")
    p.add_argument("--reason")
    p.add_argument("--reasons", action="store_true", help="list the override reasons")
    p.set_defaults(handler=run_overrides)

    p = fs.add_parser("complete", help="record a production: consumptions from the picks, the new lot, labels")
    _common(p)
    p.add_argument("code", metavar="PICKLIST")
    p.add_argument("--quantity", required=True, help="quantity made")
    p.add_argument("--lot", metavar="CODE", help="the new lot's code (default: the next of the day, P26132-01)")
    p.add_argument("--expiry", metavar="YYYY-MM-DD", help="default: from the item's shelf life")
    p.add_argument("--location", required=True, metavar="CODE")
    p.add_argument("--machine")
    p.add_argument("--operator")
    _label_options(p, required=False)
    p.set_defaults(handler=run_complete)

    p = fs.add_parser("ship", help="record a shipment: one line per lot picked")
    _common(p)
    p.add_argument("code", metavar="PICKLIST")
    p.add_argument("--shipment", metavar="CODE")
    p.set_defaults(handler=run_ship)

    p = fs.add_parser("hold", help="put lots on hold with a reason (or every lot of a recall's hold list)")
    _common(p)
    p.add_argument("lots", nargs="*", metavar="LOT", help="ITEM/LOT, lot code or barcode")
    p.add_argument("--reason", required=True)
    p.add_argument("--recall-of", action="append", default=[], metavar="LOT",
                   help="hold the hold list of the recall of this suspect lot (repeat)")
    p.set_defaults(handler=run_hold)

    p = fs.add_parser("release", help="release a lot's holds (or its receiving quarantine) with a reason")
    _common(p)
    p.add_argument("lot", metavar="LOT")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=run_release)

    p = fs.add_parser("holds", help="the lots on hold now, or a lot's hold history")
    _common(p, by=False)
    p.add_argument("lot", nargs="?", metavar="LOT", help="show this lot's hold history")
    p.set_defaults(handler=run_holds)

    def floor_help(_args: argparse.Namespace) -> int:
        floor.print_help()
        return 2

    floor.set_defaults(handler=floor_help)


def _label_options(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--out", required=required, metavar="FILE.pdf", help="write the labels to this PDF")
    p.add_argument("--force", action="store_true", help="write over an existing PDF")
    p.add_argument("--size", default="4x6in", choices=["4x6in", "100x150mm", "2x1in", "a4", "letter"])
    p.add_argument("--copies", type=int, default=1, help="labels per lot (one per box)")
    p.add_argument("--per-label", metavar="QTY", help="quantity printed on each label (default: the whole lot)")
    p.add_argument("--qr", action="store_true", help="add a GS1 Digital Link QR code (items with a GTIN)")


def _labels(plant: Plant, args: argparse.Namespace, lots: list[LotRef]) -> None:
    if getattr(args, "out", None):
        from workbench.floor.receiving import positive

        per = positive(args.per_label, "quantity per label") if args.per_label else None
        path = actions.print_labels(plant, lots, args.out, args.size, args.copies, args.qr, per, args.force)
        print(f"Labels: {path}")


def run_location(args: argparse.Namespace) -> int:
    with reading(args) as plant:
        code, site = actions.add_location(plant, args.code, args.site, args.name).result
    print(f"Location {code} added at site {site}.")
    return 0


def run_receive(args: argparse.Namespace) -> int:
    if args.out:
        actions.label_path(args.out, args.force)  # before anything is recorded: a refusal costs nothing
    with reading(args) as plant:
        got = actions.receive(plant, item=args.item, quantity=args.quantity, unit=args.unit, vendor=args.vendor,
                              vendor_lot=args.vendor_lot, po=args.po, receipt=args.receipt, lot=args.lot,
                              produced_at=_day(args.produced, "production date"),
                              expires_at=_day(args.expiry, "expiry date"), location=args.location,
                              sscc=args.sscc, quarantine=args.quarantine, by=args.by).result
        expiry = f", expires {got.expires_at:%Y-%m-%d}" if got.expires_at else ""
        print(f"Received {fmt(got.quantity, got.unit)} as lot {got.lot.label} ({got.receipt}) at {got.location}"
              f"{expiry}" + (", in quarantine until QA releases it" if got.quarantine else "") + ".")
        _labels(plant, args, [got.lot])
    return 0


def run_label(args: argparse.Namespace) -> int:
    with reading(args) as plant:
        lot = actions.find(plant, args.lot, args.item)
        _labels(plant, args, [lot])
    return 0


def print_pick_list(view: PickListView) -> None:
    what = (f"production order {view.order} ({view.product})" if view.purpose == "production"
            else f"shipment to {view.customer}" + (f", order {view.order_ref}" if view.order_ref else ""))
    print(f"Pick list {view.code}: {what}; {view.status}, site {view.site}")
    for line in view.lines:
        mark = "done" if line.done else f"{fmt(line.remaining, line.unit)} to pick"
        print(f"  {line.line_no}. {line.item} {fmt(line.quantity, line.unit)} by {line.rule}: {mark}")
        for p in line.proposals:
            print(f"       take {p.lot.lot:<14} {fmt(p.quantity, line.unit):>12}  {p.why}")
        if line.proposed < line.quantity:
            print(f"       SHORT: only {fmt(line.proposed, line.unit)} can be proposed")
        for pick in line.picks:
            how = f" override {pick.override_reason}" if pick.override_reason else ""
            print(f"       picked {pick.lot.lot:<12} {fmt(pick.quantity, line.unit):>12}  by {pick.picked_by} "
                  f"{pick.picked_at:%Y-%m-%d %H:%M}{how}")


def run_picks(args: argparse.Namespace) -> int:
    with reading(args) as plant:
        if args.open:
            for code, purpose, what in actions.open_pick_lists(plant):
                print(f"{code}  {purpose:<10}  {what}")
            return 0
        if args.code and not args.need:
            print_pick_list(actions.pick_list(plant, args.code))
            return 0
        if args.order and args.customer:
            raise WorkbenchError("A pick list is for a production order (--order) or a shipment (--customer), not both.")
        if not args.order and not args.customer:
            raise WorkbenchError("Say what the pick list is for: --order CODE (production) or --customer CODE.")
        from workbench.floor.picking import parse_needs

        view = actions.open_picks(plant, purpose="production" if args.order else "shipment",
                                  needs=parse_needs(args.need), by=args.by, order=args.order, product=args.product,
                                  customer=args.customer, shipment=args.shipment, order_ref=args.order_ref,
                                  code=args.code).result
        print_pick_list(view)
    return 0


def run_scan(args: argparse.Namespace) -> int:
    with reading(args) as plant:
        result = actions.scan(plant, args.code, args.scanned, args.by, args.quantity).result
    print(("OK  " if result.ok else "NO  ") + result.message)
    return 0 if result.ok else 1


def run_override(args: argparse.Namespace) -> int:
    with reading(args) as plant:
        ov = actions.override(plant, args.code, lot=args.lot, quantity=args.quantity, reason=args.reason,
                              note=args.note, by=args.by, line=args.line).result
    print(f"Override recorded: {fmt(ov.quantity, ov.unit)} of lot {ov.lot.label} for line {ov.line_no} "
          f"({ov.reason_text}); proposed were {ov.proposed}.")
    return 0


def run_overrides(args: argparse.Namespace) -> int:
    with reading(args) as plant:
        if args.reasons:
            for code, text in actions.override_reasons(plant).items():
                print(f"{code:<10} {text}")
            return 0
        rows = actions.override_report(plant, since=_day(args.since, "--since date"),
                                       until=_day(args.until, "--until date"), item=args.item, reason=args.reason)
    print(f"{len(rows)} overrides")
    for ov in rows:
        note = f" — {ov.note}" if ov.note else ""
        print(f"{ov.made_at:%Y-%m-%d %H:%M}  {ov.made_by:<10} {ov.pick_list} line {ov.line_no}  {ov.item}: took "
              f"{ov.lot.lot} {fmt(ov.quantity, ov.unit)} instead of {ov.proposed}; {ov.reason}{note}")
    return 0


def run_complete(args: argparse.Namespace) -> int:
    if args.out:
        actions.label_path(args.out, args.force)  # before anything is recorded: a refusal costs nothing
    with reading(args) as plant:
        done = actions.complete(plant, args.code, quantity=args.quantity, lot=args.lot,
                                expires_at=_day(args.expiry, "expiry date"), location=args.location,
                                machine=args.machine, operator=args.operator, by=args.by).result
        print(f"Order {done.order} made {fmt(done.quantity, done.unit)} as lot {done.lot.label}; consumed:")
        for u in done.used:
            print(f"  {u.lot.label:<28} {fmt(u.quantity, u.unit):>12}")
        for item, picked, wanted in done.short:
            print(f"  note: {item} picked {fmt(picked)} of {fmt(wanted)} wanted")
        _labels(plant, args, [done.lot])
    return 0


def run_ship(args: argparse.Namespace) -> int:
    with reading(args) as plant:
        done = actions.ship(plant, args.code, shipment=args.shipment, by=args.by).result
    print(f"Shipment {done.shipment} to {done.customer}:")
    for u in done.lines:
        print(f"  {u.lot.label:<28} {fmt(u.quantity, u.unit):>12}")
    return 0


def run_hold(args: argparse.Namespace) -> int:
    if not args.lots and not args.recall_of:
        raise WorkbenchError("Name the lots to hold, or --recall-of LOT to hold a recall's hold list.")
    with reading(args) as plant:
        done = [actions.hold(plant, args.lots, args.reason, args.by).result] if args.lots else []
        if args.recall_of:
            roots = [actions.find(plant, text) for text in args.recall_of]
            done.append(actions.hold_recall(plant, roots, args.reason, args.by).result)
    placed = [h for d in done for h in d.placed]
    for h in placed:
        print(f"On hold: {h.lot.label}")
    for lot in (lot for d in done for lot in d.already):
        print(f"Already on hold: {lot.label}")
    print(f"{len(placed)} lots put on hold.")
    return 0


def run_release(args: argparse.Namespace) -> int:
    with reading(args) as plant:
        released = actions.release(plant, args.lot, args.reason, args.by).result
    for h in released:
        print(f"Released {h.lot.label} ({h.kind} of {h.placed_at:%Y-%m-%d} by {h.placed_by}: {h.reason}).")
    return 0


def run_holds(args: argparse.Namespace) -> int:
    with reading(args) as plant:
        rows = actions.hold_history(plant, actions.find(plant, args.lot)) if args.lot else actions.holds_now(plant)
    for h in rows:
        state = (f"released {h.released_at:%Y-%m-%d %H:%M} by {h.released_by}: {h.release_reason}"
                 if h.released_at else "ACTIVE")
        print(f"{h.lot.label:<28} {h.kind:<10} {h.placed_at:%Y-%m-%d %H:%M} by {h.placed_by}: {h.reason}; {state}")
    if not rows:
        print("No lots on hold." if not args.lot else "This lot has never been on hold.")
    return 0
