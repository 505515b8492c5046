"""What a recall holds, as plain data: affected lots, customers, the mass balance.

Built by ``workbench.recall.engine.recall``; read by the app, the command line and the
report writers (which must not query the plant, so these records import no database code).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from workbench.facts import (
    Genealogy,
    ItemFacts,
    LotBalance,
    LotRef,
    NodeId,
    PartyFacts,
    PlaceFacts,
    ReceiptLine,
    ReturnLine,
    ShipmentLine,
    SiteStock,
    TransitLine,
)
from workbench.format import quantity
from workbench.jsonutil import json_object, jsonable

ZERO = Decimal(0)


@dataclass(frozen=True)
class AffectedLot:
    """A lot downstream of (or among) the suspect lots, with where its quantity went."""

    balance: LotBalance
    item_name: str | None
    depth: int  # 0 for a suspect lot, n for n lot-to-lot steps downstream
    created_at: datetime | None
    expires_at: datetime | None
    vendor_lot: str | None

    @property
    def lot_id(self) -> int:
        return self.balance.lot_id

    @property
    def item(self) -> str:
        return self.balance.item

    @property
    def lot(self) -> str:
        return self.balance.lot

    @property
    def kind(self) -> str:
        return self.balance.kind

    @property
    def unit(self) -> str:
        return self.balance.unit

    @property
    def on_hand(self) -> Decimal:
        return self.balance.on_hand

    @property
    def label(self) -> str:
        return f"{self.item}/{self.lot}"

    @property
    def ref(self) -> LotRef:
        return LotRef(self.lot_id, self.item, self.lot)

    def to_json(self) -> dict[str, Any]:
        b = self.balance
        return json_object({
            "item": b.item, "item_name": self.item_name, "lot": b.lot, "kind": b.kind,
            "origin": b.origin, "depth": self.depth, "made": b.made, "consumed": b.consumed,
            "shipped": b.shipped, "returned": b.returned, "on_hand": b.on_hand, "unit": b.unit,
            "created_at": self.created_at, "expires_at": self.expires_at, "vendor_lot": self.vendor_lot,
        })


@dataclass(frozen=True)
class CustomerRecall:
    """A customer who received affected lots, with every shipment line (oldest first)."""

    party: PartyFacts
    lines: tuple[ShipmentLine, ...]

    @property
    def customer(self) -> str:
        return self.party.code

    @property
    def name(self) -> str | None:
        return self.party.name

    @property
    def contact(self) -> str | None:
        return self.party.contact

    @property
    def email(self) -> str | None:
        return self.party.email

    @property
    def phone(self) -> str | None:
        return self.party.phone

    @property
    def address(self) -> str | None:
        return self.party.address

    @property
    def display_name(self) -> str:
        return self.party.display_name

    def quantities(self) -> dict[str, Decimal]:
        """Quantity received per unit."""
        out: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.lines:
            out[line.unit] += line.quantity
        return dict(out)

    def lots(self) -> list[tuple[str, str]]:
        """The (item, lot) pairs this customer received, in order of first shipment."""
        return list(dict.fromkeys((line.item, line.lot) for line in self.lines))

    @property
    def shipment_count(self) -> int:
        return len({line.shipment for line in self.lines})

    def to_json(self) -> dict[str, Any]:
        return {"customer": self.customer, "name": self.name, "contact": self.contact, "email": self.email,
                "phone": self.phone, "address": self.address,
                "shipments": [line.to_json() for line in self.lines]}


@dataclass(frozen=True)
class ReconciliationRow:
    """The mass balance of one affected lot.

    ``made + returned = consumed + shipped + on_hand``, with ``on_hand`` computed, always
    holds; what can go wrong is shown beside it:

    * ``unaccounted``: what left the lot beyond what it held (``LotBalance.unaccounted``;
      over-consumption or over-shipment; the computed on-hand went negative);
    * ``record_difference``: the lot's quantity minus what its receipt lines or order
      outputs record (positive: the lot says more than the documents; negative: fewer);
      ``None`` for opening stock, which has no document;
    * ``returned`` more than was ever ``shipped``.
    """

    item: str
    lot: str
    kind: str
    origin: str
    depth: int
    unit: str
    made: Decimal
    recorded: Decimal | None
    returned: Decimal
    consumed: Decimal
    shipped: Decimal
    on_hand: Decimal
    unaccounted: Decimal
    record_difference: Decimal
    findings: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    def to_json(self) -> dict[str, Any]:
        return json_object({**{f: getattr(self, f) for f in RECONCILIATION_FIELDS}, "flagged": self.flagged,
                         "findings": list(self.findings)})


RECONCILIATION_FIELDS = ("item", "lot", "kind", "origin", "depth", "unit", "made", "recorded", "returned",
                         "consumed", "shipped", "on_hand", "unaccounted", "record_difference")


@dataclass(frozen=True)
class TransformationLine:
    item: str
    item_name: str | None
    lot: str
    quantity: Decimal
    unit: str
    affected: bool  # an input from (or an output that is) an affected lot


@dataclass(frozen=True)
class Transformation:
    """A production order that used an affected lot: all its inputs and outputs.

    Input/output view: ``affected_share(unit)`` is the part of the order's inputs in that
    unit that came from affected lots (e.g. 250 of 1,000 kg of dry ingredients), the
    exposure of every output lot. Inputs and outputs are not compared with each other,
    since a recipe changes units (kg of dough into cases of cookies).
    """

    order: str
    item: str
    item_name: str | None
    started_at: datetime | None
    finished_at: datetime | None
    inputs: tuple[TransformationLine, ...]
    outputs: tuple[TransformationLine, ...]
    #: The place of transformation (None: the plant).
    location: PlaceFacts | None = None

    def input_totals(self, affected_only: bool = False) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.inputs:
            if line.affected or not affected_only:
                out[line.unit] += line.quantity
        return dict(out)

    def output_totals(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.outputs:
            out[line.unit] += line.quantity
        return dict(out)

    def affected_share(self, unit: str) -> Decimal | None:
        total = self.input_totals().get(unit)
        if not total:
            return None
        return self.input_totals(affected_only=True).get(unit, ZERO) / total


@dataclass(frozen=True)
class RecallTotals:
    """Counts and quantities (per unit) of a recall, and the practitioners' check.

    *Amount in question* is what the suspect lots held (made or received, plus returns);
    *amount found* is what the records place: consumed into traced orders, shipped to
    named customers, or still on hand. 100 % found is a clean trace; more than 100 %
    means more left the suspect lots than they held.
    """

    roots: int
    affected_lots: int
    lots_by_kind: dict[str, int]
    lots_on_hold: int
    on_hold: dict[str, Decimal]
    customers: int
    shipments: int
    shipment_lines: int
    shipped: dict[str, Decimal]
    transformations: int
    flagged: int
    in_question: dict[str, Decimal]
    found: dict[str, Decimal]

    def found_percent(self) -> dict[str, Decimal]:
        return {u: (self.found.get(u, ZERO) * 100 / q).quantize(Decimal("0.1"))
                for u, q in self.in_question.items() if q}

    def to_json(self) -> dict[str, Any]:
        return json_object({
            "roots": self.roots, "affected_lots": self.affected_lots, "lots_by_kind": self.lots_by_kind,
            "lots_on_hold": self.lots_on_hold, "on_hold": self.on_hold, "customers": self.customers,
            "shipments": self.shipments, "shipment_lines": self.shipment_lines, "shipped": self.shipped,
            "transformations": self.transformations, "flagged": self.flagged,
            "amount_in_question": self.in_question, "amount_found": self.found,
            "percent_found": self.found_percent(),
        })


@dataclass
class Recall:
    """Everything a recall needs, as plain data."""

    roots: list[LotRef]
    reason: str | None
    created_at: datetime
    genealogy: Genealogy
    affected: list[AffectedLot]
    customers: list[CustomerRecall]
    reconciliation: list[ReconciliationRow]
    transformations: list[Transformation]
    receipts: list[ReceiptLine]
    returns: list[ReturnLine]
    items: dict[str, ItemFacts]
    totals: RecallTotals
    hold: list[AffectedLot] = field(default_factory=list)
    #: Every vendor and customer the records name, by box id (``vendor:CODE``, ``customer:CODE``):
    #: their addresses are the FSMA 204 places of receiving and shipping.
    parties: dict[NodeId, PartyFacts] = field(default_factory=dict)
    #: Each affected lot at each location where it has stock (or less than none): the hold
    #: list per site. Transfers between sites are counted once (``plant.sites``).
    sites: list[SiteStock] = field(default_factory=list)
    #: Shipment lines of affected lots on their way to one of our sites.
    in_transit: list[TransitLine] = field(default_factory=list)
    #: Key data elements of the affected lots (production date, country of origin, catch area…).
    key_data: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def hold_by_site(self) -> dict[str, list[tuple[AffectedLot, Decimal]]]:
        """Affected lots with stock on hand, by site (most stock first): what to block where."""
        lots = {a.lot_id: a for a in self.affected}
        out: dict[str, list[tuple[AffectedLot, Decimal]]] = {}
        for s in self.sites:
            if s.on_hand > 0 and s.lot_id in lots:
                out.setdefault(s.site, []).append((lots[s.lot_id], s.on_hand))
        for rows in out.values():
            rows.sort(key=lambda r: (-r[1], r[0].item, r[0].lot))
        return out

    def customers_by_ship_to(self) -> dict[str, list[ShipmentLine]]:
        """Shipment lines by ship-to location (the customer where no location was recorded)."""
        out: dict[str, list[ShipmentLine]] = {}
        for line in self.lines:
            key = line.ship_to.label if line.ship_to else (line.customer_name or line.customer)
            out.setdefault(key, []).append(line)
        return out

    def party(self, kind: str, code: str) -> PartyFacts:
        """The vendor or customer ``code`` (its code alone when the recall holds no more)."""
        return self.parties.get(NodeId.of(kind, code)) or PartyFacts(code)

    @property
    def reference(self) -> str:
        """A short reference for letters and files: RC-YYYYMMDD-LOT."""
        first = self.roots[0].lot if self.roots else "NONE"
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in first)
        return f"RC-{self.created_at:%Y%m%d}-{safe}"

    @property
    def lines(self) -> list[ShipmentLine]:
        return [line for c in self.customers for line in c.lines]

    def gtin_of(self, item: str) -> str | None:
        info = self.items.get(item)
        return info.gtin if info else None

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "created_at": jsonable(self.created_at),
            "reason": self.reason,
            "roots": [{"item": r.item, "lot": r.lot} for r in self.roots],
            "affected_lots": [a.to_json() for a in self.affected],
            "hold_list": [{"item": a.item, "lot": a.lot, "on_hand": jsonable(a.on_hand), "unit": a.unit}
                          for a in self.hold],
            "customers": [c.to_json() for c in self.customers],
            "hold_by_site": {site: [{"item": a.item, "lot": a.lot, "on_hand": jsonable(q), "unit": a.unit}
                                    for a, q in rows] for site, rows in self.hold_by_site().items()},
            "in_transit": [{"shipment": t.shipment, "shipped_at": jsonable(t.shipped_at), "lot_id": t.lot_id,
                            "quantity": jsonable(t.quantity), "ship_to": t.ship_to.to_json(),
                            "container": t.container, "status": t.describe()} for t in self.in_transit],
            "reconciliation": [r.to_json() for r in self.reconciliation],
            "totals": self.totals.to_json(),
        }



# --- pure operations on the records ------------------------------------------------------


def hold_list(affected: Iterable[AffectedLot]) -> list[AffectedLot]:
    """The affected lots with stock still on hand: put them on hold (most stock first)."""
    return sorted((a for a in affected if a.on_hand > 0), key=lambda a: (-a.on_hand, a.item, a.lot))


def reconcile(affected: Iterable[AffectedLot], recorded: dict[int, Decimal] | None = None) -> list[ReconciliationRow]:
    """The mass balance of each lot, flagged where units are unaccounted for.

    ``recorded``: per lot id, the quantity its receipt lines or order outputs record (lots
    of origin ``opening`` have none). Flagged rows come first, then by depth, item, lot.
    """
    recorded = recorded or {}
    rows = []
    for a in affected:
        b = a.balance
        rec = recorded.get(b.lot_id) if b.origin != "opening" else None
        if rec is None and b.origin != "opening":
            rec = ZERO  # a received or produced lot with no document at all
        difference = ZERO if rec is None else b.made - rec
        findings = []
        if b.unaccounted:
            findings.append(f"{quantity(b.unaccounted, b.unit)} more left the lot than it held")
        if difference:
            what = "receipt lines" if b.origin == "receipt" else "order outputs"
            findings.append(f"lot quantity differs from its {what} by {quantity(difference, b.unit)}")
        if b.transferred != b.arrived:
            findings.append(f"transfers received {quantity(b.arrived, b.unit)} of {quantity(b.transferred, b.unit)} "
                            "shipped between sites")
        if b.returned > b.shipped:
            findings.append(f"{quantity(b.returned - b.shipped, b.unit)} more returned than shipped")
        rows.append(ReconciliationRow(
            item=b.item, lot=b.lot, kind=b.kind, origin=b.origin, depth=a.depth, unit=b.unit, made=b.made,
            recorded=rec, returned=b.returned, consumed=b.consumed, shipped=b.shipped, on_hand=b.on_hand,
            unaccounted=b.unaccounted, record_difference=difference, findings=tuple(findings)))
    rows.sort(key=lambda r: (not r.flagged, r.depth, r.item, r.lot))
    return rows


def with_reason(r: Recall, reason: str | None) -> Recall:
    """The same recall with another stated reason (the letters quote it)."""
    return replace(r, reason=reason)
