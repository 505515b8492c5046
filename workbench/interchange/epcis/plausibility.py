"""Warnings, never silence, for what real EPCIS data does: the plan is imported, and these are said.

* the same lot number on two products (the plant keeps them apart: a lot is product + lot);
* a transformation that uses a lot before the lot was made, or before it arrived where it is used;
* a lot consumed beyond what was made or received of it (the mass balance does not close).
A receipt dated before its shipment is said where the two are paired (``pairing.py``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC
from decimal import Decimal

from workbench.interchange.epcis.plan import ImportPlan
from workbench.interchange.epcis.units import standard_factor


def check_plausibility(plan: ImportPlan) -> None:
    _lot_numbers(plan)
    _inputs_in_time(plan)
    _mass_balance(plan)


def _lot_numbers(plan: ImportPlan) -> None:
    by_number: dict[str, list[str]] = defaultdict(list)
    for lot in plan.lots.values():
        if lot.lot:
            by_number[lot.lot.casefold()].append(lot.key)
    for keys in by_number.values():
        products = {plan.lots[k].product for k in keys}
        if len(products) > 1:
            lots = [plan.lots[k] for k in keys]
            names = ", ".join(f"{plan.products[lot.product].name or lot.product} ({lot.identifier})" for lot in lots)
            plan.warn(lots[1].where, f"lot number {lots[0].lot} is on {len(products)} products: {names}; "
                                     "they are kept as different lots", lot=lots[1].key)


def _inputs_in_time(plan: ImportPlan) -> None:
    arrivals: dict[tuple[str, str | None], list] = defaultdict(list)
    for transfer in plan.transfers:
        if transfer.received_at is not None and plan.valid(transfer.received):
            for lq in transfer.lots:
                arrivals[(lq.lot, transfer.destination.location)].append(transfer.received_at.astimezone(UTC))
    for t in plan.transformations:
        if not any(plan.valid(e) for e in t.events):
            continue
        at = t.time.astimezone(UTC)
        where = plan.events[t.events[0]].where
        for lq in t.inputs:
            lot = plan.lots[lq.lot]
            if lot.created_at is not None and lot.created_at.astimezone(UTC) > at and lot.origin != "received":
                plan.warn(where, f"the transformation on {t.time.isoformat()} uses lot {lot.identifier}, made only on "
                                 f"{lot.created_at.isoformat()}", lot=lot.key)
                continue
            came = arrivals.get((lq.lot, t.location))
            made_here = lot.location is not None and lot.location == t.location
            if came and not made_here and min(came) > at:
                plan.warn(where, f"the transformation on {t.time.isoformat()} uses lot {lot.identifier}, which arrived "
                                 f"there only on {min(came).isoformat()}", lot=lot.key)


def _mass_balance(plan: ImportPlan) -> None:
    """Each lot's consumption, in the lot's own unit (standard conversions: GRM of a lot made in KGM count as
    kilograms), against what was made, commissioned or received of it. A lot consumed in a unit nothing standard
    converts (cases of a lot made in kilograms) is not judged here: only the plant's item_units know that factor."""
    used: dict[str, Decimal] = defaultdict(Decimal)
    unjudged: set[str] = set()
    for t in plan.transformations:
        if not any(plan.valid(e) for e in t.events):
            continue
        for lq in t.inputs:
            if lq.quantity is None:
                continue
            unit = plan.lots[lq.lot].unit
            factor = Decimal(1) if not lq.unit or not unit or lq.unit == unit else standard_factor(lq.unit, unit)
            if factor is None:
                unjudged.add(lq.lot)
                continue
            used[lq.lot] += lq.quantity * factor
    for key, quantity in used.items():
        lot = plan.lots[key]
        if lot.quantity is None or lot.origin == "observed" or key in unjudged:
            continue
        if quantity > lot.quantity:
            plan.warn(lot.where, f"lot {lot.identifier}: {_n(quantity)} {lot.unit or ''} consumed, but only "
                                 f"{_n(lot.quantity)} {lot.unit or ''} {'made' if lot.origin == 'produced' else lot.origin}"
                                 " (the mass balance does not close)", lot=key)


def _n(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
