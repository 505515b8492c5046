"""Read any EPCIS document: detect the format by content, read it, check the whole, return it or every fault.

``read_document(path)`` (or bytes with a ``source`` name for messages) returns an ``EpcisDocument``
with its warnings, or raises ``EpcisReadFailed`` listing every fault, each one sentence with its place.
The format is found from the content, never the file name: JSON/JSON-LD when the first character is
``{``, XML when it is ``<``; a UTF-8 byte-order mark is skipped silently. Checks of the whole document:
eventIDs used twice (with identical or different content, said which) and master data given twice.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from workbench.interchange.epcis.encoding import EncodingError, as_utf8, label
from workbench.interchange.epcis.events import Builder, ReadOptions
from workbench.interchange.epcis.faults import EpcisReadFailed, Fault, FaultLog
from workbench.interchange.epcis.jsontext import DuplicateKey, JsonSyntaxError, content_offset, loads_document
from workbench.interchange.epcis.model import DuplicateEventId, EpcisDocument, EpcisEvent, VocabularyElement
from workbench.interchange.epcis.read_json import STANDARD_PREFIXES, JsonReader
from workbench.interchange.epcis.read_xml import XmlReader
from workbench.interchange.epcis.times import TimeError, parse_time
from workbench.interchange.epcis.unsafe import MAX_SAID, check_json, check_xml

BOM = b"\xef\xbb\xbf"

__all__ = ["EpcisReadFailed", "ReadOptions", "read_document"]


@dataclass(frozen=True)
class _Header:
    schema_version: str
    creation_date: str | None
    query: bool


def read_document(data: bytes | str | Path, source: str | None = None, options: ReadOptions | None = None) -> EpcisDocument:
    """Read a document from a path, or from bytes/text named ``source`` in messages."""
    source = source or (str(data) if isinstance(data, Path) else "<epcis>")
    try:
        return _read_document(data, source, options)
    except RecursionError:  # nested deeper than a walk of the whole (master data, a check) goes: each event says its own
        raise EpcisReadFailed(source, [Fault(source, "the document nests its values deeper than the reader follows "
                                                     "(hundreds of levels; EPCIS needs a handful)")]) from None


def _read_document(data: bytes | str | Path, source: str, options: ReadOptions | None) -> EpcisDocument:
    file = data if isinstance(data, Path) else None
    if isinstance(data, Path):
        data = data.read_bytes()
    elif isinstance(data, str):
        data = data.encode("utf-8")
    log = FaultLog(source)
    builder = Builder(log, options or ReadOptions())
    try:
        data, encoding = as_utf8(data)
    except EncodingError as e:
        log.fault(source, str(e))
        raise EpcisReadFailed(source, log.faults) from None
    offset = content_offset(data)
    start = data[offset:offset + 1]
    namespaces: dict[str, str] = {}
    if start in (b"{", b"["):
        if encoding is not None:
            log.warn(source, f"the file is {label(encoding)} text, not the UTF-8 that JSON is exchanged in; it is read "
                             "as what it is")
        parsed = document_text(data, source, log)
        del data  # the file's bytes are not needed once parsed (a large file: hundreds of megabytes)
        header, events, master, namespaces = _read_json(parsed, source, log, builder, file)
        fmt = "json-ld"
    elif start == b"<":
        declared = data.find(b"<!ENTITY")
        if declared >= 0:
            # Never expanded (no network, no files, no billion laughs): a document that declares entities is refused,
            # since what it says would silently lose the text they stand for.
            line = data.count(b"\n", 0, declared) + 1
            log.fault(f"{source}:{line}", "the document declares XML entities (<!ENTITY> in its DOCTYPE), which EPCIS "
                                          "does not use and the reader never expands")
            raise EpcisReadFailed(source, log.faults)
        check_xml(data, source, log)
        reader = XmlReader(source, log, builder)
        try:
            raw_header, events, master = reader.read(io.BytesIO(data))
        except etree.XMLSyntaxError as e:
            line = e.lineno if e.lineno else 1
            log.fault(f"{source}:{line}", f"not well-formed XML: {e.msg}")
            raise EpcisReadFailed(source, log.faults) from None
        namespaces = reader.namespaces
        header, fmt = raw_header, f"xml-{raw_header.get('version', '')}"
    else:
        log.fault(source, "not an EPCIS document: it is neither JSON nor XML")
        raise EpcisReadFailed(source, log.faults)
    if not header and not log.faults:
        log.fault(source, "not an EPCIS document: no EPCISDocument or EPCISQueryDocument found")
    creation = None
    written = header.get("creationDate")
    if isinstance(written, str):
        try:
            creation = parse_time(written, "creationDate")
        except TimeError as e:
            log.warn(source, f"{e}; the document is read without its creation date")
    if header and not events and not master and not log.faults:
        log.warn(source, "the document holds no events and no master data")
    duplicates = _duplicates(events, log)
    _check_master_data(master, log)
    log.raise_if_any()
    return EpcisDocument(
        source=source,
        schema_version=str(header.get("schemaVersion") or ""),
        creation_date=creation,
        events=tuple(events),
        vocabulary=tuple(master),
        warnings=tuple(log.warnings),
        duplicates=duplicates,
        query=bool(header.get("query")),
        format=fmt,
        namespaces=namespaces,
    )


def document_text(data: bytes, source: str, log: FaultLog, *, checked: bool = True) -> Any:
    """The parsed JSON of a document's bytes (a large one's events parsed as they are read: ``jsontext.EventSpans``);
    refused when it is not UTF-8 or not JSON. ``checked``: also look for unsafe characters and keys given twice (a
    reading worker leaves that to its caller, which has checked the whole text)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        log.fault(source, f"the file is not UTF-8 text (byte {e.start})")
        raise EpcisReadFailed(source, log.faults) from None
    if checked:
        check_json(text, source, log)  # NUL, controls, bidi overrides: faults with their places
    try:
        document, comments, duplicates = loads_document(text)
    except JsonSyntaxError as e:
        log.fault(f"{source}:{e.line}", str(e))
        raise EpcisReadFailed(source, log.faults) from None
    if comments:
        log.warn(source, f"{comments} comment{'s' if comments != 1 else ''} (// or /* */) removed: "
                         "comments are not JSON, but the file is read without them")
    if checked:
        _say_duplicates(duplicates, source, log)
    return document


def _say_duplicates(duplicates: list[DuplicateKey], source: str, log: FaultLog) -> None:
    """A key given twice in one object, a warning that says which value is read: the last, as JavaScript's
    ``JSON.parse`` and most parsers take it. Not refused: GS1's own AssociationEvent example gives an eventID twice.
    The first ``MAX_SAID`` are said each, the rest counted in one warning (a file may repeat one in every event)."""
    for d in duplicates[:MAX_SAID]:
        where = f"{source}: {d.path}" if d.path else source
        times = f"{len(d.values)} times" if len(d.values) > 2 else "twice"
        if d.same:
            log.warn(where, f"the key {d.key!r} is given {times} with the same value; it is read once")
        else:
            shown = ", ".join(_shown(v) for v in d.values)
            log.warn(where, f"the key {d.key!r} is given {times} with different values ({shown}); JSON does not say "
                            f"which one counts, and the last, {_shown(d.values[-1])}, is read, as most readers do")
    if len(duplicates) > MAX_SAID:
        log.warn(source, f"… and {len(duplicates) - MAX_SAID:,} more keys given twice in one object, each read as its "
                         "last value")


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _read_json(document: Any, source: str, log: FaultLog, builder: Builder, file: Path | None) -> tuple[
        dict[str, object], list[EpcisEvent], list[VocabularyElement], dict[str, str]]:
    reader = JsonReader(source, log, builder, file)
    header, events, master = reader.read(document)
    own = {p: ns for p, ns in reader.prefixes.items() if STANDARD_PREFIXES.get(p) != ns}
    return header, events, master, own


def _duplicates(events: list[EpcisEvent], log: FaultLog) -> tuple[DuplicateEventId, ...]:
    by_id: dict[str, list[EpcisEvent]] = defaultdict(list)
    for event in events:
        if event.event_id:
            by_id[event.event_id].append(event)
    found = []
    for event_id, group in by_id.items():
        if len(group) < 2:
            continue
        identical = all(e == group[0] for e in group[1:])
        places = ", ".join(e.where.split(": ", 1)[-1] if ": " in e.where else e.where.rsplit(":", 1)[-1] for e in group)
        if identical:
            log.warn(group[0].where, f"eventID {event_id} is given {len(group)} times with identical content "
                                     f"({places}); they are one event")
        else:
            log.warn(group[0].where, f"eventID {event_id} is given {len(group)} times with different content "
                                     f"({places}); each is kept, told apart by its event hash")
        found.append(DuplicateEventId(event_id, tuple(e.index for e in group), identical))
    return tuple(found)


def _check_master_data(master: list[VocabularyElement], log: FaultLog) -> None:
    seen: dict[tuple[str, str], VocabularyElement] = {}
    for element in master:
        key = (element.vocabulary, element.id.key)
        first = seen.get(key)
        if first is None:
            seen[key] = element
        elif first.attributes != element.attributes:
            log.warn(element.where, f"master data for {element.id.raw} ({element.vocabulary}) is given again with other "
                                    f"attributes (first {first.name!r}, here {element.name!r}); both are kept, "
                                    "EpcisDocument.describe gives the first")
