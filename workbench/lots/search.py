"""Finding lots from whatever a user types or scans into one search field.

One text may be a lot code, a vendor lot number, an item code or name, a shipment code
or customer order reference (-> the lots shipped), a receipt or purchase order number
(-> the lots received), a production order (-> the lots it made), an RMA (-> the lots
returned), or a scanned GS1 barcode (element string or Digital Link). Exact matches come
first, then prefix matches; case does not matter for codes typed in upper or lower case.

Speed on million-lot plants: every lookup is an indexed equality or a prefix *range*
(``code >= 'L24' AND code < 'L25'``), which a plain B-tree index serves on SQLite and
PostgreSQL alike. ``LIKE`` is avoided on lot-sized tables: PostgreSQL cannot use a
plain index for it under a non-C collation, and SQLite's LIKE is case-insensitive only.
Case-insensitivity comes from trying the text as typed, in upper and in lower case (lot
codes are written in one case in practice); a Python check then keeps only true prefix
matches, so a collation that orders differently can never add a wrong hit. Only the
item table (small) is scanned, to match item names by word.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from workbench.errors import NotFound, WorkbenchError
from workbench.format import unsafe_characters
from workbench.interchange.epcisload.lookup import container_key, find_container_lots, find_lot_by_identifier, names_uri
from workbench.plant import Customer, Item, Lot, Output, ProductionOrder, Receipt, Return, Shipment, Vendor
from workbench.plant.floor_models import LotHold
from workbench.plant.lookup import LotRef, parse_gs1
from workbench.plant.query import Column
from workbench.plant.stock import LotBalance, lot_balances

#: Most items whose lots an item code or name search lists.
MAX_ITEMS = 25

# What a hit matched on, in the order hits of equal exactness are listed.
SOURCES = ("barcode", "pallet", "identifier", "lot", "vendor lot", "production order", "receipt", "purchase order",
           "shipment", "customer order", "RMA", "item", "item name", "customer", "vendor")
#: Most customers or vendors whose lots one search lists (each gets a share of the limit).
MAX_PARTIES = 10
_PRIORITY = {name: i for i, name in enumerate(SOURCES)}


@dataclass(frozen=True)
class SearchHit:
    """One lot found, with what the results table shows about it."""

    lot_id: int
    item: str
    item_name: str | None
    lot: str
    kind: str
    quantity: Decimal
    unit: str
    on_hand: Decimal
    created_at: datetime | None
    expires_at: datetime | None
    status: str
    matched_on: str
    exact: bool = True

    @property
    def ref(self) -> LotRef:
        return LotRef(self.lot_id, self.item, self.lot)


def lot_status(balance: LotBalance, expires_at: datetime | None, now: datetime) -> str:
    """In words, where a lot stands: in stock, expired, consumed, shipped, or unaccounted.

    ``unaccounted``: more left the lot than it ever held, a mass-balance finding.
    """
    if balance.unaccounted > 0:
        return "unaccounted"
    if balance.on_hand > 0:
        return "expired" if expires_at is not None and expires_at < now else "in stock"
    if balance.consumed == 0 and balance.shipped == 0:
        return "empty"
    return "shipped" if balance.shipped >= balance.consumed else "consumed"


def _variants(text: str) -> list[str]:
    return list(dict.fromkeys([text, text.upper(), text.lower()]))


def _next_prefix(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _matches(column: Column, text: str, exact: bool) -> ColumnElement[bool]:
    """Equal to ``text`` (exact) or starting with it, as typed, upper or lower case."""
    variants = _variants(text)
    if exact:
        return column.in_(variants)
    return or_(*(and_(column >= v, column < _next_prefix(v)) for v in variants))


def _keep(value: str | None, text: str, exact: bool) -> bool:
    """Re-check in Python: equal (case-insensitively), or a strict prefix."""
    if value is None:
        return False
    folded, wanted = value.casefold(), text.casefold()
    return folded == wanted if exact else (folded.startswith(wanted) and folded != wanted)


#: Sources that list an item's lots newest first (the others list by lot code).
_BY_ITEM = {"item", "item name", "barcode", "customer", "vendor"}


class _Found:
    """Lot ids found so far with the best (exactness, source, sequence) each was found by."""

    def __init__(self) -> None:
        self.best: dict[int, tuple[int, int, str, int]] = {}
        #: What the best match was, where the source alone does not say (the customer).
        self.detail: dict[int, str] = {}
        self.sequence = 0

    def add(self, lot_ids: Iterable[int], source: str, exact: bool, detail: str = "") -> None:
        for lot_id in lot_ids:
            self.sequence += 1
            key = (0 if exact else 1, _PRIORITY[source], source, self.sequence)
            if lot_id not in self.best or key[:2] < self.best[lot_id][:2]:
                self.best[lot_id] = key
                if detail:
                    self.detail[lot_id] = detail
                else:
                    self.detail.pop(lot_id, None)

    def sort_key(self, lot_id: int, item: str, code: str) -> tuple[int, int, str, int | str]:
        exactness, priority, source, sequence = self.best[lot_id]
        return (exactness, priority, item, sequence if source in _BY_ITEM else code)


def _by_column(session: Session, found: _Found, text: str, limit: int) -> None:
    """Codes held on lot-bearing rows: lot code, vendor lot, receipts, shipments, RMAs."""
    targets = (
        ("lot", Lot.code, Lot.id),
        ("vendor lot", Lot.vendor_lot, Lot.id),
        ("receipt", Receipt.code, Receipt.lot_id),
        ("purchase order", Receipt.po, Receipt.lot_id),
        ("shipment", Shipment.code, Shipment.lot_id),
        ("customer order", Shipment.order_ref, Shipment.lot_id),
        ("RMA", Return.rma, Return.lot_id),
    )
    # One range query per column finds the exact matches too (the text itself is the
    # smallest string starting with it), so each column costs one round trip.
    for source, column, lot_column in targets:
        rows = session.execute(
            select(column, lot_column).where(_matches(column, text, False)).order_by(column).limit(limit)
        ).all()
        for exact in (True, False):
            found.add((lot_id for value, lot_id in rows if _keep(value, text, exact)), source, exact)


def _by_production_order(session: Session, found: _Found, text: str, limit: int) -> None:
    """Orders first, then their outputs: as one join, SQLite would walk every order's outputs."""
    candidates = session.execute(
        select(ProductionOrder.id, ProductionOrder.code)
        .where(_matches(ProductionOrder.code, text, False)).order_by(ProductionOrder.code).limit(limit)
    ).all()
    for exact in (True, False):
        orders = [order_id for order_id, code in candidates if _keep(code, text, exact)]
        if orders:
            lots = session.execute(
                select(Output.lot_id).where(Output.order_id.in_(orders)).order_by(Output.lot_id).limit(limit)
            ).scalars()
            found.add(lots, "production order", exact)


def _lots_of_items(session: Session, found: _Found, item_ids: list[int], source: str, exact: bool,
                   limit: int) -> None:
    """Each item's lots, newest first, read straight off the ``(item_id, created_at)``
    index (migration 0002; without it every lot of the item would be sorted: 100-200 ms
    per item on a million-lot plant); opening stock after the rest.
    When many items match, each gets a share of the limit so every one of them shows.
    """
    item_ids = item_ids[:MAX_ITEMS]
    per_item = max(limit // max(len(item_ids), 1), 1)
    for item_id in item_ids:
        # Opening stock predates everything received or made since, so it comes last
        # (and its OPEN-… codes would otherwise sort above date codes).
        ids = list(session.execute(
            select(Lot.id).where(Lot.item_id == item_id, Lot.origin != "opening")
            .order_by(Lot.created_at.desc(), Lot.id.desc()).limit(per_item)
        ).scalars())
        if len(ids) < per_item:
            ids += session.execute(
                select(Lot.id).where(Lot.item_id == item_id, Lot.origin == "opening")
                .order_by(Lot.created_at.desc(), Lot.id.desc()).limit(per_item - len(ids))
            ).scalars()
        found.add(ids, source, exact)


def _by_item(session: Session, found: _Found, text: str, limit: int) -> None:
    """Item codes (indexed) and item names (word prefix; the item table is small)."""
    items = session.execute(
        select(Item.id, Item.code).where(_matches(Item.code, text, False)).order_by(Item.code).limit(MAX_ITEMS)
    ).all()
    for exact in (True, False):
        _lots_of_items(session, found, [i for i, code in items if _keep(code, text, exact)], "item", exact, limit)
    wanted = text.casefold()
    pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    exact_ids, word_ids = [], []
    for item_id, name in session.execute(
        select(Item.id, Item.name).where(func.lower(Item.name).like(pattern, escape="\\")).order_by(Item.name)
    ):
        folded = (name or "").casefold()
        if folded == wanted:
            exact_ids.append(item_id)
        elif folded.startswith(wanted) or any(w.startswith(wanted) for w in folded.replace("-", " ").split()):
            word_ids.append(item_id)
    _lots_of_items(session, found, exact_ids, "item name", True, limit)
    _lots_of_items(session, found, word_ids, "item name", False, limit)


def _name_matches(name: str | None, wanted: str) -> tuple[bool, bool]:
    """(exact, word prefix) of a name against the casefolded text."""
    folded = (name or "").casefold()
    words = folded.replace("-", " ").replace(",", " ").split()
    return folded == wanted, folded.startswith(wanted) or any(w.startswith(wanted) for w in words)


def _by_party(session: Session, found: _Found, text: str, limit: int) -> None:
    """Customers (-> the lots shipped to them) and vendors (-> the lots received from
    them), by code (indexed, exact or prefix) or by a word of the name (the party tables
    are small: hundreds of rows, scanned once each); the lots, newest first, come off
    the shipments' and receipts' party indexes."""
    wanted = text.casefold()
    pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    for source, party, key, lot_column, when in (
        ("customer", Customer, Shipment.customer_id, Shipment.lot_id, Shipment.shipped_at),
        ("vendor", Vendor, Receipt.vendor_id, Receipt.lot_id, Receipt.received_at),
    ):
        matched: dict[int, bool] = {}
        names: dict[int, str] = {}
        verb = "shipped to" if party is Customer else "received from"
        for party_id, code, name in session.execute(
            select(party.id, party.code, party.name).where(or_(
                _matches(party.code, text, False), func.lower(party.name).like(pattern, escape="\\")))
            .order_by(party.code).limit(MAX_PARTIES * 5)
        ):
            exact_name, word = _name_matches(name, wanted)
            exact = _keep(code, text, True) or exact_name
            if exact or _keep(code, text, False) or word:
                matched[party_id] = matched.get(party_id, False) or exact
                names[party_id] = f"{code} {name}" if name else code
        chosen = sorted(matched, key=lambda i: not matched[i])[:MAX_PARTIES]
        per_party = max(limit // max(len(chosen), 1), 1)
        for party_id in chosen:
            ids = session.execute(
                select(lot_column).where(key == party_id).order_by(when.desc()).limit(per_party)
            ).scalars()
            found.add(dict.fromkeys(ids), source, matched[party_id], f"{verb} {names[party_id]}")


def _gtin_forms(gtin: str) -> list[str]:
    """A GTIN may be stored as GTIN-8, -12, -13 or -14: try each form of the scanned one."""
    core = gtin.lstrip("0") or "0"
    return sorted({gtin} | {core.zfill(n) for n in (8, 12, 13, 14)})


def _by_barcode(session: Session, found: _Found, gtin: str | None, lot: str | None, limit: int) -> None:
    item_ids: list[int] = []
    if gtin:
        item_ids = list(session.execute(select(Item.id).where(Item.gtin.in_(_gtin_forms(gtin)))).scalars())
        if not item_ids:
            return
    if lot is None:
        _lots_of_items(session, found, item_ids, "barcode", True, limit)
        return
    query = select(Lot.id).where(Lot.code == lot)
    if item_ids:
        query = query.where(Lot.item_id.in_(item_ids))
    found.add(session.execute(query.limit(limit)).scalars(), "barcode", True)


def _by_pallet(session: Session, found: _Found, text: str) -> None:
    """A pallet's SSCC (EPC URN, Digital Link, element string): every lot it carried, in any of its packings."""
    try:
        pallet = find_container_lots(session, text)
    except NotFound:
        return
    if pallet is not None:
        found.add((r.id for r in pallet.lots), "pallet", True, f"pallet {pallet.code}")


def _by_identifier(session: Session, found: _Found, text: str) -> None:
    """An EPCIS identifier of a lot (the one it was imported with, an LGTIN URN, a GDST lot class URN)."""
    try:
        lot = find_lot_by_identifier(session, text)
    except WorkbenchError:  # no such lot, or not a lot's identifier: no hit
        return
    found.add([lot.id], "identifier", True)


GS = "\x1d"

#: Longer than any code or name the plant holds: such a text can match nothing.
LONGEST = 1_000


def searchable(text: str) -> str:
    """``text`` as it is searched for (trimmed), or a one-sentence ``WorkbenchError`` when
    it holds characters no code or name can hold (NUL, controls other than a scanner's
    GS, lone surrogates, non-characters: the import refuses them). Over ``LONGEST`` characters: empty (no hit)."""
    text = text.strip()
    found = unsafe_characters(text.replace(GS, ""), multiline=False)  # a scanner's GS separates GS1 fields
    if found:
        shown = ", ".join(found[:3]) + (" …" if len(found) > 3 else "")
        raise WorkbenchError(f"The search text holds characters no code or name holds ({shown}); "
                             "type or scan it again.")
    return "" if len(text) > LONGEST else text


def search(session: Session, text: str, limit: int = 200, now: datetime | None = None) -> list[SearchHit]:
    """Lots that ``text`` names, exact matches first, then prefix matches (at most ``limit``).

    A scanned GS1 barcode finds exactly the lot it carries (or the item's lots when it
    carries only a GTIN). ``now`` (naive UTC) decides which lots have expired.
    """
    text = searchable(text)
    if not text or limit <= 0:
        return []
    now = now or datetime.now(UTC).replace(tzinfo=None)
    found = _Found()
    scanned = parse_gs1(text)
    if container_key(text) is not None:
        _by_pallet(session, found, text)
    elif scanned is not None:
        _by_barcode(session, found, scanned.gtin, scanned.lot, limit)
    elif names_uri(text):
        _by_identifier(session, found, text)
    else:
        _by_column(session, found, text, limit)
        _by_production_order(session, found, text, limit)
        _by_item(session, found, text, limit)
        _by_party(session, found, text, limit)
    if not found.best:
        return []
    rows = {}
    ids = list(found.best)
    for start in range(0, len(ids), 10000):
        for r in session.execute(
            select(Lot.id, Lot.code, Lot.quantity, Lot.created_at, Lot.expires_at,
                   Item.code.label("item"), Item.name, Item.kind, Item.unit)
            .join(Item, Item.id == Lot.item_id).where(Lot.id.in_(ids[start:start + 10000]))
        ):
            rows[r.id] = r
    ranked = sorted(rows, key=lambda i: found.sort_key(i, rows[i].item, rows[i].code))[:limit]
    balances = lot_balances(session, ranked)
    held = set(session.scalars(select(LotHold.lot_id).where(LotHold.lot_id.in_(ranked), LotHold.released_at.is_(None))))
    hits = []
    for lot_id in ranked:
        r, (exactness, _, source, _) = rows[lot_id], found.best[lot_id]
        bal = balances[lot_id]
        hits.append(SearchHit(
            lot_id=lot_id, item=r.item, item_name=r.name, lot=r.code, kind=r.kind, quantity=r.quantity,
            unit=r.unit, on_hand=bal.on_hand, created_at=r.created_at, expires_at=r.expires_at,
            status="on hold" if lot_id in held else lot_status(bal, r.expires_at, now),
            matched_on=found.detail.get(lot_id, source),
            exact=exactness == 0,
        ))
    return hits


def completions(session: Session, text: str, limit: int = 20) -> list[str]:
    """Codes starting with ``text`` for the search field's completer: lots, items, orders, documents.

    Indexed prefix ranges only, so it answers while the user types.
    """
    try:
        text = searchable(text)
    except WorkbenchError:
        return []
    if len(text) < 2 or parse_gs1(text) is not None:
        return []
    out: dict[str, None] = {}
    for column in (Lot.code, Item.code, Lot.vendor_lot, ProductionOrder.code, Receipt.po, Receipt.code,
                   Shipment.code, Shipment.order_ref, Return.rma):
        if len(out) >= limit:
            break
        # No GROUP BY: PostgreSQL would aggregate the whole range; dedupe a few rows here.
        rows = session.execute(
            select(column).where(_matches(column, text, False)).order_by(column).limit(limit * 5)
        ).scalars()
        for value in rows:
            if value is not None and value.casefold().startswith(text.casefold()):
                out.setdefault(value, None)
    return list(out)[:limit]
