"""What each container (pallet, case: an SSCC or any parentID) holds at a moment, replayed event by event.

Packing adds lots (with quantities) and other containers (nesting); unpacking takes them out, or everything
when the event names no children. A container emptied and packed again (re-used SSCCs are common in real
data) simply starts over: its contents are always those of the events before the moment asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from workbench.interchange.epcis.plan import LotQuantity


@dataclass
class _Content:
    lots: dict[tuple[str, str | None], Decimal | None] = field(default_factory=dict)  # (lot, unit) -> quantity
    containers: dict[str, None] = field(default_factory=dict)  # ordered set


class Containers:
    """The contents of every container as the events replayed so far left them."""

    def __init__(self) -> None:
        self._held: dict[str, _Content] = {}

    def pack(self, container: str, lots: tuple[LotQuantity, ...], children: tuple[str, ...]) -> None:
        content = self._held.setdefault(container, _Content())
        for lq in lots:
            key = (lq.lot, lq.unit)
            before = content.lots.get(key, Decimal(0))
            content.lots[key] = None if before is None or lq.quantity is None else before + lq.quantity
        for child in children:
            if child != container:
                content.containers[child] = None

    def unpack(self, container: str, lots: tuple[LotQuantity, ...], children: tuple[str, ...], everything: bool) -> None:
        content = self._held.get(container)
        if content is None:
            return
        if everything:
            del self._held[container]
            return
        for lq in lots:
            key = (lq.lot, lq.unit)
            if key not in content.lots:
                continue
            before = content.lots[key]
            left = None if before is None or lq.quantity is None else before - lq.quantity
            if left is None or left <= 0:
                del content.lots[key]
            else:
                content.lots[key] = left
        for child in children:
            content.containers.pop(child, None)
        if not content.lots and not content.containers:
            del self._held[container]

    def holds(self, container: str) -> bool:
        return container in self._held

    def lots_in(self, container: str) -> tuple[LotQuantity, ...]:
        """Every lot in the container, nested containers opened (each lot marked with its outermost container)."""
        out: list[LotQuantity] = []
        self._collect(container, container, out, set())
        return tuple(out)

    def _collect(self, container: str, outer: str, out: list[LotQuantity], seen: set[str]) -> None:
        if container in seen:
            return
        seen.add(container)
        content = self._held.get(container)
        if content is None:
            return
        for (lot, unit), quantity in content.lots.items():
            out.append(LotQuantity(lot, quantity, unit, via=outer))
        for child in content.containers:
            self._collect(child, outer, out, seen)
