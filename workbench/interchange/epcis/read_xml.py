"""Read EPCIS XML (1.2 and 2.0; EPCISDocument and EPCISQueryDocument) into the model.

lxml's ``iterparse`` streams the file: each event element is turned into the reader-neutral field dict
when it ends and is then cleared, so memory stays flat for files of millions of events. Places are
``FILE:LINE`` from lxml's ``sourceline``. EPCIS 1.2's ``extension`` and ``baseExtension`` wrappers are
looked through (quantityList, eventID, errorDeclaration, TransformationEvent live in them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from workbench.interchange.epcis.events import Builder
from workbench.interchange.epcis.faults import TOO_DEEP, FaultLog
from workbench.interchange.epcis.model import EpcisEvent, RawElement, ValueKind, VocabularyElement

EPCIS_NAMESPACES = {
    "urn:epcglobal:epcis:xsd:1": "1.2",
    "urn:epcglobal:epcis:xsd:2": "2.0",
    "urn:epcglobal:epcis-query:xsd:1": "1.2",
    "urn:epcglobal:epcis-query:xsd:2": "2.0",
    "urn:epcglobal:epcis-masterdata:xsd:1": "1.2",
    "urn:epcglobal:epcis-masterdata:xsd:2": "2.0",
}
ROOTS = ("EPCISDocument", "EPCISQueryDocument", "EPCISMasterDataDocument")
_QUALIFIED = ("{urn:epcglobal:epcis:xsd:1}", "{urn:epcglobal:epcis:xsd:2}")
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
EVENT_TAGS = ("ObjectEvent", "AggregationEvent", "TransformationEvent", "TransactionEvent", "AssociationEvent")
_WRAPPERS = ("extension", "baseExtension")
_TEXT = ("eventID", "eventTime", "eventTimeZoneOffset", "recordTime", "action", "bizStep", "disposition", "parentID",
         "transformationID")
_EPC_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
_KINDS = {"boolean": ValueKind.BOOLEAN, "integer": ValueKind.NUMBER, "int": ValueKind.NUMBER, "long": ValueKind.NUMBER,
          "decimal": ValueKind.NUMBER, "double": ValueKind.NUMBER, "float": ValueKind.NUMBER}


_BASE_ORDER = ("eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "errorDeclaration", "certificationInfo",
               "baseExtension")
_TAIL = ("bizStep", "disposition", "readPoint", "bizLocation")
#: The order of the standard fields of each event type in the EPCIS 2.0 XSD (``EPCglobal-epcis-2_0.xsd``; a test
#: checks this table against GS1's schema). EPCIS 1.2 orders them otherwise, with extension wrappers, and is not judged.
FIELD_ORDER_2_0: dict[str, tuple[str, ...]] = {
    "ObjectEvent": (*_BASE_ORDER, "epcList", "action", *_TAIL, "bizTransactionList", "quantityList", "sourceList",
                    "destinationList", "sensorElementList", "persistentDisposition", "ilmd", "extension"),
    "AggregationEvent": (*_BASE_ORDER, "parentID", "childEPCs", "action", *_TAIL, "bizTransactionList",
                         "childQuantityList", "sourceList", "destinationList", "sensorElementList",
                         "persistentDisposition", "extension"),
    "TransactionEvent": (*_BASE_ORDER, "bizTransactionList", "parentID", "epcList", "action", *_TAIL, "quantityList",
                         "sourceList", "destinationList", "sensorElementList", "persistentDisposition", "extension"),
    "TransformationEvent": (*_BASE_ORDER, "inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList",
                            "transformationID", *_TAIL, "bizTransactionList", "sourceList", "destinationList",
                            "sensorElementList", "persistentDisposition", "ilmd", "extension"),
    "AssociationEvent": (*_BASE_ORDER, "parentID", "childEPCs", "childQuantityList", "action", *_TAIL,
                         "bizTransactionList", "sourceList", "destinationList", "sensorElementList",
                         "persistentDisposition", "extension"),
}
_RANKS = {kind: {name: rank for rank, name in enumerate(order)} for kind, order in FIELD_ORDER_2_0.items()}


def _local(tag: Any) -> str:
    return tag if isinstance(tag, str) and not tag.startswith("{") else str(tag).split("}", 1)[-1]


def _unqualify(element: Any) -> bool:
    """Rename EPCIS-namespace-qualified elements below ``element`` to their bare names (seen in real files).

    The XSD says EPCIS fields are unqualified; some writers qualify them. True when any was renamed.
    """
    renamed = False
    for child in element.iter():
        tag = child.tag
        if isinstance(tag, str) and tag.startswith(_QUALIFIED):
            child.tag = tag.split("}", 1)[1]
            renamed = True
    return renamed


def _text(element: Any) -> str:
    return (element.text or "").strip()


def raw_element(element: Any) -> RawElement:
    """An XML element as a raw element: attributes (other than xsi:type) become children, xsi:type its kind."""
    kind = ValueKind.STRING
    children = []
    for name, value in element.attrib.items():
        if name == XSI_TYPE:
            kind = _KINDS.get(value.rpartition(":")[2], ValueKind.STRING)
        elif name == XSI_NIL:
            kind = ValueKind.NULL if value.strip() in ("true", "1") else kind
        else:
            children.append(RawElement(name, value))
    children += (raw_element(c) for c in element if isinstance(c.tag, str))
    text = (element.text or "").strip()
    value = None if kind is ValueKind.NULL or (children and not text) else text
    return RawElement(element.tag, value, kind, tuple(children))


_SENSOR_NUMBERS = ("value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue")
_SENSOR_KINDS = {**dict.fromkeys(_SENSOR_NUMBERS, ValueKind.NUMBER), "booleanValue": ValueKind.BOOLEAN}


def sensor_element(element: Any) -> RawElement:
    """A sensorElement; report fields the schema types as numbers or booleans get that kind (XML attributes have none)."""
    found = raw_element(element)
    children = []
    flat = [g for c in found.children for g in (c.children if c.name in _WRAPPERS else (c,))]
    for child in flat:
        if child.name == "sensorReport":
            fields = tuple(RawElement(f.name, f.value, _SENSOR_KINDS.get(f.name, f.kind), f.children) for f in child.children)
            child = RawElement(child.name, child.value, child.kind, fields)
        children.append(child)
    return RawElement(found.name, found.value, found.kind, tuple(children))


def _children(element: Any) -> Iterator[Any]:
    """Child elements, looking through EPCIS 1.2 extension wrappers; comments and PIs are skipped."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag in _WRAPPERS:
            yield from _children(child)
        else:
            yield child


class XmlReader:
    """Reads one XML document from a file object; faults and warnings go to ``log``."""

    def __init__(self, source: str, log: FaultLog, builder: Builder):
        self.source = source
        self.log = log
        self.builder = builder
        self.namespaces: dict[str, str] = {}
        self.version = ""

    def where(self, element: Any) -> str:
        return f"{self.source}:{element.sourceline}"

    # ---- events ----------------------------------------------------------------------------------

    def check_order(self, element: Any) -> None:
        """Warn (once per document) where an EPCIS 2.0 event gives its standard fields out of the schema's order: the
        reader takes them in any order, but a validating partner would refuse the document."""
        kind = _local(element.tag)
        ranks = _RANKS.get(kind)
        if ranks is None or self.version != "2.0":
            return
        last, last_tag = -1, ""
        for child in element:
            rank = ranks.get(child.tag) if isinstance(child.tag, str) else None
            if rank is None:
                continue  # extensions (in their own namespaces) and comments
            if rank < last:
                self.log.warn(self.where(child), f"<{child.tag}> comes after <{last_tag}> in this {kind}, but the "
                                                 "EPCIS 2.0 schema puts it before; the fields are read as given (a "
                                                 "validating receiver would refuse the document)", once="field-order")
                return
            last, last_tag = rank, child.tag

    def event(self, element: Any, index: int) -> EpcisEvent | None:
        try:
            return self._event(element, index)
        except RecursionError:  # a hostile extension nested hundreds deep: a fault at its line, not a crash
            self.log.fault(self.where(element), TOO_DEEP)
            return None

    def _event(self, element: Any, index: int) -> EpcisEvent | None:
        self.check_order(element)
        fields: dict[str, Any] = {}
        lines: dict[str, int] = {}
        extensions: list[RawElement] = []
        counters: dict[str, int] = {}
        for child in _children(element):
            tag = child.tag
            lines[tag] = child.sourceline
            if tag in _TEXT:
                fields[tag] = _text(child)
            elif tag in _EPC_LISTS:
                fields[tag] = [c.text or "" for c in child if c.tag == "epc"]
            elif tag in _QUANTITY_LISTS:
                items = []
                for n, q in enumerate(c for c in child if c.tag == "quantityElement"):
                    lines[f"{tag}[{n}]"] = q.sourceline
                    items.append({c.tag: _text(c) for c in q if isinstance(c.tag, str) and _text(c)})
                fields[tag] = items
            elif tag in ("readPoint", "bizLocation"):
                found = {c.tag: c for c in _children(child)}
                fields[tag] = {"id": found["id"].text or ""} if "id" in found else {}
                if "id" in found:
                    fields[tag]["extensions"] = tuple(raw_element(c) for c in _children(child) if c.tag != "id")
            elif tag == "bizTransactionList":
                fields[tag] = [{"bizTransaction": c.text or "", **({"type": c.get("type")} if c.get("type") else {})}
                               for c in child if c.tag == "bizTransaction"]
            elif tag in ("sourceList", "destinationList"):
                key = tag[:-4]
                fields[tag] = [{key: c.text or "", "type": c.get("type")} for c in child if c.tag == key]
            elif tag == "ilmd":
                fields[tag] = tuple(raw_element(c) for c in _children(child))
            elif tag == "sensorElementList":
                fields[tag] = tuple(sensor_element(c) for c in child if isinstance(c.tag, str))
            elif tag == "persistentDisposition":
                fields[tag] = {k: [_text(c) for c in child if c.tag == k] for k in ("set", "unset")}
            elif tag == "certificationInfo":
                fields.setdefault(tag, []).append(_text(child))
            elif tag == "errorDeclaration":
                found = {}
                ids: list[str] = []
                rest = []
                for c in _children(child):
                    if c.tag in ("declarationTime", "reason"):
                        found[c.tag] = c.text or ""
                    elif c.tag == "correctiveEventIDs":
                        ids += [_text(i) for i in c if i.tag == "correctiveEventID"]
                    else:
                        rest.append(raw_element(c))
                fields[tag] = {**found, "correctiveEventIDs": ids, "extensions": tuple(rest)}
            else:
                if not tag.startswith("{"):
                    self.log.warn(self.where(child), f"the element <{tag}> is no EPCIS field and has no namespace; it is "
                                                     "kept as an extension", once=f"field:{tag}")
                counters[tag] = counters.get(tag, 0) + 1
                extensions.append(raw_element(child))
        event_line = element.sourceline

        def place(path: str) -> str:
            return f"{self.source}:{lines.get(path) or lines.get(path.split('[', 1)[0].split('.', 1)[0]) or event_line}"

        return self.builder.event(element.tag, fields, extensions, place, index)

    # ---- master data -----------------------------------------------------------------------------

    def master_data(self, header: Any) -> list[VocabularyElement]:
        out = []
        for vocabulary in header.iter("{*}Vocabulary"):
            kind = vocabulary.get("type")
            if not kind:
                self.log.fault(self.where(vocabulary), "a Vocabulary needs its type attribute")
                continue
            for element in vocabulary.iter("{*}VocabularyElement"):
                attributes = []
                for attribute in element.iter("{*}attribute"):
                    kids = tuple(raw_element(c) for c in attribute if isinstance(c.tag, str))
                    text = _text(attribute)
                    attributes.append((attribute.get("id") or "", text if text or not kids else None, kids))
                children = [_text(c) for c in element.iterfind("{*}children/{*}id")]
                built = self.builder.vocabulary_element(kind, element.get("id") or "", attributes, children,
                                                        self.where(element))
                if built is not None:
                    out.append(built)
        return out

    def unknown_events(self, elements: Any) -> None:
        """A fault for each element of an event list that is no EPCIS event (an event type that does not exist)."""
        for element in elements:
            if isinstance(element.tag, str) and _local(element.tag) not in (*EVENT_TAGS, "extension"):
                self.log.fault(self.where(element), f"unknown event type <{_local(element.tag)}>; EPCIS has ObjectEvent, "
                                                    "AggregationEvent, TransformationEvent, TransactionEvent and "
                                                    "AssociationEvent")

    # ---- the document ----------------------------------------------------------------------------

    def read(self, stream: IO[bytes]) -> tuple[dict[str, Any], list[EpcisEvent], list[VocabularyElement]]:
        """(document header fields, events, master data); XMLSyntaxError propagates to the caller."""
        header: dict[str, Any] = {}
        events: list[EpcisEvent] = []
        master: list[VocabularyElement] = []
        root = None
        bare = False  # the root is an event, not a document
        index = 0
        parse = etree.iterparse(stream, events=("start", "end"), tag=[*(f"{{*}}{r}" for r in ROOTS), "{*}EPCISHeader",
                                                                      "{*}EventList", *(f"{{*}}{t}" for t in EVENT_TAGS)],
                                resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)
        for action, element in parse:
            if root is None:
                root = element
                namespace, _, name = element.tag[1:].partition("}") if element.tag.startswith("{") else ("", "", element.tag)
                version = EPCIS_NAMESPACES.get(namespace)
                if name in EVENT_TAGS and namespace in ("", *EPCIS_NAMESPACES):
                    # One event on its own, as a capture interface takes it (openepcis's test events): a document of one.
                    self.log.warn(self.where(element), f"the file is one <{name}>, not an EPCISDocument; it is read as a "
                                                       "document of that one event")
                    bare = True
                    self.namespaces = {k: v for k, v in element.nsmap.items() if k}
                    self.version = version or "2.0"
                    header = {"schemaVersion": element.get("schemaVersion") or version or "2.0",
                              "creationDate": element.get("creationDate"), "query": False, "version": version or "2.0"}
                    continue
                if version is None or name not in ROOTS:
                    self.log.fault(self.where(element), f"not an EPCIS document: the root element is <{_local(element.tag)}> "
                                                        f"in namespace {namespace or 'none'!r}")
                    return {}, [], []
                self.namespaces = {k: v for k, v in element.nsmap.items() if k}
                self.version = version
                header = {"schemaVersion": element.get("schemaVersion") or version, "creationDate": element.get("creationDate"),
                          "query": name == "EPCISQueryDocument", "version": version}
                continue
            if action != "end":
                continue
            tag = element.tag.split("}", 1)[1] if element.tag.startswith(_QUALIFIED) else element.tag
            if tag == "EPCISHeader":
                master = self.master_data(element)
                element.clear()
            elif tag == "EventList":
                self.unknown_events(element)
            elif tag in EVENT_TAGS:
                parent = element.getparent()
                if parent is None and bare and element is root:
                    _unqualify(element)
                    event = self.event(element, index)
                    if event is not None:
                        events.append(event)
                    continue
                if parent is None or _local(parent.tag) not in ("EventList", "extension"):
                    continue
                if _unqualify(element):
                    self.log.warn(self.where(element), "EPCIS fields are written in the EPCIS namespace (the schema has them "
                                                       "unqualified); they are read as EPCIS fields", once="qualified")
                event = self.event(element, index)
                index += 1
                if event is not None:
                    events.append(event)
                element.clear(keep_tail=False)
                while (previous := element.getprevious()) is not None:
                    self.unknown_events([previous])
                    parent.remove(previous)
        if root is None:
            stream.seek(0)
            _, first = next(etree.iterparse(stream, events=("start",), resolve_entities=False, no_network=True))
            namespace = first.tag[1:].partition("}")[0] if first.tag.startswith("{") else "none"
            if _local(first.tag) == "EPCISCaptureJob" and namespace in EPCIS_NAMESPACES:
                self.log.fault(self.where(first), "not an EPCIS document: it is an EPCIS capture job (the state of a "
                                                  "capture at a repository), which holds no events")
                return {}, [], []
            self.log.fault(self.where(first), f"not an EPCIS document: the root element is <{_local(first.tag)}> in "
                                              f"namespace {namespace!r}")
            return {}, [], []
        if root.tag.endswith("}EPCISMasterDataDocument"):
            master = self.master_data(root)
        return header, events, master
