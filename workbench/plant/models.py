"""The plant database: where every lot came from and where every part of it went.

A lot is identified by (item, lot code): the same code on two items is two lots.
``LotEdge`` is the lot-to-lot genealogy (input lot -> output lot through an order),
kept beside the raw consumptions so traces run as set-wise recursive queries.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from sqlalchemy import ForeignKey, Index, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from workbench.plant.types import Quantity, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Code = Annotated[str, mapped_column(String(64))]
Name = Annotated[str | None, mapped_column(String(200))]
Qty = Annotated[Decimal, mapped_column(Quantity)]
When = Annotated[datetime, mapped_column(UTCDateTime)]
MaybeWhen = Annotated[datetime | None, mapped_column(UTCDateTime)]

ITEM_KINDS = ("material", "intermediate", "product")
LOT_ORIGINS = ("opening", "receipt", "production")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Party:
    """Contact data shared by vendors and customers."""

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


class Vendor(Party, Base):
    __tablename__ = "vendors"


class Customer(Party, Base):
    __tablename__ = "customers"


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
    vendor_lot: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Quantity received, produced or counted as opening stock.
    quantity: Mapped[Qty]
    created_at: Mapped[MaybeWhen]
    expires_at: Mapped[MaybeWhen]
    origin: Mapped[str] = mapped_column(String(16))

    item: Mapped[Item] = relationship(lazy="joined", innerjoin=True)


class Receipt(Base):
    """One line of a purchase receipt: a purchased quantity that became a lot."""

    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("code", "lot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(index=True)
    received_at: Mapped[When]
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    po: Mapped[str | None] = mapped_column(String(64), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    vendor_lot: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[Qty]


class ProductionOrder(Base):
    __tablename__ = "production_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    started_at: Mapped[MaybeWhen]
    finished_at: Mapped[MaybeWhen]


class Operation(Base):
    """A production step of an order: which machine, which operator, when."""

    __tablename__ = "operations"
    __table_args__ = (UniqueConstraint("order_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("production_orders.id"))
    step: Mapped[str] = mapped_column(String(64))
    machine: Mapped[str | None] = mapped_column(String(64), index=True)
    operator: Mapped[str | None] = mapped_column(String(64), index=True)
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


class Output(Base):
    """A lot made by an order."""

    __tablename__ = "outputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("production_orders.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), unique=True)
    quantity: Mapped[Qty]


class Shipment(Base):
    """One line of a shipment: a quantity of one lot sent to a customer."""

    __tablename__ = "shipments"
    __table_args__ = (UniqueConstraint("code", "lot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(index=True)
    shipped_at: Mapped[When]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    order_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[Qty]


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
