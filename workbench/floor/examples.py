"""What the demo plant shows of the floor: pick lists, overrides with reasons, a held lot.

Written at the end of the demo year through the floor's own operations (so every row is
what the floor would have written), after the generator's history: nothing here changes a
lot's balance, only what is free to pick, so the planted incident's answers stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.facts import LotRef
from workbench.floor.holds import place_holds
from workbench.floor.overrides import record_override
from workbench.floor.picking import open_pick_list
from workbench.floor.proposals import Candidate
from workbench.floor.stock import candidates
from workbench.plant import Customer, Item, Lot


@dataclass(frozen=True)
class FloorExamples:
    pick_lists: tuple[str, ...]
    overrides: int
    held: tuple[str, ...]


def _stocked(session: Session, kind: str, at: datetime, lots: int = 2) -> list[tuple[Item, list[Candidate]]]:
    """Items of ``kind`` with at least ``lots`` lots free to pick at ``at``, fullest first."""
    items = list(session.scalars(select(Item).where(Item.kind == kind).order_by(Item.code)))
    found = candidates(session, [i.id for i in items])
    usable = []
    for item in items:
        free = [c for c in found.get(item.id, []) if c.available > 0 and c.hold is None
                and (c.expires_at is None or c.expires_at > at)]
        if len(free) >= lots:
            usable.append((item, free))
    return sorted(usable, key=lambda x: -sum(c.available for c in x[1]))


def seed_floor_examples(session: Session, by: str = "demo") -> FloorExamples:
    """A shipment pick list with an override (the proposed lot not found), a production pick
    list, and a material lot held by quality: what a new user should see on the floor."""
    end = session.scalar(select(func.max(Lot.created_at)))
    if end is None:
        return FloorExamples((), 0, ())
    at = end + timedelta(hours=2)
    made: list[str] = []
    overrides = 0
    customer = session.scalar(select(Customer.code).order_by(Customer.code))
    products = _stocked(session, "product", at)
    if products and customer is not None:
        item, free = products[0]
        need = min(free[0].available + free[1].available, free[0].available * 2)
        view = open_pick_list(session, purpose="shipment", needs=[(item.code, need)], by=by, at=at,
                              customer=customer, order_ref="SO-DEMO-1")
        made.append(view.code)
        proposed = {p.lot.id for p in view.lines[0].proposals}
        other = next((c for c in free if c.lot_id not in proposed), None)
        if other is not None:
            record_override(session, view.code, lot=other.lot, quantity=min(other.available, need), reason="NOT-FOUND",
                            by=by, at=at + timedelta(minutes=20), line=1,
                            note="Proposed pallet not at its location; the next pallet in the aisle taken")
            overrides += 1
    held: list[str] = []
    materials = _stocked(session, "material", at)
    if materials:
        item, free = materials[-1]  # a small one: a quality hold rarely touches the biggest stock
        lot = free[0]
        place_holds(session, [LotRef(lot.lot_id, item.code, lot.lot)],
                    "Foreign material found at receiving inspection; awaiting the supplier's answer", "qa",
                    at + timedelta(hours=1))
        held.append(f"{item.code}/{lot.lot}")
        maker = session.scalar(select(Item.code).where(Item.kind == "intermediate").order_by(Item.code))
        if len(materials) > 1 and maker is not None:
            mat, mat_free = materials[0]
            view = open_pick_list(session, purpose="production", needs=[(mat.code, mat_free[0].available)],
                                  by=by, at=at + timedelta(hours=2), order="MO-DEMO-1", product=maker)
            made.append(view.code)
    return FloorExamples(tuple(made), overrides, tuple(held))
