"""The neutral EPCIS model: plain, frozen data that every reader produces and every writer takes.

Nothing here knows JSON or XML. The database mapper, the hash and the writers work on these
classes only, so a document read from EPCIS 1.2 XML, 2.0 XML or 2.0 JSON-LD looks the same.

Names of extension fields are kept in Clark notation, ``{namespace}local`` (the form lxml uses);
standard EPCIS names without a namespace are kept bare (``certificationAgency``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from workbench.interchange.epcis.identifiers import Identifier
from workbench.interchange.epcis.records import record


class EventType(StrEnum):
    """The five EPCIS event types (their JSON ``type`` and XML element names)."""

    OBJECT = "ObjectEvent"
    AGGREGATION = "AggregationEvent"
    TRANSFORMATION = "TransformationEvent"
    TRANSACTION = "TransactionEvent"
    ASSOCIATION = "AssociationEvent"


class Action(StrEnum):
    """What an event does to its objects: ADD (create/aggregate), OBSERVE, DELETE (retire/disaggregate)."""

    ADD = "ADD"
    OBSERVE = "OBSERVE"
    DELETE = "DELETE"


class ValueKind(StrEnum):
    """The type a raw value had: JSON's own types, or XML's ``xsi:type`` (untyped XML text is a string)."""

    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"


@record
@dataclass(slots=True, frozen=True)
class RawElement:
    """One element of data kept as given: an extension field, an ILMD entry, sensor data, a master-data value.

    ``value`` is the lexical text (``"12.50"``, ``"true"``), never a parsed number, so nothing is lost and
    the hash sees what the sender wrote; ``kind`` says what type it had. A JSON list becomes several
    elements of the same name; an XML attribute becomes a child element.
    """

    name: str
    value: str | None = None
    kind: ValueKind = ValueKind.STRING
    children: tuple[RawElement, ...] = ()

    @property
    def namespace(self) -> str | None:
        """The namespace of a ``{namespace}local`` name, None for a bare name."""
        return self.name[1:].split("}", 1)[0] if self.name.startswith("{") else None

    @property
    def local_name(self) -> str:
        return self.name.split("}", 1)[1] if self.name.startswith("{") else self.name


@record
@dataclass(slots=True, frozen=True)
class CbvValue:
    """A value from a CBV vocabulary (business step, disposition, source/destination type, ...).

    ``name`` is the short CBV name (``shipping``, ``in_transit``, ``owning_party``) when the value is a
    CBV standard value in any of its forms (bare, ``urn:epcglobal:cbv:bizstep:shipping``,
    ``https://ref.gs1.org/cbv/BizStep-shipping``); a custom value keeps its URI as its name.
    ``raw`` is exactly what the document said.
    """

    name: str
    raw: str = field(compare=False)
    standard: bool = True


@record
@dataclass(slots=True, frozen=True)
class QuantityElement:
    """A quantity of a class of objects (a lot): ``quantity`` None means "some, not counted"."""

    epc_class: Identifier
    quantity: Decimal | None
    uom: str | None


@record
@dataclass(slots=True, frozen=True)
class BizTransaction:
    """A business document the event belongs to (PO, despatch advice, invoice...)."""

    id: Identifier
    type: CbvValue | None


@record
@dataclass(slots=True, frozen=True)
class SourceDestination:
    """A party or place a transfer comes from or goes to; ``type`` is owning_party, possessing_party or location."""

    id: Identifier
    type: CbvValue


@record
@dataclass(slots=True, frozen=True)
class Location:
    """A read point or business location: its identifier and any extension fields inside it."""

    id: Identifier
    extensions: tuple[RawElement, ...] = ()


@record
@dataclass(slots=True, frozen=True)
class PersistentDisposition:
    """Dispositions that stay set (or are unset) after this event (EPCIS 2.0)."""

    set: tuple[CbvValue, ...] = ()
    unset: tuple[CbvValue, ...] = ()


@record
@dataclass(slots=True, frozen=True)
class ErrorDeclaration:
    """The event is declared erroneous: when, why, and which events correct it."""

    declaration_time: datetime
    reason: CbvValue | None = None
    corrective_event_ids: tuple[str, ...] = ()
    extensions: tuple[RawElement, ...] = ()


MDA_NAMESPACES = ("urn:epcglobal:cbv:mda", "urn:epcglobal:cbv:mda:")
"""The CBV master-data namespace as XML writes it, and as the EPCIS JSON-LD context defines ``cbvmda:``."""

KDE_NAMES = {
    "lot_number": "lotNumber",
    "production_date": "productionDate",
    "packaging_date": "packagingDate",
    "harvest_start_date": "harvestStartDate",
    "harvest_end_date": "harvestEndDate",
    "best_before_date": "bestBeforeDate",
    "sell_by_date": "sellByDate",
    "expiry_date": "itemExpirationDate",
    "country_of_origin": "countryOfOrigin",
    "first_freeze_date": "firstFreezeDate",
}


@record
@dataclass(slots=True, frozen=True)
class Ilmd:
    """Instance/lot master data of objects made or commissioned by the event, kept element by element.

    The lot's key data elements are read from the elements (``lot_number``, ``production_date``, ...,
    in either spelling of the CBV master-data namespace); everything else (certifications, vessel
    catch data, a sender's own fields) stays in ``elements`` under its full name with its value type,
    and ``extensions`` lists just those. The namespace is kept as written because the event hash uses
    it. Dates are the lexical text given (CBV says ``xsd:date``; real files send date-times such as
    ``2022-02-03T03:00:00.0000000+00:00``): ``workbench.interchange.epcis.times.kde_date`` makes a date.
    """

    elements: tuple[RawElement, ...] = ()

    @classmethod
    def of(cls, namespace: str = MDA_NAMESPACES[1], extensions: tuple[RawElement, ...] = (), **kdes: str | None) -> Ilmd:
        """ILMD from key data elements by field name (``lot_number="L1"``), for events built in code."""
        unknown = set(kdes) - set(KDE_NAMES)
        if unknown:
            raise TypeError(f"unknown ILMD key data elements: {sorted(unknown)}")
        made = tuple(RawElement(f"{{{namespace}}}{KDE_NAMES[k]}", v) for k, v in kdes.items() if v is not None)
        return cls(made + extensions)

    def _kde(self, local: str) -> RawElement | None:
        for element in self.elements:
            if element.local_name == local and element.namespace in MDA_NAMESPACES and element.value is not None \
                    and not element.children and element.kind is ValueKind.STRING:
                return element
        return None

    def kde(self, field_name: str) -> str | None:
        """A key data element by field name (``lot_number``), None when absent."""
        found = self._kde(KDE_NAMES[field_name])
        return found.value if found else None

    @property
    def lot_number(self) -> str | None:
        return self.kde("lot_number")

    @property
    def production_date(self) -> str | None:
        return self.kde("production_date")

    @property
    def packaging_date(self) -> str | None:
        return self.kde("packaging_date")

    @property
    def harvest_start_date(self) -> str | None:
        return self.kde("harvest_start_date")

    @property
    def harvest_end_date(self) -> str | None:
        return self.kde("harvest_end_date")

    @property
    def best_before_date(self) -> str | None:
        return self.kde("best_before_date")

    @property
    def sell_by_date(self) -> str | None:
        return self.kde("sell_by_date")

    @property
    def expiry_date(self) -> str | None:
        return self.kde("expiry_date")

    @property
    def country_of_origin(self) -> str | None:
        return self.kde("country_of_origin")

    @property
    def extensions(self) -> tuple[RawElement, ...]:
        """The elements that are not key data elements read above."""
        used = {id(e) for e in (self._kde(n) for n in KDE_NAMES.values()) if e is not None}
        return tuple(e for e in self.elements if id(e) not in used)


@record
@dataclass(slots=True, frozen=True)
class EpcisEvent:
    """One EPCIS event, any type: the fields a type does not have are empty.

    ``where`` says where the event is in its file (``beef.jsonld: eventList[3]``, ``plant.xml:120``) for
    messages; it and ``index`` (the position in the document) take no part in equality, so an event
    read back from another file compares equal. ``hash`` is the GS1 event hash (CBV 2.0 "Event Hash
    ID"), always computed; ``identity`` is the eventID when given, else the hash.
    """

    type: EventType
    event_time: datetime
    event_time_zone_offset: str
    hash: str
    event_id: str | None = None
    record_time: datetime | None = None
    action: Action | None = None
    biz_step: CbvValue | None = None
    disposition: CbvValue | None = None
    persistent_disposition: PersistentDisposition | None = None
    read_point: Location | None = None
    biz_location: Location | None = None
    epc_list: tuple[Identifier, ...] = ()
    quantity_list: tuple[QuantityElement, ...] = ()
    parent_id: Identifier | None = None
    child_epcs: tuple[Identifier, ...] = ()
    child_quantity_list: tuple[QuantityElement, ...] = ()
    input_epc_list: tuple[Identifier, ...] = ()
    input_quantity_list: tuple[QuantityElement, ...] = ()
    output_epc_list: tuple[Identifier, ...] = ()
    output_quantity_list: tuple[QuantityElement, ...] = ()
    transformation_id: str | None = None
    biz_transaction_list: tuple[BizTransaction, ...] = ()
    source_list: tuple[SourceDestination, ...] = ()
    destination_list: tuple[SourceDestination, ...] = ()
    ilmd: Ilmd | None = None
    error_declaration: ErrorDeclaration | None = None
    certification_info: tuple[str, ...] = ()
    sensor_elements: tuple[RawElement, ...] = ()
    extensions: tuple[RawElement, ...] = ()
    where: str = field(default="", compare=False)
    index: int = field(default=0, compare=False)

    @property
    def identity(self) -> str:
        return self.event_id or self.hash


@record
@dataclass(slots=True, frozen=True)
class MasterAttribute:
    """One attribute of a master-data element; ``name`` is the short CBV name (``name``, ``city``) or the raw id."""

    id: str
    name: str
    value: str | None
    children: tuple[RawElement, ...] = ()


@record
@dataclass(slots=True, frozen=True)
class VocabularyElement:
    """Master data about one identifier (a location, party or product class) from the document header.

    ``vocabulary`` is the short vocabulary kind: ``location``, ``read_point``, ``epc_class``, ``party``,
    or the raw vocabulary type for any other. Attributes keep their order and repeats.
    """

    vocabulary: str
    vocabulary_type: str
    id: Identifier
    attributes: tuple[MasterAttribute, ...] = ()
    children: tuple[Identifier, ...] = ()
    where: str = field(default="", compare=False)

    def attribute(self, name: str) -> str | None:
        """The first value of the attribute with this short name or raw id, None if absent."""
        return next((a.value for a in self.attributes if name in (a.name, a.id)), None)

    @property
    def name(self) -> str | None:
        return self.attribute("name") or self.attribute("descriptionShort")

    @property
    def address(self) -> tuple[str, ...]:
        """Street lines, city, state, postal code and country code, those given, in that order."""
        parts = ("streetAddressOne", "streetAddressTwo", "streetAddressThree", "city", "state", "postalCode", "countryCode")
        return tuple(v for v in (self.attribute(p) for p in parts) if v)

    @property
    def gln(self) -> str | None:
        return self.id.gln

    @property
    def geo(self) -> tuple[str, str] | None:
        lat, lon = self.attribute("latitude"), self.attribute("longitude")
        return (lat, lon) if lat and lon else None


@record
@dataclass(slots=True, frozen=True)
class DuplicateEventId:
    """An eventID used by more than one event of the document (positions as ``index`` values)."""

    event_id: str
    indexes: tuple[int, ...]
    identical: bool


@dataclass(frozen=True)
class EpcisDocument:
    """A whole EPCIS document (EPCISDocument or EPCISQueryDocument, any version) read without faults."""

    source: str
    schema_version: str
    creation_date: datetime | None
    events: tuple[EpcisEvent, ...]
    vocabulary: tuple[VocabularyElement, ...] = ()
    warnings: tuple[str, ...] = ()
    duplicates: tuple[DuplicateEventId, ...] = ()
    query: bool = False
    format: str = ""
    namespaces: Mapping[str, str] = field(default_factory=dict, compare=False)

    @cached_property
    def master_data(self) -> Mapping[str, tuple[VocabularyElement, ...]]:
        """Master data by identifier key (``Identifier.key``), every element given for it, in document order."""
        by_key: dict[str, list[VocabularyElement]] = {}
        for element in self.vocabulary:
            by_key.setdefault(element.id.key, []).append(element)
        return {k: tuple(v) for k, v in by_key.items()}

    def describe(self, identifier: Identifier, vocabulary: str | None = None) -> VocabularyElement | None:
        """The first master-data element for an identifier (in any of its forms), optionally of one vocabulary."""
        for element in self.master_data.get(identifier.key, ()):
            if vocabulary is None or element.vocabulary == vocabulary:
                return element
        return None

    @property
    def error_declared(self) -> tuple[EpcisEvent, ...]:
        return tuple(e for e in self.events if e.error_declaration is not None)
