"""The shared records: one type for each fact every feature talks about.

A lot, an item, a party, an operation, a receipt, shipment or return line, a lot's life
event, and the ids and payloads of the boxes of a genealogy. Features return these;
views, reports and the command line read them. Plain frozen dataclasses, safe to hand
to any thread.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LotRef:
    """A lot's identity as users see it, with its database id."""

    id: int
    item: str
    lot: str

    @property
    def label(self) -> str:
        return f"{self.item}/{self.lot}"

    def __str__(self) -> str:
        return self.label
