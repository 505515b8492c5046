"""A lot found by any EPCIS identifier form: the identifier it was imported with, an LGTIN URN, a Digital Link,
a GDST lot class URN; anything else (a lot code, a GS1 barcode) goes to ``workbench.plant.lookup.find_lot``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import NotFound
from workbench.facts import LotRef
from workbench.interchange.epcis.identifiers import IdentifierError, Scheme, dl_encode, parse_identifier
from workbench.plant.identities import LotIdentifier
from workbench.plant.lookup import find_lot
from workbench.plant.models import Item, Lot
from workbench.plant.query import fetch_in


def find_lot_by_identifier(session: Session, text: str, item: str | None = None) -> LotRef:
    given = text.strip()
    if not given.lower().startswith(("urn:", "http://", "https://")):
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
