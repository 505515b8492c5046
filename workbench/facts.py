"""The shared records: one type for each fact every feature talks about.

A lot, an item, a party, an operation, a receipt, shipment or return line, a lot's life
event, and the genealogy (its boxes, their typed payloads and the flows between them).
Features return these; views, reports and the command line read them. Plain frozen
dataclasses with no database or Qt in them, safe to hand to any thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from workbench.jsonutil import json_object

# --- identities ----------------------------------------------------------------------------


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


def parse_lot_label(text: str) -> tuple[str | None, str]:
    """``ITEM/LOT`` as users write a lot: (item, lot); a bare lot code gives (None, lot).

    The item is what comes before the first slash, so a lot code may itself hold slashes
    (``FLOUR/2026/05``); an item code never does.
    """
    text = text.strip()
    item, sep, lot = text.partition("/")
    if sep and item.strip() and lot.strip():
        return item.strip(), lot.strip()
    return None, text


class NodeId(str):
    """The id of a box in a genealogy: ``KIND:KEY``.

    ``lot:ITEM/LOT``, ``operation:ORDER/STEP``, ``group:…`` and ``KIND:CODE`` for every
    other kind (``order:MO-1``, ``customer:C-1001``). A ``str``, so ids compare, hash and
    serialise as the text they are; build them only through these constructors.
    """

    __slots__ = ()

    @classmethod
    def of(cls, kind: str, code: str) -> NodeId:
        return cls(f"{kind}:{code}")

    @classmethod
    def lot(cls, item: str, lot: str) -> NodeId:
        return cls(f"lot:{item}/{lot}")

    @classmethod
    def operation(cls, order: str, step: str) -> NodeId:
        return cls(f"operation:{order}/{step}")

    @property
    def kind(self) -> str:
        return self.partition(":")[0]

    @property
    def key(self) -> str:
        """What follows the kind: ``ITEM/LOT`` for a lot, the code for most kinds."""
        return self.partition(":")[2]


# --- what things are -------------------------------------------------------------------------

NODE_KINDS = ("lot", "vendor", "receipt", "order", "operation", "machine", "operator",
              "shipment", "customer", "return", "site", "container")
#: Flows, the way material moves: vendor -supplied-> receipt -received-> lot -consumed->
#: order -produced-> lot -shipped-> shipment -delivered-> customer; customer -returned->
#: return -returned-> lot; machine -ran-> operation, operator -operated-> operation,
#: operation -performed-> order; a transfer: shipment -delivered-> site (or -in_transit->
#: while not received); pallets: lot -packed-> container -packed-> container -shipped-> shipment.
EDGE_KINDS = ("supplied", "received", "consumed", "produced", "shipped", "delivered", "returned",
              "ran", "operated", "performed", "packed", "in_transit")


@dataclass(frozen=True)
class ItemFacts:
    code: str
    name: str | None
    kind: str
    unit: str
    gtin: str | None = None
    shelf_life_days: int | None = None


@dataclass(frozen=True)
class PartyFacts:
    """A vendor or customer with its contact data."""

    code: str
    name: str | None = None
    contact: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None

    @property
    def display(self) -> str:
        """``Sierra Nut Company (V-SIERRA)``, or the code alone."""
        return f"{self.name} ({self.code})" if self.name else self.code

    @property
    def display_name(self) -> str:
        return self.name or self.code

    def contact_json(self) -> dict[str, Any]:
        return {"contact": self.contact, "email": self.email, "phone": self.phone, "address": self.address}


def time_key(at: datetime | None) -> tuple[int, datetime]:
    """Sorts dated things oldest first, undated ones last."""
    return (0, at) if at is not None else (1, datetime.min)


def shift_of(at: datetime | None) -> str | None:
    """The shift an operation started in, in the plant's recorded time: early 06-14,
    late 14-22, night 22-06."""
    if at is None:
        return None
    if 6 <= at.hour < 14:
        return "early"
    if 14 <= at.hour < 22:
        return "late"
    return "night"


@dataclass(frozen=True)
class OperationFacts:
    """A production step of an order: which machine, which operator, from when to when."""

    order: str
    step: str
    machine: str | None
    operator: str | None
    started_at: datetime | None
    finished_at: datetime | None
    #: The item the order made, where the view needs it.
    item: str | None = None
    #: The lots the order made ("ITEM/LOT"), where the view needs them.
    made: tuple[str, ...] = ()

    @property
    def node_id(self) -> NodeId:
        return NodeId.operation(self.order, self.step)

    @property
    def shift(self) -> str | None:
        return shift_of(self.started_at)

    def to_json(self) -> dict[str, Any]:
        return {"order": self.order, "step": self.step, "machine": self.machine, "operator": self.operator,
                "started_at": self.started_at, "finished_at": self.finished_at}


@dataclass(frozen=True)
class LotQuantity:
    """A quantity of one lot, as lines of documents and orders list it."""

    lot_id: int
    item: str
    lot: str
    quantity: Decimal
    unit: str
    note: str | None = None  # the vendor lot, on receipt lines

    @property
    def ref(self) -> LotRef:
        return LotRef(self.lot_id, self.item, self.lot)


@dataclass(frozen=True)
class PlaceFacts:
    """A location as the reports name it: identifier, GLN, name, address, time zone, kind."""

    code: str
    name: str | None = None
    gln: str | None = None
    address: str | None = None
    timezone: str | None = None
    kind: str = "other"

    @property
    def label(self) -> str:
        return self.name or self.code

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "gln": self.gln, "address": self.address, "kind": self.kind}


@dataclass(frozen=True)
class SiteStock:
    """One lot at one location: what came in and went out there (``location`` None = the plant)."""

    lot_id: int
    location: PlaceFacts | None
    made: Decimal
    arrived: Decimal
    returned: Decimal
    consumed: Decimal
    shipped: Decimal
    transferred: Decimal

    @property
    def on_hand(self) -> Decimal:
        return self.made + self.arrived + self.returned - self.consumed - self.shipped - self.transferred

    @property
    def site(self) -> str:
        return self.location.label if self.location else "the plant"


@dataclass(frozen=True)
class TransitLine:
    """A shipment line on its way to one of our sites: shipped, not yet received."""

    shipment: str
    shipped_at: datetime
    lot_id: int
    quantity: Decimal
    ship_from: PlaceFacts | None
    ship_to: PlaceFacts
    container: str | None = None

    def describe(self) -> str:
        return f"in transit to {self.ship_to.label} since {self.shipped_at:%d %b %Y}"


@dataclass(frozen=True)
class ReceiptLine:
    """One line of a purchase receipt: a quantity of one lot from a vendor."""

    receipt: str
    received_at: datetime
    po: str | None
    vendor: str
    vendor_name: str | None
    item: str
    lot: str
    lot_id: int
    vendor_lot: str | None
    quantity: Decimal
    unit: str
    #: The receiving location and the immediate previous source (None: the plant / the vendor).
    location: PlaceFacts | None = None
    ship_from: PlaceFacts | None = None
    #: Where the traceability lot code was assigned, when not here (the supplier's TLC kept).
    tlc_source: PlaceFacts | None = None
    tlc_source_ref: str | None = None

    @property
    def ref(self) -> LotRef:
        return LotRef(self.lot_id, self.item, self.lot)


@dataclass(frozen=True)
class ShipmentLine:
    """One line of a shipment: a quantity of one lot sent to a customer."""

    shipment: str
    shipped_at: datetime
    order_ref: str | None
    customer: str
    customer_name: str | None
    item: str
    item_name: str | None
    lot: str
    lot_id: int
    quantity: Decimal
    unit: str
    #: Ship-from and ship-to locations (None: the plant / not recorded).
    ship_from: PlaceFacts | None = None
    ship_to: PlaceFacts | None = None
    #: The pallet the lot travelled on, if any.
    container: str | None = None

    @property
    def ref(self) -> LotRef:
        return LotRef(self.lot_id, self.item, self.lot)

    def to_json(self) -> dict[str, Any]:
        out = {"shipment": self.shipment, "shipped_at": self.shipped_at, "order_ref": self.order_ref,
               "item": self.item, "lot": self.lot, "quantity": self.quantity, "unit": self.unit}
        if self.ship_to is not None or self.ship_from is not None or self.container is not None:
            out |= {"ship_from": self.ship_from and self.ship_from.to_json(),
                    "ship_to": self.ship_to and self.ship_to.to_json(), "container": self.container}
        return json_object(out)


@dataclass(frozen=True)
class ReturnLine:
    """A customer return (RMA) line: a quantity of one lot coming back."""

    rma: str
    received_at: datetime
    customer: str
    customer_name: str | None
    item: str
    lot: str
    lot_id: int
    quantity: Decimal
    unit: str
    reason: str | None

    @property
    def ref(self) -> LotRef:
        return LotRef(self.lot_id, self.item, self.lot)

    def to_json(self) -> dict[str, Any]:
        return json_object({"rma": self.rma, "received_at": self.received_at, "customer": self.customer,
                            "lot": self.ref.label, "quantity": self.quantity, "unit": self.unit,
                            "reason": self.reason})


@dataclass(frozen=True)
class LotBalance:
    """Mass balance of one lot, over all its locations.

    ``on_hand = made + returned + arrived - consumed - shipped - transferred - in_transit``.

    ``made`` is the quantity received, produced, or counted as opening stock. ``shipped``
    left the chain (to customers); a transfer to another of our sites (or a chain partner
    whose receipt we hold) is not shipped: ``transferred`` is what such lines took away once
    received and ``arrived`` what their receipts brought, so a transfer then its use is
    counted once (a difference is lost in transit); ``in_transit`` is on its way to one of
    our sites, not yet received. A negative on-hand means more left the lot than it ever
    held: unaccounted for.
    """

    lot_id: int
    item: str
    lot: str
    kind: str
    unit: str
    origin: str
    made: Decimal
    consumed: Decimal
    shipped: Decimal
    returned: Decimal
    transferred: Decimal = Decimal(0)
    arrived: Decimal = Decimal(0)
    in_transit: Decimal = Decimal(0)

    @property
    def on_hand(self) -> Decimal:
        return (self.made + self.returned + self.arrived - self.consumed - self.shipped - self.transferred
                - self.in_transit)

    @property
    def unaccounted(self) -> Decimal:
        """The quantity that left the lot beyond what it held (0 when it balances)."""
        return -self.on_hand if self.on_hand < 0 else Decimal(0)


#: Kinds of life events, in the order they are listed when they happen at the same time.
EVENT_ORDER = {"received": 0, "opening": 0, "operation": 1, "produced": 2, "consumed": 3, "shipped": 4,
               "returned": 5}


@dataclass(frozen=True)
class LifeEvent:
    """One dated thing that happened to a lot (or upstream of it).

    ``kind``: received | opening | operation | produced | consumed | shipped | returned;
    ``end`` is set for operations (drawn as bars); ``node`` is the genealogy box it belongs to.
    """

    at: datetime | None
    kind: str
    label: str
    quantity: Decimal | None = None
    end: datetime | None = None
    node: NodeId | None = None
    machine: str | None = None
    operator: str | None = None

    def sort_key(self) -> tuple[int, datetime, int, str]:
        return (0, self.at, EVENT_ORDER.get(self.kind, 9), self.label) if self.at is not None else \
            (1, datetime.min, EVENT_ORDER.get(self.kind, 9), self.label)


# --- the genealogy -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LotFacts:
    """What a lot box says: the lot, its item, quantity, dates and distance from the roots."""

    lot_id: int
    item: str
    lot: str
    item_name: str | None
    item_kind: str
    quantity: Decimal
    unit: str
    created_at: datetime | None
    expires_at: datetime | None
    origin: str
    vendor_lot: str | None
    #: 0 for a root, +n n lot-to-lot steps downstream, -n upstream.
    depth: int
    #: A hold (or receiving quarantine) is in force on the lot now.
    on_hold: bool = False

    @property
    def ref(self) -> LotRef:
        return LotRef(self.lot_id, self.item, self.lot)

    def to_json(self) -> dict[str, Any]:
        out = {"lot_id": self.lot_id, "item": self.item, "lot": self.lot, "item_name": self.item_name,
               "item_kind": self.item_kind, "quantity": self.quantity, "unit": self.unit,
               "created_at": self.created_at, "expires_at": self.expires_at, "origin": self.origin,
               "vendor_lot": self.vendor_lot, "depth": self.depth}
        if self.on_hold:
            out["on_hold"] = True
        return out


@dataclass(frozen=True)
class OrderFacts:
    item: str
    started_at: datetime | None
    finished_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "started_at": self.started_at, "finished_at": self.finished_at}


@dataclass(frozen=True)
class ReceiptFacts:
    received_at: datetime
    po: str | None
    vendor: str
    vendor_lot: str | None

    def to_json(self) -> dict[str, Any]:
        return {"received_at": self.received_at, "po": self.po, "vendor": self.vendor, "vendor_lot": self.vendor_lot}


@dataclass(frozen=True)
class ShipmentFacts:
    """A shipment box. ``customer`` is None for a transfer to one of our sites; ``status`` is
    ``delivered``, ``received`` (a receipt line names it) or ``in transit`` (to one of our
    sites, not yet received); ``ship_from``/``ship_to`` are location codes."""

    shipped_at: datetime
    order_ref: str | None
    customer: str | None
    ship_from: str | None = None
    ship_to: str | None = None
    status: str = "delivered"
    ship_to_name: str | None = None

    @property
    def transit_text(self) -> str | None:
        """"in transit to DC East since 30 Oct 2026", or None when it is not in transit."""
        if self.status != "in transit":
            return None
        return f"in transit to {self.ship_to_name or self.ship_to} since {self.shipped_at:%d %b %Y}"

    def to_json(self) -> dict[str, Any]:
        return {"shipped_at": self.shipped_at, "order_ref": self.order_ref, "customer": self.customer,
                "ship_from": self.ship_from, "ship_to": self.ship_to, "status": self.status}


@dataclass(frozen=True)
class ContainerFacts:
    """A pallet or case box."""

    code: str
    kind: str
    sscc: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"container_kind": self.kind, "sscc": self.sscc}


@dataclass(frozen=True)
class ReturnFacts:
    received_at: datetime
    reason: str | None
    customer: str

    def to_json(self) -> dict[str, Any]:
        return {"received_at": self.received_at, "reason": self.reason, "customer": self.customer}


@dataclass(frozen=True)
class PartyBox:
    """A vendor or customer box: its contact data."""

    party: PartyFacts

    def to_json(self) -> dict[str, Any]:
        return self.party.contact_json()


NodeFacts = (LotFacts | OrderFacts | OperationFacts | ReceiptFacts | ShipmentFacts | ReturnFacts | PartyBox
             | PlaceFacts | ContainerFacts)


@dataclass
class Node:
    """A box in the genealogy: its id, kind, code and name, and what it says (``facts``,
    typed by kind; None for machines and operators, whose code says it all)."""

    id: NodeId
    kind: str
    code: str
    name: str | None = None
    facts: NodeFacts | None = None

    @property
    def lot(self) -> LotFacts:
        """The facts of a lot box (a ``TypeError`` for any other kind)."""
        if not isinstance(self.facts, LotFacts):
            raise TypeError(f"{self.id} is not a lot")
        return self.facts

    def to_json(self) -> dict[str, Any]:
        extra = self.facts.to_json() if self.facts is not None else {}
        if self.kind == "lot":
            return json_object({"id": self.id, "kind": "lot", **extra})
        return json_object({"id": self.id, "kind": self.kind, "code": self.code, "name": self.name, **extra})


@dataclass(frozen=True)
class Edge:
    """A flow between two boxes, with its quantity and unit where one applies."""

    source: NodeId
    target: NodeId
    kind: str
    quantity: Decimal | None = None
    unit: str | None = None

    def to_json(self) -> dict[str, Any]:
        return json_object({"source": self.source, "target": self.target, "kind": self.kind,
                         "quantity": self.quantity, "unit": self.unit})


DIRECTIONS = ("forward", "backward", "both")


@dataclass
class Genealogy:
    """The result of a trace: plain data, safe to hand to any thread."""

    roots: list[LotRef]
    direction: str
    depth: int | None
    nodes: dict[NodeId, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def lots(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == "lot"]

    def lot_facts(self) -> Iterator[LotFacts]:
        """The facts of every lot box."""
        for n in self.nodes.values():
            if isinstance(n.facts, LotFacts):
                yield n.facts

    def lot_ids(self) -> set[int]:
        return {f.lot_id for f in self.lot_facts()}

    def of_kind(self, kind: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == kind]

    def successors(self, node_id: str) -> list[NodeId]:
        return [e.target for e in self.edges if e.source == node_id]

    def predecessors(self, node_id: str) -> list[NodeId]:
        return [e.source for e in self.edges if e.target == node_id]

    def to_json(self) -> dict[str, Any]:
        root = self.roots[0] if len(self.roots) == 1 else None
        # Nodes and edges in a stable order, whatever order the queries found them in.
        nodes = sorted(self.nodes.values(), key=lambda n: (n.kind, n.id))
        edges = sorted(self.edges, key=lambda e: (e.source, e.target, e.kind))
        return {
            "root": {"item": root.item, "lot": root.lot} if root else None,
            "roots": [{"item": r.item, "lot": r.lot} for r in self.roots],
            "direction": self.direction,
            "depth": self.depth,
            "nodes": [n.to_json() for n in nodes],
            "edges": [e.to_json() for e in edges],
        }
