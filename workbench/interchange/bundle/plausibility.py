"""Plausibility warnings: records that are imported but cannot be true as they stand.

Like FoodChain-Lab's plausibility checks, each is named in the import summary with its
``FILE:LINE`` and the lot it concerns, never passed over in silence:

* a shipment dated before its lot was made, a consumption before its lot was received
  (made, counted), an expiry before the lot's creation;
* a return of more than was shipped to that customer, or from a customer who never
  received the lot (shipments in the plant and in the bundle both count);
* codes that differ only by letter case, Unicode normalisation or look-alike characters
  (``lookalike``), within the bundle and against the plant.

A value given as a date alone (midnight) is not "before" a time on that same day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from decimal import Decimal

from sqlalchemy import func, select

from workbench.format import number
from workbench.interchange.bundle.checking import Checker, fetch_in, lot_name
from workbench.interchange.bundle.faults import FaultLog
from workbench.interchange.bundle.lookalike import collisions, differing
from workbench.plant import Customer, Item, Lot, ProductionOrder, Return, Shipment, Vendor

_MADE = {"receipt": "received", "production": "made", "opening": "counted as opening stock"}


def _before(a: datetime | None, b: datetime | None) -> bool:
    """``a`` is before ``b``; a bare date (midnight) on the day of ``b`` is not."""
    if a is None or b is None or a >= b:
        return False
    return not (a.time() == time(0) and a.date() == b.date())


def plausibility(checker: Checker, log: FaultLog) -> None:
    """Add the warnings of a checked bundle to ``log`` (nothing is written here)."""
    _dates(checker, log)
    _returns(checker, log)
    _codes(checker, log)


def _lot_dates(checker: Checker) -> dict[tuple[str, str], tuple[datetime | None, datetime | None, str]]:
    """(created, expires, origin) of every lot the bundle names, from the bundle or the plant."""
    dates = {key: (r.created_at, r.expires_at, r.origin) for key, r in checker.db_lots.items()}
    for n in checker.plan.lots:
        dates[(n.item, n.code)] = (n.created_at, n.expires_at, n.origin)
    return dates


def _dates(checker: Checker, log: FaultLog) -> None:
    files, plan = checker.files, checker.plan
    dates = _lot_dates(checker)
    for key, (file, line) in sorted(plan.created.items(), key=lambda kv: kv[1]):
        created, expires, _origin = dates.get(key, (None, None, ""))
        if expires is not None and created is not None and _before(expires, created):
            log.warn(files[file].display, line,
                     f"{lot_name(*key)} expires {expires.isoformat()}, before it was created ({created.isoformat()})",
                     key)
    for name, column, verb in (("consumptions.csv", "consumed_at", "consumed"),
                               ("shipments.csv", "shipped_at", "shipped")):
        display = files[name].display
        for row in checker.rows(name):
            key = (row.item, row.lot)
            when = getattr(row, column)
            if when is None or key not in dates:
                continue
            created, _expires, origin = dates[key]
            if created is not None and _before(when, created):
                log.warn(display, row.line,
                         f"{lot_name(*key)} is {verb} {when.isoformat()}, before it was "
                         f"{_MADE.get(origin, 'created')} ({created.isoformat()})", key)


def _returns(checker: Checker, log: FaultLog) -> None:
    rows = [r for r in checker.rows("returns.csv") if r.customer and r.item and r.lot and r.quantity is not None]
    if not rows:
        return
    keys = {(r.item, r.lot) for r in rows}
    plant_lots = {checker.db_lots[k].id: k for k in keys if k in checker.db_lots}
    shipped: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    returned: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for model, sums in ((Shipment, shipped), (Return, returned)):
        stmt = (select(Customer.code, model.lot_id, func.sum(model.quantity))
                .join(Customer, Customer.id == model.customer_id)
                .group_by(Customer.code, model.lot_id))
        for customer, lot_id, quantity in fetch_in(checker.s, stmt, model.lot_id, plant_lots):
            sums[(customer, *plant_lots[lot_id])] += quantity
    for r in checker.plan.shipments:
        if (r.item, r.lot) in keys:
            shipped[(r.customer, r.item, r.lot)] += r.quantity
    for r in checker.plan.returns:
        returned[(r.customer, r.item, r.lot)] += r.quantity
    display = checker.files["returns.csv"].display
    units = _units(checker)
    for r in rows:
        key = (r.customer, r.item, r.lot)
        unit = units.get(r.item, "")
        if not shipped[key]:
            log.warn(display, r.line, f"return {r.rma} of {lot_name(r.item, r.lot)} comes from customer {r.customer}, "
                                      "who was never shipped that lot", (r.item, r.lot))
        elif returned[key] > shipped[key]:
            log.warn(display, r.line, f"return {r.rma} of {lot_name(r.item, r.lot)}: customer {r.customer} returned "
                                      f"{number(returned[key])} {unit} in all but was shipped only "
                                      f"{number(shipped[key])} {unit}", (r.item, r.lot))


def _units(checker: Checker) -> dict[str, str]:
    units = {code: r.unit for code, r in checker.db_items.items()}
    units.update({code: r.unit for code, r in checker.bundle_items.items() if r.unit})
    return units


def _codes(checker: Checker, log: FaultLog) -> None:
    """New codes that differ from another code only by case, normalisation or look-alikes."""
    files, s, plan = checker.files, checker.s, checker.plan

    def plant_codes(column) -> list[str]:
        return list(s.scalars(select(column))) if s.execute(select(column).limit(1)).first() else []

    for name, kind, bundle, plant, column in (
        ("items.csv", "item", checker.bundle_items, checker.db_items, Item.code),
        ("vendors.csv", "vendor", checker.bundle_vendors, checker.db_vendors, Vendor.code),
        ("customers.csv", "customer", checker.bundle_customers, checker.db_customers, Customer.code),
        ("orders.csv", "order", checker.bundle_orders, checker.db_orders, ProductionOrder.code),
    ):
        new = [code for code in bundle if code not in plant]
        if not new:
            continue
        lines = {code: bundle[code].line for code in new}
        for c in collisions(new, plant_codes(column)):
            _say(log, files[name].display, lines[c.code], kind, c,
                 f"line {bundle[c.other].line}" if c.other in bundle else "the plant")

    if not plan.lots:
        return
    by_item: dict[str, list[str]] = defaultdict(list)
    for n in plan.lots:
        by_item[n.item].append(n.code)
    existing: dict[str, list[str]] = defaultdict(list)
    stmt = select(Item.code, Lot.code).join(Item, Item.id == Lot.item_id)
    for item, code in fetch_in(s, stmt, Item.code, by_item):  # none on a first import
        existing[item].append(code)
    for item, codes in by_item.items():
        for c in collisions(codes, existing.get(item, ())):
            file, line = plan.created[(item, c.code)]
            where = plan.created.get((item, c.other))
            _say(log, files[file].display, line, "lot", c,
                 f"{files[where[0]].display}:{where[1]}" if where else "the plant", item=item)


def _say(log: FaultLog, display: str, line: int, kind: str, c, where: str, item: str | None = None) -> None:
    of = f" of item {item}" if item else ""
    how = ("letter case or Unicode normalisation" if c.how == "case"
           else f"look-alike characters ({differing(c.code, c.other)})")
    log.warn(display, line,
             f"{kind} {c.code}{of} differs from {kind} {c.other} ({where}) only by {how}; "
             "if they are one, use one code", (item, c.code) if item else None)

