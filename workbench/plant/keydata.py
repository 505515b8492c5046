"""Key data elements of lots: the dates and origin on the lot row and the open set of typed
key-value pairs (``KeyDataElement``), for many lots in two grouped queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.plant.chain import KeyDataElement
from workbench.plant.models import Lot
from workbench.plant.query import among, chunks

_ON_LOT = (("production_date", "Production date"), ("harvest_date", "Harvest date"), ("pack_date", "Pack date"),
           ("best_before", "Best before"), ("country_of_origin", "Country of origin"))


def key_data(session: Session, lot_ids: Iterable[int]) -> dict[int, tuple[tuple[str, str], ...]]:
    """Per lot, its key data elements as (name, value as given), lot-row ones first."""
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    columns = [getattr(Lot, c) for c, _ in _ON_LOT]
    for chunk in chunks(lot_ids):
        for row in session.execute(select(Lot.id, *columns).where(among(Lot.id, chunk, session))):
            for (_, label), value in zip(_ON_LOT, row[1:], strict=True):
                if value is not None:
                    out[row[0]].append((label, value.isoformat() if hasattr(value, "isoformat") else str(value)))
        for lot_id, name, value, unit in session.execute(
            select(KeyDataElement.lot_id, KeyDataElement.name, KeyDataElement.value, KeyDataElement.unit)
            .where(among(KeyDataElement.lot_id, chunk, session)).order_by(KeyDataElement.lot_id, KeyDataElement.id)
        ):
            if lot_id is not None:  # always: the rows are chosen by lot
                out[lot_id].append((name, f"{value} {unit}" if unit else value))
    return {k: tuple(v) for k, v in out.items()}
