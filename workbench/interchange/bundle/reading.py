"""Reads the CSV files of a bundle into typed rows, noting every malformed value.

Each row becomes a named tuple with the line it starts on, ``ok`` (False when one of
its values was malformed: the row still names its keys, so that one bad quantity
does not also make every reference to its lot "unknown"), and one field per column
of the format, already converted: text (None when empty), ``Decimal`` quantities,
naive-UTC ``datetime`` values, ``int`` shelf lives.
"""

from __future__ import annotations

import csv
import io
from collections import namedtuple
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from workbench.interchange.bundle.faults import FaultLog
from workbench.interchange.bundle.format import FILES, MAX_QUANTITY, QUANTITY_DECIMALS, FileSpec
from workbench.plant import ITEM_KINDS

_STEP = Decimal(1).scaleb(-QUANTITY_DECIMALS)

#: One row type per file: ``line``, ``ok`` and the format's columns.
ROW_TYPES = {spec.name: namedtuple(spec.name[:-4].title() + "Row", ("line", "ok", *spec.columns)) for spec in FILES}


@dataclass
class BundleFile:
    """One file of the bundle as read: ``present`` is False when the file is absent,
    ``broken`` when it could not be read at all (its rows are then unknown)."""

    spec: FileSpec
    display: str
    present: bool = False
    broken: bool = False
    columns: frozenset[str] = frozenset()
    rows: list = field(default_factory=list)


class ValueFault(ValueError):
    """A value that does not parse; the message is the fault's text."""


def parse_quantity(column: str, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueFault(f"{column} '{text}' is not a number") from None
    if not value.is_finite():
        raise ValueFault(f"{column} '{text}' is not a number")
    if value < 0:
        raise ValueFault(f"{column} {text} is negative")
    if value > MAX_QUANTITY:
        raise ValueFault(f"{column} {text} is larger than {MAX_QUANTITY:,}, the largest quantity the plant stores")
    if value.as_tuple().exponent < -QUANTITY_DECIMALS and value != value.quantize(_STEP):
        raise ValueFault(f"{column} {text} has more than {QUANTITY_DECIMALS} decimals")
    return value


def parse_when(column: str, text: str) -> datetime:
    """An ISO 8601 date or date-time; one with an offset is converted to naive UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueFault(
            f"{column} '{text}' is not an ISO 8601 date or date-time (such as 2026-03-02 or 2026-03-02T06:30:00)"
        ) from None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def parse_days(column: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueFault(f"{column} '{text}' is not a whole number of days") from None
    if value < 0:
        raise ValueFault(f"{column} {text} is negative")
    return value


def parse_kind(column: str, text: str) -> str:
    if text not in ITEM_KINDS:
        raise ValueFault(f"{column} '{text}' is not one of {', '.join(ITEM_KINDS)}")
    return text


def _maybe_too_fine(text: str) -> bool:
    """Whether a number's text may carry more decimals than allowed (cheap, conservative)."""
    point = text.find(".")
    return (point >= 0 and len(text) - point - 1 > QUANTITY_DECIMALS) or "e" in text or "E" in text


def _parser(column: str):
    if column == "quantity":
        return parse_quantity
    if column.endswith("_at"):
        return parse_when
    if column == "shelf_life_days":
        return parse_days
    if column == "kind":
        return parse_kind
    return None


def _decode(path: Path, display: str, log: FaultLog) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        log.add(display, None, f"cannot be read ({exc.strerror or exc})")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        log.add(
            display, line,
            f"is not UTF-8 text (byte 0x{data[exc.start]:02X} at column {column}); save the file as UTF-8",
        )
        return None


def read_file(spec: FileSpec, path: Path, display: str, log: FaultLog) -> BundleFile:
    """Read one file; faults go to ``log``. A file that cannot be read is ``broken``."""
    bundle_file = BundleFile(spec, display, present=True)
    text = _decode(path, display, log)
    if text is None:
        bundle_file.broken = True
        return bundle_file
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        log.add(display, 1, f"the header row is not valid CSV ({exc})")
        bundle_file.broken = True
        return bundle_file
    names = [name.strip().lower() for name in header or ()]
    if not any(names):
        log.add(display, 1, "is empty; its first line must be the header row (" + ", ".join(spec.columns) + ")")
        bundle_file.broken = True
        return bundle_file
    positions: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in spec.columns:
            if name in positions:
                log.add(display, 1, f"the column {name} appears twice in the header")
                bundle_file.broken = True
            positions[name] = position
    missing = [c for c in spec.columns if c in spec.required and c not in positions]
    if missing:
        log.add(
            display, 1,
            f"the header lacks the required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
        )
        bundle_file.broken = True
    if bundle_file.broken:
        return bundle_file
    bundle_file.columns = frozenset(positions)
    bundle_file.rows = _read_rows(spec, reader, positions, len(names), display, log)
    return bundle_file


def _read_rows(spec: FileSpec, reader, positions: dict[str, int], width: int, display: str, log: FaultLog) -> list:
    """The file's rows, converted column by column.

    Converting a whole column at once (one comprehension of C-level parses) is several
    times faster than value by value; a column where the fast path meets a bad value
    is converted again value by value, so that each bad value gets its own fault.
    """
    lines: list[int] = []
    records: list[list[str]] = []
    overlong: list[int] = []
    end = reader.line_num
    while True:
        try:
            for fields in reader:
                start, end = end + 1, reader.line_num
                n = len(fields)
                if fields.count("") == n:
                    continue  # a blank line
                if n < width:
                    fields.extend([""] * (width - n))
                elif n > width and any(f.strip() for f in fields[width:]):
                    # Still read as far as the header goes, so that its keys are known and
                    # do not turn every reference to them into a second fault.
                    log.add(display, start, f"has {n} values but the header names {width} columns")
                    overlong.append(len(records))
                lines.append(start)
                records.append(fields)
            break
        except csv.Error as exc:  # the reader carries on with the next line
            log.add(display, end + 1, f"is not valid CSV ({exc})")
            end = reader.line_num

    bad: set[int] = set(overlong)  # indexes of rows with a malformed value
    columns = []
    for column in spec.columns:
        position = positions.get(column)
        if position is None:
            columns.append([None] * len(records))
            continue
        texts = [f[position].strip() for f in records]
        columns.append(_convert(column, column in spec.required, texts, lines, bad, display, log))
    oks = [i not in bad for i in range(len(records))] if bad else [True] * len(records)
    make = ROW_TYPES[spec.name]._make
    return [make(values) for values in zip(lines, oks, *columns, strict=False)]


def _convert(column: str, required: bool, texts: list[str], lines: list[int], bad: set[int],
             display: str, log: FaultLog) -> list:
    parse = _parser(column)
    if parse is None:
        values = [t or None for t in texts]
        if required and None in values:
            for i, t in enumerate(texts):
                if not t:
                    log.add(display, lines[i], f"{column} is empty")
                    bad.add(i)
        return values
    try:
        if parse is parse_quantity:
            values = list(map(Decimal, texts))  # '' or junk raise: take the slow path
            # min/max raise on NaN; a mantissa or exponent finer than allowed takes
            # the slow path, which tells "1.5000000" (fine) from "1.0000001" (fault).
            if values and min(values) >= 0 and max(values) <= MAX_QUANTITY and not any(
                _maybe_too_fine(t) for t in texts
            ):
                return values
        elif parse is parse_when:
            values = [datetime.fromisoformat(t) if t else None for t in texts]
            if not (required and None in values):
                if any(v is not None and v.tzinfo is not None for v in values):
                    values = [v if v is None or v.tzinfo is None
                              else v.astimezone(UTC).replace(tzinfo=None) for v in values]
                return values
    except (ValueError, ArithmeticError, TypeError):  # InvalidOperation; Infinity's exponent 'F'
        pass
    values = []
    for i, t in enumerate(texts):
        if not t:
            if required:
                log.add(display, lines[i], f"{column} is empty")
                bad.add(i)
            values.append(None)
            continue
        try:
            values.append(parse(column, t))
        except ValueFault as exc:
            log.add(display, lines[i], str(exc))
            bad.add(i)
            values.append(None)
    return values


def read_bundle(directory: Path, display_dir: str, log: FaultLog) -> tuple[dict[str, BundleFile], list[str]]:
    """Every file of the format (absent ones empty) and the names of files ignored."""
    files: dict[str, BundleFile] = {}
    for spec in FILES:
        path = directory / spec.name
        display = str(Path(display_dir) / spec.name)
        if path.is_file():
            files[spec.name] = read_file(spec, path, display, log)
        else:
            files[spec.name] = BundleFile(spec, display)
            if spec.name == "items.csv":
                log.add(display, None, "is missing; every bundle needs an items.csv (a header row is enough)")
                files[spec.name].broken = True
    ignored = sorted(
        p.name for p in directory.iterdir() if p.name not in files and not p.name.startswith(".")
    )
    return files, ignored
