"""Stock of one item in the simulation, picked first expired, first out (FEFO)."""

from __future__ import annotations

from heapq import heappop, heappush

#: Sort key of lots that never expire (packaging): after every dated lot, then by age.
NO_EXPIRY = 10**9


class Stock:
    """The on-hand lots of one item as a heap keyed by (expiry day, lot id).

    Ties on expiry go to the older lot (smaller id), so the key is total and picking is
    deterministic. ``total`` is the sum on hand, used by the planner.
    """

    __slots__ = ("heap", "total")

    def __init__(self) -> None:
        self.heap: list[list[int]] = []
        self.total = 0

    def put(self, expiry_day: int, lot_id: int, qty: int) -> None:
        heappush(self.heap, [expiry_day, lot_id, qty])
        self.total += qty

    def take(self, qty: int) -> list[tuple[int, int]]:
        """Pick exactly ``qty`` FEFO; (lot id, quantity) per lot picked."""
        picked = self.take_upto(qty)
        if sum(q for _, q in picked) != qty:
            raise RuntimeError("the demo planner let stock run short")  # a generator bug
        return picked

    def take_upto(self, qty: int) -> list[tuple[int, int]]:
        """Pick FEFO as much of ``qty`` as there is."""
        heap = self.heap
        picked: list[tuple[int, int]] = []
        while qty > 0 and heap:
            top = heap[0]
            t = top[2] if top[2] <= qty else qty
            top[2] -= t
            qty -= t
            self.total -= t
            if picked and picked[-1][0] == top[1]:  # a lot put in twice (received in two parts)
                picked[-1] = (top[1], picked[-1][1] + t)
            else:
                picked.append((top[1], t))
            if top[2] == 0:
                heappop(heap)
        return picked
