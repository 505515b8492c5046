"""A lot found by any EPCIS identifier form: the identifier it was imported with, an LGTIN URN, a Digital Link,
a GDST lot class URN; anything else (a lot code, a GS1 barcode) goes to ``workbench.plant.lookup.find_lot``. A pallet
found by its SSCC (EPC URN, Digital Link, element string): the lots it carried."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workbench.errors import NotFound
from workbench.facts import LotRef
from workbench.interchange.epcis.identifiers import IdentifierError, Scheme, dl_encode, parse_identifier
from workbench.plant.chain import Container, Packing
from workbench.plant.identities import LotIdentifier
from workbench.plant.lookup import find_lot, find_lot_label
from workbench.plant.models import Item, Lot
from workbench.plant.query import fetch_in


def names_uri(text: str) -> bool:
    """Whether ``text`` is written as a URI the EPCIS identifiers use (EPC or GDST URN, Digital Link)."""
    return text.strip().lower().startswith(("urn:", "http://", "https://"))


def find_lot_named(session: Session, text: str, item: str | None = None) -> LotRef:
    """The lot as a user names it on any command: ``ITEM/LOT``, a lot code (with ``item``), a GS1 barcode, or an
    EPCIS identifier (the one it was imported with, an LGTIN URN, a Digital Link, a GDST lot class URN)."""
    if names_uri(text):
        return find_lot_by_identifier(session, text, item)
    return find_lot(session, text, item) if item is not None else find_lot_label(session, text)


def find_lot_by_identifier(session: Session, text: str, item: str | None = None) -> LotRef:
    given = text.strip()
    if not names_uri(given):
        return find_lot(session, text, item)
    query = select(Lot.id, Item.code, Lot.code).join(Item, Item.id == Lot.item_id)
    if item is not None:
        query = query.where(Item.code == item)
    row = session.execute(query.join(LotIdentifier, LotIdentifier.lot_id == Lot.id)
                          .where(LotIdentifier.identifier == given)).first()
    if row is not None:
        return LotRef(*row)
    try:
        ident = parse_identifier(given)
    except IdentifierError:
        return find_lot(session, text, item)
    if ident.scheme is Scheme.LGTIN and ident.gtin and ident.lot:
        row = session.execute(query.where(Item.gtin.in_({ident.gtin, ident.gtin.lstrip("0").zfill(13)}),
                                          Lot.code == ident.lot)).first()
    elif ident.scheme is Scheme.GDST_LOT and ident.product and ident.lot:
        row = session.execute(query.where(Item.code == ident.product, Lot.code == ident.lot)).first()
    if row is not None:
        return LotRef(*row)
    if ident.scheme in (Scheme.LGTIN, Scheme.GDST_LOT):
        raise NotFound(f"No lot has the identifier {given}.")
    return find_lot(session, text, item)


def identify_lot_nodes(session: Session, nodes: list[dict]) -> None:
    """Give every lot node of a trace's JSON its ``gtin`` (or None) and ``identifier`` (as first imported; else the
    GS1 Digital Link of a lot whose item has a GTIN; else None), set-wise."""
    lots = [n for n in nodes if n.get("kind") == "lot"]
    if not lots:
        return
    stmt = (select(Item.code, Lot.code, Item.gtin, LotIdentifier.identifier).join(Item, Item.id == Lot.item_id)
            .outerjoin(LotIdentifier, LotIdentifier.lot_id == Lot.id))
    found = {(i, c): (g, ident) for i, c, g, ident in fetch_in(session, stmt, Lot.__table__.c.code,
                                                                                     {n["lot"] for n in lots})}
    for node in lots:
        gtin, ident = found.get((node.get("item"), node.get("lot")), (None, None))
        node["gtin"] = gtin.zfill(14) if gtin else None
        node["identifier"] = ident or (f"https://id.gs1.org/01/{gtin.zfill(14)}/10/{dl_encode(node['lot'])}" if gtin else None)


@dataclass(frozen=True)
class ContainerLots:
    """What a pallet (or other container) carried: its code as the plant holds it, the lots packed in it (and in the
    containers packed in it, while they were), and its packings (a re-used SSCC has several): how many, the first
    and the last."""

    code: str
    lots: list[LotRef]
    packings: int
    first: datetime | None
    last: datetime | None


def container_key(text: str) -> tuple[str, str | None] | None:
    """(identifier key, 18-digit SSCC or None) when ``text`` names a container: an SSCC as EPC URN, GS1 Digital Link
    (``/00/``) or element string (``(00)…``, ``00…``); else None."""
    given = text.strip()
    if names_uri(given):
        try:
            ident = parse_identifier(given)
        except IdentifierError:
            return None
        return (ident.key, ident.sscc) if ident.scheme is Scheme.SSCC else None
    digits = given.replace("(", "").replace(")", "").replace(" ", "")
    if len(digits) == 20 and digits.startswith("00") and digits.isdigit():
        return (f"https://id.gs1.org/00/{digits[2:]}", digits[2:])
    return None


def find_container_lots(session: Session, text: str, day: date | None = None) -> ContainerLots | None:
    """The lots a container carried (in any of its stays; with ``day``, in the stays that day), or None when
    ``text`` names no container. A container the plant does not know is refused in one sentence."""
    key = container_key(text)
    if key is None:
        return None
    ident, sscc = key
    given = text.strip()
    wanted = [Container.code == given, Container.code == ident] + ([Container.sscc == sscc] if sscc else [])
    found = session.execute(select(Container.id, Container.code).where(or_(*wanted)).limit(1)).first()
    if found is None:
        raise NotFound(f"No pallet or other container has the identifier {given}.")
    since = datetime.combine(day, time()) if day else None
    until = since + timedelta(days=1) if since else None
    lots: set[int] = set()
    stays: set[datetime] = set()
    level: dict[int, tuple[datetime | None, datetime | None]] = {found.id: (since, until)}
    seen: set[int] = set()
    while level:  # the container, then the containers packed in it while they were, level by level
        seen.update(level)
        rows = session.execute(select(Packing.container_id, Packing.lot_id, Packing.child_id, Packing.packed_at,
                                      Packing.unpacked_at).where(Packing.container_id.in_(level))).all()
        nested: dict[int, tuple[datetime | None, datetime | None]] = {}
        for container, lot_id, child, packed, unpacked in rows:
            start, end = level[container]
            if (end is not None and packed >= end) or (start is not None and unpacked is not None and unpacked < start):
                continue  # not on it in the window asked about
            if container == found.id:
                stays.add(packed)
            if lot_id is not None:
                lots.add(lot_id)
            if child is not None and child not in seen:
                nested[child] = (max(filter(None, (start, packed)), default=None),
                                 min(filter(None, (end, unpacked)), default=None))
        level = nested
    refs = [LotRef(*row) for row in fetch_in(session, select(Lot.id, Item.code, Lot.code)
                                              .join(Item, Item.id == Lot.item_id), Lot.__table__.c.id, lots)]
    return ContainerLots(found.code, sorted(refs, key=lambda r: r.label), len(stays), min(stays, default=None),
                         max(stays, default=None))
