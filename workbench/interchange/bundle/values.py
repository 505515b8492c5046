"""The values of a bundle: what a quantity, a date, a shelf life, a kind, a GTIN and a
text may be, each as one rule shared by the fast column-wise path and the exact
value-by-value path of ``reading``.

* Numbers are ASCII decimals (``12``, ``0.5``, ``1.250000``): no ``1_000``, no
  exponent, no full-width or Arabic-Indic digits, all of which Python would accept.
* Dates are the ISO 8601 forms the format documents, in ASCII digits, and must lie
  within the years 1 to 9999 once converted to UTC.
* Text holds no unsafe character (``workbench.format.unsafe_characters``: C0/C1
  controls, NUL, bidirectional controls, zero-width characters, non-characters;
  multi-line columns may hold line breaks and tabs) and fits its plant column.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from zoneinfo import available_timezones

from biip import ParseError
from biip.gln import Gln
from biip.gtin import Gtin
from biip.sscc import Sscc

from workbench.format import unsafe_characters
from workbench.interchange.bundle.format import MAX_QUANTITY, MAX_SHELF_LIFE_DAYS, QUANTITY_DECIMALS
from workbench.plant import ITEM_KINDS
from workbench.plant.chain import CONTAINER_KINDS, KEY_DATA_KINDS, LOCATION_KINDS

_STEP = Decimal(1).scaleb(-QUANTITY_DECIMALS)

#: A plain decimal number (the sign is allowed so that -300 is told "negative").
DECIMAL = r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
#: The date forms of the format: a date, or a date and time (T or a space) with an optional offset.
WHEN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?"
DAYS = r"[0-9]+"

_DECIMAL = re.compile(DECIMAL, re.ASCII)
_WHEN = re.compile(WHEN, re.ASCII)
_DAYS = re.compile(DAYS, re.ASCII)


def _first_bad_line(pattern: str) -> re.Pattern[str]:
    """Finds the first line of a newline-joined column that is neither empty nor ``pattern``
    (a negative look-ahead at each line start: faster in ``re`` than one long match)."""
    return re.compile(rf"^(?!(?:{pattern})?$)", re.ASCII | re.MULTILINE)


#: Column-wise screens: one C-level search over a whole column joined by newlines, finding
#: a value the exact parse might refuse. For numbers a character screen is enough, since
#: ``Decimal`` and ``int`` refuse every other malformed text of those characters themselves.
SCREEN = {
    "quantity": re.compile(r"[^0-9.\n]"),
    "days": re.compile(r"[^0-9\n]"),
    "when": _first_bad_line(WHEN),
}


class ValueFault(ValueError):
    """A value that does not parse; the message is the fault's text."""


def parse_quantity(column: str, text: str) -> Decimal:
    if not _DECIMAL.fullmatch(text):
        raise ValueFault(
            f"{column} '{text}' is not a number (write it with the digits 0-9 and a point, such as 12 or 0.5)"
        )
    value = Decimal(text)
    if value < 0:
        raise ValueFault(f"{column} {text} is negative")
    if value > MAX_QUANTITY:
        raise ValueFault(f"{column} {text} is larger than {MAX_QUANTITY:,}, the largest quantity the plant stores")
    if value.as_tuple().exponent < -QUANTITY_DECIMALS and value != value.quantize(_STEP):  # type: ignore[operator]
        raise ValueFault(f"{column} {text} has more than {QUANTITY_DECIMALS} decimals")
    return value


def parse_when(column: str, text: str) -> datetime:
    """An ISO 8601 date or date-time; one with an offset is converted to naive UTC."""
    try:
        if not _WHEN.fullmatch(text):
            raise ValueError
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueFault(
            f"{column} '{text}' is not an ISO 8601 date or date-time (such as 2026-03-02 or 2026-03-02T06:30:00)"
        ) from None
    if value.tzinfo is not None:
        try:
            value = value.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise ValueFault(
                f"{column} {text} falls outside the years 1 to 9999 once converted to UTC; the plant cannot store it"
            ) from None
    return value


def parse_days(column: str, text: str) -> int:
    if not _DAYS.fullmatch(text):
        raise ValueFault(f"{column} '{text}' is not a whole number of days (digits 0-9)")
    value = int(text)
    if value > MAX_SHELF_LIFE_DAYS:
        raise ValueFault(
            f"{column} {text} is longer than {MAX_SHELF_LIFE_DAYS:,} days (100 years); "
            "leave it empty for an item that does not expire"
        )
    return value


def parse_kind(column: str, text: str) -> str:
    if text not in ITEM_KINDS:
        raise ValueFault(f"{column} '{text}' is not one of {', '.join(ITEM_KINDS)}")
    return text


def parse_gtin(column: str, text: str) -> str:
    """A GTIN-8, -12, -13 or -14 with a correct check digit (biip checks it), kept as written."""
    if not (text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14)):
        raise ValueFault(f"{column} '{text}' is not a GTIN (8, 12, 13 or 14 digits 0-9)")
    if not text.strip("0"):
        raise ValueFault(f"{column} {text} is not a GTIN (all zeros)")
    try:
        Gtin.parse(text)
    except ParseError as exc:
        raise ValueFault(f"{column} {text} is not a valid GTIN ({str(exc).rstrip('.')})") from None
    return text


def gtin_14(text: str) -> str:
    """The 14-digit form GS1 compares GTINs in: the same GTIN at the same packaging level."""
    return text.zfill(14)


def _choice(choices: tuple[str, ...]):
    def parse(column: str, text: str) -> str:
        if text not in choices:
            raise ValueFault(f"{column} '{text}' is not one of {', '.join(choices)}")
        return text
    return parse


def parse_factor(column: str, text: str) -> Decimal:
    value = parse_quantity(column, text)
    if value == 0:
        raise ValueFault(f"{column} {text} is zero; a unit is a positive amount of the item's unit")
    return value


def parse_gln(column: str, text: str) -> str:
    """A 13-digit GLN with a correct check digit (biip checks it)."""
    if not (text.isascii() and text.isdigit() and len(text) == 13):
        raise ValueFault(f"{column} '{text}' is not a GLN (13 digits 0-9)")
    try:
        Gln.parse(text)
    except ParseError as exc:
        raise ValueFault(f"{column} {text} is not a valid GLN ({str(exc).rstrip('.')})") from None
    return text


def parse_sscc(column: str, text: str) -> str:
    """An 18-digit SSCC with a correct check digit (biip checks it)."""
    if not (text.isascii() and text.isdigit() and len(text) == 18):
        raise ValueFault(f"{column} '{text}' is not an SSCC (18 digits 0-9)")
    try:
        Sscc.parse(text)
    except ParseError as exc:
        raise ValueFault(f"{column} {text} is not a valid SSCC ({str(exc).rstrip('.')})") from None
    return text


_COUNTRY = re.compile(r"[A-Z]{2}", re.ASCII)
_OFFSET = re.compile(r"[+-](?:0[0-9]|1[0-4]):[0-5][0-9]", re.ASCII)


def parse_country(column: str, text: str) -> str:
    if not _COUNTRY.fullmatch(text):
        raise ValueFault(f"{column} '{text}' is not an ISO 3166-1 alpha-2 country code (two capital letters, "
                         "such as US or CI)")
    return text


def parse_coordinate(column: str, text: str) -> float:
    limit = 90 if column == "latitude" else 180
    if not _DECIMAL.fullmatch(text):
        raise ValueFault(f"{column} '{text}' is not a number of degrees (such as 42.5349 or -92.4453)")
    value = float(text)
    if not -limit <= value <= limit:
        raise ValueFault(f"{column} {text} is outside -{limit} to {limit} degrees")
    return value


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_timezone(column: str, text: str) -> str:
    if text not in _zones():
        raise ValueFault(f"{column} '{text}' is not an IANA time zone (such as America/Chicago)")
    return text


def parse_offset(column: str, text: str) -> str:
    if not _OFFSET.fullmatch(text):
        raise ValueFault(f"{column} '{text}' is not a time zone offset (such as -05:00 or +01:00)")
    return text


ROLES = ("own", "vendor", "customer", "carrier")


def parse_roles(column: str, text: str) -> frozenset[str]:
    """Roles separated by spaces: ``vendor customer``."""
    words = text.split()
    wrong = [w for w in words if w not in ROLES]
    if wrong:
        raise ValueFault(f"{column} '{text}': {', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not a role "
                         f"(the roles are {', '.join(ROLES)}, separated by spaces)")
    return frozenset(words)


def parse_json(column: str, text: str) -> str:
    try:
        json.loads(text)
    except ValueError as exc:
        raise ValueFault(f"{column} is not JSON ({exc})") from None
    return text


#: Columns whose parse differs by file (``kind`` is an item kind in items.csv only).
_BY_FILE = {
    ("locations.csv", "kind"): _choice(LOCATION_KINDS),
    ("containers.csv", "kind"): _choice(CONTAINER_KINDS),
    ("key_data.csv", "kind"): _choice(KEY_DATA_KINDS),
    ("events.csv", "kind"): None,
    ("documents.csv", "kind"): None,
    ("item_units.csv", "unit"): None,
}

_BY_NAME = {
    "quantity": parse_quantity, "shelf_life_days": parse_days, "kind": parse_kind, "gtin": parse_gtin,
    "gln": parse_gln, "sscc": parse_sscc, "country": parse_country, "latitude": parse_coordinate,
    "longitude": parse_coordinate, "timezone": parse_timezone, "time_zone_offset": parse_offset,
    "roles": parse_roles, "content": parse_json, "factor": parse_factor,
}


def parser(column: str, file: str | None = None):
    """The parse function of a column (of ``file``), or None for plain text."""
    if file is not None and (file, column) in _BY_FILE:
        return _BY_FILE[(file, column)]
    if column.endswith("_at"):
        return parse_when
    return _BY_NAME.get(column)


def maybe_too_fine(text: str) -> bool:
    """Whether a number's text may carry more decimals than allowed (cheap, conservative)."""
    point = text.find(".")
    return point >= 0 and len(text) - point - 1 > QUANTITY_DECIMALS


def describe(names: list[str]) -> str:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)``, one after another."""
    parts = []
    for name in names:
        ch = chr(int(name[2:], 16))
        label = unicodedata.name(ch, "")
        parts.append(f"{name} ({label})" if label else name)
    return ", ".join(parts)


def unsafe_fault(column: str, text: str, multiline: bool) -> str | None:
    """The fault's text when ``text`` holds unsafe characters, else None."""
    found = unsafe_characters(text, multiline=multiline)
    if not found:
        return None
    allowed = " (line breaks and tabs are allowed here)" if multiline else ""
    return (
        f"{column} '{text}' holds {describe(found)}: control, bidirectional and invisible characters "
        f"are not allowed in codes and names{allowed}; remove {'it' if len(found) == 1 else 'them'}"
    )
