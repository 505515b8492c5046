"""Shipping and receiving events paired into transfers: the receipt of what a shipment sent.

A receipt pairs with an unpaired shipment of the same goods (the same lots and containers; else any of
them), preferring one bound for the receipt's location or party, then the latest shipped before it; one
shipped after it is taken with a warning (a receipt dated before its shipment). A second receipt of goods
already received at the same place, with no shipment left for it, is a duplicate: counted once, said.
A shipment left unpaired is in transit; a receipt left unpaired came from a source that sent no event.
"""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

from workbench.interchange.epcis.plan import Ends, ImportPlan, Transfer

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


def _quantities(move: ShipOrReceive) -> tuple:
    return tuple(sorted((lq.lot, str(lq.quantity), lq.unit or "") for lq in move.lots))


def pair_transfers(moves: list[ShipOrReceive], plan: ImportPlan) -> list[Transfer]:
    ships = [m for m in moves if m.kind == "ship"]
    paired: dict[int, ShipOrReceive] = {}  # id(ship) -> receipt
    receipts_done: list[tuple[ShipOrReceive, ShipOrReceive | None]] = []
    transfers: list[Transfer] = []
    for receipt in (m for m in moves if m.kind == "receive"):
        if receipt.event.retracted is not None:
            transfers.append(_transfer(None, receipt))
            continue
        open_ships = [s for s in ships if id(s) not in paired and s.event.retracted is None]
        same = [s for s in open_ships if s.objects == receipt.objects] or \
               [s for s in open_ships if s.objects & receipt.objects]
        if same:
            bound = [s for s in same if _bound_for(s, receipt)] or same
            at = receipt.event.time.astimezone(UTC)
            before = [s for s in bound if s.event.time.astimezone(UTC) <= at]
            ship = max(before, key=lambda s: s.event.time.astimezone(UTC)) if before else \
                min(bound, key=lambda s: s.event.time.astimezone(UTC))
            if not before:
                plan.warn(receipt.event.where, f"received on {receipt.event.time.isoformat()}, before it was shipped "
                                               f"({ship.event.where}, {ship.event.time.isoformat()}); "
                                               "the two are paired as one transfer")
            paired[id(ship)] = receipt
            receipts_done.append((receipt, ship))
            continue
        earlier = next((r for r, s in receipts_done if r.objects == receipt.objects
                        and r.event.location == receipt.event.location and _quantities(r) == _quantities(receipt)), None)
        if earlier is not None:
            plan.duplicates += 1
            plan.warn(receipt.event.where, f"a second receipt of the same goods at the same place (first "
                                           f"{earlier.event.where}) with no shipment left for it; counted once")
            continue
        receipts_done.append((receipt, None))
    for ship in ships:
        transfers.append(_transfer(ship, paired.get(id(ship))))
    for receipt, ship in receipts_done:
        if ship is None:
            transfers.append(_transfer(None, receipt))
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
