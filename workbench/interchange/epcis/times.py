"""EPCIS times: ``xsd:dateTime`` stamps with a UTC offset, time-zone offsets, and KDE dates.

Python's ``datetime.fromisoformat`` accepts more than XML Schema does (a space for ``T``, a bare date),
so the text is checked against the ``xsd:dateTime`` grammar first. Fractions beyond microseconds
(``.7930000``, seven digits, as .NET writes them) are cut to microseconds; the event hash rounds to
milliseconds anyway.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

_DATETIME = re.compile(r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)?")
_OFFSET = re.compile(r"[+-](\d\d):(\d\d)")
_DATE = re.compile(r"(\d{4}-\d\d-\d\d)(?:$|T|Z|[+-]\d\d:\d\d$)")


class TimeError(ValueError):
    """A time that does not parse (one sentence, without the place)."""


def parse_time(text: str, what: str = "time") -> datetime:
    """An aware datetime from an ``xsd:dateTime`` with offset; the offset given is kept as the tzinfo."""
    stripped = text.strip()
    if not _DATETIME.fullmatch(stripped):
        raise TimeError(f"{what} {text!r} is not an xsd:dateTime such as 2024-03-01T08:30:00.000+01:00")
    if stripped[-1] != "Z" and not (len(stripped) > 19 and _OFFSET.fullmatch(stripped[-6:])):
        raise TimeError(f"{what} {text!r} has no UTC offset (add Z or +01:00)")
    try:
        return datetime.fromisoformat(stripped)
    except ValueError as e:
        raise TimeError(f"{what} {text!r} is not a valid date and time ({e})") from None


def check_offset(text: str) -> str:
    """The offset as given (``+01:00``) when it is ``±HH:MM`` within ±14:00; TimeError otherwise."""
    stripped = text.strip()
    match = _OFFSET.fullmatch(stripped)
    if match is None or int(match.group(1)) * 60 + int(match.group(2)) > 14 * 60:
        raise TimeError(f"eventTimeZoneOffset {text!r} is not an offset such as +01:00 or -06:00")
    return stripped


def offset_of(moment: datetime) -> str:
    """The ``±HH:MM`` offset of an aware datetime (for an event that did not say its offset)."""
    delta = moment.utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def write_time(moment: datetime) -> str:
    """The ``xsd:dateTime`` text of a datetime in its own offset, milliseconds or finer as needed."""
    spec = "milliseconds" if moment.microsecond % 1000 == 0 else "microseconds"
    text = moment.isoformat(timespec=spec)
    return text[:-6] + "Z" if text.endswith("+00:00") and moment.tzinfo is UTC else text


def hash_time(moment: datetime) -> str:
    """UTC with exactly three decimals and ``Z``, the 4th decimal rounding half up (CBV 2.0 event hash)."""
    utc = moment.astimezone(UTC)
    ms = (utc.microsecond + 500) // 1000
    if ms == 1000:
        utc, ms = utc.replace(microsecond=0) + timedelta(seconds=1), 0
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{ms:03d}Z"


@lru_cache(maxsize=4096)  # pure, and the dates of a large import's lots repeat
def kde_date(text: str | None) -> date | None:
    """The calendar date of a KDE given as ``xsd:date`` or ``xsd:dateTime`` (the date as written), else None."""
    if not text:
        return None
    match = _DATE.match(text.strip())
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None
