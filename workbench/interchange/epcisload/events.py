"""The recorded events of a set of lots: what an EPCIS traceback lists (IFT's own traceback counts these)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.plant.chain import Event, EventLot
from workbench.plant.identities import EventHash
from workbench.plant.query import fetch_in


@dataclass(frozen=True)
class RecordedEvent:
    ref: str  # eventID, or the event hash where none came (or the eventID was reused for other content)
    given_id: str | None  # the eventID as the file gave it
    kind: str
    retracted: bool


def events_of_lots(session: Session, lot_ids: Iterable[int]) -> list[RecordedEvent]:
    """Every event that touched any of the lots (retracted ones included, marked), set-wise."""
    e, el, h = Event.__table__, EventLot.__table__, EventHash.__table__
    stmt = (select(e.c.id, e.c.ref, h.c.given_id, e.c.kind, e.c.retracted_at)
            .join(el, el.c.event_id == e.c.id).outerjoin(h, h.c.event_id == e.c.id))
    found = {}
    for row in fetch_in(session, stmt, el.c.lot_id, lot_ids):
        found[row[0]] = RecordedEvent(row[1], row[2], row[3], row[4] is not None)
    return sorted(found.values(), key=lambda r: r.ref)
