"""Reads the CSV files of a bundle into typed rows, noting every malformed value.

Each row becomes a named tuple with the line it starts on, ``ok`` (False when one of
its values was malformed: the row still names its keys, so that one bad quantity
does not also make every reference to its lot "unknown"), and one field per column
of the format, already converted: text (None when empty), ``Decimal`` quantities,
naive-UTC ``datetime`` values, ``int`` shelf lives.

The CSV itself is read strictly (``csvtext``). Values are checked column by column:
each check first screens a whole column at C speed (the set of characters a file
holds, one regular-expression search over a joined column, the longest value) and
only a column that fails the screen is gone through value by value, so that each bad
value gets its own fault. Clean files pay for the screens only.
"""

from __future__ import annotations

import hashlib
import re
from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, cast

from workbench.format import unsafe_characters
from workbench.interchange.bundle.csvtext import cross_check, read_records, stray_quotes
from workbench.interchange.bundle.faults import FaultLog
from workbench.interchange.bundle.format import (
    MANIFEST,
    MAX_QUANTITY,
    MULTILINE,
    ROW_COLUMNS,
    VERSION_FILE,
    FileSpec,
    files_of,
)
from workbench.interchange.bundle.limits import max_length
from workbench.interchange.bundle.values import (
    SCREEN,
    ValueFault,
    maybe_too_fine,
    parse_quantity,
    parse_when,
    parser,
    unsafe_fault,
)


class RowType(Protocol):
    """The row class of one file: a named tuple whose fields are known only at run time."""

    _fields: tuple[str, ...]

    def _make(self, iterable: Iterable[object], /) -> tuple[Any, ...]: ...


#: One row type per file: ``line``, ``ok`` and the columns of the newest format (a file of
#: an older version leaves the columns it does not have empty). ``namedtuple`` with fields
#: computed at run time is a plain tuple class to mypy, hence the cast.
ROW_TYPES: dict[str, RowType] = {
    name: cast(RowType, namedtuple(name[:-4].title().replace("_", "") + "Row", ("line", "ok", *columns)))
    for name, columns in ROW_COLUMNS.items()}


@dataclass
class BundleFile:
    """One file of the bundle as read: ``present`` is False when the file is absent,
    ``broken`` when it could not be read at all (its rows are then unknown),
    ``incomplete`` when some of its records could not be read (a fault says where)."""

    spec: FileSpec
    display: str
    present: bool = False
    broken: bool = False
    incomplete: bool = False
    columns: frozenset[str] = frozenset()
    rows: list = field(default_factory=list)
    #: SHA-256 of the file's bytes (hex), for the manifest check.
    sha256: str | None = None
    #: Header columns that are not columns of the format (ignored, and said).
    unknown_columns: tuple[str, ...] = ()

    @property
    def unreliable(self) -> bool:
        """Rows are missing: references into this file are not reported as unknown."""
        return self.broken or self.incomplete


def _decode(data: bytes, display: str, log: FaultLog) -> str | None:
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


_UNUSUAL = re.compile(r"[^\x20-\x7e\n\r]")


def _suspicious(text: str) -> frozenset[str]:
    """The unsafe characters ``text`` holds anywhere (by the one definition in
    ``workbench.format``, applied to the set of distinct characters: fast). Line breaks
    count only where a value can hold one, that is when the file has quoted values."""
    chars = set(_UNUSUAL.findall(text))  # all but printable ASCII and line breaks: usually none
    if '"' in text:
        chars.update(c for c in "\n\r" if c in text)
    names = unsafe_characters("".join(chars))
    return frozenset(chr(int(n[2:], 16)) for n in names)


def read_file(spec: FileSpec, path: Path, display: str, log: FaultLog, digest: bool = False) -> BundleFile:
    """Read one file; faults go to ``log``. A file that cannot be read is ``broken``."""
    bundle_file = BundleFile(spec, display, present=True)
    try:
        data = path.read_bytes()
    except OSError as exc:
        log.add(display, None, f"cannot be read ({exc.strerror or exc})")
        bundle_file.broken = True
        return bundle_file
    if digest:
        bundle_file.sha256 = hashlib.sha256(data).hexdigest()
    text = _decode(data, display, log)
    del data
    if text is None:
        bundle_file.broken = True
        return bundle_file
    parsed = read_records(text, display, log)
    bundle_file.incomplete = not parsed.complete
    header = parsed.header
    names = [name.strip().lower() for name in header or ()]
    if not any(names):
        if header is not None or parsed.complete:
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
    bundle_file.unknown_columns = tuple(n for n in names if n and n not in spec.columns)
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
    bundle_file.rows = _rows(spec, text, parsed, positions, len(names), display, log)
    bundle_file.incomplete = not parsed.complete
    return bundle_file


def _rows(spec: FileSpec, text: str, parsed, positions: dict[str, int], width: int, display: str,
          log: FaultLog) -> list:
    """The file's rows, converted column by column.

    Converting a whole column at once (one comprehension of C-level parses) is several
    times faster than value by value; a column where the fast path meets a bad value
    is converted again value by value, so that each bad value gets its own fault.
    """
    records, lines = parsed.records, parsed.lines
    bad: set[int] = set()  # indexes of rows with a malformed value
    for i, fields in enumerate(records if set(map(len, records)) - {width} else ()):
        n = len(fields)
        if n != width:
            # Still read as far as the header goes, so that its keys are known and
            # do not turn every reference to them into a second fault.
            log.add(display, lines[i], f"has {n} value{'s' if n != 1 else ''} but the header names {width} columns")
            bad.add(i)
            if n < width:
                fields.extend([""] * (width - n))

    unsafe = _suspicious(text)
    quoted = '"' in text
    raws: dict[str, list[str]] = {}
    strays: set[int] = set()
    if unsafe or quoted:
        suspects: set[int] = set()
        for column in spec.columns:
            position = positions.get(column)
            if position is None:
                continue
            raw = raws[column] = [f[position] for f in records]
            joined = "\x1f".join(raw) if "\x1f" not in unsafe else "\x1e".join(raw)
            if quoted and '"' in joined:
                suspects.update(i for i, v in enumerate(raw) if '"' in v)
            allowed = "\t\n\r" if column in MULTILINE else ""
            screen = "".join(sorted(c for c in unsafe if c not in allowed))
            if screen and re.search(f"[{re.escape(screen)}]", joined):
                multiline = column in MULTILINE
                for i, value in enumerate(raw):
                    message = unsafe_fault(column, value, multiline)
                    if message is not None:
                        log.add(display, lines[i], message)
                        bad.add(i)
                        records[i][position] = ""  # never parsed, never stored
        strays = stray_quotes(text, parsed, suspects, display, log) if suspects else set()
        bad |= strays
    if parsed.complete and not strays:
        cross_check(text, parsed, display, log)

    columns = []
    for column in ROW_COLUMNS[spec.name]:
        position = positions.get(column) if column in spec.columns else None
        if position is None:
            columns.append([None] * len(records))
            continue
        texts = [f[position].strip() for f in records]
        columns.append(_convert(spec.name, column, column in spec.required, texts, lines, bad, display, log))
    oks = [i not in bad for i in range(len(records))] if bad else [True] * len(records)
    make = ROW_TYPES[spec.name]._make
    return [make(values) for values in zip(lines, oks, *columns, strict=False)]


def _convert(file: str, column: str, required: bool, texts: list[str], lines: list[int], bad: set[int],
             display: str, log: FaultLog) -> list:
    parse = parser(column, file)
    if parse is None:
        values = [t or None for t in texts]
        if required and None in values:
            for i, t in enumerate(texts):
                if not t and i not in bad:
                    log.add(display, lines[i], f"{column} is empty")
                    bad.add(i)
        limit = max_length(file, column)
        if limit is not None and texts and max(map(len, texts)) > limit:
            for i, t in enumerate(texts):
                if len(t) > limit:
                    log.add(display, lines[i], f"{column} '{t[:40]}…' is {len(t):,} characters long; "
                                               f"the plant stores at most {limit:,}")
                    bad.add(i)
        return values
    fast = _fast(parse, required, texts)
    if fast is not None:
        return fast
    values = []
    for i, t in enumerate(texts):
        if not t:
            if required and i not in bad:
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


def _fast(parse, required: bool, texts: list[str]) -> list[Any] | None:
    """The column converted at C speed, or None when a value needs the exact path."""
    if not texts:
        return []
    try:
        if parse is parse_quantity:
            if required and "" in texts:
                return None
            joined = "\n".join(texts)
            if SCREEN["quantity"].search(joined) or any(maybe_too_fine(t) for t in texts):
                return None
            values = list(map(Decimal, texts))
            return values if max(values) <= MAX_QUANTITY else None
        if parse is parse_when:
            if SCREEN["when"].search("\n".join(texts)):
                return None
            whens = [datetime.fromisoformat(t) if t else None for t in texts]
            if required and None in whens:
                return None
            if any(v is not None and v.tzinfo is not None for v in whens):
                whens = [v if v is None or v.tzinfo is None
                         else v.astimezone(UTC).replace(tzinfo=None) for v in whens]
            return whens
    except (ValueError, ArithmeticError):  # a date out of range, an overflow once in UTC
        return None
    return None


def read_bundle(directory: Path, display_dir: str, log: FaultLog,
                digest: bool = False, version: int = 1) -> tuple[dict[str, BundleFile], list[str]]:
    """Every file of the format's ``version`` (absent ones empty) and the names of files
    ignored. With ``digest`` each file's SHA-256 is taken as it is read (for the manifest)."""
    files: dict[str, BundleFile] = {}
    for spec in files_of(version):
        path = directory / spec.name
        display = str(Path(display_dir) / spec.name)
        if path.is_file():
            files[spec.name] = read_file(spec, path, display, log, digest)
        else:
            files[spec.name] = BundleFile(spec, display)
            if spec.name == "items.csv":
                log.add(display, None, "is missing; every bundle needs an items.csv (a header row is enough)")
                files[spec.name].broken = True
    ignored = sorted(
        p.name for p in directory.iterdir()
        if p.name not in files and p.name not in (MANIFEST, VERSION_FILE) and not p.name.startswith(".")
    )
    return files, ignored
