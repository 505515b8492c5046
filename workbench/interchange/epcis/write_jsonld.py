"""The model as EPCIS 2.0 JSON-LD.

Numbers are written exactly as their Decimal or lexical text (``12.50`` stays ``12.50``): the ``json``
module knows no Decimal, so each number goes in as a marked string and the mark is taken off the text.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from workbench.interchange.epcis.model import (
    EpcisDocument,
    EpcisEvent,
    Location,
    QuantityElement,
    RawElement,
    SourceDestination,
    ValueKind,
)
from workbench.interchange.epcis.read_json import STANDARD_PREFIXES
from workbench.interchange.epcis.times import write_time
from workbench.interchange.epcis.write import namespace_prefixes

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
_MARK = "\u0000n:"
_MARKED = re.compile(r'"\\u0000n:([^"]*)"')
_ALWAYS_LISTS = {"sensorReport"}


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _number(text: str) -> str:
    """A number to write as such; text that is no JSON number (``+5``, ``.5``, ``INF`` from XML) stays a string."""
    return _MARK + text if _JSON_NUMBER.fullmatch(text) else text


class _Writer:
    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = prefixes

    def key(self, name: str) -> str:
        if name.startswith("{"):
            namespace, local = name[1:].split("}", 1)
            return f"{self.prefixes[namespace]}:{local}"
        return name

    def value(self, element: RawElement) -> Any:
        if element.children:
            out = self.fields(element.children)
            if element.value is not None:
                out["#text"] = element.value
            return out
        if element.kind is ValueKind.NULL:
            return None
        if element.value is None:
            return {}
        if element.kind is ValueKind.NUMBER:
            return _number(element.value)
        if element.kind is ValueKind.BOOLEAN:
            return element.value == "true"
        return element.value

    def fields(self, elements: tuple[RawElement, ...]) -> dict[str, Any]:
        """Elements as JSON fields: repeated names become a list, in first-seen order."""
        grouped: dict[str, list[RawElement]] = {}
        for element in elements:
            grouped.setdefault(element.name, []).append(element)
        out: dict[str, Any] = {}
        for name, group in grouped.items():
            values = [self.value(e) for e in group]
            out[self.key(name)] = values if len(values) > 1 or name in _ALWAYS_LISTS else values[0]
        return out

    @staticmethod
    def quantities(items: tuple[QuantityElement, ...]) -> list[dict[str, Any]]:
        out = []
        for q in items:
            entry: dict[str, Any] = {"epcClass": q.epc_class.raw}
            if q.quantity is not None:
                entry["quantity"] = _number(str(q.quantity))
                if q.uom:
                    entry["uom"] = q.uom
            out.append(entry)
        return out

    def location(self, location: Location) -> dict[str, Any]:
        return {"id": location.id.raw, **self.fields(location.extensions)}

    @staticmethod
    def parties(items: tuple[SourceDestination, ...], key: str) -> list[dict[str, str]]:
        return [{"type": s.type.name, key: s.id.raw} for s in items]

    def event(self, event: EpcisEvent) -> dict[str, Any]:
        out: dict[str, Any] = {"type": event.type.value}
        if event.event_id:
            out["eventID"] = event.event_id
        out["eventTime"] = write_time(event.event_time)
        out["eventTimeZoneOffset"] = event.event_time_zone_offset
        if event.record_time:
            out["recordTime"] = write_time(event.record_time)
        if event.error_declaration is not None:
            declaration = event.error_declaration
            entry: dict[str, Any] = {"declarationTime": write_time(declaration.declaration_time)}
            if declaration.reason:
                entry["reason"] = declaration.reason.name
            if declaration.corrective_event_ids:
                entry["correctiveEventIDs"] = list(declaration.corrective_event_ids)
            entry.update(self.fields(declaration.extensions))
            out["errorDeclaration"] = entry
        if event.certification_info:
            out["certificationInfo"] = list(event.certification_info) if len(event.certification_info) > 1 \
                else event.certification_info[0]
        for key, ids in (("epcList", event.epc_list), ("childEPCs", event.child_epcs),
                         ("inputEPCList", event.input_epc_list), ("outputEPCList", event.output_epc_list)):
            if ids:
                out[key] = [i.raw for i in ids]
        if event.parent_id is not None:
            out["parentID"] = event.parent_id.raw
        for key, items in (("quantityList", event.quantity_list), ("childQuantityList", event.child_quantity_list),
                           ("inputQuantityList", event.input_quantity_list),
                           ("outputQuantityList", event.output_quantity_list)):
            if items:
                out[key] = self.quantities(items)
        if event.action is not None:
            out["action"] = event.action.value
        if event.transformation_id:
            out["transformationID"] = event.transformation_id
        if event.biz_step:
            out["bizStep"] = event.biz_step.name
        if event.disposition:
            out["disposition"] = event.disposition.name
        if event.persistent_disposition is not None:
            p = event.persistent_disposition
            out["persistentDisposition"] = {k: [v.name for v in vs] for k, vs in (("set", p.set), ("unset", p.unset)) if vs}
        if event.read_point:
            out["readPoint"] = self.location(event.read_point)
        if event.biz_location:
            out["bizLocation"] = self.location(event.biz_location)
        if event.biz_transaction_list:
            out["bizTransactionList"] = [{**({"type": t.type.name} if t.type else {}), "bizTransaction": t.id.raw}
                                         for t in event.biz_transaction_list]
        if event.source_list:
            out["sourceList"] = self.parties(event.source_list, "source")
        if event.destination_list:
            out["destinationList"] = self.parties(event.destination_list, "destination")
        if event.sensor_elements:
            out["sensorElementList"] = [self.fields(e.children) for e in event.sensor_elements]
        if event.ilmd is not None:
            out["ilmd"] = self.fields(event.ilmd.elements)
        out.update(self.fields(event.extensions))
        return out


def document_jsonld(document: EpcisDocument, creation_date: datetime | None = None) -> str:
    fixed = {ns: prefix for prefix, ns in STANDARD_PREFIXES.items()}
    prefixes = namespace_prefixes(document, fixed)
    writer = _Writer(prefixes)
    extra = {p: ns for ns, p in prefixes.items() if STANDARD_PREFIXES.get(p) != ns}
    out: dict[str, Any] = {
        "@context": [CONTEXT, extra] if extra else [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": write_time(creation_date or document.creation_date or datetime.now(UTC)),
    }
    if document.vocabulary:
        vocabularies: dict[str, list[dict[str, Any]]] = {}
        for element in document.vocabulary:
            entry: dict[str, Any] = {"id": element.id.raw}
            if element.attributes:
                entry["attributes"] = [
                    {"id": a.id, "attribute": writer.fields(a.children) if a.children else (a.value or "")}
                    for a in element.attributes]
            if element.children:
                entry["children"] = [c.raw for c in element.children]
            vocabularies.setdefault(element.vocabulary_type, []).append(entry)
        out["epcisHeader"] = {"epcisMasterData": {"vocabularyList": [
            {"type": kind, "vocabularyElementList": elements} for kind, elements in vocabularies.items()]}}
    out["epcisBody"] = {"eventList": [writer.event(e) for e in document.events]}
    text = json.dumps(out, indent=2, ensure_ascii=False)
    return _MARKED.sub(lambda m: m.group(1), text) + "\n"
