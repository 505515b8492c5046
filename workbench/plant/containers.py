"""Pallets and cases: what is in a container at a moment, and shipping or receiving one.

A container's content is a set of ``Packing`` rows, each open during [packed_at,
unpacked_at). What is on a pallet at time t is every lot packed in it, or in a container
packed in it, at every nesting level, each packing open at t: one recursive query for
many containers at once. A re-used SSCC is never confused with its earlier life, since
only packings open at t count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_, func, literal, or_, select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.plant.chain import Container, Packing
from workbench.plant.models import Receipt, Shipment
from workbench.plant.types import UTCDateTime


def _open_at(p: FromClause, at: ColumnElement[datetime]) -> ColumnElement[bool]:
    return and_(p.c.packed_at <= at, or_(p.c.unpacked_at.is_(None), p.c.unpacked_at > at))


def contents_at(session: Session, container_ids: Iterable[int], at: datetime) -> dict[int, dict[int, Decimal]]:
    """For each container, the lots in it at ``at`` (all nesting levels): {container: {lot: quantity}}."""
    ids = sorted(set(container_ids))
    if not ids:
        return {}
    p = Packing.__table__
    moment = literal(at, UTCDateTime())
    seed = select(p.c.container_id.label("root"), p.c.id, p.c.lot_id, p.c.child_id, p.c.quantity).where(
        p.c.container_id.in_(ids), _open_at(p, moment))
    inside = seed.cte("inside", recursive=True)
    step = (select(inside.c.root, p.c.id, p.c.lot_id, p.c.child_id, p.c.quantity)
            .join(inside, p.c.container_id == inside.c.child_id).where(_open_at(p, moment)))
    # UNION over the packing id: a container wrongly packed into itself ends the recursion.
    inside = inside.union(step)
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for root, lot_id, quantity in session.execute(
        select(inside.c.root, inside.c.lot_id, func.sum(inside.c.quantity))
        .where(inside.c.lot_id.is_not(None)).group_by(inside.c.root, inside.c.lot_id)
    ):
        out[root][lot_id] = quantity
    return dict(out)


def container(session: Session, code: str, kind: str = "pallet", sscc: str | None = None) -> Container:
    """The container with this code, made if new."""
    found = session.scalar(select(Container).where(Container.code == code))
    if found is None:
        found = Container(code=code, kind=kind, sscc=sscc)
        session.add(found)
        session.flush()
    return found


def pack(session: Session, into: Container, at: datetime, *, lot_id: int | None = None,
         quantity: Decimal | int | float | str | None = None,
         child: Container | None = None, location_id: int | None = None, event_id: int | None = None) -> Packing:
    """Pack a quantity of a lot, or a container, into ``into`` at ``at``."""
    if (lot_id is None) == (child is None):
        raise WorkbenchError("A packing holds either a quantity of a lot or a container.")
    if child is not None and child.id == into.id:
        raise WorkbenchError(f"Container {into.code} cannot be packed into itself.")
    row = Packing(container_id=into.id, lot_id=lot_id, child_id=child.id if child else None,
                  quantity=None if quantity is None else Decimal(str(quantity)), packed_at=at,
                  packed_location_id=location_id, pack_event_id=event_id)
    session.add(row)
    session.flush()
    return row


def unpack(session: Session, container_: Container, at: datetime, *, lot_ids: Sequence[int] | None = None,
           child_ids: Sequence[int] | None = None, location_id: int | None = None,
           event_id: int | None = None) -> int:
    """Unpack the open contents of a container at ``at`` (all of them, or the lots and containers
    named, as an EPCIS AggregationEvent DELETE with or without children). Returns how many."""
    rows = session.scalars(select(Packing).where(
        Packing.container_id == container_.id, Packing.packed_at <= at, Packing.unpacked_at.is_(None))).all()
    if lot_ids is not None or child_ids is not None:
        lots, children = set(lot_ids or ()), set(child_ids or ())
        rows = [r for r in rows if r.lot_id in lots or r.child_id in children]
    for r in rows:
        r.unpacked_at, r.unpacked_location_id, r.unpack_event_id = at, location_id, event_id
    session.flush()
    return len(rows)


def _lines(session: Session, containers: Sequence[Container], at: datetime) -> list[tuple[int, int, Decimal]]:
    inside = contents_at(session, [c.id for c in containers], at)
    lines = [(c.id, lot_id, qty) for c in containers for lot_id, qty in sorted(inside.get(c.id, {}).items())]
    if not lines:
        codes = ", ".join(c.code for c in containers)
        raise WorkbenchError(f"Container {codes} holds nothing at {at:%Y-%m-%d %H:%M}: nothing to move.")
    return lines


def ship_containers(session: Session, code: str, containers: Sequence[Container], shipped_at: datetime,
                    **line: Any) -> list[Shipment]:
    """Shipment lines for what is on the containers at ``shipped_at``: one line per lot per
    outermost container, naming it. ``line`` takes the other Shipment columns
    (customer_id, ship_from_id, ship_to_id, carrier_id, order_ref, event_id)."""
    rows = [Shipment(code=code, shipped_at=shipped_at, lot_id=lot_id, quantity=qty, container_id=cid, **line)
            for cid, lot_id, qty in _lines(session, containers, shipped_at)]
    session.add_all(rows)
    session.flush()
    return rows


def receive_containers(session: Session, code: str, containers: Sequence[Container], received_at: datetime,
                       shipment: str | None = None, **line: Any) -> list[Receipt]:
    """Receipt lines for what is on the containers at ``received_at``, each naming its
    container and, given the ``shipment`` code, the shipment line it received."""
    lines = _lines(session, containers, received_at)
    shipped: dict[tuple[int | None, int], int] = {}
    if shipment is not None:
        shipped = {(s.container_id, s.lot_id): s.id for s in session.scalars(
            select(Shipment).where(Shipment.code == shipment, Shipment.container_id.in_([c.id for c in containers])))}
    rows = [Receipt(code=code, received_at=received_at, lot_id=lot_id, quantity=qty, container_id=cid,
                    shipment_id=shipped.get((cid, lot_id)), **line)
            for cid, lot_id, qty in lines]
    session.add_all(rows)
    session.flush()
    return rows


@dataclass(frozen=True)
class PackingFacts:
    """One stay of a lot or container in a container, for the genealogy and the details."""

    container: str
    kind: str
    lot_id: int | None
    child: str | None
    quantity: Decimal | None
    packed_at: datetime
    unpacked_at: datetime | None
