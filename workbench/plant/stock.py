"""Where each lot's quantity went: made or received, consumed, shipped, returned, on hand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.plant import Consumption, Item, Lot, Return, Shipment

CHUNK = 10000
ZERO = Decimal(0)


@dataclass(frozen=True)
class LotBalance:
    """Mass balance of one lot. ``on_hand = made + returned - consumed - shipped``.

    ``made`` is the quantity received, produced, or counted as opening stock. A negative
    on-hand means more left the lot than it ever held: unaccounted for.
    """

    lot_id: int
    item: str
    lot: str
    kind: str
    unit: str
    origin: str
    made: Decimal
    consumed: Decimal
    shipped: Decimal
    returned: Decimal

    @property
    def on_hand(self) -> Decimal:
        return self.made + self.returned - self.consumed - self.shipped

    @property
    def unaccounted(self) -> Decimal:
        """The quantity that left the lot beyond what it held (0 when it balances)."""
        return -self.on_hand if self.on_hand < 0 else ZERO


def _sums(session: Session, column, lot_column, ids: list[int]) -> dict[int, Decimal]:
    rows = session.execute(
        select(lot_column, func.sum(column)).where(lot_column.in_(ids)).group_by(lot_column)
    )
    return {lot_id: total or ZERO for lot_id, total in rows}


def lot_balances(session: Session, lot_ids: Iterable[int]) -> dict[int, LotBalance]:
    """Balances of many lots in a handful of grouped queries."""
    ids = sorted(set(lot_ids))
    out: dict[int, LotBalance] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        consumed = _sums(session, Consumption.quantity, Consumption.lot_id, chunk)
        shipped = _sums(session, Shipment.quantity, Shipment.lot_id, chunk)
        returned = _sums(session, Return.quantity, Return.lot_id, chunk)
        rows = session.execute(
            select(Lot.id, Item.code, Lot.code, Item.kind, Item.unit, Lot.origin, Lot.quantity)
            .join(Item, Item.id == Lot.item_id)
            .where(Lot.id.in_(chunk))
        )
        for lot_id, item, code, kind, unit, origin, made in rows:
            out[lot_id] = LotBalance(
                lot_id=lot_id, item=item, lot=code, kind=kind, unit=unit, origin=origin,
                made=made, consumed=consumed.get(lot_id, ZERO), shipped=shipped.get(lot_id, ZERO),
                returned=returned.get(lot_id, ZERO),
            )
    return out
