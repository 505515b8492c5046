"""The plant database: where every lot came from and where every part of it went.

A lot is identified by (item, lot code): the same code on two items is two lots.
``LotEdge`` is the lot-to-lot genealogy (input lot -> output lot through an order),
kept beside the raw consumptions so traces run as set-wise recursive queries.

The supply chain around the plant (parties, locations, containers, events and their
retractions, key data elements, units) is in ``workbench.plant.chain``; see
docs/supply-chain.md. A location column left empty means "the plant" (the one implicit
site of a database written before the supply-chain model).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from sqlalchemy import BigInteger, ForeignKey, Index, MetaData, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from workbench.plant.types import Quantity, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Identifiers (lot codes, item codes, document numbers, EPC and GDST URIs) hold up to 255
#: characters on both databases.
ID_LENGTH = 255
Code = Annotated[str, mapped_column(String(ID_LENGTH))]
MaybeCode = Annotated[str | None, mapped_column(String(ID_LENGTH))]
Name = Annotated[str | None, mapped_column(String(200))]
Qty = Annotated[Decimal, mapped_column(Quantity)]
When = Annotated[datetime, mapped_column(UTCDateTime)]
MaybeWhen = Annotated[datetime | None, mapped_column(UTCDateTime)]

ITEM_KINDS = ("material", "intermediate", "product")
LOT_ORIGINS = ("opening", "receipt", "production")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ContactData:
    """Contact data shared by vendors and customers (the party in one role, see ``chain.Party``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(unique=True)
    name: Mapped[Name]
    contact: Mapped[Name]
    email: Mapped[Name]
    phone: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(Text)


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(unique=True)
    name: Mapped[Name]
    kind: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(16))
    gtin: Mapped[str | None] = mapped_column(String(14), index=True)
    shelf_life_days: Mapped[int | None]


class Vendor(ContactData, Base):
    __tablename__ = "vendors"

    #: The party that is this vendor (one party may also be a customer).
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True, unique=True)


class Customer(ContactData, Base):
    __tablename__ = "customers"

    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True, unique=True)


class Lot(Base):
    __tablename__ = "lots"
    __table_args__ = (
        UniqueConstraint("item_id", "code"),
        # An item's lots newest first (search results) without sorting them all.
        Index("ix_lots_item_created", "item_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    code: Mapped[Code] = mapped_column(index=True)
    vendor_lot: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)
    #: Quantity received, produced or counted as opening stock.
    quantity: Mapped[Qty]
    created_at: Mapped[MaybeWhen]
    expires_at: Mapped[MaybeWhen]
    origin: Mapped[str] = mapped_column(String(16))
    #: Where the lot came into being (received, made, counted): the FSMA 204 TLC source
    #: when we assigned the lot code; None = the plant.
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    #: Where the traceability lot code was assigned when that was not here (a received lot
    #: keeps its supplier's TLC): a location, or a reference to it (FSMA "TLC source reference").
    tlc_source_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    tlc_source_ref: Mapped[MaybeCode]
    #: Key data elements every food lot may carry; further ones are ``chain.KeyDataElement``s.
    production_date: Mapped[date | None]
    harvest_date: Mapped[date | None]
    pack_date: Mapped[date | None]
    best_before: Mapped[date | None]
    #: ISO 3166-1 alpha-2.
    country_of_origin: Mapped[str | None] = mapped_column(String(2))
    #: The event that created the lot (commissioning, receipt, output, opening count).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))

    item: Mapped[Item] = relationship(lazy="joined", innerjoin=True)


class Receipt(Base):
    """One line of a receipt.

    Without ``shipment_id``: a purchased quantity that became a lot (the lot's origin is
    "receipt"). With it: the arrival of a shipment line we also hold (a transfer from
    another of our sites, or a shipment of the previous party in the chain): the same lot
    moves to ``location_id``; nothing new is made.
    """

    __tablename__ = "receipts"
    #: A line is (receipt, lot, container): one receipt may bring the same lot on two pallets.
    __table_args__ = (Index("uq_receipts_line", "code", "lot_id", text("coalesce(container_id, 0)"), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(index=True)
    received_at: Mapped[When]
    #: None for a transfer from one of our own sites.
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"), index=True)
    po: Mapped[MaybeCode] = mapped_column(index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    vendor_lot: Mapped[MaybeCode]
    quantity: Mapped[Qty]
    #: The receiving location (None = the plant) and the immediate previous source.
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    ship_from_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    #: The shipment line this line received (a transfer or a chain partner's shipment).
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"), index=True)
    #: The outermost container (pallet) the lot arrived in.
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))


class ProductionOrder(Base):
    __tablename__ = "production_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    started_at: Mapped[MaybeWhen]
    finished_at: Mapped[MaybeWhen]
    #: The place of transformation (None = the plant).
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    #: The transformation event (EPCIS TransformationEvent; transformationID in ``code``).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))


class Operation(Base):
    """A production step of an order: which machine, which operator, when."""

    __tablename__ = "operations"
    __table_args__ = (UniqueConstraint("order_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("production_orders.id"))
    step: Mapped[str] = mapped_column(String(ID_LENGTH))
    machine: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)
    operator: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)
    started_at: Mapped[MaybeWhen]
    finished_at: Mapped[MaybeWhen]


class Consumption(Base):
    """An input lot picked for an order, line by line (never pro-rated)."""

    __tablename__ = "consumptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("production_orders.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[Qty]
    consumed_at: Mapped[MaybeWhen]
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))


class Output(Base):
    """A lot made by an order. Most lots are made by one; EPCIS data may make one lot in several runs (each an order
    with its own inputs), and each run's output is kept (migration 0008)."""

    __tablename__ = "outputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("production_orders.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[Qty]
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))


class Shipment(Base):
    """One line of a shipment: a quantity of one lot sent from a location to a customer
    or to another of our sites (a transfer: ``customer_id`` None).

    A line to one of our own sites is in transit until a receipt line names it
    (``Receipt.shipment_id``); a received line moved stock, it did not leave the chain.
    A pallet shipped is one line per lot on it (all nesting levels, as packed at the
    ship time: ``chain.contents_at``), each naming the pallet in ``container_id``.
    """

    __tablename__ = "shipments"
    #: A line is (shipment, lot, container): one shipment may carry the same lot on two pallets.
    __table_args__ = (Index("uq_shipments_line", "code", "lot_id", text("coalesce(container_id, 0)"), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(index=True)
    shipped_at: Mapped[When]
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    order_ref: Mapped[MaybeCode] = mapped_column(index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[Qty]
    #: Ship-from (None = the plant) and ship-to locations.
    ship_from_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    ship_to_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    carrier_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    #: The outermost container (pallet) the lot travelled in.
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))


class Return(Base):
    """A customer return (RMA): the quantity comes back to the same lot."""

    __tablename__ = "returns"
    __table_args__ = (UniqueConstraint("rma", "lot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rma: Mapped[Code] = mapped_column(index=True)
    received_at: Mapped[When]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[Qty]
    reason: Mapped[str | None] = mapped_column(Text)
    #: Where the return was received (None = the plant).
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))


class LotEdge(Base):
    """Genealogy: ``parent`` lot went into ``child`` lot through ``order``.

    Derived from consumptions x outputs of each order (see ``rebuild_edges``).
    Where an order has several outputs and consumption was not allocated per
    output lot, every input is linked to every output: a recall must not miss one.
    """

    __tablename__ = "lot_edges"
    __table_args__ = (Index("ix_lot_edges_child_parent", "child_lot_id", "parent_lot_id"),)

    parent_lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), primary_key=True)
    child_lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("production_orders.id"), primary_key=True)
    #: Quantity of the parent lot consumed by the order.
    quantity: Mapped[Qty]


class LotEdgeVersion(Base):
    """The change counter of ``lot_edges`` (one row, id 1): triggers made by migration 0007 raise
    it in every writer's own transaction, so an in-memory edge index built at a version answers
    only while the database still says that version (``workbench.trace.edgeindex``).
    Never create this table without those triggers: the schema comes from the migrations only."""

    __tablename__ = "lot_edge_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class SupplierAction(Base):
    """A supplier corrective-action request (SCAR) issued to a vendor for a lot."""

    __tablename__ = "supplier_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(unique=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    issued_at: Mapped[When]
    due_at: Mapped[MaybeWhen]
    problem: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
