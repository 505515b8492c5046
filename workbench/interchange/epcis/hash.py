"""The GS1 EPCIS event hash (CBV 2.0, "Event Hash ID"): ``ni:///sha-256;<hex>?ver=CBV2.0``.

The hash is computed from the neutral model, so an event read from JSON-LD and from XML gets the same
hash. The pre-hash string follows the algorithm as the GS1 reference implementation
(RalphTro/epcis-event-hash-generator) computes it; its published test vectors are in
``tests/data/event-hash/`` and the tests check every one. Where the reference's output and its README
differ, the output is followed (it is what other implementations compare against):

* standard fields in the reference's property order, each list's entries sorted as strings;
* ``type=...`` comes *before* the identifier in business transactions, sources and destinations;
* business transactions, sources, destinations, ILMD and extension fields are not in that order: they
  are rendered and then sorted together, after the ordered fields;
* eventID, recordTime and errorDeclaration take no part;
* identifiers become constrained canonical Digital Link URIs, CBV values their Web URIs, times UTC
  milliseconds rounded half up on the fourth decimal, numbers lose trailing zeros (exactly, with
  Decimal: the reference goes through a float and so mangles numbers of more than 15 digits).

No maintained library does this on both JSON and XML: the reference implementation is itself on
PyPI, but is marked "not meant for production", pins an old PyLD, needs Flask, runs a JSON-LD
expansion per document, and its last release (1.9.3, May 2023) predates its own fixes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from workbench.interchange.epcis.identifiers import Identifier, canonical_value
from workbench.interchange.epcis.model import CbvValue, EpcisEvent, Location, QuantityElement, RawElement
from workbench.interchange.epcis.times import hash_time, parse_time
from workbench.interchange.epcis.vocab import (
    BIZ_STEP,
    BIZ_TRANSACTION_TYPE,
    CBV_WEB,
    DISPOSITION,
    SOURCE_DESTINATION_TYPE,
    VOCABULARIES,
    Vocabulary,
)

GS1_VOC = "https://gs1.org/voc/"
_NUMBER_START = frozenset("+-.0123456789")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SENSOR_METADATA = ("time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod",
                    "bizRules")
_SENSOR_REPORT = ("type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "time",
                  "microorganism", "chemicalSubstance", "value", "component", "stringValue", "booleanValue",
                  "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue",
                  "uom", "coordinateReferenceSystem")


def event_hash(event: EpcisEvent) -> str:
    """The event's hash ID in the RFC 6920 ``ni`` form with SHA-256."""
    digest = hashlib.sha256(pre_hash(event).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"


def pre_hash(event: EpcisEvent) -> str:
    """The canonical pre-hash string of an event (what is hashed)."""
    parts = [f"eventType={event.type.value}", f"eventTime={hash_time(event.event_time)}",
             f"eventTimeZoneOffset={event.event_time_zone_offset}"]
    if event.certification_info:
        parts += sorted(f"certificationInfo={canonical(c)}" for c in event.certification_info)
    if event.parent_id is not None:
        parts.append(f"parentID={_id(event.parent_id)}")
    parts += _epcs("epcList", event.epc_list)
    parts += _epcs("inputEPCList", event.input_epc_list)
    parts += _epcs("childEPCs", event.child_epcs)
    parts += _quantities("quantityList", event.quantity_list)
    parts += _quantities("childQuantityList", event.child_quantity_list)
    parts += _quantities("inputQuantityList", event.input_quantity_list)
    parts += _epcs("outputEPCList", event.output_epc_list)
    parts += _quantities("outputQuantityList", event.output_quantity_list)
    if event.action is not None:
        parts.append(f"action={event.action.value}")
    if event.transformation_id:
        parts.append(f"transformationID={canonical(event.transformation_id)}")
    if event.biz_step is not None:
        parts.append(f"bizStep={_cbv(BIZ_STEP, event.biz_step)}")
    if event.disposition is not None:
        parts.append(f"disposition={_cbv(DISPOSITION, event.disposition)}")
    persistent = event.persistent_disposition
    if persistent is not None and (persistent.set or persistent.unset):
        parts.append("persistentDisposition"
                     + "".join(sorted(f"set={_cbv(DISPOSITION, v)}" for v in persistent.set))
                     + "".join(sorted(f"unset={_cbv(DISPOSITION, v)}" for v in persistent.unset)))
    parts += _location("readPoint", event.read_point)
    parts += _location("bizLocation", event.biz_location)
    if event.sensor_elements:
        parts.append("sensorElementList" + "".join(sorted(_sensor_element(e) for e in event.sensor_elements)))
    rest = []
    if event.biz_transaction_list:
        rest.append("bizTransactionList" + "".join(sorted(
            (f"type={_cbv(BIZ_TRANSACTION_TYPE, t.type)}" if t.type else "") + f"bizTransaction={_id(t.id)}"
            for t in event.biz_transaction_list)))
    for name, key, entries in (("sourceList", "source", event.source_list),
                               ("destinationList", "destination", event.destination_list)):
        if entries:
            rest.append(name + "".join(sorted(f"type={_cbv(SOURCE_DESTINATION_TYPE, e.type)}{key}={_id(e.id)}"
                                              for e in entries)))
    if event.ilmd is not None and event.ilmd.elements:
        rest.append("ilmd" + _generic(event.ilmd.elements))
    if event.extensions:
        rest += (_element(e) for e in event.extensions)
    if len(rest) > 1:
        rest.sort()
    return "".join(parts) + "".join(rest)


@lru_cache(maxsize=1 << 16)
def canonical(text: str) -> str:
    """A value in its canonical form: CBV Web URI, canonical Digital Link, or a number without trailing zeros.

    Cached: the same texts (CBV values, places, ILMD values) recur in most events of a document.
    """
    value = text.strip()
    if "urn:epcglobal:cbv:" in value:
        for vocabulary in VOCABULARIES:
            value = value.replace(vocabulary.urn, CBV_WEB + vocabulary.web)
    if value[:1] in _NUMBER_START and _NUMBER.fullmatch(value):
        return _number(value)
    return canonical_value(value) or value


def _number(text: str) -> str:
    if text.isdigit() and (text[0] != "0" or len(text) == 1):
        return text
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _id(identifier: Identifier) -> str:
    return identifier.dl or canonical(identifier.raw)


def _cbv(vocabulary: Vocabulary, value: CbvValue) -> str:
    return f"{CBV_WEB}{vocabulary.web}{value.name}" if value.standard else canonical(value.name)


def _epcs(name: str, epcs: tuple[Identifier, ...]) -> list[str]:
    if not epcs:
        return []
    if len(epcs) == 1:
        return [f"{name}epc={_id(epcs[0])}"]
    return [name + "".join(sorted(f"epc={_id(e)}" for e in epcs))]


def _quantities(name: str, elements: tuple[QuantityElement, ...]) -> list[str]:
    if not elements:
        return []
    values = [
        f"quantityElementepcClass={_id(q.epc_class)}"
        + (f"quantity={_number(str(q.quantity))}" if q.quantity is not None else "")
        + (f"uom={q.uom}" if q.uom else "")
        for q in elements]
    if len(values) > 1:
        values.sort()
    return [name + "".join(values)]


def _location(name: str, location: Location | None) -> list[str]:
    if location is None:
        return []
    return [f"{name}id={_id(location.id)}" + _generic(location.extensions)]


def _element(element: RawElement) -> str:
    """An element in the generic form: name, ``=value`` when it has one, then its children sorted."""
    value = f"={canonical(element.value)}" if element.value and element.value.strip() else ""
    return element.name + value + _generic(element.children)


def _generic(elements: Iterable[RawElement]) -> str:
    if elements == ():
        return ""
    return "".join(sorted(_element(e) for e in elements))


def _sensor_value(name: str, value: str) -> str:
    text = value.strip()
    if "time" in name.lower():
        try:
            return hash_time(parse_time(text))
        except ValueError:
            return text
    if text.startswith("gs1:"):
        return GS1_VOC + text[4:]
    if text.startswith("cbv:"):
        return CBV_WEB + text[4:]
    if ":" not in text and name in ("type", "exception") and not _NUMBER.fullmatch(text):
        return GS1_VOC + text
    if ":" not in text and name == "component":
        return f"{CBV_WEB}Comp-{text}"
    return canonical(text)


def _ordered(name: str, element: RawElement, order: tuple[str, ...]) -> str:
    """A sensorMetadata or sensorReport: its standard fields in order, then its extensions sorted."""
    by_name = {c.name: c for c in element.children if c.name in order and c.value is not None}
    fields = "".join(f"{n}={_sensor_value(n, by_name[n].value or '')}" for n in order if n in by_name
                     and (by_name[n].value or "").strip())
    return name + fields + _generic(c for c in element.children if c.name not in by_name)


def _sensor_element(element: RawElement) -> str:
    metadata = [_ordered("sensorMetadata", c, _SENSOR_METADATA) for c in element.children if c.name == "sensorMetadata"]
    reports = sorted(_ordered("sensorReport", c, _SENSOR_REPORT) for c in element.children if c.name == "sensorReport")
    others = _generic(c for c in element.children if c.name not in ("sensorMetadata", "sensorReport"))
    return "sensorElement" + "".join(metadata) + "".join(reports) + others
