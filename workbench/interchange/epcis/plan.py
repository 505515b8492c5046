"""The import plan: what a set of EPCIS documents says happened, in the plant's terms, before any database.

``plan_import(documents)`` (``mapping.py``) turns the neutral EPCIS model into these plain records: the
products and lots (with their key data elements), the parties and locations, the transformations (inputs
consumed → outputs produced), the transfers (a shipment and its receipt, paired), the packing and
unpacking of containers, the observations, the retractions, the reference documents, and every warning
or fault, each with where it is. A loader writes a plan into a plant; tests compare plans with answer keys.

Every effect names the event it comes from (``event``: its identity), so a loader can store events,
skip those it already has and retract those declared in error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from workbench.errors import WorkbenchError
from workbench.interchange.epcis.faults import Fault
from workbench.interchange.epcis.model import EventType
from workbench.interchange.epcis.records import record


@record
@dataclass(slots=True, frozen=True)
class PlanEvent:
    """One event as imported: its identity (eventID, else the event hash), what it is, when, where."""

    identity: str
    hash: str
    event_id: str | None
    type: EventType
    action: str | None
    biz_step: str | None  # CBV short name (``shipping``) or the URI as given
    disposition: str | None
    time: datetime
    time_zone_offset: str
    location: str | None  # location key (bizLocation)
    read_point: str | None
    where: str  # ``FILE: eventList[3]`` or ``FILE:120``
    documents: tuple[DocumentRef, ...] = ()
    retracted: Retraction | None = None
    corrective_event_ids: tuple[str, ...] = ()
    return_reason: str | None = None  # a customer return's reason (``wb:returnReason``)


@record
@dataclass(slots=True, frozen=True)
class DocumentRef:
    """A business document (bizTransactionList): type short name (``po``, ``desadv``, ``inv``) and its identifier."""

    type: str | None
    id: str


@record
@dataclass(slots=True, frozen=True)
class Kde:
    """A key data element of a lot: standard ones by field name (``production_date``), others by their full name.

    ``value`` is the text as given; a nested element's value is the JSON text of its children.
    """

    name: str
    value: str
    kind: str = "string"


@dataclass(slots=True)
class PlanProduct:
    """A product (trade item class): GTIN Digital Link or the GDST product class URN, or the class URI itself."""

    key: str
    identifier: str
    gtin: str | None
    name: str | None = None
    unit: str | None = None
    code: str | None = None  # the plant's own code, from master data (``urn:x-workbench:code``)


@dataclass(slots=True)
class PlanLot:
    """A lot (class of objects with a lot number); ``lot`` None for serials of a class that came with no lot."""

    key: str
    identifier: str  # as first given
    product: str  # PlanProduct.key
    gtin: str | None
    lot: str | None
    origin: str = "observed"  # produced, commissioned, received, observed
    quantity: Decimal | None = None  # made or commissioned (received, for a lot that comes from outside)
    unit: str | None = None
    created_at: datetime | None = None
    created_by: str | None = None  # event identity
    location: str | None = None  # where it was made, commissioned or first received
    kdes: list[Kde] = field(default_factory=list)
    where: str = ""
    vendor_lot: str | None = None  # the vendor's own lot number (``wb:vendorLot`` in ILMD)


@dataclass(slots=True)
class PlanParty:
    key: str
    identifier: str
    name: str | None = None
    gln: str | None = None
    address: tuple[str, ...] = ()
    code: str | None = None


@dataclass(slots=True)
class PlanLocation:
    key: str
    identifier: str
    name: str | None = None
    gln: str | None = None
    address: tuple[str, ...] = ()
    geo: tuple[str, str] | None = None
    owner: str | None = None  # PlanParty.key
    code: str | None = None


@record
@dataclass(slots=True, frozen=True)
class LotQuantity:
    """A quantity of a lot (None: "some", not counted); ``via`` the container it travelled in, if any."""

    lot: str
    quantity: Decimal | None
    unit: str | None
    via: str | None = None


@record
@dataclass(slots=True, frozen=True)
class PlanOperation:
    """A step of a transformation as the workbench's own extension gives it (``wb:operation``): machine, operator."""

    step: str
    machine: str | None
    operator: str | None
    started_at: datetime | None
    finished_at: datetime | None


@record
@dataclass(slots=True, frozen=True)
class Transformation:
    """Inputs consumed → outputs produced (one event, or every event of one transformationID)."""

    key: str  # transformationID or the event identity
    events: tuple[str, ...]
    time: datetime
    location: str | None
    inputs: tuple[LotQuantity, ...]
    outputs: tuple[LotQuantity, ...]
    documents: tuple[DocumentRef, ...] = ()
    operations: tuple[PlanOperation, ...] = ()


@record
@dataclass(slots=True, frozen=True)
class Ends:
    """One end of a transfer: owning party, possessing party, location (each may be unknown)."""

    owner: str | None = None
    possessor: str | None = None
    location: str | None = None

    @property
    def party(self) -> str | None:
        return self.owner or self.possessor


@record
@dataclass(slots=True, frozen=True)
class Transfer:
    """Goods leaving one party or place for another: the shipping event and the receiving event, paired.

    ``shipped`` or ``received`` is None when the data holds only the other (in transit; or a receipt
    from a source that sent no shipping event). ``lots`` are what travelled, containers opened down to lots
    as they were packed at the time; ``containers`` the containers shipped as such.
    """

    key: str  # identity of the shipping event, else of the receiving event
    shipped: str | None
    received: str | None
    shipped_at: datetime | None
    received_at: datetime | None
    source: Ends
    destination: Ends
    lots: tuple[LotQuantity, ...]
    containers: tuple[str, ...] = ()
    documents: tuple[DocumentRef, ...] = ()


@record
@dataclass(slots=True, frozen=True)
class Packing:
    """Lots and containers packed into (``pack``) or taken out of (``unpack``) a container."""

    event: str
    container: str
    action: str  # pack, unpack
    time: datetime
    location: str | None
    lots: tuple[LotQuantity, ...] = ()
    containers: tuple[str, ...] = ()
    everything: bool = False  # an unpack that names no children empties the container
    carried: tuple[LotQuantity, ...] = ()  # the lots inside the containers packed or unpacked, at that time


@record
@dataclass(slots=True, frozen=True)
class Observation:
    """Any other event about lots: seen, stored, landed, inspected, destroyed (``action`` DELETE)..."""

    event: str
    time: datetime
    location: str | None
    lots: tuple[LotQuantity, ...]
    containers: tuple[str, ...] = ()


@record
@dataclass(slots=True, frozen=True)
class Retraction:
    """An event declared in error (errorDeclaration): when, why, and the events that correct it."""

    event: str  # identity of the event retracted
    declared_at: datetime
    reason: str | None
    corrective_event_ids: tuple[str, ...]
    where: str


@record
@dataclass(slots=True, frozen=True)
class PlanWarning:
    """Imported, and said: ``where`` is the place in the file, ``lot`` the lot key it concerns (if any)."""

    where: str
    message: str
    lot: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(slots=True)
class ImportPlan:
    """Everything a set of documents says, ready to be written (or refused, when ``faults`` is not empty)."""

    sources: tuple[str, ...]
    events: dict[str, PlanEvent] = field(default_factory=dict)
    products: dict[str, PlanProduct] = field(default_factory=dict)
    lots: dict[str, PlanLot] = field(default_factory=dict)
    parties: dict[str, PlanParty] = field(default_factory=dict)
    locations: dict[str, PlanLocation] = field(default_factory=dict)
    containers: dict[str, str] = field(default_factory=dict)  # key -> identifier as given
    transformations: list[Transformation] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    packings: list[Packing] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    retractions: list[Retraction] = field(default_factory=list)
    warnings: list[PlanWarning] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    duplicates: int = 0  # events given more than once (same content), imported once

    def valid(self, event: str | None) -> bool:
        """The event exists and is not retracted."""
        found = self.events.get(event) if event else None
        return found is not None and found.retracted is None

    def warn(self, where: str, message: str, lot: str | None = None) -> None:
        self.warnings.append(PlanWarning(where, message, lot))


class EpcisImportFailed(WorkbenchError):
    """The documents cannot be imported: every fault, each one sentence with its place; nothing was written."""

    def __init__(self, faults: list[Fault]):
        self.faults = list(faults)
        n = len(self.faults)
        super().__init__(f"import refused: {n} fault{'s' if n != 1 else ''}; nothing was written.")
