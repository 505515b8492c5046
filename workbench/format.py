"""How the workbench writes quantities, units and dates, once for every view and file.

Quantities are exact ``Decimal`` values (the plant stores whole millionths): they are
shown with thousands separators and without needless trailing zeros, never rounded.
Date-times are naive UTC as the plant stores them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

#: What ``per_unit`` says when there is nothing to list.
NOTHING = "none"


def plain(value: Decimal | int) -> str:
    """``1234.5``: exact, no separators, no exponent, no trailing zeros (files, JSON, CSV)."""
    d = Decimal(value)
    if d == d.to_integral_value():
        return str(int(d))
    return f"{d.normalize():f}"


def number(value: Decimal | int | None) -> str:
    """``1,234.5``: exact, thousands separators, no trailing zeros; empty for None."""
    if value is None:
        return ""
    d = Decimal(value)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


def quantity(value: Decimal | int | None, unit: str | None = None) -> str:
    """``1,234.5 kg``; just the number when there is no unit; empty for None."""
    if value is None:
        return ""
    text = number(value)
    return f"{text} {unit}" if unit else text


def per_unit(values: Mapping[str, Decimal | int], empty: str = NOTHING, zeros: bool = False) -> str:
    """Quantities in several units, one after another: ``900 kg, 1,200 case``.

    Units are listed in alphabetical order; units with nothing (zero) are left out
    unless ``zeros``; ``empty`` is said when nothing is left.
    """
    parts = [quantity(v, u) for u, v in sorted(values.items()) if v or zeros]
    return ", ".join(parts) or empty


def purchase_order(po: str | None, empty: str = "PO —") -> str:
    """``PO 4500021347``, or the number alone where it says so itself (``PO-4500021347``, never ``PO PO-…``)."""
    if not po:
        return empty
    says_so = po[:2].upper() == "PO" and (len(po) == 2 or not po[2].isalpha())
    return po if says_so else f"PO {po}"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 lot``, ``2 lots``, ``1,024 SCARs``: the noun agrees with the number."""
    word = noun if n == 1 else (plural or _plural(noun))
    return f"{n:,} {word}"


def _plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    return noun + "s"


def day(value: datetime | date | None, empty: str = "") -> str:
    """``2026-05-12``."""
    return empty if value is None else value.strftime("%Y-%m-%d")


def when(value: datetime | None, empty: str = "", seconds: bool = False) -> str:
    """``2026-05-12 04:00`` (UTC as stored)."""
    if value is None:
        return empty
    return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def clock(value: datetime | None, on_day: datetime | None) -> str:
    """A time on ``on_day`` as ``10:45``; on another day as ``10-30 01:15`` (narrow tables)."""
    if value is None:
        return ""
    if on_day is not None and value.date() == on_day.date():
        return value.strftime("%H:%M")
    return value.strftime("%m-%d %H:%M")


def iso(value: datetime | date | None) -> str:
    """ISO 8601 for files (``2026-05-12T04:00:00``); empty for None."""
    return "" if value is None else value.isoformat()


#: Characters that make text lie about itself on a screen or in a file: C0 and C1
#: controls (tab and line breaks excepted where text may span lines), bidirectional
#: overrides and isolates, and the zero-width characters that hide inside codes.
_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
         "\u200e", "\u200f", "\u061c"}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


def unsafe_characters(text: str, multiline: bool = False) -> list[str]:
    """The unsafe characters in ``text``, each named as ``U+202E``, in order of appearance.

    Unsafe: NUL and every other C0/C1 control character (tab, and with ``multiline`` also
    line feed and carriage return, are allowed), bidirectional overrides, isolates and
    marks, zero-width characters, lone surrogates and non-characters.
    """
    found: list[str] = []
    for ch in text:
        if multiline and ch in "\t\n\r":
            continue
        cat = unicodedata.category(ch)
        code = ord(ch)
        if (cat == "Cc" or ch in _BIDI or ch in _INVISIBLE or cat == "Cs"
                or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE):
            name = f"U+{code:04X}"
            if name not in found:
                found.append(name)
    return found


def visible(text: str) -> str:
    """``text`` safe to print on a terminal or draw in a view: every unsafe character is
    shown as ``\\u202e``-style escape (so a hostile code cannot reorder or hide text)."""
    if not unsafe_characters(text):
        return text
    out = []
    for ch in text:
        if unsafe_characters(ch):
            code = ord(ch)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code <= 0xFFFF:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def _unsafe_class() -> str:
    ranges = ["\x00-\x1f", "\x7f-\x9f", "".join(sorted(_BIDI | _INVISIBLE)), "\ud800-\udfff", "\ufdd0-\ufdef"]
    ranges += [chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)]
    return "[" + "".join(ranges) + "]"


_UNSAFE = re.compile(_unsafe_class())


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # as a JSON-style surrogate pair, so an escaped JSON text stays JSON
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def escaped(text: str, keep: str = "\t\n\r") -> str:
    """``text`` with every unsafe character (``unsafe_characters``) written as a visible
    ``\\u001b``-style escape, except those in ``keep``: what every output writer does
    (spreadsheets, CSV, PDF, JSON, the terminal), so hostile text can neither break the
    file nor hide or reorder what is shown. JSON text stays valid JSON."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)


def file_text(value: object) -> str:
    """Any value as text a file can hold (``escaped``, tab and line breaks kept)."""
    return escaped("" if value is None else str(value))


#: What a spreadsheet reads as the start of a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


_NUMBER = re.compile(r"[-+]?[0-9][0-9,]*(\.[0-9]+)?\Z")


def csv_text(value: object) -> str:
    """A text cell of a CSV report: ``file_text``, and a leading ``'`` where a spreadsheet
    would otherwise run it as a formula (cells starting ``= + - @``, tab or line break:
    OWASP's CSV-injection rule); a plain number such as ``-50`` is left as it is."""
    text = file_text(value)
    return f"'{text}" if text.startswith(_FORMULA_START) and not _NUMBER.match(text) else text
