"""The model as EPCIS 2.0 XML, fields in the order of GS1's ``EPCglobal-epcis-2_0.xsd``.

Standard CBV values are written as their URNs (``urn:epcglobal:cbv:bizstep:shipping``), which EPCIS 1.2
readers also understand. Raw values with a JSON type carry ``xsi:type`` (``xsd:decimal``,
``xsd:boolean``) so the type survives; sensor metadata and report fields are attributes, as the XSD has them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lxml import etree

from workbench.interchange.epcis.identifiers import Identifier
from workbench.interchange.epcis.model import (
    CbvValue,
    EpcisDocument,
    EpcisEvent,
    EventType,
    Location,
    QuantityElement,
    RawElement,
    ValueKind,
)
from workbench.interchange.epcis.read_xml import XSI_TYPE
from workbench.interchange.epcis.times import write_time
from workbench.interchange.epcis.vocab import (
    BIZ_STEP,
    BIZ_TRANSACTION_TYPE,
    DISPOSITION,
    ERROR_REASON,
    SOURCE_DESTINATION_TYPE,
    Vocabulary,
    urn,
)
from workbench.interchange.epcis.write import namespace_prefixes

EPCIS = "urn:epcglobal:epcis:xsd:2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
XSI_NIL = f"{{{XSI}}}nil"
_XSI_TYPES = {ValueKind.NUMBER: "xsd:decimal", ValueKind.BOOLEAN: "xsd:boolean"}

# The fields after the common header, per event type, in XSD order.
_ORDER = {
    EventType.OBJECT: ("epcList", "action", "bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList",
                       "quantityList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition",
                       "ilmd"),
    EventType.AGGREGATION: ("parentID", "childEPCs", "action", "bizStep", "disposition", "readPoint", "bizLocation",
                            "bizTransactionList", "childQuantityList", "sourceList", "destinationList",
                            "sensorElementList", "persistentDisposition"),
    EventType.TRANSACTION: ("bizTransactionList", "parentID", "epcList", "action", "bizStep", "disposition", "readPoint",
                            "bizLocation", "quantityList", "sourceList", "destinationList", "sensorElementList",
                            "persistentDisposition"),
    EventType.TRANSFORMATION: ("inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList",
                               "transformationID", "bizStep", "disposition", "readPoint", "bizLocation",
                               "bizTransactionList", "sourceList", "destinationList", "sensorElementList",
                               "persistentDisposition", "ilmd"),
    EventType.ASSOCIATION: ("parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition", "readPoint",
                            "bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList",
                            "persistentDisposition"),
}


def _sub(parent: Any, tag: str, text: str | None = None, **attrib: str) -> Any:
    element = etree.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _cbv(vocabulary: Vocabulary, value: CbvValue) -> str:
    return urn(vocabulary, value)


def raw_to_xml(parent: Any, element: RawElement) -> None:
    node = etree.SubElement(parent, element.name)
    if element.kind in _XSI_TYPES:
        node.set(XSI_TYPE, _XSI_TYPES[element.kind])
    elif element.kind is ValueKind.NULL:
        node.set(XSI_NIL, "true")
    if element.value is not None:
        node.text = element.value
    for child in element.children:
        raw_to_xml(node, child)


def _extensions(parent: Any, elements: tuple[RawElement, ...] | list[RawElement], local: tuple[str, ...] | None) -> None:
    """Namespaced elements as they are; elements without a namespace inside the ``extension`` wrappers
    (``local``) where the XSD allows unqualified elements (EPCIS 1.2 style), since ``##other`` does not."""
    bare = [e for e in elements if not e.name.startswith("{")]
    if bare and local is not None:
        holder = parent
        for tag in local:
            holder = _sub(holder, tag)
        for element in bare:
            raw_to_xml(holder, element)
    for element in elements:
        if element.name.startswith("{") or local is None:
            raw_to_xml(parent, element)


def _sensor(parent: Any, element: RawElement) -> None:
    node = _sub(parent, "sensorElement")
    for name in ("sensorMetadata", "sensorReport"):
        for child in (c for c in element.children if c.name == name):
            attributes = _sub(node, child.name)
            for field in child.children:
                if field.children:
                    raw_to_xml(attributes, field)
                else:
                    attributes.set(field.name, field.value or "")
    _extensions(node, [c for c in element.children if c.name not in ("sensorMetadata", "sensorReport")], ("extension",))


class _EventWriter:
    def __init__(self, event: EpcisEvent, node: Any):
        self.event = event
        self.node = node

    def ids(self, tag: str, ids: tuple[Identifier, ...]) -> None:
        if ids:
            holder = _sub(self.node, tag)
            for i in ids:
                _sub(holder, "epc", i.raw)

    def quantities(self, tag: str, items: tuple[QuantityElement, ...]) -> None:
        if items:
            holder = _sub(self.node, tag)
            for q in items:
                element = _sub(holder, "quantityElement")
                _sub(element, "epcClass", q.epc_class.raw)
                if q.quantity is not None:
                    _sub(element, "quantity", str(q.quantity))
                    if q.uom:
                        _sub(element, "uom", q.uom)

    def location(self, tag: str, location: Location | None) -> None:
        if location is not None:
            holder = _sub(self.node, tag)
            _sub(holder, "id", location.id.raw)
            for element in location.extensions:
                raw_to_xml(holder, element)

    def write(self) -> None:
        e = self.event
        _sub(self.node, "eventTime", write_time(e.event_time))
        if e.record_time:
            _sub(self.node, "recordTime", write_time(e.record_time))
        _sub(self.node, "eventTimeZoneOffset", e.event_time_zone_offset)
        if e.event_id:
            _sub(self.node, "eventID", e.event_id)
        if e.error_declaration is not None:
            declaration = e.error_declaration
            holder = _sub(self.node, "errorDeclaration")
            _sub(holder, "declarationTime", write_time(declaration.declaration_time))
            if declaration.reason:
                _sub(holder, "reason", _cbv(ERROR_REASON, declaration.reason))
            if declaration.corrective_event_ids:
                ids = _sub(holder, "correctiveEventIDs")
                for i in declaration.corrective_event_ids:
                    _sub(ids, "correctiveEventID", i)
            for element in declaration.extensions:
                raw_to_xml(holder, element)
        for certificate in e.certification_info:
            _sub(self.node, "certificationInfo", certificate)
        for field in _ORDER[e.type]:
            if field in ("epcList", "childEPCs", "inputEPCList", "outputEPCList"):
                self.ids(field, {"epcList": e.epc_list, "childEPCs": e.child_epcs, "inputEPCList": e.input_epc_list,
                                 "outputEPCList": e.output_epc_list}[field])
            elif field in ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"):
                self.quantities(field, {"quantityList": e.quantity_list, "childQuantityList": e.child_quantity_list,
                                        "inputQuantityList": e.input_quantity_list,
                                        "outputQuantityList": e.output_quantity_list}[field])
            elif field == "parentID" and e.parent_id is not None:
                _sub(self.node, field, e.parent_id.raw)
            elif field == "action" and e.action is not None:
                _sub(self.node, field, e.action.value)
            elif field == "transformationID" and e.transformation_id:
                _sub(self.node, field, e.transformation_id)
            elif field == "bizStep" and e.biz_step:
                _sub(self.node, field, _cbv(BIZ_STEP, e.biz_step))
            elif field == "disposition" and e.disposition:
                _sub(self.node, field, _cbv(DISPOSITION, e.disposition))
            elif field in ("readPoint", "bizLocation"):
                self.location(field, e.read_point if field == "readPoint" else e.biz_location)
            elif field == "bizTransactionList" and e.biz_transaction_list:
                holder = _sub(self.node, field)
                for t in e.biz_transaction_list:
                    attrib = {"type": _cbv(BIZ_TRANSACTION_TYPE, t.type)} if t.type else {}
                    _sub(holder, "bizTransaction", t.id.raw, **attrib)
            elif field in ("sourceList", "destinationList"):
                entries = e.source_list if field == "sourceList" else e.destination_list
                if entries:
                    holder = _sub(self.node, field)
                    for s in entries:
                        _sub(holder, field[:-4], s.id.raw, type=_cbv(SOURCE_DESTINATION_TYPE, s.type))
            elif field == "sensorElementList" and e.sensor_elements:
                holder = _sub(self.node, field)
                for element in e.sensor_elements:
                    _sensor(holder, element)
            elif field == "persistentDisposition" and e.persistent_disposition is not None:
                holder = _sub(self.node, field)
                for value in e.persistent_disposition.unset:
                    _sub(holder, "unset", _cbv(DISPOSITION, value))
                for value in e.persistent_disposition.set:
                    _sub(holder, "set", _cbv(DISPOSITION, value))
            elif field == "ilmd" and e.ilmd is not None:
                holder = _sub(self.node, field)
                for element in e.ilmd.elements:
                    raw_to_xml(holder, element)
        _extensions(self.node, e.extensions, None)  # EPCIS 2.0 has no place for unqualified event fields


def document_xml(document: EpcisDocument, creation_date: datetime | None = None) -> bytes:
    prefixes = namespace_prefixes(document, {EPCIS: "epcis", XSI: "xsi", XSD: "xsd"}, reserved=("epcis", "xsi", "xsd"))
    nsmap = {p: ns for ns, p in prefixes.items()} | {"epcis": EPCIS, "xsi": XSI, "xsd": XSD}
    root = etree.Element(f"{{{EPCIS}}}EPCISDocument", nsmap=nsmap)
    root.set("schemaVersion", "2.0")
    root.set("creationDate", write_time(creation_date or document.creation_date or datetime.now(UTC)))
    if document.vocabulary:
        header = _sub(_sub(_sub(root, "EPCISHeader"), "extension"), "EPCISMasterData")
        vocabularies: dict[str, Any] = {}
        listing = _sub(header, "VocabularyList")
        for element in document.vocabulary:
            if element.vocabulary_type not in vocabularies:
                vocabulary = _sub(listing, "Vocabulary", type=element.vocabulary_type)
                vocabularies[element.vocabulary_type] = _sub(vocabulary, "VocabularyElementList")
            node = _sub(vocabularies[element.vocabulary_type], "VocabularyElement", id=element.id.raw)
            for attribute in element.attributes:
                holder = _sub(node, "attribute", attribute.value, id=attribute.id)
                for child in attribute.children:
                    raw_to_xml(holder, child)
            if element.children:
                kids = _sub(node, "children")
                for child_id in element.children:
                    _sub(kids, "id", child_id.raw)
    event_list = _sub(_sub(root, "EPCISBody"), "EventList")
    for event in document.events:
        _EventWriter(event, _sub(event_list, event.type.value)).write()
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
