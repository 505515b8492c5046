"""Characters an EPCIS document must not bring into the plant: NUL and the other C0 and C1 controls (tab and line
breaks excepted), bidirectional overrides and isolates, zero-width characters (``workbench.format.unsafe_characters``,
the definition the CSV import uses too).

They are refused, each string that holds one a fault with its place, for two reasons: such text can hide or reorder
what a code says on a screen or in a report, and PostgreSQL cannot store NUL at all, so without this check the same
document imported into SQLite and was refused by PostgreSQL with no place named.

The whole text is scanned first (C speed: an ASCII document is checked for escapes only); only when that finds
something is the document walked to name each place, so the common case costs a fraction of a second per gigabyte.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from workbench.format import unsafe_characters
from workbench.interchange.epcis.faults import FaultLog

#: JSON escapes of unsafe characters (``\\u0000``; tab, LF and CR excepted).
_ESCAPED = re.compile(r"\\u(?:00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|200[b-fB-F]|202[a-eA-E]"
                      r"|206[0-9]|061[cC]|[fF][eE][fF][fF])")
#: The unsafe characters themselves (in a document that is not ASCII).
_RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\u061c\ufeff]")
#: XML character references (checked one by one: the unsafe ones among them are few and far between).
_REFERENCE = re.compile(rb"&#(x[0-9a-fA-F]+|[0-9]+);")
MAX_SAID = 20


def _sentence(names: list[str]) -> str:
    return (f"the text holds {', '.join(names)}; control characters, bidirectional overrides and zero-width characters "
            "are refused, since they can hide or reorder what a code says")


def _say(log: FaultLog, source: str, found: Iterable[tuple[str, list[str]]], what: str) -> None:
    """A fault for each place that holds unsafe characters (``found``: place and the characters, none for most),
    the first ``MAX_SAID`` of them, and one for how many more there are."""
    said = 0
    for place, names in found:
        if names:
            said += 1
            if said <= MAX_SAID:
                log.fault(place, _sentence(names))
    if said > MAX_SAID:
        log.fault(source, f"… and {said - MAX_SAID} more {what} with such characters")


def json_suspect(text: str) -> bool:
    """Whether the JSON text may hold an unsafe character (escaped, or as itself in a text that is not ASCII)."""
    return _ESCAPED.search(text) is not None or (not text.isascii() and _RAW.search(text) is not None)


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(path, text) of every key and string in a parsed JSON value."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            yield here, str(key)
            yield from _strings(item, here)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def check_json(text: str, source: str, log: FaultLog) -> None:
    """Each string of the JSON document ``text`` that holds an unsafe character, a fault at its place
    (``FILE: eventList[3].quantityList[0].epcClass``)."""
    if not json_suspect(text):
        return
    from workbench.interchange.epcis.jsontext import loads, place

    try:
        document, _comments = loads(text)
    except (ValueError, json.JSONDecodeError):
        return  # not JSON: the reader says so in its own words
    found = ((f"{source}: {place(path)}", unsafe_characters(value, multiline=True))
             for path, value in _strings(document, ""))
    _say(log, source, found, "strings")


def _xml_suspect(data: bytes) -> bool:
    """Whether the XML may hold an unsafe character (as a character reference, or as itself in a document that is
    not ASCII); comments included, which the walk then leaves out."""
    for match in _REFERENCE.finditer(data):
        digits = match.group(1)
        try:
            code = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
            if code >= 0x20 and unsafe_characters(chr(code)):  # C0 controls: the XML parser refuses them itself
                return True
        except (ValueError, OverflowError):
            continue
    return not data.isascii()


def check_xml(data: bytes, source: str, log: FaultLog) -> None:
    """Each element of the XML document ``data`` whose text or attribute holds an unsafe character (C1 controls,
    bidirectional and zero-width characters, as themselves or as character references; XML itself refuses the C0
    controls), a fault at ``FILE:LINE``. Comments are not data: what they hold is left alone."""
    if not _xml_suspect(data):
        return
    from lxml import etree

    parser = etree.XMLParser(remove_comments=True, remove_pis=True, resolve_entities=False, no_network=True,
                             huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return  # the reader says what is wrong with it
    found = ((f"{source}:{element.sourceline}",
              list(dict.fromkeys(n for text in (element.text or "", *map(str, element.attrib.values()))
                                 for n in unsafe_characters(text, multiline=True))))
             for element in root.iter())
    _say(log, source, found, "elements")
