"""Shipping and receiving events paired into transfers: the receipt of what a shipment sent.

A receipt pairs with an unpaired shipment of the same goods (the same lots and containers; else any of
them), preferring one that names a business document the receipt names too (the despatch advice, the order),
then one bound for the receipt's location or party, then the latest shipped before it. One shipped after it is
taken, with a warning (a receipt dated before its shipment), only when it carries the same goods or names the
same document: a later shipment that merely shares a lot is another shipment of that lot, and taking it would
take it from its own receipt (a document that starts after the receipt's shipment, a period cut out of a plant's
events, would shift every receipt of a route onto the next day's shipment). A second receipt of goods
already received at the same place, with no shipment left for it, is a duplicate: counted once, said.
A shipment left unpaired is in transit; a receipt left unpaired came from a source that sent no event.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC
from decimal import Decimal
from typing import TYPE_CHECKING

from workbench.interchange.epcis.plan import Ends, ImportPlan, PlanEvent, Transfer
from workbench.interchange.epcis.units import in_base

if TYPE_CHECKING:
    from workbench.interchange.epcis.mapping import ShipOrReceive


def _merge(first: Ends, second: Ends) -> Ends:
    return Ends(first.owner or second.owner, first.possessor or second.possessor, first.location or second.location)


def _bound_for(ship: ShipOrReceive, receipt: ShipOrReceive) -> bool:
    destination = ship.ends[1]
    here = receipt.event.location
    if destination.location and here:
        return destination.location == here
    wanted = receipt.ends[1].party
    return bool(destination.party and wanted and destination.party == wanted)


def is_return(event: PlanEvent) -> bool:
    """A receipt of goods returned by a customer: under an RMA document, or with disposition ``returned``."""
    return event.disposition == "returned" or any(d.type == "rma" for d in event.documents)


def _quantities(move: ShipOrReceive) -> tuple:
    """What a move carries, per lot, in base units: the same goods given once in KGM and once in GRM compare equal."""
    summed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for lq in move.lots:
        if lq.quantity is None:
            summed[(lq.lot, lq.unit or "")] += 0
            continue
        amount, unit = in_base(lq.quantity, lq.unit)
        summed[(lq.lot, unit)] += amount
    return tuple(sorted((lot, format(q.normalize(), "f"), unit) for (lot, unit), q in summed.items()))


def pair_transfers(moves: list[ShipOrReceive], plan: ImportPlan) -> list[Transfer]:
    ships = [m for m in moves if m.kind == "ship"]
    by_object: dict[str, list[ShipOrReceive]] = defaultdict(list)
    for ship in ships:
        if ship.event.retracted is None:
            for key in ship.objects:
                by_object[key].append(ship)
    paired: dict[int, ShipOrReceive] = {}  # id(ship) -> receipt
    received: dict[tuple, ShipOrReceive] = {}  # (objects, location, quantities) -> first receipt of them
    alone: list[ShipOrReceive] = []
    transfers: list[Transfer] = []
    for receipt in (m for m in moves if m.kind == "receive"):
        if receipt.event.retracted is not None:
            transfers.append(_transfer(None, receipt))
            continue
        # A return (an RMA, or goods received as returned) comes back from a customer: no shipment of ours sent it.
        open_ships = {} if is_return(receipt.event) else {
            id(s): s for key in receipt.objects for s in by_object.get(key, ()) if id(s) not in paired}
        documents = set(receipt.event.documents)
        named = [s for s in open_ships.values() if documents.intersection(s.event.documents)]
        same = named or [s for s in open_ships.values() if s.objects == receipt.objects] or list(open_ships.values())
        seen = (receipt.objects, receipt.event.location, _quantities(receipt))
        at = receipt.event.time.astimezone(UTC)
        # A later shipment that only shares a lot is another shipment of it, not this receipt's.
        same = [s for s in same if named or s.objects == receipt.objects or s.event.time.astimezone(UTC) <= at]
        if same:
            bound = [s for s in same if _bound_for(s, receipt)] or same
            before = [s for s in bound if s.event.time.astimezone(UTC) <= at]
            ship = max(before, key=lambda s: s.event.time.astimezone(UTC)) if before else \
                min(bound, key=lambda s: s.event.time.astimezone(UTC))
            if not before:
                plan.warn(receipt.event.where, f"received on {receipt.event.time.isoformat()}, before it was shipped "
                                               f"({ship.event.where}, {ship.event.time.isoformat()}); "
                                               "the two are paired as one transfer")
            paired[id(ship)] = receipt
            received.setdefault(seen, receipt)
            continue
        earlier = received.get(seen)
        if earlier is not None:
            plan.duplicates += 1
            plan.warn(receipt.event.where, f"a second receipt of the same goods at the same place (first "
                                           f"{earlier.event.where}) with no shipment left for it; counted once")
            continue
        received[seen] = receipt
        alone.append(receipt)
    for ship in ships:
        transfers.append(_transfer(ship, paired.get(id(ship))))
    transfers.extend(_transfer(None, receipt) for receipt in alone)
    transfers.sort(key=lambda t: (t.shipped_at or t.received_at).astimezone(UTC))  # type: ignore[union-attr]
    return transfers


def _transfer(ship: ShipOrReceive | None, receipt: ShipOrReceive | None) -> Transfer:
    first = ship or receipt
    assert first is not None
    if ship is not None:
        source = _merge(ship.ends[0], Ends(location=ship.event.location))
        destination = ship.ends[1]
    else:
        source, destination = receipt.ends[0], Ends()  # type: ignore[union-attr]
    if receipt is not None:
        destination = _merge(_merge(destination, receipt.ends[1]), Ends(location=receipt.event.location))
        if ship is None:
            source = _merge(source, receipt.ends[0])
    documents = tuple(dict.fromkeys((ship.event.documents if ship else ()) + (receipt.event.documents if receipt else ())))
    return Transfer(
        key=first.event.identity,
        shipped=ship.event.identity if ship else None,
        received=receipt.event.identity if receipt else None,
        shipped_at=ship.event.time if ship else None,
        received_at=receipt.event.time if receipt else None,
        source=source, destination=destination,
        lots=first.lots if ship is not None else receipt.lots,  # type: ignore[union-attr]
        containers=first.containers,
        documents=documents,
    )
