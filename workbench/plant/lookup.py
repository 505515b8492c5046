"""Finding a lot from what a user types or a scanner sends.

A lot is (item, lot code). Input may be a plain lot code, or a GS1 barcode: an element
string with parentheses (``(01)09501101530003(10)L2411``), without (with the GS
separator between variable-length fields), with a symbology prefix (``]C1``), or a GS1
Digital Link URI. GS1 parsing is biip's, not ours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import biip
from biip.gs1_messages import GS1Message
from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import Ambiguous, NotFound, WorkbenchError
from workbench.facts import LotRef, parse_lot_label
from workbench.plant import Item, Lot
from workbench.plant.query import among, chunks

GS = "\x1d"


@dataclass(frozen=True)
class ScannedCode:
    """What a GS1 barcode says about a lot: the GTIN and batch/lot, when present."""

    gtin: str | None
    lot: str | None


def parse_gs1(text: str) -> ScannedCode | None:
    """The GTIN (01) and batch/lot (10) of a GS1 barcode, or None if ``text`` is not one."""
    text = text.strip()
    if not text:
        return None
    message = None
    if text.startswith("("):
        try:
            message = GS1Message.parse_hri(text)
        except Exception:  # noqa: BLE001 - biip raises its own ParseError family; not a barcode then
            return None
    else:
        looks_like_barcode = (
            text.startswith(("]", "http://", "https://"))
            or GS in text
            or (len(text) >= 16 and text[:2] in ("01", "02") and text[2:16].isdigit())
        )
        if not looks_like_barcode:
            return None
        result = biip.parse(text)
        if result.gs1_digital_link_uri is not None:
            message = result.gs1_digital_link_uri.as_gs1_message()
        else:
            message = result.gs1_message
    if message is None:
        return None
    gtin = message.element_strings.get(ai="01") or message.element_strings.get(ai="02")
    batch = message.element_strings.get(ai="10")
    if gtin is None and batch is None:
        return None
    return ScannedCode(gtin=gtin.value if gtin else None, lot=batch.value if batch else None)


def _gtin_variants(gtin: str) -> list[str]:
    """A GTIN as stored may be 8, 12, 13 or 14 digits; compare on the 14-digit form."""
    core = gtin.lstrip("0")
    return sorted({gtin, gtin.zfill(14), core.zfill(8), core.zfill(12), core.zfill(13), core.zfill(14)})


def find_lot(session: Session, text: str, item: str | None = None) -> LotRef:
    """The one lot that ``text`` (a lot code or a barcode) and ``item`` name.

    Raises NotFound for an unknown lot or item and Ambiguous (naming every item) when the
    lot code exists on more than one item and no item was given.
    """
    text = text.strip()
    scanned = parse_gs1(text)
    lot_code = text
    query = select(Lot.id, Item.code, Lot.code).join(Item, Item.id == Lot.item_id)
    if scanned is not None:
        if scanned.lot is None:
            raise WorkbenchError(f"The barcode '{text}' carries no batch/lot number (AI 10).")
        lot_code = scanned.lot
        if scanned.gtin and item is None:
            found = session.execute(
                select(Item.code).where(Item.gtin.in_(_gtin_variants(scanned.gtin)))
            ).scalars().all()
            if not found:
                raise NotFound(f"No item has the GTIN {scanned.gtin} scanned in '{text}'.")
            if len(found) == 1:
                item = found[0]
            else:  # an older plant may hold one GTIN on several items: let Ambiguous name them
                query = query.where(Item.code.in_(found))
    if item is not None:
        if session.execute(select(Item.id).where(Item.code == item)).first() is None:
            raise NotFound(f"There is no item '{item}'.")
        query = query.where(Item.code == item)
    rows = session.execute(query.where(Lot.code == lot_code).order_by(Item.code)).all()
    if not rows:
        where = f" of item {item}" if item else ""
        raise NotFound(f"There is no lot '{lot_code}'{where}.")
    if len(rows) > 1:
        items = [r[1] for r in rows]
        raise Ambiguous(
            f"Lot '{lot_code}' exists on {len(items)} items ({', '.join(items)}); name one with --item.",
            items,
        )
    return LotRef(*rows[0])


def lot_refs(session: Session, lot_ids: Iterable[int]) -> dict[int, LotRef]:
    """LotRefs for many lot ids, set-wise."""
    out: dict[int, LotRef] = {}
    stmt = select(Lot.id, Item.code, Lot.code).join(Item, Item.id == Lot.item_id)
    for chunk in chunks(lot_ids):
        for row in session.execute(stmt.where(among(Lot.id, chunk, session))):
            out[row[0]] = LotRef(*row)
    return out


def lot_infos(session: Session, lot_ids: Iterable[int]) -> dict[int, tuple[str, str, str | None, str]]:
    """(item, lot, item name, unit) for many lot ids, set-wise: what a line of a document shows."""
    out: dict[int, tuple[str, str, str | None, str]] = {}
    stmt = select(Lot.id, Item.code, Lot.code, Item.name, Item.unit).join(Item, Item.id == Lot.item_id)
    for chunk in chunks(lot_ids):
        for row in session.execute(stmt.where(among(Lot.id, chunk, session))):
            out[row[0]] = (row[1], row[2], row[3], row[4])
    return out


def find_lot_label(session: Session, text: str) -> LotRef:
    """The lot ``text`` names as users write it: ``ITEM/LOT``, a lot code alone, or a barcode.

    The command line and the app read lots this one way. When nothing before the slash is
    an item, the whole text is tried as a lot code (lot codes may hold slashes).
    """
    text = text.strip()
    if parse_gs1(text) is None:
        item, lot = parse_lot_label(text)
        if item is not None and session.execute(select(Item.id).where(Item.code == item)).first() is not None:
            return find_lot(session, lot, item=item)
    return find_lot(session, text)
