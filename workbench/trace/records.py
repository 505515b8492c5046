"""The rows of the trace table (plain records: the spreadsheet writer in ``workbench.reports`` renders them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

COLUMNS = ("Level", "Kind", "Item", "Lot", "Description", "Quantity", "Unit", "Date", "Customer / vendor", "On hand")


@dataclass(frozen=True)
class TraceRow:
    """One line of the table; ``parent`` is the index of the row it hangs under (or -1)."""

    node_id: str
    parent: int
    level: int
    kind: str
    item: str
    lot: str
    description: str
    quantity: Decimal | None
    unit: str
    date: datetime | None
    party: str
    lot_id: int | None = None
    on_hand: Decimal | None = None
    #: A lot listed again under another parent (not opened a second time).
    repeated: bool = False

    def values(self) -> tuple[int, str, str, str, str, Decimal | None, str, datetime | None, str, Decimal | None]:
        return (self.level, self.kind, self.item, self.lot, self.description, self.quantity, self.unit,
                self.date, self.party, self.on_hand)

__all__ = ["COLUMNS", "TraceRow"]
