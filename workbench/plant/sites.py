"""Stock per location and shipments in transit, for many lots at once (grouped queries).

At a location a lot gains what was made, received or counted there (``lots.location_id``),
what arrived by transfer (receipt lines naming a shipment line) and what was returned
there; it loses what orders there consumed and every shipment line from there: to a
customer (shipped) or to another site (transferred, in transit or received). The sum over
a lot's locations is its ``LotBalance.on_hand``. A location left empty is the plant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from workbench.facts import PlaceFacts, SiteStock, TransitLine
from workbench.plant.chain import Container, Location
from workbench.plant.models import Consumption, Lot, ProductionOrder, Receipt, Return, Shipment
from workbench.plant.query import among, chunks
from workbench.plant.transit import shipment_status

ZERO = Decimal(0)
_FIELDS = ("made", "arrived", "returned", "consumed", "shipped", "transferred")


def places(session: Session, location_ids: Iterable[int | None]) -> dict[int, PlaceFacts]:
    """The locations by id, as the reports name them."""
    ids = [i for i in set(location_ids) if i is not None]
    out: dict[int, PlaceFacts] = {}
    for chunk in chunks(ids):
        for r in session.execute(select(Location.id, Location.code, Location.name, Location.gln, Location.address,
                                        Location.timezone, Location.kind).where(among(Location.id, chunk, session))):
            out[r.id] = PlaceFacts(r.code, r.name, r.gln, r.address, r.timezone, r.kind)
    return out


def site_stock(session: Session, lot_ids: Iterable[int]) -> list[SiteStock]:
    """Each lot at each location where anything happened to it, sorted by lot and location."""
    sums: dict[tuple[int, int | None], dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(_FIELDS, ZERO))

    def add(field: str, rows: Iterable[tuple[int, int | None, Decimal | None]]) -> None:
        for lot_id, location_id, total in rows:
            sums[(lot_id, location_id)][field] += total or ZERO

    ship_to = aliased(Location)
    status = shipment_status(Shipment, Receipt, ship_to)
    for chunk in chunks(lot_ids):
        add("made", session.execute(select(Lot.id, Lot.location_id, Lot.quantity).where(among(Lot.id, chunk, session))))
        add("arrived", session.execute(
            select(Receipt.lot_id, Receipt.location_id, func.sum(Receipt.quantity))
            .where(among(Receipt.lot_id, chunk, session), Receipt.shipment_id.is_not(None))
            .group_by(Receipt.lot_id, Receipt.location_id)))
        add("returned", session.execute(
            select(Return.lot_id, Return.location_id, func.sum(Return.quantity))
            .where(among(Return.lot_id, chunk, session)).group_by(Return.lot_id, Return.location_id)))
        add("consumed", session.execute(
            select(Consumption.lot_id, ProductionOrder.location_id, func.sum(Consumption.quantity))
            .join(ProductionOrder, ProductionOrder.id == Consumption.order_id)
            .where(among(Consumption.lot_id, chunk, session))
            .group_by(Consumption.lot_id, ProductionOrder.location_id)))
        for lot_id, location_id, state, total in session.execute(
            select(Shipment.lot_id, Shipment.ship_from_id, status, func.sum(Shipment.quantity))
            .outerjoin(ship_to, ship_to.id == Shipment.ship_to_id)
            .where(among(Shipment.lot_id, chunk, session))
            .group_by(Shipment.lot_id, Shipment.ship_from_id, status)
        ):
            sums[(lot_id, location_id)]["shipped" if state == "delivered" else "transferred"] += total or ZERO
    named = places(session, (loc for _, loc in sums))
    out = [SiteStock(lot_id, named.get(loc) if loc is not None else None, **values)
           for (lot_id, loc), values in sums.items()]
    out.sort(key=lambda s: (s.lot_id, s.location is not None, s.site))
    return out


def in_transit(session: Session, lot_ids: Iterable[int]) -> list[TransitLine]:
    """Shipment lines of these lots on their way to one of our sites, not yet received."""
    ship_to = aliased(Location)
    status = shipment_status(Shipment, Receipt, ship_to)
    rows = [row for chunk in chunks(lot_ids) for row in session.execute(
        select(Shipment.code, Shipment.shipped_at, Shipment.lot_id, Shipment.quantity, Shipment.ship_from_id,
               Shipment.ship_to_id, Container.code.label("container"))
        .join(ship_to, ship_to.id == Shipment.ship_to_id)
        .outerjoin(Container, Container.id == Shipment.container_id)
        .where(among(Shipment.lot_id, chunk, session), status == "in transit"))]
    named = places(session, [r.ship_from_id for r in rows] + [r.ship_to_id for r in rows])
    out = [TransitLine(r.code, r.shipped_at, r.lot_id, r.quantity, named.get(r.ship_from_id), named[r.ship_to_id],
                       r.container) for r in rows]
    out.sort(key=lambda t: (t.shipped_at, t.shipment, t.lot_id))
    return out
