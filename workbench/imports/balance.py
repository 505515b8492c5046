"""Mass-balance warnings: lots that gave out more than they held.

Real ERP data has them (a lot consumed or shipped beyond what was received, made or
counted, usually a missed receipt or a mistyped quantity); they are imported as they
are and named in the import summary, never dropped.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.models import Consumption, Item, Lot, Return, Shipment


def _sums(model):
    return (
        select(model.lot_id, func.sum(model.quantity).label("quantity"))
        .group_by(model.lot_id)
        .subquery()
    )


def _qty(d: Decimal) -> str:
    return format(d, "f")


def overdrawn_lots(session: Session, lots: set[tuple[str, str]]) -> list[str]:
    """One sentence per lot of ``lots`` (item code, lot code) whose consumptions plus
    shipments exceed its own quantity plus returns, in item and lot order.

    One set-wise query over the plant (only overdrawn lots come back), then filtered
    to the lots of interest in Python, rather than thousands of IN lists.
    """
    if not lots:
        return []
    used, shipped, returned = _sums(Consumption), _sums(Shipment), _sums(Return)
    zero = Decimal(0)
    out_q = func.coalesce(used.c.quantity, zero) + func.coalesce(shipped.c.quantity, zero)
    in_q = Lot.quantity + func.coalesce(returned.c.quantity, zero)
    stmt = (
        select(
            Item.code, Lot.code, Item.unit, Lot.quantity, Lot.origin,
            func.coalesce(used.c.quantity, zero), func.coalesce(shipped.c.quantity, zero),
            func.coalesce(returned.c.quantity, zero),
        )
        .join(Item, Item.id == Lot.item_id)
        .outerjoin(used, used.c.lot_id == Lot.id)
        .outerjoin(shipped, shipped.c.lot_id == Lot.id)
        .outerjoin(returned, returned.c.lot_id == Lot.id)
        .where(out_q > in_q)
        .order_by(Item.code, Lot.code)
    )
    verb = {"receipt": "received", "production": "made", "opening": "counted as opening stock"}
    warnings = []
    for item, lot, unit, held, origin, consumed, shipped_q, returned_q in session.execute(stmt):
        if (item, lot) not in lots:
            continue
        excess = consumed + shipped_q - held - returned_q
        back = f" plus {_qty(returned_q)} {unit} returned" if returned_q else ""
        warnings.append(
            f"Lot {lot} of item {item} was consumed {_qty(consumed)} {unit} and shipped {_qty(shipped_q)} {unit}, "
            f"but only {_qty(held)} {unit} were {verb.get(origin, origin)}{back}: "
            f"{_qty(excess)} {unit} more than it held."
        )
    return warnings
