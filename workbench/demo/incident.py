"""The story planted in the demo plant, and the generator's own account of it.

The incident is scripted on fixed dates with fixed codes, so ``INCIDENT`` is the same
for every seed and scale: on Tuesday 12 May 2026 at 04:00 Northfield Foods received a
pallet of almonds from Sierra Nut Company that was older stock (it expires first, so
FEFO picking sends it straight into production). The first chopping order of that
morning turned it into chopped almonds; from there it went into nut mix, granola
clusters, cookie dough, bars, cookies, muesli and granola, and on to many customers.
Weeks later consumers fell ill; customers returned cases with illness complaints, and
the vendor found Salmonella in its retained sample of the lot.

The generator also plants one mass-balance fault downstream: the chopped-almond lot of
that first order was consumed ``overconsumed_by`` kg beyond what it held (a scan
recorded too much), so a recall's reconciliation must flag it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Incident:
    vendor: str
    vendor_name: str
    item: str
    lot: str
    vendor_lot: str
    receipt: str
    po: str
    received_at: datetime
    quantity: Decimal
    story: str
    #: (item code, lot code) of the lot consumed beyond what it held.
    overconsumed_lot: tuple[str, str]
    overconsumed_by: Decimal
    #: Return reasons of the customer complaints caused by the incident start with this.
    complaint: str


INCIDENT = Incident(
    vendor="V-SIERRA",
    vendor_name="Sierra Nut Company",
    item="RM-ALMOND",
    lot="R26132-01",
    vendor_lot="SN2617-0382",
    receipt="GRN26132-01",
    po="PO-4500021347",
    received_at=datetime(2026, 5, 12, 4, 0),
    quantity=Decimal(900),
    story=(
        "Salmonella found by Sierra Nut Company in its retained sample of almond lot "
        "SN2617-0382, received by Northfield Foods on 12 May 2026 as lot R26132-01."
    ),
    overconsumed_lot=("IM-ALMOND-CHOP", "26132A1"),
    overconsumed_by=Decimal(3),
    complaint="Illness complaint",
)


@dataclass(frozen=True)
class IncidentReach:
    """What the generator itself recorded of the incident lot's spread.

    Computed while generating, independently of any genealogy query: every lot made
    from the incident lot at any depth (all outputs of an order that consumed such a
    lot, as ``lot_edges`` links them), the customers that received any of those lots,
    and the quantity (cases) shipped to each.
    """

    lots: frozenset[tuple[str, str]]
    customers: frozenset[str]
    shipped: dict[str, Decimal]
    #: SSCCs of the pallets that carried any of those lots: the plant's pallets to the
    #: distribution centre, its customer pallets and the display pallets on them.
    pallets: frozenset[str] = frozenset()
    #: Codes of the transfers (plant to distribution centre) that carried any of them.
    transfers: frozenset[str] = frozenset()
    #: Our sites ("plant", "dc") that shipped any of them to a customer.
    shipped_from: frozenset[str] = frozenset()
    #: Those of them still on the road to the distribution centre when the year ends.
    in_transit: frozenset[tuple[str, str]] = frozenset()

    @property
    def products(self) -> frozenset[str]:
        return frozenset(item for item, _ in self.lots if item.startswith("FG-"))

    @property
    def intermediates(self) -> frozenset[str]:
        return frozenset(item for item, _ in self.lots if item.startswith("IM-"))


@dataclass
class DemoSummary:
    """What ``build_demo`` wrote, how long it took, and its account of the incident."""

    seed: int
    scale: float
    first_day: date
    last_day: date
    counts: dict[str, int]
    seconds: float
    incident_reach: IncidentReach
    #: Quantity by which ``INCIDENT.overconsumed_lot`` was consumed beyond what it held
    #: (``INCIDENT.overconsumed_by`` unless the plant was too small to use it up).
    overconsumed: Decimal
    #: (item, lot) of the salt lot consumed by the most orders, and how many.
    everywhere_lot: tuple[str, str]
    everywhere_orders: int
    #: RMA numbers of the incident's illness complaints and of the reworked returns.
    complaint_rmas: tuple[str, ...] = field(default=())
    reworked_rmas: tuple[str, ...] = field(default=())
    #: The supply chain: transfer lines to the distribution centre, the transfer still on
    #: the road at the end of the year, pallets (and mixed ones: nested), the receipt line
    #: recorded in error, retracted and corrected (receipt, lot).
    transfer_lines: int = 0
    in_transit: str | None = None
    in_transit_pallets: int = 0
    pallets: int = 0
    mixed_pallets: int = 0
    corrected_receipt: tuple[str, str] | None = None

    @property
    def lots(self) -> int:
        return self.counts.get("lots", 0)


def incident_reach(summary: DemoSummary) -> IncidentReach:
    """The generator's own record of where the incident lot went."""
    return summary.incident_reach
