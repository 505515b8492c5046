"""JSON text as real EPCIS files have it: parse exact decimals, and accept ``//`` and ``/* */`` comments.

Strict JSON has no comments, but the IFT beef example (and other hand-written files) carry them. The
policy: comments are removed outside strings, the text is read, and the reader warns once that it
did so. Comments are replaced by spaces (newlines kept), so line and column numbers in any later
syntax fault still point into the original file.

A large document (``LAZY_MIN_CHARS`` or more) is parsed all but its event list, which becomes ``EventSpans``: where
each event's text starts, found by one pass that parses and drops each event in turn. An event is parsed when the
reader asks for it and let go once built, so a million events never stand in memory as parsed JSON (about 1.9 GB, and
the page faults of handing it out) beside the events built from them. Whatever that pass does not recognise (no
single ``eventList`` array at a place the reader looks, a syntax fault anywhere) is read the usual way, with the usual
faults.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from array import array
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, overload

_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/|/\*.*', re.DOTALL)


class JsonSyntaxError(ValueError):
    """Not well-formed JSON; ``line`` is the 1-based line of the fault."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def strip_comments(text: str) -> tuple[str, int]:
    """The text with comments blanked out, and how many comments there were."""
    count = 0

    def blank(match: re.Match[str]) -> str:
        nonlocal count
        token = match.group(0)
        if token.startswith('"'):
            return token
        count += 1
        return re.sub(r"[^\n]", " ", token)

    if "/" not in text:
        return text, 0
    return _TOKENS.sub(blank, text), count


_LEADING = re.compile(rb"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)


def content_offset(data: bytes) -> int:
    """Where the content starts past white space and leading ``//`` and ``/* */`` comments, so that a JSON file which
    opens with a comment is still known as JSON."""
    return _LEADING.match(data).end()  # type: ignore[union-attr]  # the pattern matches the empty string too


def loads(text: str) -> tuple[Any, int]:
    """(the parsed value with floats as exact Decimals, number of comments removed)."""
    try:
        return json.loads(text, parse_float=Decimal), 0
    except json.JSONDecodeError as first:
        stripped, comments = strip_comments(text)
        if not comments:
            raise JsonSyntaxError(f"not well-formed JSON: {first.msg} (column {first.colno})", first.lineno) from None
    try:
        return json.loads(stripped, parse_float=Decimal), comments
    except json.JSONDecodeError as e:
        raise JsonSyntaxError(f"not well-formed JSON: {e.msg} (column {e.colno})", e.lineno) from None


#: Documents of fewer characters are parsed whole (the event list of a small document costs little memory).
LAZY_MIN_CHARS = int(os.environ.get("WORKBENCH_EPCIS_LAZY_MIN", "8000000"))
_DECODER = json.JSONDecoder(parse_float=Decimal)
_SPACE = re.compile(r"[ \t\n\r]*")
_EVENT_LIST = re.compile(r'"eventList"[ \t\n\r]*:[ \t\n\r]*\[')


class EventSpans(Sequence[Any]):
    """The events of a document's event list, each parsed from the text when asked for (a fresh object each time)."""

    def __init__(self, text: str, starts: array[int]):
        self._text = text
        self._starts = starts

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return _DECODER.raw_decode(self._text, self._starts[index])[0]


def loads_document(text: str) -> tuple[Any, int]:
    """As ``loads``; a large document's event list comes as ``EventSpans`` (see the module's docstring)."""
    if len(text) >= LAZY_MIN_CHARS:
        found = _lazy(text)
        if found is not None:
            return found, 0
        stripped, comments = strip_comments(text)
        if comments and (found := _lazy(stripped)) is not None:
            return found, comments
    return loads(text)


def _lazy(text: str) -> Any | None:
    """The document with its event list as ``EventSpans``; None when the text is not one the spans can be trusted on."""
    match = _EVENT_LIST.search(text)
    if match is None:
        return None
    starts: array[int] = array("q")
    space, decode, pos = _SPACE.match, _DECODER.raw_decode, match.end()
    try:
        pos = space(text, pos).end()  # type: ignore[union-attr]  # the pattern matches the empty string too
        if text[pos] != "]":
            while True:
                starts.append(pos)
                pos = space(text, decode(text, pos)[1]).end()  # type: ignore[union-attr]
                if text[pos] == ",":
                    pos = space(text, pos + 1).end()  # type: ignore[union-attr]
                    continue
                if text[pos] != "]":
                    return None
                break
    except (json.JSONDecodeError, IndexError):
        return None
    # The rest of the document, with a token of our own where the event list was: it must parse, and the token must
    # stand where the reader takes the event list from, so the spans are that list and no other.
    token = f"workbench-events-{uuid.uuid4().hex}"
    try:
        document = json.loads(f'{text[:match.end() - 1]}"{token}"{text[pos + 1:]}', parse_float=Decimal)
    except json.JSONDecodeError:
        return None
    body = document.get("epcisBody") if isinstance(document, dict) else None
    if not isinstance(body, dict):
        return None
    spans = EventSpans(text, starts)
    if body.get("eventList") == token:
        body["eventList"] = spans
        return document
    results = body.get("queryResults")
    results_body = results.get("resultsBody") if isinstance(results, dict) else None
    if "eventList" not in body and isinstance(results_body, dict) and results_body.get("eventList") == token:
        results_body["eventList"] = spans
        return document
    return None
