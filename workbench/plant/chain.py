"""The supply chain around the plant: parties, locations, containers, events, key data.

See docs/supply-chain.md for what each table and column means and how EPCIS 2.0 and
FSMA 204 map onto them. In short:

- ``Party``: a company or person in the chain; ``vendors`` and ``customers`` rows are
  the party in those roles (``party_id``), so one party can be both; ``own`` marks our
  company, ``carrier`` a carrier.
- ``Location``: a place (GLN, SGLN or another identifier): one of our sites, a vendor's
  or customer's site; receipts, orders, shipments, returns and lots name theirs.
- ``Container``: a pallet or case (SSCC or another code); ``Packing`` is one stay of one
  content (a quantity of a lot, or a nested container) in it, from pack to unpack, so a
  re-used SSCC has several lives by time.
- ``Event``: every recorded event with its identity (EPCIS eventID, or the event hash)
  and, if retracted (EPCIS errorDeclaration), when, why, and its corrective events. The
  plant tables hold the valid events only: retracting one removes its rows from them
  and keeps their content on the event (``content``), so nothing is ever lost or
  silently overwritten.
- ``KeyDataElement``: a typed key-value pair on a lot or an event (catch area, vessel,
  certification, ...), searchable by name and value.
- ``ItemUnit``: a further unit an item is counted in, with its factor to the item's unit.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from workbench.plant.models import ID_LENGTH, Base, Code, MaybeCode, MaybeWhen, Name, Qty, When
from workbench.plant.types import Quantity, UTCDateTime

LOCATION_KINDS = ("own_site", "vendor_site", "customer_site", "other")
CONTAINER_KINDS = ("pallet", "case", "other")
KEY_DATA_KINDS = ("text", "number", "date", "datetime", "boolean", "uri")


class Party(Base):
    """A company (or person) in the supply chain, in any number of roles."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The party's identity as given: a party GLN, a PGLN URN, or our own code.
    code: Mapped[Code] = mapped_column(unique=True)
    name: Mapped[Name]
    gln: Mapped[str | None] = mapped_column(String(13), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    #: Our own company (it has one or more sites).
    own: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    carrier: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Location(Base):
    """A place where lots are received, made, stored, packed, shipped from or to."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The identity as given: a GLN, an SGLN URN (``urn:epc:id:sgln:…``), a GDST or other URI.
    code: Mapped[Code] = mapped_column(unique=True)
    #: The 13-digit GLN where the identifier carries one.
    gln: Mapped[str | None] = mapped_column(String(13), index=True)
    name: Mapped[Name]
    address: Mapped[str | None] = mapped_column(Text)
    #: ISO 3166-1 alpha-2.
    country: Mapped[str | None] = mapped_column(String(2))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    #: IANA time zone (``America/Chicago``): FSMA 204 dates are the location's local dates.
    timezone: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="other", server_default="other")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    #: A sub-location (a dock, a cold room: an EPCIS readPoint) names the site it is part of.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))


class Container(Base):
    """A pallet, case or other logistic unit, by its code (SSCC or other); one row per code.

    A code used again after its contents were unpacked is the same row with a second
    life: lives are told apart by the times of their ``Packing`` rows.
    """

    __tablename__ = "containers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The identity as given (``urn:epc:id:sscc:…``, a Digital Link, or a plain code).
    code: Mapped[Code] = mapped_column(unique=True)
    #: The 18-digit SSCC where the code is one.
    sscc: Mapped[str | None] = mapped_column(String(18), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="pallet", server_default="pallet")


class Packing(Base):
    """One content's stay in a container: a quantity of a lot, or a nested container,
    packed at ``packed_at`` and (if it was) unpacked at ``unpacked_at``. The content is in
    the container during [packed_at, unpacked_at)."""

    __tablename__ = "packings"
    __table_args__ = (
        CheckConstraint("(lot_id IS NULL) <> (child_id IS NULL)", name="one_content"),
        Index("ix_packings_container_packed", "container_id", "packed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    container_id: Mapped[int] = mapped_column(ForeignKey("containers.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"), index=True)
    #: Quantity of the lot (None for a nested container).
    quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    packed_at: Mapped[When]
    packed_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    pack_event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    unpacked_at: Mapped[MaybeWhen]
    unpacked_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    unpack_event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))


class Event(Base):
    """One recorded event: its identity, and whether (when, why) it was retracted."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The EPCIS eventID, or ``ni:///sha-256;…`` (the event hash) where none came with it,
    #: or our own reference (a receipt or shipment code) for events recorded here.
    ref: Mapped[Code] = mapped_column(unique=True)
    #: What happened, as a CBV business step name (receiving, shipping, commissioning,
    #: transforming, packing, unpacking, ...) or the URI given.
    kind: Mapped[str] = mapped_column(String(ID_LENGTH))
    #: EPCIS event type (ObjectEvent, ...) where the event came from EPCIS.
    event_type: Mapped[str | None] = mapped_column(String(32))
    occurred_at: Mapped[When]
    #: The offset the event was recorded with (``-05:00``), kept for local dates.
    time_zone_offset: Mapped[str | None] = mapped_column(String(6))
    recorded_at: Mapped[MaybeWhen]
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    disposition: Mapped[MaybeCode]
    #: Where the record came from (a file name, ``bundle``, ``demo``, a user).
    source: Mapped[MaybeCode]
    #: The correction this event is part of: the event it corrects (EPCIS correctiveEventIDs).
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    retracted_at: Mapped[MaybeWhen]
    #: CBV error reason (``did_not_occur``, ``incorrect_data``) or the URI given.
    retraction_reason: Mapped[MaybeCode]
    #: The errorDeclaration's own identifier or our reference for it, and free text.
    retraction_ref: Mapped[MaybeCode]
    retraction_note: Mapped[str | None] = mapped_column(Text)
    #: The rows the event wrote (JSON), kept here when the event is retracted.
    content: Mapped[str | None] = mapped_column(Text)


class EventLot(Base):
    """Which lots an event touched: a lot's history, retracted events included."""

    __tablename__ = "event_lots"

    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True, index=True)


class ReferenceDocument(Base):
    """A business document an event names (EPCIS bizTransaction; FSMA reference document)."""

    __tablename__ = "reference_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    #: CBV name (``po``, ``desadv``, ``inv``, ``bol``, ``prodorder``) or the URI given.
    kind: Mapped[str] = mapped_column(String(ID_LENGTH))
    code: Mapped[Code] = mapped_column(index=True)


class KeyDataElement(Base):
    """A key data element of a lot or an event, typed: ``value`` is always the text as
    given (searchable); ``number`` and ``moment`` hold the typed value for sorting."""

    __tablename__ = "key_data_elements"
    __table_args__ = (
        CheckConstraint("lot_id IS NOT NULL OR event_id IS NOT NULL", name="owner"),
        Index("ix_key_data_elements_name_value", "name", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    #: ``catchArea``, ``vesselName``, ``certification``, or a namespaced name as given.
    name: Mapped[str] = mapped_column(String(ID_LENGTH))
    kind: Mapped[str] = mapped_column(String(16), default="text", server_default="text")
    value: Mapped[str] = mapped_column(String(1000))
    number: Mapped[Decimal | None] = mapped_column(Quantity)
    moment: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unit: Mapped[str | None] = mapped_column(String(16))


class ItemUnit(Base):
    """A further unit an item is counted in: one ``unit`` is ``factor`` of the item's unit
    (an item in kg sold by the each of 0.25 kg: unit "each", factor 0.25)."""

    __tablename__ = "item_units"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    unit: Mapped[str] = mapped_column(String(16), primary_key=True)
    factor: Mapped[Qty]
