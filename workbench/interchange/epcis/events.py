"""Build model events and master data from the fields a reader found, checking each and saying where it is wrong.

Both readers hand over the same shape: a dict of the standard fields in their JSON form (strings, lists
of strings, lists of small dicts), with ILMD, sensor data and extension fields already turned into
``RawElement`` trees, and a ``Place`` that turns a field path (``quantityList[0]``) into a place for a
message. So every check is written once, for JSON and XML alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from decimal import Decimal, InvalidOperation
from typing import Any

from workbench.interchange.epcis.faults import FaultLog
from workbench.interchange.epcis.hash import event_hash
from workbench.interchange.epcis.identifiers import Identifier, IdentifierError, parse_identifier
from workbench.interchange.epcis.model import (
    Action,
    BizTransaction,
    CbvValue,
    EpcisEvent,
    ErrorDeclaration,
    EventType,
    Ilmd,
    Location,
    MasterAttribute,
    PersistentDisposition,
    QuantityElement,
    RawElement,
    SourceDestination,
    VocabularyElement,
)
from workbench.interchange.epcis.own import CODE_LENGTH
from workbench.interchange.epcis.times import TimeError, check_offset, offset_of, parse_time
from workbench.interchange.epcis.vocab import (
    BIZ_STEP,
    BIZ_TRANSACTION_TYPE,
    DISPOSITION,
    ERROR_REASON,
    SOURCE_DESTINATION_TYPE,
    Vocabulary,
    cbv_value,
)

Place = Callable[[str], str]
"""Turns a field path inside the event (``""`` for the event itself) into a place for a message."""

_EVENT_TYPES = {t.value: t for t in EventType}
_ACTIONS = {a.value: a for a in Action}
_VOCABULARY_KINDS = {
    "urn:epcglobal:epcis:vtype:businesslocation": "location",
    "urn:epcglobal:epcis:vtype:location": "location",
    "urn:epcglobal:epcis:vtype:readpoint": "read_point",
    "urn:epcglobal:epcis:vtype:epcclass": "epc_class",
    "urn:epcglobal:epcis:vtype:party": "party",
}
_MDA_PREFIXES = ("urn:epcglobal:cbv:mda#", "urn:epcglobal:cbv:mda:", "cbvmda:", "https://ref.gs1.org/cbv/mda#")


@dataclass
class ReadOptions:
    """How strict to be: ``strict_identifiers`` makes a malformed GS1 identifier a fault instead of a warning."""

    strict_identifiers: bool = False


@dataclass
class Builder:
    """Builds the events of one document, collecting faults and warnings in ``log``."""

    log: FaultLog
    options: ReadOptions = field(default_factory=ReadOptions)

    # ---- pieces ----------------------------------------------------------------------------------

    def identifier(self, value: Any, place: Place, path: str, what: str) -> Identifier | None:
        if not isinstance(value, str):
            self.log.fault(place(path), f"{what} must be a URI, not {_show(value)}")
            return None
        if len(value) > CODE_LENGTH and len(value.strip()) > CODE_LENGTH:
            self.log.fault(place(path), _too_long(what, value))
            return None
        try:
            found = parse_identifier(value)
        except IdentifierError as e:
            self.log.fault(place(path), f"{what}: {e}")
            return None
        if found.problem:
            if self.options.strict_identifiers:
                self.log.fault(place(path), found.problem)
            else:
                self.log.warn(place(path), f"{found.problem}; it is kept as given", once=found.raw)
        return found

    def identifiers(self, values: Any, place: Place, path: str, what: str) -> tuple[Identifier, ...]:
        if values is None:
            return ()
        if not isinstance(values, list):
            self.log.fault(place(path), f"{path} must be a list of URIs, not {_show(values)}")
            return ()
        found = (self.identifier(v, place, f"{path}[{i}]", what) for i, v in enumerate(values))
        return tuple(f for f in found if f is not None)

    def quantities(self, values: Any, place: Place, path: str) -> tuple[QuantityElement, ...]:
        if values is None:
            return ()
        if not isinstance(values, list):
            self.log.fault(place(path), f"{path} must be a list of quantity elements")
            return ()
        out = []
        for i, item in enumerate(values):
            here = f"{path}[{i}]"
            if not isinstance(item, dict):
                self.log.fault(place(here), "a quantity element must have epcClass, quantity and uom")
                continue
            if "epcClass" not in item:
                self.log.fault(place(here), "the quantity element has no epcClass")
                continue
            extra = sorted(k for k in item if k not in _QUANTITY_KEYS and isinstance(k, str) and ":" not in k)
            if extra:
                self.log.warn(place(here), f"{', '.join(map(repr, extra))} {'is' if len(extra) == 1 else 'are'} no field "
                                           "of a quantity element (epcClass, quantity, uom); left out",
                              once=f"quantity-field:{','.join(extra)}")
            epc_class = self.identifier(item["epcClass"], place, here, "epcClass")
            quantity = self.quantity(item.get("quantity"), place, here)
            uom = item.get("uom")
            if uom is not None and not isinstance(uom, str):
                self.log.fault(place(here), f"uom must be a UN/CEFACT unit code, not {_show(uom)}")
                uom = None
            if epc_class is not None:
                out.append(QuantityElement(epc_class, quantity, uom.strip() if uom else None))
        return tuple(out)

    def quantity(self, value: Any, place: Place, here: str) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool):
            self.log.fault(place(here), f"quantity {_show(value)} is not a number")
            return None
        if isinstance(value, int | Decimal):
            if isinstance(value, Decimal) and not value.is_finite():
                self.log.fault(place(here), f"quantity {_show(value)} is not a number")
                return None
            return self._in_range(Decimal(value), value, place, here)
        if isinstance(value, str):
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                number = None
            if number is not None and number.is_finite():
                return self._in_range(number, value, place, here)
        self.log.fault(place(here), f"quantity {_show(value)} is not a number")
        return None

    def _in_range(self, number: Decimal, value: Any, place: Place, here: str) -> Decimal | None:
        """The quantity, when the plant can hold it (zero or more, below 10^12, six decimals); a fault otherwise."""
        if number < 0:
            self.log.fault(place(here), f"quantity {_show(value)} is below zero; a quantity counts what there is")
            return None
        if number >= MAX_QUANTITY:  # not abs(): that rounds in the context, and 1e999999999 overflows it
            self.log.fault(place(here), f"quantity {_show(value)} is out of range (the plant holds quantities below "
                                        f"{MAX_QUANTITY:,})")
            return None
        return number

    def vocab(self, vocabulary: Vocabulary, value: Any, place: Place, path: str) -> CbvValue | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.log.fault(place(path), f"{vocabulary.field} must be a CBV value or a URI, not {_show(value)}")
            return None
        found = cbv_value(vocabulary, value)
        if not found.standard and ":" not in found.name:
            self.log.warn(place(path), f"{vocabulary.field} {found.name!r} is neither a CBV standard value nor a URI; "
                                       "it is kept as given", once=f"{vocabulary.field}:{found.name}")
        return found

    def time(self, value: Any, place: Place, path: str, what: str) -> Any:
        if not isinstance(value, str):
            self.log.fault(place(path), f"{what} must be a date and time, not {_show(value)}")
            return None
        try:
            moment = parse_time(value, what)
            moment.astimezone(UTC)  # the plant keeps UTC: year 1 at +05:00, or 9999-12-31 at -05:00, has none
        except TimeError as e:
            self.log.fault(place(path), str(e))
            return None
        except OverflowError:
            self.log.fault(place(path), f"{what} {value.strip()!r} is out of range (in UTC it falls before the year 1 or "
                                        "after 9999)")
            return None
        text = value.strip()
        at = text.find("T")  # the text is an xsd:dateTime already (parse_time): seconds follow THH:MM, or not
        if text[at + 6:at + 7] != ":":
            self.log.warn(place(path), f"{what} {text!r} has no seconds (xsd:dateTime needs them); read as :00",
                          once=f"no-seconds:{what}")
        return moment

    def location(self, value: Any, place: Place, path: str) -> Location | None:
        if value is None:
            return None
        if not isinstance(value, dict) or "id" not in value:
            self.log.fault(place(path), f"{path} must have an id")
            return None
        found = self.identifier(value["id"], place, path, f"{path} id")
        return Location(found, tuple(value.get("extensions", ()))) if found else None

    def transactions(self, values: Any, place: Place) -> tuple[BizTransaction, ...]:
        out = []
        for i, item in enumerate(_list(values)):
            here = f"bizTransactionList[{i}]"
            if not isinstance(item, dict) or "bizTransaction" not in item:
                self.log.fault(place(here), "a business transaction needs its bizTransaction identifier")
                continue
            found = self.identifier(item["bizTransaction"], place, here, "bizTransaction")
            kind = self.vocab(BIZ_TRANSACTION_TYPE, item.get("type"), place, here)
            if found:
                out.append(BizTransaction(found, kind))
        return tuple(out)

    def parties(self, values: Any, place: Place, path: str, key: str) -> tuple[SourceDestination, ...]:
        out = []
        for i, item in enumerate(_list(values)):
            here = f"{path}[{i}]"
            if not isinstance(item, dict) or key not in item or "type" not in item:
                self.log.fault(place(here), f"a {key} needs its identifier and its type")
                continue
            found = self.identifier(item[key], place, here, key)
            kind = self.vocab(SOURCE_DESTINATION_TYPE, item["type"], place, here)
            if found and kind:
                out.append(SourceDestination(found, kind))
        return tuple(out)

    def ilmd(self, elements: Sequence[RawElement] | None) -> Ilmd | None:
        return None if elements is None else Ilmd(tuple(elements))

    def error_declaration(self, value: Any, place: Place) -> ErrorDeclaration | None:
        if value is None:
            return None
        here = "errorDeclaration"
        if not isinstance(value, dict) or "declarationTime" not in value:
            self.log.fault(place(here), "an error declaration needs its declarationTime")
            return None
        when = self.time(value["declarationTime"], place, here, "declarationTime")
        reason = self.vocab(ERROR_REASON, value.get("reason"), place, here)
        ids = value.get("correctiveEventIDs") or []
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            self.log.fault(place(here), "correctiveEventIDs must be a list of event ids")
            ids = []
        if when is None:
            return None
        return ErrorDeclaration(when, reason, tuple(i.strip() for i in ids), tuple(value.get("extensions", ())))

    def persistent(self, value: Any, place: Place) -> PersistentDisposition | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.log.fault(place("persistentDisposition"), "persistentDisposition must have set and/or unset lists")
            return None
        found = {}
        for key in ("set", "unset"):
            items = (self.vocab(DISPOSITION, v, place, f"persistentDisposition.{key}") for v in _list(value.get(key)))
            found[key] = tuple(v for v in items if v)
        return PersistentDisposition(found["set"], found["unset"])

    # ---- the event -------------------------------------------------------------------------------

    def event(self, kind: Any, fields: Mapping[str, Any], extensions: Sequence[RawElement], place: Place,
              index: int) -> EpcisEvent | None:
        """The event, or None when it has a fault (each fault is logged)."""
        before = len(self.log)
        event_type = _EVENT_TYPES.get(kind) if isinstance(kind, str) else None
        if event_type is None:
            self.log.fault(place(""), f"unknown event type {_show(kind)}; EPCIS has ObjectEvent, AggregationEvent, "
                                      "TransformationEvent, TransactionEvent and AssociationEvent")
            return None
        if "eventTime" not in fields:
            self.log.fault(place(""), "the event has no eventTime")
            event_time = None
        else:
            event_time = self.time(fields["eventTime"], place, "eventTime", "eventTime")
        offset = fields.get("eventTimeZoneOffset")
        if isinstance(offset, str):
            try:
                offset = check_offset(offset)
            except TimeError as e:
                self.log.fault(place("eventTimeZoneOffset"), str(e))
        elif event_time is not None:
            offset = offset_of(event_time)
            self.log.warn(place(""), f"the event has no eventTimeZoneOffset; the offset of its eventTime ({offset}) is used",
                          once="no-offset")
        record_time = self.time(fields["recordTime"], place, "recordTime", "recordTime") if "recordTime" in fields else None
        action = fields.get("action")
        if action is None:
            if event_type is not EventType.TRANSFORMATION:
                self.log.fault(place(""), f"the {event_type.value} has no action (ADD, OBSERVE or DELETE)")
        elif action not in _ACTIONS:
            self.log.fault(place("action"), f"action {_show(action)} is not ADD, OBSERVE or DELETE")
        event_id = fields.get("eventID")
        if event_id is not None and (not isinstance(event_id, str) or not event_id.strip()):
            self.log.fault(place("eventID"), f"eventID must be a URI, not {_show(event_id)}")
        elif isinstance(event_id, str) and len(event_id.strip()) > CODE_LENGTH:
            self.log.fault(place("eventID"), _too_long("eventID", event_id))
        parent = fields.get("parentID")
        transformation_id = fields.get("transformationID")
        if transformation_id is not None and not isinstance(transformation_id, str):
            self.log.fault(place("transformationID"), f"transformationID must be a URI, not {_show(transformation_id)}")
        certification = fields.get("certificationInfo")
        certification = [certification] if isinstance(certification, str) else _list(certification)
        get = fields.get
        built: dict[str, Any] = {
            "type": event_type,
            "event_time": event_time,
            "event_time_zone_offset": offset,
            "hash": "",
            "event_id": event_id.strip() if isinstance(event_id, str) and event_id.strip() else None,
            "record_time": record_time,
            "action": _ACTIONS.get(action) if isinstance(action, str) else None,
            "transformation_id": transformation_id.strip() if isinstance(transformation_id, str) and transformation_id.strip()
            else None,
            "where": place(""),
            "index": index,
        }
        # Only the fields the event has are built (a large document's events carry a few each): the rest keep
        # the model's empty defaults.
        if (value := get("bizStep")) is not None:
            built["biz_step"] = self.vocab(BIZ_STEP, value, place, "bizStep")
        if (value := get("disposition")) is not None:
            built["disposition"] = self.vocab(DISPOSITION, value, place, "disposition")
        if (value := get("persistentDisposition")) is not None:
            built["persistent_disposition"] = self.persistent(value, place)
        if (value := get("readPoint")) is not None:
            built["read_point"] = self.location(value, place, "readPoint")
        if (value := get("bizLocation")) is not None:
            built["biz_location"] = self.location(value, place, "bizLocation")
        if parent is not None:
            built["parent_id"] = self.identifier(parent, place, "parentID", "parentID")
        for key, name in _EPC_FIELDS:
            if (value := get(key)) is not None:
                built[name] = self.identifiers(value, place, key, "EPC")
        for key, name in _QUANTITY_FIELDS:
            if (value := get(key)) is not None:
                built[name] = self.quantities(value, place, key)
        if (value := get("bizTransactionList")) is not None:
            built["biz_transaction_list"] = self.transactions(value, place)
        if (value := get("sourceList")) is not None:
            built["source_list"] = self.parties(value, place, "sourceList", "source")
        if (value := get("destinationList")) is not None:
            built["destination_list"] = self.parties(value, place, "destinationList", "destination")
        if (value := get("ilmd")) is not None:
            built["ilmd"] = self.ilmd(value)
        if (value := get("errorDeclaration")) is not None:
            built["error_declaration"] = self.error_declaration(value, place)
        if certification:
            built["certification_info"] = tuple(c.strip() for c in certification if isinstance(c, str))
            dropped = sum(not isinstance(c, str) for c in certification)
            if dropped:
                entries = "1 entry that is" if dropped == 1 else f"{dropped} entries that are"
                self.log.warn(place("certificationInfo"), f"certificationInfo is a list of URIs; {entries} not, left out",
                              once="certification")
        if (value := get("sensorElementList")):
            built["sensor_elements"] = tuple(_sensor_order(e) for e in value)
        if extensions:
            built["extensions"] = tuple(extensions)
        if len(self.log) > before:
            return None
        if event_type is EventType.OBJECT and "epc_list" not in built and "quantity_list" not in built:
            self.log.warn(place(""), "the ObjectEvent names no objects (no epcList, no quantityList); it touches no lot",
                          once="no-objects")
        event = EpcisEvent(**built)
        # The hash is of the event itself, so it is set last (the one field written after construction).
        object.__setattr__(event, "hash", event_hash(event))
        return event

    # ---- master data -----------------------------------------------------------------------------

    def vocabulary_element(self, vocabulary_type: str, element_id: Any,
                           attributes: Sequence[tuple[str, str | None, tuple[RawElement, ...]]],
                           children: Sequence[Any], where: str) -> VocabularyElement | None:
        found = self.identifier(element_id, lambda _: where, "", "the vocabulary element id")
        if found is None:
            return None
        kids = (self.identifier(c, lambda _: where, "", "a child id") for c in children)
        return VocabularyElement(
            vocabulary=_VOCABULARY_KINDS.get(vocabulary_type.strip().lower(), vocabulary_type.strip()),
            vocabulary_type=vocabulary_type,
            id=found,
            attributes=tuple(MasterAttribute(a, _short_attribute(a), v, c) for a, v, c in attributes),
            children=tuple(k for k in kids if k is not None),
            where=where,
        )


#: Quantities the plant holds are below this (stored as millionths in a 64-bit integer).
MAX_QUANTITY = 10**12
_QUANTITY_KEYS = frozenset(("epcClass", "quantity", "uom", "@context", "#text"))
_EPC_FIELDS = (("epcList", "epc_list"), ("childEPCs", "child_epcs"), ("inputEPCList", "input_epc_list"),
               ("outputEPCList", "output_epc_list"))
_QUANTITY_FIELDS = (("quantityList", "quantity_list"), ("childQuantityList", "child_quantity_list"),
                    ("inputQuantityList", "input_quantity_list"), ("outputQuantityList", "output_quantity_list"))


def _sensor_order(element: RawElement) -> RawElement:
    """A sensorElement with its metadata first, then its reports, then the rest (the XSD order; stable otherwise)."""
    rank = {"sensorMetadata": 0, "sensorReport": 1}
    children = tuple(sorted(element.children, key=lambda c: rank.get(c.name, 2)))
    return element if children == element.children else RawElement(element.name, element.value, element.kind, children)


def _short_attribute(attribute_id: str) -> str:
    for prefix in _MDA_PREFIXES:
        if attribute_id.startswith(prefix):
            return attribute_id[len(prefix):]
    return attribute_id


def _too_long(what: str, value: str) -> str:
    """An identifier longer than the plant keeps: refused, since cutting it could make two identifiers one."""
    return (f"{what} is {len(value.strip()):,} characters long; the plant keeps identifiers of at most {CODE_LENGTH} "
            f"(it begins {value.strip()[:40]!r})")


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
