"""The plant floor: where each lot is, its holds, pick lists, picks, scans and overrides.

These tables record the life of a lot at the point of handling (receiving, picking,
production, shipping). What is consumed and shipped is still written to the investigation
tables (``consumptions``, ``outputs``, ``shipments``, ``lot_edges``), so every trace sees
floor-recorded work at once; the tables here hold what only the floor knows.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workbench.plant.models import Base, Code, MaybeWhen, Qty, When

PICK_RULES = ("FEFO", "FIFO")
HOLD_KINDS = ("hold", "quarantine")
PICK_PURPOSES = ("production", "shipment")
PICK_STATUSES = ("open", "done")


class StoragePlace(Base):
    """A storage place (bin, rack, cold room) at a site."""

    __tablename__ = "storage_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(unique=True)
    site: Mapped[str] = mapped_column(String(64), default="MAIN")
    name: Mapped[str | None] = mapped_column(String(200))


class LotPlace(Base):
    """Where a lot is kept, its pallet (SSCC) and the dates its label carries."""

    __tablename__ = "lot_places"

    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("storage_places.id"), index=True)
    sscc: Mapped[str | None] = mapped_column(String(18), index=True)
    produced_at: Mapped[MaybeWhen]


class ItemRule(Base):
    """An item's own floor settings: pick rule (else the plant's) and which date it carries."""

    __tablename__ = "item_rules"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    pick_rule: Mapped[str | None] = mapped_column(String(4))
    #: "17" expiry (use by) or "15" best before, the GS1 AI of the item's date.
    date_ai: Mapped[str] = mapped_column(String(2), default="17")


class FloorSetting(Base):
    """Plant-wide floor settings (pick rule, whether stock may go negative, site)."""

    __tablename__ = "floor_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class OverrideReason(Base):
    """A reason a worker may choose when picking other lots than proposed (the plant's list)."""

    __tablename__ = "override_reasons"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    text: Mapped[str] = mapped_column(String(200))


class LotHold(Base):
    """A hold (or a receiving quarantine) on a lot; released holds stay as history."""

    __tablename__ = "lot_holds"
    __table_args__ = (Index("ix_lot_holds_lot_released", "lot_id", "released_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    kind: Mapped[str] = mapped_column(String(16), default="hold")
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(64))
    placed_at: Mapped[When]
    released_by: Mapped[str | None] = mapped_column(String(64))
    released_at: Mapped[MaybeWhen]
    release_reason: Mapped[str | None] = mapped_column(Text)


class PickList(Base):
    """What to pick for a production order's materials or for a shipment."""

    __tablename__ = "pick_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[Code] = mapped_column(unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("production_orders.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    shipment_code: Mapped[str | None] = mapped_column(String(64))
    order_ref: Mapped[str | None] = mapped_column(String(64))
    site: Mapped[str] = mapped_column(String(64), default="MAIN")
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)
    created_at: Mapped[When]
    created_by: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[MaybeWhen]


class PickLine(Base):
    """One item and quantity to pick, with the rule its lots were proposed by."""

    __tablename__ = "pick_lines"
    __table_args__ = (UniqueConstraint("pick_list_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pick_list_id: Mapped[int] = mapped_column(ForeignKey("pick_lists.id"), index=True)
    line_no: Mapped[int]
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[Qty]
    rule: Mapped[str] = mapped_column(String(4))


class PickProposal(Base):
    """A lot the system proposed for a line, in order, with why it was chosen."""

    __tablename__ = "pick_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    pick_line_id: Mapped[int] = mapped_column(ForeignKey("pick_lines.id"), index=True)
    rank: Mapped[int]
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[Qty]
    why: Mapped[str] = mapped_column(Text)


class PickOverride(Base):
    """A worker took another lot than proposed: who, when, why, proposed and actual lots."""

    __tablename__ = "pick_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    pick_line_id: Mapped[int] = mapped_column(ForeignKey("pick_lines.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[Qty]
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    #: The lots proposed for the line when the override was made, as ``LOT qty; ...``.
    proposed: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(64))
    made_at: Mapped[When] = mapped_column(index=True)


class Pick(Base):
    """A quantity of a lot confirmed as picked for a line (by scan or by override)."""

    __tablename__ = "picks"

    id: Mapped[int] = mapped_column(primary_key=True)
    pick_line_id: Mapped[int] = mapped_column(ForeignKey("pick_lines.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[Qty]
    picked_by: Mapped[str] = mapped_column(String(64))
    picked_at: Mapped[When]
    scanned: Mapped[str | None] = mapped_column(Text)
    override_id: Mapped[int | None] = mapped_column(ForeignKey("pick_overrides.id"))


class ScanEvent(Base):
    """Every scan at a pick list and what the worker was told."""

    __tablename__ = "scan_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    pick_list_id: Mapped[int] = mapped_column(ForeignKey("pick_lists.id"), index=True)
    scanned_at: Mapped[When]
    scanned_by: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    message: Mapped[str] = mapped_column(Text)


__all__ = [
    "HOLD_KINDS",
    "PICK_PURPOSES",
    "PICK_RULES",
    "PICK_STATUSES",
    "FloorSetting",
    "ItemRule",
    "LotHold",
    "LotPlace",
    "OverrideReason",
    "Pick",
    "PickLine",
    "PickList",
    "PickOverride",
    "PickProposal",
    "ScanEvent",
    "StoragePlace",
]
