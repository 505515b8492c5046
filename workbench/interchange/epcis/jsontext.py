"""JSON text as real EPCIS files have it: parse exact decimals, and accept ``//`` and ``/* */`` comments.

Strict JSON has no comments, but the IFT beef example (and other hand-written files) carry them. The
policy: comments are removed outside strings, the text is read, and the reader warns once that it
did so. Comments are replaced by spaces (newlines kept), so line and column numbers in any later
syntax fault still point into the original file.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

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
