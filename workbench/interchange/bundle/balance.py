"""Mass-balance warnings: lots that gave out more than they held.

Real ERP data has them (a lot consumed or shipped beyond what was received, made or
counted, usually a missed receipt or a mistyped quantity); they are imported as they
are and named in the import summary, never dropped.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from sqlalchemy import BigInteger, exists, func, literal, select, type_coerce, union_all
from sqlalchemy.orm import Session

from workbench.plant import Consumption, Item, Lot, Receipt, Return, Shipment
from workbench.plant.query import CHUNK
from workbench.plant.types import QUANTITY_SCALE, tidy

_VERB = {"receipt": "received", "production": "made", "opening": "counted as opening stock"}


def _millionths(column):
    return type_coerce(column, BigInteger)


def _qty(millionths: int) -> str:
    return format(tidy(Decimal(int(millionths)) / QUANTITY_SCALE), "f")


def overdrawn_lots(session: Session, lot_ids: Collection[int]) -> list[tuple[str, str, str]]:
    """(item, lot, sentence) for each lot of ``lot_ids`` whose consumptions plus shipments
    exceed its own quantity plus returns, in item and lot order. A shipment line that a
    receipt line received (a transfer between our sites) moved the lot: it is not counted.

    One pass: the four movements of a lot are stacked (UNION ALL) and summed per lot
    in a single GROUP BY, so only the overdrawn lots come back. When the lots are few
    the pass is limited to them; otherwise it runs over the plant and is filtered here.
    """
    if not lot_ids:
        return []
    zero = literal(0, BigInteger)
    parts = [
        (Consumption.lot_id, (_millionths(Consumption.quantity), zero, zero, zero)),
        (Shipment.lot_id, (zero, _millionths(Shipment.quantity), zero, zero)),
        (Return.lot_id, (zero, zero, _millionths(Return.quantity), zero)),
        (Lot.id, (zero, zero, zero, _millionths(Lot.quantity))),
    ]
    few = len(lot_ids) <= CHUNK
    names = ("consumed", "shipped", "returned", "held")
    selects = []
    for lot, values in parts:
        part = select(lot.label("lot_id"), *(v.label(n) for v, n in zip(values, names, strict=False)))
        if lot is Shipment.lot_id:  # a transfer received moved the lot; it did not leave the chain
            part = part.where(~exists().where(Receipt.shipment_id == Shipment.id))
        selects.append(part.where(lot.in_(sorted(lot_ids))) if few else part)
    stacked = union_all(*selects).subquery()
    sums = [func.sum(stacked.c[n]).label(n) for n in names]
    per_lot = (
        select(stacked.c.lot_id, *sums)
        .group_by(stacked.c.lot_id)
        .having(sums[0] + sums[1] > sums[2] + sums[3])
        .subquery()
    )
    stmt = (
        select(Lot.id, Item.code, Lot.code, Item.unit, Lot.origin, *(per_lot.c[n] for n in names))
        .join(per_lot, per_lot.c.lot_id == Lot.id)
        .join(Item, Item.id == Lot.item_id)
        .order_by(Item.code, Lot.code)
    )
    wanted = lot_ids if isinstance(lot_ids, (set, frozenset)) else set(lot_ids)
    warnings = []
    for lot_id, item, lot, unit, origin, consumed, shipped, returned, held in session.execute(stmt):
        if lot_id not in wanted:
            continue
        back = f" and {_qty(returned)} {unit} came back" if returned else ""
        warnings.append((item, lot,
            (f"Lot {lot} of item {item} was consumed {_qty(consumed)} {unit} and shipped {_qty(shipped)} {unit}, "
            f"but only {_qty(held)} {unit} were {_VERB.get(origin, origin)}{back}: "
            f"{_qty(consumed + shipped - held - returned)} {unit} more than it held.")
        ))
    return warnings
