"""How imported events and lots are known again: an event's GS1 hash, a lot's identifier as first imported.

``EventHash``: the GS1 EPCIS event hash (CBV 2.0 "Event Hash ID") of every event imported from EPCIS, so
that an event sent again (in another file, by another party, with or without its eventID) is the same
event and is imported once. ``LotIdentifier``: the identifier a lot first came with (an LGTIN URN, a GS1
Digital Link, a GDST lot class URN), shown beside the plant's (item, lot code) identity.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.plant.models import ID_LENGTH, Base


class EventHash(Base):
    __tablename__ = "event_hashes"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True)
    #: ``ni:///sha-256;<64 hex>?ver=CBV2.0``
    hash: Mapped[str] = mapped_column(String(100), unique=True)
    #: The EPCIS eventID as given (``events.ref`` is the hash instead when the eventID was reused).
    given_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)


class LotIdentifier(Base):
    __tablename__ = "lot_identifiers"

    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), primary_key=True)
    identifier: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
