"""Strict CSV: every record of a file is read, or the file is refused where it goes wrong.

Python's ``csv`` module is lenient by default: a quote that is never closed swallows
every later line into one value and the file still "reads" (a customer return was lost
this way). Here the reader is strict, and what it still lets through is checked:

* a quoted value that is never closed is a fault on the line where it opens (and the
  rest of the file, which it swallowed, is not read);
* a stray quote (inside an unquoted value, or after a closing quote) is a fault on its line;
* a record is read or faulted, never dropped: the records read (blank lines included)
  must equal the record breaks of the file's structure (the line breaks outside quoted
  values, counted independently of the reader), and the number of quote characters
  must be even. A mismatch is a fault of its own.

Line numbers are physical lines (``\\n``, ``\\r\\n`` or ``\\r`` each end one), the header
being line 1, the same as the ``csv`` module counts them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from workbench.interchange.bundle.faults import FaultLog

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FIELD_END = re.compile(r'[,\r\n"]')

UNCLOSED = (
    "a quoted value opens on this line and is never closed, so every later line would be read into it; "
    'close the quote, or double a quote that belongs to the value ("")'
)
STRAY_AFTER = (
    'has a stray quote after a closing quote; a quote that belongs to a value is doubled ("") '
    "inside a quoted value"
)
STRAY_INSIDE = (
    'has a stray quote inside an unquoted value; a value holding a quote must be quoted, with the quote '
    'doubled ("a ""b"" c")'
)


@dataclass
class CsvRecords:
    """The records of one file: ``header`` (None when the file has no line), the data
    ``records`` (blank lines skipped) and the physical ``lines`` each starts on.
    ``complete`` is False when some record could not be read (a fault says where)."""

    header: list[str] | None = None
    records: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    complete: bool = True
    #: rows the reader gave (the header and blank lines included), for ``cross_check``.
    yielded: int = 0


def line_breaks(text: str) -> int:
    """Line breaks in ``text``: ``\\r\\n``, ``\\n`` and ``\\r`` each count once."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def record_breaks(text: str) -> tuple[int, int]:
    """(records the structure of ``text`` implies, quote characters in it).

    A record ends at each line break outside a quoted value (and at the end of the
    text, when it does not end with a line break). Splitting at every quote puts the
    quoted contents at the odd places (a doubled quote splits a value in two, with
    nothing between), so the line breaks outside quotes are those of the even places.
    """
    quotes = text.count('"')
    outside = text if not quotes else "".join(text.split('"')[::2])
    records = line_breaks(outside)
    if text and not text.endswith(("\n", "\r")):
        records += 1
    return records, quotes


class _Lines:
    """Offsets of the physical lines of a text, made only when a fault needs them."""

    def __init__(self, text: str):
        self.text = text
        self._starts: list[int] | None = None

    def start(self, line: int) -> int:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        return self._starts[min(line, len(self._starts)) - 1]

    def line_of(self, line: int, offset: int) -> int:
        """The physical line of ``offset``, counting from ``line`` which starts before it."""
        return line + line_breaks(self.text[self.start(line):offset])


def quote_fault(text: str, pos: int, stop: int | None = None) -> tuple[int, str] | None:
    """The first quote fault from offset ``pos`` (a record's start) up to ``stop``:
    (offset, message), or None. Follows the ``csv`` module's own rules, in strict mode."""
    n = len(text) if stop is None else stop
    end = len(text)
    while pos < n:
        if text[pos] == '"':  # a quoted value: up to the quote not doubled
            opened, pos = pos, pos + 1
            while True:
                q = text.find('"', pos)
                if q < 0:
                    return opened, UNCLOSED
                if q + 1 < end and text[q + 1] == '"':
                    pos = q + 2
                    continue
                pos = q + 1
                break
            if pos < end and text[pos] not in ",\r\n":
                return pos, STRAY_AFTER
        m = _FIELD_END.search(text, pos, n)
        if m is None:
            return None
        if m.group() == '"':
            return m.start(), STRAY_INSIDE
        pos = m.end()
        if m.group() == "\r" and text.startswith("\n", pos):
            pos += 1
    return None


def read_records(text: str, display: str, log: FaultLog) -> CsvRecords:
    """Every record of ``text``; faults go to ``log`` (see the module docstring)."""
    out = CsvRecords()
    lines = _Lines(text)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    yielded = 0
    end = 0
    records, starts = out.records, out.lines
    header_seen = False
    while True:
        try:
            for fields in reader:
                start, end = end + 1, reader.line_num
                yielded += 1
                if not header_seen:
                    out.header, header_seen = fields, True
                    continue
                if not (fields and (fields[0] or any(fields))):
                    continue  # a blank line (or one holding only commas)
                starts.append(start)
                records.append(fields)
            break
        except csv.Error as exc:
            out.complete = False
            start = end + 1
            found = quote_fault(text, lines.start(start))
            if found is not None:
                offset, message = found
                log.add(display, lines.line_of(start, offset), message)
                if message is UNCLOSED:
                    return out  # everything after it is inside the unclosed value
            elif "field larger than field limit" in str(exc):
                log.add(display, start, f"has a value longer than {csv.field_size_limit():,} characters, "
                                        "the most a value may hold")
                return out
            else:
                log.add(display, start, f"is not valid CSV ({exc})")
            end = reader.line_num
            if not header_seen:
                return out
    out.yielded = yielded
    return out


def cross_check(text: str, out: CsvRecords, display: str, log: FaultLog) -> None:
    """A fault when the records read do not add up to the file's structure (run on a file
    read without any other quote fault: those explain a mismatch themselves)."""
    implied, quotes = record_breaks(text)
    if quotes % 2:
        message = (f"has an odd number of quote characters ({quotes:,}): a quote is unclosed or stray, "
                   "and a record may have been lost; check the file's quotes")
    elif implied != out.yielded:
        message = (f"{out.yielded:,} records were read but the file's line breaks outside quotes imply {implied:,}; "
                   "a record may have been lost; check the file's quotes")
    else:
        return
    out.complete = False
    log.add(display, None, message)


def stray_quotes(text: str, records: CsvRecords, suspects: set[int], display: str, log: FaultLog) -> set[int]:
    """Faults for the records (by index) whose values hold a quote that is stray rather
    than doubled inside a quoted value; returns the indexes of those records."""
    lines = _Lines(text)
    bad = set()
    for index in sorted(suspects):
        start = records.lines[index]
        stop = lines.start(records.lines[index + 1]) if index + 1 < len(records.lines) else None
        found = quote_fault(text, lines.start(start), stop)
        if found is not None:
            log.add(display, lines.line_of(start, found[0]), found[1])
            bad.add(index)
    return bad
