"""Write the model back out as EPCIS 2.0: JSON-LD (``write_jsonld``) or XML (``write_xml``).

Both writers give what the GS1 schemas accept (the tests validate every output against GS1's EPCIS 2.0
JSON Schema and XSD) and what ``read_document`` reads back to equal events. Identifiers are written
as they were given (an EPC URN stays a URN), standard CBV values in each format's usual form (bare
names in JSON-LD, ``urn:epcglobal:cbv:…`` URNs in XML), times in their own offset.

Extension names need prefixes: the EPCIS context's own (``cbvmda``, ``gs1``…) where the namespace is
the same, else the prefix the source document used, else ``ns1``, ``ns2``…
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path

from workbench.interchange.epcis.model import EpcisDocument, EpcisEvent, RawElement

__all__ = ["namespace_prefixes", "write_file", "write_jsonld", "write_xml"]


def _elements(event: EpcisEvent) -> Iterator[RawElement]:
    yield from event.extensions
    yield from event.sensor_elements
    if event.ilmd is not None:
        yield from event.ilmd.elements
    for location in (event.read_point, event.biz_location):
        if location is not None:
            yield from location.extensions
    if event.error_declaration is not None:
        yield from event.error_declaration.extensions


def _namespaces(elements: Iterable[RawElement], into: set[str]) -> None:
    for element in elements:
        if element.name.startswith("{"):
            into.add(element.name[1:].split("}", 1)[0])
        if element.children:
            _namespaces(element.children, into)


def namespace_prefixes(document: EpcisDocument, fixed: Mapping[str, str], reserved: Iterable[str] = ()) -> dict[str, str]:
    """namespace → prefix for every namespace the document's extension fields use.

    ``fixed`` maps namespaces the format defines itself (the JSON-LD context's prefixes) to their prefix.
    """
    used: set[str] = set()
    for event in document.events:
        _namespaces(_elements(event), used)
    for element in document.vocabulary:
        for attribute in element.attributes:
            _namespaces(attribute.children, used)
    taken = set(fixed.values()) | set(reserved)
    prefixes = {ns: p for ns, p in fixed.items() if ns in used}
    for prefix, ns in document.namespaces.items():
        if ns in used and ns not in prefixes and prefix not in taken and prefix.isidentifier():
            prefixes[ns] = prefix
            taken.add(prefix)
    n = 0
    for ns in sorted(used - set(prefixes)):
        n += 1
        while f"ns{n}" in taken:
            n += 1
        prefixes[ns] = f"ns{n}"
    return prefixes


def write_jsonld(document: EpcisDocument, creation_date: datetime | None = None) -> str:
    """The document as EPCIS 2.0 JSON-LD text (an EPCISDocument with the standard @context)."""
    from workbench.interchange.epcis.write_jsonld import document_jsonld

    return document_jsonld(document, creation_date)


def write_xml(document: EpcisDocument, creation_date: datetime | None = None) -> bytes:
    """The document as EPCIS 2.0 XML (UTF-8 bytes with declaration)."""
    from workbench.interchange.epcis.write_xml import document_xml

    return document_xml(document, creation_date)


def write_file(document: EpcisDocument, path: Path, creation_date: datetime | None = None) -> None:
    """Write to ``path``: XML when it ends in ``.xml``, JSON-LD otherwise."""
    if path.suffix.lower() == ".xml":
        path.write_bytes(write_xml(document, creation_date))
    else:
        path.write_text(write_jsonld(document, creation_date), encoding="utf-8")
