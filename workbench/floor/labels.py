"""The facts a lot's label prints, read from the plant (see ``workbench.floor.gs1``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.facts import LotRef
from workbench.floor.gs1 import LabelFacts
from workbench.floor.rules import date_ai
from workbench.plant import Item, Lot, Receipt, Vendor
from workbench.plant.floor_models import LotPlace, StoragePlace


def _day(at: datetime | None) -> date | None:
    return at.date() if at is not None else None


def label_facts(session: Session, lot: LotRef, quantity: Decimal | None = None) -> LabelFacts:
    """The facts the label of ``lot`` prints (``quantity``: per box, else the whole lot)."""
    row = session.execute(
        select(Lot, Item, StoragePlace.code, LotPlace.sscc, LotPlace.produced_at)
        .join(Item, Item.id == Lot.item_id)
        .outerjoin(LotPlace, LotPlace.lot_id == Lot.id).outerjoin(StoragePlace, StoragePlace.id == LotPlace.location_id)
        .where(Lot.id == lot.id)).one()
    lot_row, item, location, sscc, produced_at = row
    vendor = session.execute(select(Vendor.name).join(Receipt, Receipt.vendor_id == Vendor.id)
                             .where(Receipt.lot_id == lot.id)).scalar()
    produced = produced_at or (lot_row.created_at if lot_row.origin == "production" else None)
    return LabelFacts(item=item.code, item_name=item.name, gtin=item.gtin, lot=lot_row.code, unit=item.unit,
                      quantity=quantity if quantity is not None else lot_row.quantity, produced=_day(produced),
                      expires=_day(lot_row.expires_at), date_ai=date_ai(session, item.id), vendor=vendor,
                      vendor_lot=lot_row.vendor_lot, location=location, sscc=sscc)
