"""Receiving: what was received at once against a purchase-order line (or free) becomes a
new lot, with the vendor's lot kept beside it, a location and the dates its label carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import NotFound, WorkbenchError
from workbench.facts import LotRef
from workbench.floor.codes import day_prefix, next_code
from workbench.floor.holds import Hold, place_holds
from workbench.plant import Item, Lot, Receipt, Vendor, to_quantity
from workbench.plant.floor_models import LotPlace, StoragePlace


@dataclass(frozen=True)
class Received:
    lot: LotRef
    receipt: str
    quantity: Decimal
    unit: str
    location: str
    expires_at: datetime | None
    quarantine: Hold | None


def find_item(session: Session, code: str) -> Item:
    item = session.scalars(select(Item).where(Item.code == code.strip())).first()
    if item is None:
        raise NotFound(f"There is no item '{code}'.")
    return item


def find_location(session: Session, code: str | None) -> StoragePlace:
    text = (code or "").strip()
    if not text:
        raise WorkbenchError("Say where the lot is put away (--location CODE).")
    location = session.scalars(select(StoragePlace).where(StoragePlace.code == text)).first()
    if location is None:
        raise NotFound(f"There is no location '{text}'; add it with `workbench floor location {text}`.")
    return location


#: A quantity as given: the text typed, or a number.
Amount = Decimal | int | float | str


def positive(value: Amount, what: str) -> Decimal:
    try:
        exact = Decimal(str(value).strip())
    except ArithmeticError:
        raise WorkbenchError(f"The {what} '{value}' is not a number.") from None
    if not exact.is_finite() or exact <= 0:
        raise WorkbenchError(f"The {what} must be a number more than zero, not {value}.")
    if exact != to_quantity(exact):
        raise WorkbenchError(f"The {what} '{value}' has more than 6 decimals.")
    return to_quantity(exact)


def check_unit(item: Item, unit: str | None) -> None:
    if unit is not None and unit.strip() and unit.strip() != item.unit:
        raise WorkbenchError(f"{item.code} is counted in {item.unit}, not {unit.strip()}.")


def shelf_life_expiry(item: Item, base: datetime | None) -> datetime | None:
    if item.shelf_life_days is None or base is None:
        return None
    return base + timedelta(days=item.shelf_life_days)


def receive(session: Session, *, item: str, quantity: Amount, vendor: str, location: str, by: str, at: datetime,
            vendor_lot: str | None = None, po: str | None = None, receipt: str | None = None,
            lot: str | None = None, unit: str | None = None, produced_at: datetime | None = None,
            expires_at: datetime | None = None, sscc: str | None = None, quarantine: bool = False) -> Received:
    """Record one receipt line as a new lot; everything is checked before anything is written."""
    it = find_item(session, item)
    check_unit(it, unit)
    q = positive(quantity, "received quantity")
    v = session.scalars(select(Vendor).where(Vendor.code == vendor.strip())).first()
    if v is None:
        raise NotFound(f"There is no vendor '{vendor}'.")
    place = find_location(session, location)
    if produced_at is not None and produced_at > at:
        raise WorkbenchError(f"The production date {produced_at:%Y-%m-%d} is after the receipt.")
    expires = expires_at or shelf_life_expiry(it, produced_at or at)
    if expires is not None and expires <= at:
        raise WorkbenchError(f"The lot expired on {expires:%Y-%m-%d}; an expired lot is not received into stock.")
    if sscc is not None:
        sscc = _check_sscc(sscc)
    code = (lot or "").strip() or next_code(session, Lot.code, day_prefix("R", at), where=Lot.item_id == it.id)
    if session.execute(select(Lot.id).where(Lot.item_id == it.id, Lot.code == code)).first() is not None:
        raise WorkbenchError(f"Lot {it.code}/{code} exists already; a receipt makes a new lot.")
    grn = (receipt or "").strip() or next_code(session, Receipt.code, day_prefix("GRN", at))
    new = Lot(item_id=it.id, code=code, vendor_lot=(vendor_lot or "").strip() or None, quantity=q,
              created_at=at, expires_at=expires, origin="receipt")
    session.add(new)
    session.flush()
    session.add(Receipt(code=grn, received_at=at, vendor_id=v.id, po=(po or "").strip() or None, lot_id=new.id,
                        vendor_lot=new.vendor_lot, quantity=q))
    session.add(LotPlace(lot_id=new.id, location_id=place.id, sscc=sscc, produced_at=produced_at))
    ref = LotRef(new.id, it.code, code)
    held = None
    if quarantine:
        held = place_holds(session, [ref], "Received into quarantine: awaiting QA release", by, at,
                           kind="quarantine").placed[0]
    session.flush()
    return Received(ref, grn, q, it.unit, place.code, expires, held)


def _check_sscc(text: str) -> str:
    from biip.sscc import Sscc

    digits = text.strip().removeprefix("(00)")
    try:
        return Sscc.parse(digits).value
    except Exception:  # noqa: BLE001 - biip's ParseError family
        raise WorkbenchError(f"'{text}' is not an SSCC (18 digits with a valid check digit).") from None


def add_location(session: Session, code: str, site: str | None = None, name: str | None = None) -> StoragePlace:
    text = code.strip()
    if not text:
        raise WorkbenchError("Name the location.")
    if session.scalars(select(StoragePlace).where(StoragePlace.code == text)).first() is not None:
        raise WorkbenchError(f"The location '{text}' exists already.")
    from workbench.floor.rules import home_site

    loc = StoragePlace(code=text, site=(site or "").strip() or home_site(session), name=name)
    session.add(loc)
    session.flush()
    return loc


def place_lot(session: Session, lot_id: int, location: StoragePlace, produced_at: datetime | None = None) -> None:
    session.add(LotPlace(lot_id=lot_id, location_id=location.id, produced_at=produced_at))
