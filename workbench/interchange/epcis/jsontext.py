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

A key given twice in one object (JSON leaves open which value counts; Python's parser, like JavaScript's, keeps the
last) is found as the text is parsed, once (the large document's first pass; about 0.7 s more per 200,000 events),
and each is a ``DuplicateKey`` with its place, which the reader turns into a warning.
"""

from __future__ import annotations

import json
import os
import re
import sys
import uuid
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A key given more than once in one JSON object: where the object is, the key, every value in the order given."""

    path: str  # as ``place`` gives it: ``eventList[3].quantityList[0]``, ``epcisHeader``, or "" for the document
    key: str
    values: tuple[Any, ...]

    @property
    def same(self) -> bool:
        return all(v == self.values[0] for v in self.values[1:])


class _Pairs:
    """An ``object_pairs_hook`` that builds each object as the parser would and keeps those with a key given twice."""

    def __init__(self) -> None:
        self.found: dict[int, tuple[dict[str, Any], list[tuple[str, Any]]]] = {}

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        built = dict(pairs)  # the last value of a key, as the parser keeps without a hook
        if len(built) != len(pairs):
            self.found[id(built)] = (built, pairs)  # the object is held, so its id stays its own
        return built

    def located(self, value: Any, path: str) -> list[DuplicateKey]:
        """The duplicates found so far that lie within ``value`` (found at ``path``), and forget them."""
        if not self.found:
            return []
        out = list(self._walk(value, path))
        self.found.clear()
        return out

    def _walk(self, value: Any, path: str) -> Iterator[DuplicateKey]:
        if isinstance(value, dict):
            hit = self.found.get(id(value))
            if hit is not None and hit[0] is value:
                pairs = hit[1]
                counted: dict[str, int] = {}
                for key, _ in pairs:
                    counted[key] = counted.get(key, 0) + 1
                for key, n in counted.items():
                    if n > 1:
                        yield DuplicateKey(place(path), key, tuple(v for k, v in pairs if k == key))
            for key, item in value.items():
                yield from self._walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from self._walk(item, f"{path}[{i}]")


_EVENT_LISTS = ("epcisBody.eventList", "epcisBody.queryResults.resultsBody.eventList")


def place(path: str) -> str:
    """A JSON path as faults name it: an event list's entries as ``eventList[3]…``, wherever the list is."""
    for prefix in _EVENT_LISTS:
        if path.startswith(prefix + "["):
            return "eventList" + path[len(prefix):]
    return path


def _parse(text: str, pairs: _Pairs) -> Any:
    return json.loads(text, parse_float=Decimal, object_pairs_hook=pairs)


def loads_checked(text: str) -> tuple[Any, int, list[DuplicateKey]]:
    """(the parsed value with floats as exact Decimals, number of comments removed, keys given twice)."""
    pairs = _Pairs()
    try:
        value, comments = _parse(text, pairs), 0
    except json.JSONDecodeError as first:
        stripped, comments = strip_comments(text)
        if not comments:
            raise JsonSyntaxError(f"not well-formed JSON: {first.msg} (column {first.colno})", first.lineno) from None
        pairs = _Pairs()
        try:
            value = _parse(stripped, pairs)
        except json.JSONDecodeError as e:
            raise JsonSyntaxError(f"not well-formed JSON: {e.msg} (column {e.colno})", e.lineno) from None
        except (RecursionError, ValueError):
            raise _beyond(stripped) from None
    except (RecursionError, ValueError):
        raise _beyond(text) from None
    return value, comments, pairs.located(value, "")


_DIGITS = sys.get_int_max_str_digits()
#: A whole number longer than Python converts (no such limit when it is 0: then nothing matches).
_LONG_INTEGER = re.compile(rf"(?<![0-9.eE+-])-?[0-9]{{{_DIGITS + 1},}}(?![0-9.eE])" if _DIGITS else r"(?!)")


def _beyond(text: str) -> JsonSyntaxError:
    """Well-formed JSON the parser still cannot take: a whole number of more digits than Python converts (4,300),
    or arrays and objects nested deeper than it recurses; where the first such number is, else the first line."""
    found = _LONG_INTEGER.search(text)
    if found is not None:
        return JsonSyntaxError(f"a number of {len(found.group().lstrip('-')):,} digits is more than the reader takes "
                               f"({sys.get_int_max_str_digits():,} digits)", text.count("\n", 0, found.start()) + 1)
    return JsonSyntaxError("the JSON nests arrays and objects deeper than the reader follows (about a thousand "
                           "levels; EPCIS needs a handful)", 1)


def loads(text: str) -> tuple[Any, int]:
    """(the parsed value with floats as exact Decimals, number of comments removed)."""
    value, comments, _ = loads_checked(text)
    return value, comments


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


def loads_document(text: str) -> tuple[Any, int, list[DuplicateKey]]:
    """As ``loads_checked``; a large document's event list comes as ``EventSpans`` (see the module's docstring)."""
    if len(text) >= LAZY_MIN_CHARS:
        found = _lazy(text)
        if found is not None:
            return found[0], 0, found[1]
        stripped, comments = strip_comments(text)
        if comments and (found := _lazy(stripped)) is not None:
            return found[0], comments, found[1]
    return loads_checked(text)


def _lazy(text: str) -> tuple[Any, list[DuplicateKey]] | None:
    """The document with its event list as ``EventSpans``, and its keys given twice; None when the text is not one
    the spans can be trusted on."""
    match = _EVENT_LIST.search(text)
    if match is None:
        return None
    starts: array[int] = array("q")
    pairs = _Pairs()
    in_events: list[tuple[int, DuplicateKey]] = []  # (event, duplicate at a path within the event)
    space, decode, pos = _SPACE.match, json.JSONDecoder(parse_float=Decimal, object_pairs_hook=pairs).raw_decode, \
        match.end()
    try:
        pos = space(text, pos).end()  # type: ignore[union-attr]  # the pattern matches the empty string too
        if text[pos] != "]":
            while True:
                starts.append(pos)
                event, end = decode(text, pos)
                if pairs.found:  # rare: walk this event to name the place
                    in_events.extend((len(starts) - 1, d) for d in pairs.located(event, ""))
                pos = space(text, end).end()  # type: ignore[union-attr]
                if text[pos] == ",":
                    pos = space(text, pos + 1).end()  # type: ignore[union-attr]
                    continue
                if text[pos] != "]":
                    return None
                break
    except (json.JSONDecodeError, IndexError, RecursionError, ValueError):
        return None  # the whole parse says what is wrong, in its own words
    # The rest of the document, with a token of our own where the event list was: it must parse, and the token must
    # stand where the reader takes the event list from, so the spans are that list and no other.
    token = f"workbench-events-{uuid.uuid4().hex}"
    rest = _Pairs()
    try:
        document = _parse(f'{text[:match.end() - 1]}"{token}"{text[pos + 1:]}', rest)
    except (json.JSONDecodeError, RecursionError, ValueError):
        return None
    body = document.get("epcisBody") if isinstance(document, dict) else None
    if not isinstance(body, dict):
        return None
    duplicates = rest.located(document, "")
    duplicates += [DuplicateKey(f"eventList[{i}]{'.' if d.path else ''}{d.path}", d.key, d.values) for i, d in in_events]
    spans = EventSpans(text, starts)
    if body.get("eventList") == token:
        body["eventList"] = spans
        return document, duplicates
    results = body.get("queryResults")
    results_body = results.get("resultsBody") if isinstance(results, dict) else None
    if "eventList" not in body and isinstance(results_body, dict) and results_body.get("eventList") == token:
        results_body["eventList"] = spans
        return document, duplicates
    return None
