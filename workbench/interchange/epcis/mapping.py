"""``plan_import``: EPCIS documents (the neutral model) → an ``ImportPlan`` in the plant's terms.

How each event is read (docs/epcis.md has the full table):

* identity is the eventID, else the event hash; an event given twice with the same content (same hash)
  is imported once; an eventID reused for other content keeps the event, told apart by its hash;
* an event with an ``errorDeclaration`` retracts the event of the same eventID (else the same hash: the
  hash leaves the declaration out); when that event is not in the documents, the declared copy is kept,
  retracted, and the loader retracts the plant's copy if it has one;
* ObjectEvent: ``shipping`` → a shipment, ``receiving``/``accepting`` → a receipt (paired into transfers),
  ADD otherwise → lots commissioned (with their ILMD key data elements), anything else → an observation;
* TransformationEvent: inputs consumed → outputs produced; events sharing a transformationID are one;
* AggregationEvent: ADD packs, DELETE unpacks (everything when no children are named), OBSERVE observes;
* TransactionEvent, AssociationEvent: observations carrying their business documents;
* containers (any parentID, and every SSCC) are opened down to lots as they were packed at the time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal

from workbench.interchange.epcis import extras
from workbench.interchange.epcis.containers import Containers
from workbench.interchange.epcis.faults import Fault
from workbench.interchange.epcis.identifiers import Identifier, Scheme
from workbench.interchange.epcis.kdes import kdes_of
from workbench.interchange.epcis.model import (
    KDE_NAMES,
    Action,
    EpcisDocument,
    EpcisEvent,
    EventType,
    QuantityElement,
)
from workbench.interchange.epcis.own import CODE_ATTRIBUTE
from workbench.interchange.epcis.pairing import pair_transfers
from workbench.interchange.epcis.plan import (
    DocumentRef,
    Ends,
    ImportPlan,
    LotQuantity,
    Observation,
    Packing,
    PlanEvent,
    PlanLocation,
    PlanLot,
    PlanOperation,
    PlanParty,
    PlanProduct,
    Retraction,
    Transformation,
)
from workbench.interchange.epcis.plausibility import check_plausibility
from workbench.interchange.epcis.times import kde_date

SHIPPING = frozenset({"shipping"})
RECEIVING = frozenset({"receiving", "accepting"})
_OWNER_ATTRIBUTES = ("urn:epcglobal:cbv:owning_party", "owning_party", "owningParty")


@dataclass(frozen=True)
class KnownEvents:
    """Events the plant already holds (from earlier imports): hashes, and eventID → hash."""

    hashes: frozenset[str] = frozenset()
    event_ids: dict[str, str] = field(default_factory=dict)


@dataclass
class ShipOrReceive:
    """A shipping or receiving event before pairing."""

    event: PlanEvent
    kind: str  # ship, receive
    objects: frozenset[str]  # lot and container keys as the event named them
    lots: tuple[LotQuantity, ...]
    containers: tuple[str, ...]
    ends: tuple[Ends, Ends]  # source, destination


def plan_import(documents: Sequence[EpcisDocument], known: KnownEvents | None = None) -> ImportPlan:
    """The plan of everything the documents say (faults in ``plan.faults``; nothing raised)."""
    return _Mapper(documents, known or KnownEvents()).run()


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


class _Mapper:
    def __init__(self, documents: Sequence[EpcisDocument], known: KnownEvents):
        self.documents = documents
        self.known = known
        self.plan = ImportPlan(sources=tuple(d.source for d in documents))
        self.containers = Containers()
        self.serial_lots: dict[str, str] = {}  # SGTIN key -> lot key (from the ILMD of its commissioning)
        self.container_keys: set[str] = set()
        self.moves: list[ShipOrReceive] = []
        self.by_transformation: dict[str, list[tuple[PlanEvent, EpcisEvent]]] = defaultdict(list)
        self.present = 0

    # ---- the whole ------------------------------------------------------------------------------

    def run(self) -> ImportPlan:
        plan = self.plan
        for document in self.documents:
            self._master_data(document)
        events = self._identify()
        self._find_containers(events)
        for plan_event, event in sorted(events, key=lambda pe: (pe[1].event_time.timestamp(), pe[1].index, pe[0].where)):
            self._map(plan_event, event)
        self._transformations()
        plan.transfers = pair_transfers(self.moves, plan)
        self._received_from_outside()
        check_plausibility(plan)
        return plan

    def _received_from_outside(self) -> None:
        """A lot first seen in a receipt that no shipment of these documents sent came from outside: its receipt made it."""
        for transfer in self.plan.transfers:
            if transfer.shipped is not None or not self.plan.valid(transfer.received):
                continue
            for lq in transfer.lots:
                lot = self.plan.lots[lq.lot]
                if lot.origin == "observed":
                    lot.origin, lot.quantity, lot.created_at = "received", lq.quantity, transfer.received_at
                    lot.created_by, lot.location = transfer.received, transfer.destination.location

    # ---- master data ----------------------------------------------------------------------------

    def _master_data(self, document: EpcisDocument) -> None:
        plan = self.plan
        for element in document.vocabulary:
            key = element.id.key
            code = element.attribute(CODE_ATTRIBUTE)
            if element.vocabulary == "epc_class":
                product = plan.products.get(key)
                if product is None:
                    plan.products[key] = PlanProduct(key, element.id.raw, element.id.gtin, element.name, code=code)
                else:
                    product.name = product.name or element.name
                    product.code = product.code or code
            elif element.vocabulary in ("location", "read_point"):
                owner = next((a.value for a in element.attributes if a.id in _OWNER_ATTRIBUTES or a.name in _OWNER_ATTRIBUTES
                              ), None)
                if owner:
                    self._party_key(owner)
                location = plan.locations.get(key)
                if location is None:
                    plan.locations[key] = PlanLocation(key, element.id.raw, element.name, element.id.gln,
                                                       element.address, element.geo, _key_of(owner), code)
                else:
                    location.name = location.name or element.name
                    location.address = location.address or element.address
                    location.owner = location.owner or _key_of(owner)
            elif element.vocabulary == "party":
                party = plan.parties.get(key)
                if party is None:
                    plan.parties[key] = PlanParty(key, element.id.raw, element.name, element.id.gln, element.address, code)
                else:
                    party.name = party.name or element.name
                    party.code = party.code or code

    def _party_key(self, raw: str | Identifier) -> str:
        ident = raw if isinstance(raw, Identifier) else _identifier(raw)
        if ident.key not in self.plan.parties:
            self.plan.parties[ident.key] = PlanParty(ident.key, ident.raw, None, ident.gln)
        return ident.key

    def _location_key(self, ident: Identifier | None) -> str | None:
        if ident is None:
            return None
        if ident.key not in self.plan.locations:
            self.plan.locations[ident.key] = PlanLocation(ident.key, ident.raw, None, ident.gln)
        return ident.key

    # ---- identity, duplicates, error declarations -----------------------------------------------

    def _identify(self) -> list[tuple[PlanEvent, EpcisEvent]]:
        plan = self.plan
        by_hash: dict[str, PlanEvent] = {}
        by_id: dict[str, PlanEvent] = {}
        kept: list[tuple[PlanEvent, EpcisEvent]] = []
        declared: list[EpcisEvent] = []
        for document in self.documents:
            own_ids = {d.event_id for d in document.duplicates}
            for event in document.events:
                if event.error_declaration is not None:
                    declared.append(event)
                    continue
                first = by_hash.get(event.hash)
                if first is not None:
                    plan.duplicates += 1
                    if event.event_id and first.event_id and event.event_id != first.event_id:
                        plan.warn(event.where, f"the same event as {first.where} under another eventID "
                                               f"({event.event_id}); it is imported once")
                    continue
                if event.hash in self.known.hashes:
                    self.present += 1
                    continue
                identity = event.event_id or event.hash
                other = by_id.get(event.event_id) if event.event_id else None
                earlier = self.known.event_ids.get(event.event_id) if event.event_id else None
                if other is not None or (earlier is not None and earlier != event.hash):
                    identity = event.hash
                    if event.event_id not in own_ids:  # the reader has said it for one document
                        first_place = other.where if other is not None else "an earlier import"
                        plan.warn(event.where, f"eventID {event.event_id} is also used by {first_place} for other "
                                               "content; this event is told apart by its event hash")
                plan_event = self._plan_event(event, identity)
                by_hash[event.hash] = plan_event
                if event.event_id and event.event_id not in by_id:
                    by_id[event.event_id] = plan_event
                plan.events[identity] = plan_event
                kept.append((plan_event, event))
        for event in declared:
            declaration = event.error_declaration
            assert declaration is not None
            target = (by_id.get(event.event_id) if event.event_id else None) or by_hash.get(event.hash)
            retraction = Retraction(
                event=target.identity if target else (event.event_id or event.hash),
                declared_at=declaration.declaration_time,
                reason=declaration.reason.name if declaration.reason else None,
                corrective_event_ids=declaration.corrective_event_ids,
                where=event.where,
            )
            plan.retractions.append(retraction)
            if target is not None:
                plan.events[target.identity] = replace(target, retracted=retraction,
                                                       corrective_event_ids=declaration.corrective_event_ids)
                kept = [(plan.events[target.identity], e) if pe.identity == target.identity else (pe, e) for pe, e in kept]
                continue
            if event.hash in self.known.hashes or (event.event_id and event.event_id in self.known.event_ids):
                continue  # the plant holds the event: the loader retracts it
            # The event itself is not here: the declared copy is the record, kept retracted.
            plan_event = replace(self._plan_event(event, event.event_id or event.hash), retracted=retraction,
                                 corrective_event_ids=declaration.corrective_event_ids)
            plan.events[plan_event.identity] = plan_event
            kept.append((plan_event, event))
        for retraction in plan.retractions:
            for corrective in retraction.corrective_event_ids:
                if corrective not in by_id and corrective not in self.known.event_ids:
                    plan.warn(retraction.where, f"the corrective event {corrective} is not in the documents; "
                                                "the retraction stands without it")
        return kept

    def _plan_event(self, event: EpcisEvent, identity: str) -> PlanEvent:
        return PlanEvent(
            identity=identity, hash=event.hash, event_id=event.event_id, type=event.type,
            action=event.action.value if event.action else None,
            biz_step=event.biz_step.name if event.biz_step else None,
            disposition=event.disposition.name if event.disposition else None,
            time=event.event_time, time_zone_offset=event.event_time_zone_offset,
            location=self._location_key(event.biz_location.id if event.biz_location else None),
            read_point=event.read_point.id.key if event.read_point else None,
            where=event.where,
            documents=tuple(DocumentRef(b.type.name if b.type else None, b.id.raw) for b in event.biz_transaction_list),
            return_reason=extras.text(event.extensions, extras.RETURN_REASON) if event.extensions else None,
        )

    # ---- objects --------------------------------------------------------------------------------

    def _find_containers(self, events: Iterable[tuple[PlanEvent, EpcisEvent]]) -> None:
        for _, event in events:
            if event.parent_id is not None:
                self.container_keys.add(event.parent_id.key)
                self.plan.containers.setdefault(event.parent_id.key, event.parent_id.raw)
            for ident in event.epc_list + event.child_epcs + event.input_epc_list + event.output_epc_list:
                if ident.scheme is Scheme.SSCC:
                    self.container_keys.add(ident.key)
                    self.plan.containers.setdefault(ident.key, ident.raw)
            if event.type is EventType.OBJECT and event.action is Action.ADD and event.ilmd and event.ilmd.lot_number:
                for ident in event.epc_list:
                    if ident.scheme is Scheme.SGTIN and ident.product:
                        lot = _lot_identifier(ident, event.ilmd.lot_number)
                        self.serial_lots[ident.key] = lot.key
                        self._lot(lot, event.where)

    def _lot(self, ident: Identifier, where: str, unit: str | None = None) -> str:
        plan = self.plan
        lot = plan.lots.get(ident.key)
        if lot is None:
            product_key = ident.product or ident.key
            if product_key not in plan.products:
                plan.products[product_key] = PlanProduct(product_key, ident.product or ident.raw, ident.gtin)
            lot = PlanLot(ident.key, ident.raw, product_key, ident.gtin, ident.lot, unit=unit, where=where)
            plan.lots[ident.key] = lot
        elif unit and lot.unit is None:
            lot.unit = unit
        elif unit and lot.unit != unit:
            plan.warn(where, f"lot {ident.raw} is counted in {unit} here and in {lot.unit} elsewhere; "
                             "each is written in its item's unit where a conversion is known (item_units, "
                             "g/kg/lb, mL/L)", lot=ident.key)
        product = plan.products[lot.product]
        if product.unit is None and lot.unit:
            product.unit = lot.unit
        return ident.key

    def _quantities(self, elements: tuple[QuantityElement, ...], where: str) -> list[LotQuantity]:
        out = []
        for element in elements:
            ident = element.epc_class
            if ident.scheme is Scheme.URI and ident.raw.lower().startswith("urn:epc:"):
                self.plan.faults.append(Fault(where, f"{ident.raw} is not an EPC class this program knows "
                                                     "(lgtin, or an SGTIN pattern); give the lot as urn:epc:class:lgtin:…"))
                continue
            out.append(LotQuantity(self._lot(ident, where, element.uom), element.quantity, element.uom))
        return out

    def _objects(self, epcs: tuple[Identifier, ...], where: str) -> tuple[list[LotQuantity], list[str]]:
        """Lots (serials counted per lot or class) and containers among instance identifiers."""
        counted: dict[str, int] = {}
        containers: list[str] = []
        for ident in epcs:
            if ident.key in self.container_keys:
                containers.append(ident.key)
                continue
            if ident.scheme is Scheme.URI and ident.raw.lower().startswith("urn:epc:"):
                self.plan.faults.append(Fault(where, f"{ident.raw} is not an EPC this program knows (sgtin, sscc, grai, "
                                                     "giai … as in the GS1 Tag Data Standard)"))
                continue
            if ident.scheme is Scheme.SGTIN and ident.product:
                lot_key = self.serial_lots.get(ident.key)
                if lot_key is None:
                    lot_key = self._lot(_class_identifier(ident), where, "EA")
                counted[lot_key] = counted.get(lot_key, 0) + 1
            else:  # an object of its own (a returnable asset, a private URI): a lot of one
                counted[self._lot(ident, where, "EA")] = counted.get(ident.key, 0) + 1
        return [LotQuantity(k, Decimal(n), self.plan.lots[k].unit or "EA") for k, n in counted.items()], containers

    def _what(self, epcs: tuple[Identifier, ...], quantities: tuple[QuantityElement, ...], where: str
              ) -> tuple[list[LotQuantity], list[str]]:
        lots, containers = self._objects(epcs, where)
        return lots + self._quantities(quantities, where), containers

    def _opened(self, lots: list[LotQuantity], containers: list[str]) -> tuple[LotQuantity, ...]:
        """The lots named, and the lots inside the containers named (as packed now)."""
        out = list(lots)
        for container in containers:
            out.extend(self.containers.lots_in(container))
        return tuple(out)

    # ---- events ---------------------------------------------------------------------------------

    def _map(self, plan_event: PlanEvent, event: EpcisEvent) -> None:
        valid = plan_event.retracted is None
        where = event.where
        if event.type is EventType.TRANSFORMATION:
            key = event.transformation_id or plan_event.identity
            self.by_transformation[key].append((plan_event, event))
            return
        if event.type is EventType.AGGREGATION:
            self._aggregation(plan_event, event, valid)
            return
        lots, containers = self._what(event.epc_list, event.quantity_list, where)
        if event.extensions and valid:
            self._vendor_lots(event)
        if event.type is EventType.OBJECT:
            step = plan_event.biz_step
            if step in SHIPPING or step in RECEIVING:
                self.moves.append(ShipOrReceive(
                    plan_event, "ship" if step in SHIPPING else "receive",
                    frozenset(lq.lot for lq in lots) | frozenset(containers), self._opened(lots, containers),
                    tuple(containers), (self._ends(event.source_list, None), self._ends(event.destination_list, None))))
                if step in RECEIVING and event.action is Action.ADD and valid:
                    self._created(plan_event, event, lots, "received")
                return
            if event.action is Action.ADD and valid:
                self._created(plan_event, event, lots, "commissioned")
        self.plan.observations.append(Observation(plan_event.identity, event.event_time, plan_event.location,
                                                  self._opened(lots, containers), tuple(containers)))

    def _ends(self, entries, _default) -> Ends:
        owner = possessor = location = None
        for entry in entries:
            if entry.type.name == "owning_party":
                owner = owner or self._party_key(entry.id)
            elif entry.type.name == "possessing_party":
                possessor = possessor or self._party_key(entry.id)
            elif entry.type.name == "location":
                location = location or self._location_key(entry.id)
        return Ends(owner, possessor, location)

    def _created(self, plan_event: PlanEvent, event: EpcisEvent, lots: list[LotQuantity], origin: str) -> None:
        give = _ilmd_giver(event, self.plan)
        rank = {"produced": 3, "commissioned": 2, "received": 1, "observed": 0}
        for lq in lots:
            lot = self.plan.lots[lq.lot]
            give(lot)
            if rank[origin] < rank[lot.origin]:
                continue
            if rank[origin] == rank[lot.origin] and lot.created_by is not None:
                if origin != "received" and lq.quantity is not None:
                    first = self.plan.events[lot.created_by].where
                    self.plan.warn(event.where, f"lot {lot.identifier} is created again (first {first}); "
                                                "the quantities are added", lot=lot.key)
                    lot.quantity = None if lot.quantity is None else lot.quantity + lq.quantity
                continue
            lot.origin, lot.quantity, lot.created_at = origin, lq.quantity, event.event_time
            lot.created_by, lot.location = plan_event.identity, plan_event.location
            if lq.unit:
                lot.unit = lq.unit

    def _aggregation(self, plan_event: PlanEvent, event: EpcisEvent, valid: bool) -> None:
        where = event.where
        if event.parent_id is None:
            self.plan.warn(where, "an AggregationEvent without parentID packs nothing; it is kept as an observation")
            lots, containers = self._what(event.child_epcs, event.child_quantity_list, where)
            self.plan.observations.append(Observation(plan_event.identity, event.event_time, plan_event.location,
                                                      tuple(lots), tuple(containers)))
            return
        parent = event.parent_id.key
        lots, children = self._what(event.child_epcs, event.child_quantity_list, where)
        if event.action is Action.OBSERVE:
            self.plan.observations.append(Observation(plan_event.identity, event.event_time, plan_event.location,
                                                      self._opened(lots, children) or self.containers.lots_in(parent),
                                                      (parent,)))
            return
        action = "pack" if event.action is Action.ADD else "unpack"
        everything = action == "unpack" and not lots and not children
        if action == "pack" and not lots and not children:
            self.plan.warn(where, f"packing {event.parent_id.raw} names nothing packed")
        if action == "unpack" and valid and not self.containers.holds(parent):
            self.plan.warn(where, f"{event.parent_id.raw} is unpacked but holds nothing packed before "
                                  f"{event.event_time.isoformat()}")
        carried = self.containers.lots_in(parent) if everything else \
            tuple(lq for child in children for lq in self.containers.lots_in(child))
        self.plan.packings.append(Packing(plan_event.identity, parent, action, event.event_time, plan_event.location,
                                          tuple(lots), tuple(children), everything, carried))
        if not valid:
            return
        if action == "pack":
            self.containers.pack(parent, tuple(lots), tuple(children))
        else:
            self.containers.unpack(parent, tuple(lots), tuple(children), everything)

    def _transformations(self) -> None:
        for key, group in self.by_transformation.items():
            inputs: list[LotQuantity] = []
            outputs: list[LotQuantity] = []
            documents: list[DocumentRef] = []
            steps: dict[str, PlanOperation] = {}
            valid = [(pe, e) for pe, e in group if pe.retracted is None]
            for plan_event, event in group:
                lots, containers = self._what(event.input_epc_list, event.input_quantity_list, event.where)
                made, _ = self._what(event.output_epc_list, event.output_quantity_list, event.where)
                if (plan_event, event) not in valid:
                    continue
                inputs.extend(self._opened(lots, containers))
                outputs.extend(made)
                documents.extend(plan_event.documents)
                for operation in extras.operations(event) if event.extensions else ():
                    steps.setdefault(operation.step, operation)  # a step given twice keeps its first
                self._produced(plan_event, event, made)
            if not valid:
                first = group[0][0]
                self.plan.transformations.append(Transformation(key, tuple(pe.identity for pe, _ in group), first.time,
                                                                first.location, (), ()))
                continue
            first_event = min(valid, key=lambda pe: _utc(pe[1].event_time))[0]
            if not inputs and not outputs:  # nothing made of nothing: no production order to record
                self.plan.warn(first_event.where, "the transformation names no inputs and no outputs; its event is "
                                                  "kept, but no production order is recorded for it")
                continue
            made_here = {lq.lot for lq in outputs}
            for lot in dict.fromkeys(lq.lot for lq in inputs if lq.lot in made_here):
                self.plan.warn(first_event.where, f"the transformation uses and makes the same lot "
                                                  f"{self.plan.lots[lot].identifier}; traces show it as made of itself",
                               lot=lot)
            self.plan.transformations.append(Transformation(
                key, tuple(pe.identity for pe, _ in group), first_event.time, first_event.location,
                tuple(inputs), tuple(outputs), tuple(dict.fromkeys(documents)), tuple(steps.values())))

    def _vendor_lots(self, event: EpcisEvent) -> None:
        """Vendor lots an event names lot by lot (``wb:vendorLotOf``), for lots known by now; the first one given stays."""
        for epc_class, vendor_lot in extras.vendor_lots(event):
            lot = self.plan.lots.get(_identifier(epc_class).key)
            if lot is not None and lot.vendor_lot is None:
                lot.vendor_lot = vendor_lot

    def _produced(self, plan_event: PlanEvent, event: EpcisEvent, made: list[LotQuantity]) -> None:
        give = _ilmd_giver(event, self.plan)
        for lq in made:
            lot = self.plan.lots[lq.lot]
            give(lot)
            if lot.origin == "produced" and lot.created_by is not None:
                self.plan.warn(event.where, f"lot {lot.identifier} is produced again (first "
                                            f"{self.plan.events[lot.created_by].where}); the quantities are added",
                               lot=lot.key)
                lot.quantity = None if lot.quantity is None or lq.quantity is None else lot.quantity + lq.quantity
                continue
            lot.origin, lot.quantity, lot.created_at = "produced", lq.quantity, event.event_time
            lot.created_by, lot.location = plan_event.identity, plan_event.location
            if lq.unit:
                lot.unit = lq.unit


#: The ILMD field of each standard date KDE, by the name a KDE carries: its field name (``expiry_date``) when its value
#: is text, else its ILMD name (``itemExpirationDate``). A lot's dates (expiry for FEFO and expired stock) come from them.
_DATE_FIELD_OF = {key: field for name, field in KDE_NAMES.items() if name.endswith("_date") for key in (name, field)}


def _ilmd_giver(event: EpcisEvent, plan: ImportPlan) -> Callable[[PlanLot], None]:
    """What the event's ILMD says of the lots it makes: its key data elements (a name a lot has keeps its first value)
    and the vendor lot (``wb:vendorLot``), given to each lot passed. A standard date that is no date is said: kept as
    text, it gives the lot no date (a lot with no expiry is never expired)."""
    if not event.ilmd:
        return lambda _lot: None
    kdes = kdes_of(event.ilmd)
    for kde in kdes:
        field = _DATE_FIELD_OF.get(kde.name)
        if field is not None and kde_date(kde.value) is None:
            plan.warn(event.where, f"ILMD {field} {kde.value!r} is not a date (such as 2025-06-30); it is kept as "
                                   "given, and the lots of the event get no such date")
    vendor_lot = extras.text(event.ilmd.elements, extras.VENDOR_LOT)

    def give(lot: PlanLot) -> None:
        if kdes:
            names = {k.name for k in lot.kdes}
            lot.kdes.extend(k for k in kdes if k.name not in names)
            lot.vendor_lot = lot.vendor_lot or vendor_lot

    return give


def _identifier(raw: str) -> Identifier:
    from workbench.interchange.epcis.identifiers import parse_identifier

    return parse_identifier(raw)


def _key_of(raw: str | None) -> str | None:
    return _identifier(raw).key if raw else None


def _lot_identifier(serial: Identifier, lot: str) -> Identifier:
    """The LGTIN of a serialised item's lot (given by the ILMD of its commissioning)."""
    from workbench.interchange.epcis.identifiers import dl_encode

    return Identifier(raw=f"{serial.product}/10/{dl_encode(lot)}", scheme=Scheme.LGTIN,
                      key=f"{serial.product}/10/{dl_encode(lot)}", dl=f"{serial.product}/10/{dl_encode(lot)}",
                      gtin=serial.gtin, lot=lot, product=serial.product)


def _class_identifier(serial: Identifier) -> Identifier:
    """The class (GTIN, no lot) of a serialised item whose lot the data does not give."""
    assert serial.product is not None
    return Identifier(raw=serial.product, scheme=Scheme.GTIN, key=serial.product, dl=serial.product,
                      gtin=serial.gtin, product=serial.product)
