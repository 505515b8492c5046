"""Read EPCIS 2.0 JSON / JSON-LD (EPCISDocument or EPCISQueryDocument) into the model.

No JSON-LD processor runs: the reader knows the EPCIS fields by name and resolves extension names
(``gdst:productOwner``) through the prefixes of the document's ``@context`` (and of an event's own
``@context``) to ``{namespace}local``. That is what the GS1 context means, at a fraction of the cost.
Accepted variants seen in real files: ``type``/``@type``/``eventType``/``isA``, ``epcisBody.eventList``
and ``epcisBody.queryResults.resultsBody.eventList``, a context given as one string, one object or a list.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from decimal import Decimal
from pathlib import Path
from typing import Any

from workbench.interchange.epcis import parallel
from workbench.interchange.epcis.events import Builder
from workbench.interchange.epcis.faults import TOO_DEEP, FaultLog
from workbench.interchange.epcis.jsontext import EventSpans
from workbench.interchange.epcis.model import EpcisEvent, RawElement, ValueKind, VocabularyElement

# The prefixes the GS1 EPCIS 2.0 context defines (cbvmda with its trailing colon, as the context has it).
STANDARD_PREFIXES = {
    "epcis": "https://ref.gs1.org/epcis/",
    "cbv": "https://ref.gs1.org/cbv/",
    "cbvmda": "urn:epcglobal:cbv:mda:",
    "gs1": "https://gs1.org/voc/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
}
_TYPE_KEYS = ("type", "@type", "eventType", "isA")
_SIMPLE = ("eventID", "eventTime", "eventTimeZoneOffset", "recordTime", "action", "bizStep", "disposition",
           "parentID", "transformationID", "certificationInfo", "epcList", "childEPCs", "inputEPCList", "outputEPCList",
           "quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList", "bizTransactionList",
           "sourceList", "destinationList", "persistentDisposition")
#: A document's event list: parsed JSON values, or a large document's events parsed as they are read.
Events = list[Any] | EventSpans
EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransformationEvent", "TransactionEvent", "AssociationEvent")
# The parameter prefixes of an EPCIS query (EPCIS 2.0 section 8.2.7): a file of them is a query, not a document.
_QUERY_PARAMETERS = ("EQ_", "GE_", "GT_", "LE_", "LT_", "MATCH_", "EXISTS_", "HASATTR_", "EQATTR_", "WD_", "eventCountLimit")
_SKIPPED = {"@context", "@id", "id", "#text", "rdfs:comment", "comment", *_TYPE_KEYS}
_SIMPLE_KEYS = frozenset(_SIMPLE)
#: The fields an event reads itself (the rest are extensions); a bare event also has the document's own fields.
_KNOWN = _SIMPLE_KEYS | _SKIPPED | {"readPoint", "bizLocation", "ilmd", "sensorElementList", "errorDeclaration"}
_KNOWN_BARE = _KNOWN | {"schemaVersion", "creationDate"}


def context_prefixes(context: Any, into: dict[str, str]) -> dict[str, str]:
    """The prefix → namespace entries of a JSON-LD context (string entries are remote contexts: skipped)."""
    for entry in context if isinstance(context, list) else [context]:
        if isinstance(entry, dict):
            for prefix, value in entry.items():
                if isinstance(value, str) and not prefix.startswith("@"):
                    into[prefix] = value
    return into


class JsonReader:
    """Reads one parsed JSON document; faults and warnings go to ``log``."""

    def __init__(self, source: str, log: FaultLog, builder: Builder, file: Path | None = None):
        self.source = source
        self.file = file  # the document's file, when it was read from one (a second process can read it too)
        self.log = log
        self.builder = builder
        self.prefixes: dict[str, str] = dict(STANDARD_PREFIXES)

    # ---- names and raw values --------------------------------------------------------------------

    def name(self, key: str, prefixes: Mapping[str, str], where: str) -> str:
        prefix, colon, local = key.partition(":")
        if not colon or local.startswith("//"):
            return key
        namespace = prefixes.get(prefix)
        if namespace is None:
            self.log.warn(where, f"the prefix {prefix!r} of {key!r} is not declared in @context; the name is kept as "
                                 "given", once=f"prefix:{prefix}")
            return key
        return f"{{{namespace}}}{local}"

    def raw(self, key: str, value: Any, prefixes: Mapping[str, str], where: str) -> list[RawElement]:
        """A JSON value as raw elements: a list gives one element per entry."""
        name = self.name(key, prefixes, where)
        if isinstance(value, list):
            return [e for item in value for e in self.raw(key, item, prefixes, where)]
        if isinstance(value, dict):
            if "@context" in value:
                prefixes = context_prefixes(value["@context"], dict(prefixes))
            children = [e for k, v in value.items() if k not in ("@context", "#text")
                        for e in self.raw(k, v, prefixes, where)]
            text = value.get("#text")
            return [RawElement(name, str(text) if text is not None else None, ValueKind.STRING, tuple(children))]
        if isinstance(value, bool):
            return [RawElement(name, "true" if value else "false", ValueKind.BOOLEAN)]
        if isinstance(value, int | Decimal):
            return [RawElement(name, str(value), ValueKind.NUMBER)]
        if value is None:
            return [RawElement(name, None, ValueKind.NULL)]
        return [RawElement(name, str(value))]

    def extensions(self, value: dict[str, Any], skip: AbstractSet[str], prefixes: Mapping[str, str],
                   where: str) -> tuple[RawElement, ...]:
        return tuple(e for k, v in value.items() if k not in skip for e in self.raw(k, v, prefixes, where))

    # ---- events ----------------------------------------------------------------------------------

    def event(self, value: Any, index: int, path: str) -> EpcisEvent | None:
        """The event at ``path`` of the document (``""``: the document is the event)."""
        try:
            return self._event(value, index, path)
        except RecursionError:  # a hostile extension nested hundreds deep: a fault at its place, not a crash
            self.log.fault(f"{self.source}: {path}" if path else self.source, TOO_DEEP)
            return None

    def _event(self, value: Any, index: int, path: str) -> EpcisEvent | None:
        base = f"{self.source}: {path}" if path else self.source

        def place(sub: str) -> str:
            if not sub:
                return base
            return f"{base}.{sub}" if path else f"{base}: {sub}"

        if not isinstance(value, dict):
            self.log.fault(base, "an event must be a JSON object")
            return None
        prefixes: Mapping[str, str] = self.prefixes
        if "@context" in value:
            prefixes = context_prefixes(value["@context"], dict(self.prefixes))
        kind = value["type"] if "type" in value else next((value[k] for k in _TYPE_KEYS if k in value), None)
        fields: dict[str, Any] = {k: v for k, v in value.items() if k in _SIMPLE_KEYS}
        known = _KNOWN if path else _KNOWN_BARE  # a bare event carries the document's own fields too
        for key in ("readPoint", "bizLocation"):
            if key in value:
                location = value[key]
                fields[key] = location if not isinstance(location, dict) else {
                    "id": location.get("id"), "extensions": self.extensions(location, {"id"}, prefixes, base)}
                if isinstance(location, dict) and "id" not in location:
                    fields[key] = location
        if "ilmd" in value:
            ilmd = value["ilmd"]
            if isinstance(ilmd, dict):
                fields["ilmd"] = self.extensions(ilmd, {"@context"}, prefixes, place("ilmd"))
                bare = sorted(k for k in ilmd if ":" not in k and not k.startswith("@"))
                if bare:
                    self.log.warn(place("ilmd"), f"the ILMD field{'s' if len(bare) > 1 else ''} "
                                                 f"{', '.join(map(repr, bare))} {'have' if len(bare) > 1 else 'has'} no "
                                                 "namespace prefix (ILMD fields are extensions); kept as given",
                                  once=f"ilmd:{','.join(bare)}")
            else:
                self.log.fault(place("ilmd"), "ilmd must be a JSON object of named fields")
        if "sensorElementList" in value:
            fields["sensorElementList"] = self.raw("sensorElement", value["sensorElementList"], prefixes, base)
        if "errorDeclaration" in value:
            declaration = value["errorDeclaration"]
            if isinstance(declaration, dict):
                declaration = dict(declaration, extensions=self.extensions(
                    declaration, {"declarationTime", "reason", "correctiveEventIDs"}, prefixes, base))
            fields["errorDeclaration"] = declaration
        unknown = [key for key in value if key not in known]
        for key in unknown:
            if ":" not in key:
                self.log.warn(base, f"the field {key!r} is no EPCIS field and has no namespace prefix; it is kept as an "
                                    "extension", once=f"field:{key}")
        extensions = self.extensions(value, known, prefixes, base) if unknown else ()
        return self.builder.event(kind, fields, extensions, place, index)

    # ---- master data -----------------------------------------------------------------------------

    def master_data(self, header: Any) -> list[VocabularyElement]:
        if not isinstance(header, dict):
            return []
        master = header.get("epcisMasterData")
        if master is None:
            return []
        vocabularies = master.get("vocabularyList") if isinstance(master, dict) else None
        path = "epcisHeader.epcisMasterData.vocabularyList"
        if not isinstance(vocabularies, list):
            self.log.fault(f"{self.source}: {path}", "vocabularyList must be a list of vocabularies")
            return []
        out = []
        for i, vocabulary in enumerate(vocabularies):
            if not isinstance(vocabulary, dict) or not isinstance(vocabulary.get("type"), str):
                self.log.fault(f"{self.source}: {path}[{i}]", "a vocabulary needs its type")
                continue
            for j, element in enumerate(vocabulary.get("vocabularyElementList") or []):
                where = f"{self.source}: {path}[{i}].vocabularyElementList[{j}]"
                if not isinstance(element, dict):
                    self.log.fault(where, "a vocabulary element must be a JSON object with an id")
                    continue
                attributes: list[tuple[str, str | None, tuple[RawElement, ...]]] = []
                for attribute in element.get("attributes") or []:
                    if not isinstance(attribute, dict) or not isinstance(attribute.get("id"), str):
                        self.log.fault(where, "an attribute needs its id")
                        continue
                    value = attribute.get("attribute")
                    if isinstance(value, dict | list):
                        children = tuple(e for el in self.raw("attribute", value, self.prefixes, where) for e in el.children) \
                            if isinstance(value, dict) else tuple(self.raw("value", value, self.prefixes, where))
                        attributes.append((attribute["id"], None, children))
                    else:
                        attributes.append((attribute["id"], None if value is None else str(value), ()))
                built = self.builder.vocabulary_element(vocabulary["type"], element.get("id"), attributes,
                                                        element.get("children") or [], where)
                if built is not None:
                    out.append(built)
        return out

    # ---- the document ----------------------------------------------------------------------------

    def event_list(self, document: dict[str, Any]) -> tuple[Events, str]:
        body = document.get("epcisBody")
        if not isinstance(body, dict):
            self.log.fault(self.source, "not an EPCIS document: it has no epcisBody")
            return [], ""
        if "eventList" in body:
            return _as_list(body["eventList"]), "eventList"
        results = body.get("queryResults")
        if isinstance(results, dict):
            results_body = results.get("resultsBody")
            if isinstance(results_body, dict):
                return _as_list(results_body.get("eventList")), "queryResults.resultsBody.eventList"
        if "event" in body:
            return _as_list(body["event"]), "event"
        return [], ""

    def read(self, document: Any) -> tuple[dict[str, Any], list[EpcisEvent], list[VocabularyElement]]:
        """(document header fields, events, master data)."""
        if not isinstance(document, dict):
            self.log.fault(self.source, "not an EPCIS document: the JSON is not an object")
            return {}, [], []
        kind = next((document[k] for k in _TYPE_KEYS if k in document), None)
        if isinstance(kind, str) and kind in EVENT_TYPES:
            # One event on its own, as a capture interface takes it (openepcis's test events): a document of one.
            self.log.warn(self.source, f"the file is one {kind}, not an EPCISDocument; it is read as a document of that "
                                       "one event")
            context_prefixes(document.get("@context"), self.prefixes)
            event = self.event(document, 0, "")
            return {"schemaVersion": document.get("schemaVersion") or "2.0", "creationDate": document.get("creationDate"),
                    "query": False}, [event] if event is not None else [], []
        if kind not in ("EPCISDocument", "EPCISQueryDocument"):
            if any(isinstance(k, str) and k.startswith(_QUERY_PARAMETERS) for k in document):
                self.log.fault(self.source, "not an EPCIS document: it is an EPCIS query (the parameters of a search "
                                            "for events), which holds no events")
                return {}, [], []
            if kind is not None or "epcisBody" not in document:
                named = f"its type is {kind!r}" if kind is not None else "it names no type"
                self.log.fault(self.source, f"not an EPCIS document: {named}, not EPCISDocument or EPCISQueryDocument")
                return {}, [], []
            self.log.warn(self.source, "the document has no type; it is read as an EPCISDocument")
        if "@context" not in document:
            self.log.warn(self.source, "the document has no @context; the EPCIS 2.0 context is assumed")
        values, path = self.prepare(document)
        master = self.master_data(document.get("epcisHeader"))
        events = self.events(values, path)
        header = {"schemaVersion": document.get("schemaVersion"), "creationDate": document.get("creationDate"),
                  "query": kind == "EPCISQueryDocument"}
        return header, events, master

    def prepare(self, document: dict[str, Any]) -> tuple[Events, str]:
        """The document's prefixes taken in, and its event list with the path to it."""
        context_prefixes(document.get("@context"), self.prefixes)
        return self.event_list(document)

    def build(self, values: Events, path: str, first: int, stop: int) -> list[EpcisEvent]:
        """The events ``values[first:stop]`` (those without faults), each with its place in the whole list.

        Each parsed JSON event is let go once its event is built (``values[i]`` becomes None): the events of a large
        document then take the memory its parsed JSON gave back, instead of new memory the system must hand out page
        by page (a million events: gigabytes, and seconds of page faults). ``EventSpans`` parse each event afresh when
        asked, so they hold nothing to let go.
        """
        out = []
        for i in range(first, stop):
            event = self.event(values[i], i, f"{path}[{i}]" if path != "event" else path)
            if isinstance(values, list):
                values[i] = None
            if event is not None:
                out.append(event)
        return out

    def events(self, values: Events, path: str) -> list[EpcisEvent]:
        """Every event; a large document read from a file has its tail built by a second process (``parallel``)."""
        if self.file is None or (first := parallel.worker_start(len(values))) is None:
            return self.build(values, path, 0, len(values))
        share = parallel.start(self.file, self.source, self.builder.options.strict_identifiers, first)
        try:
            head = self.build(values, path, 0, first)
            tail = parallel.finish(share)
        finally:
            share.stop()
        if tail is None:
            return head + self.build(values, path, first, len(values))
        events, faults, warnings = tail
        self.log.faults.extend(faults)
        for where, message, once in warnings:
            self.log.warn(where, message, once=once)
        return head + events


def _as_list(value: Any) -> Events:
    """A list of events: as given when it is one (a list, or a large document's ``EventSpans``)."""
    if value is None:
        return []
    return value if isinstance(value, list | EventSpans) else [value]
