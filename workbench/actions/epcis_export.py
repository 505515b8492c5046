"""Exporting an EPCIS 2.0 document, for the app and the CLI: the events of a lot's trace, of a period, both, or of the
whole plant (``workbench export-epcis``; File → Export EPCIS document…)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.interchange.epcisload.export import export_epcis
from workbench.interchange.epcisload.lookup import find_lot_by_identifier
from workbench.outfile import check_file
from workbench.plant import Plant
from workbench.trace.genealogy import reachable_lots

#: The names each format is written under.
SUFFIXES = {"json": (".jsonld", ".json"), "xml": (".xml",)}
DIRECTIONS = ("forward", "backward", "both")


@dataclass(frozen=True)
class Period:
    """From ``since`` up to (not including) ``until``, UTC; either end may be open (``None``)."""

    since: datetime | None
    until: datetime | None

    def __post_init__(self) -> None:
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise WorkbenchError("The period ends before it starts, so it holds no time: give the earlier moment as "
                                 "its start.")

    def bounds(self) -> tuple[datetime, datetime]:
        return (self.since or datetime.min.replace(tzinfo=UTC), self.until or datetime.max.replace(tzinfo=UTC))

    def describe(self) -> str:
        def text(moment: datetime, end: bool) -> str:
            if moment.time() == time() and moment.tzinfo is not None:
                return f"{(moment - timedelta(days=1) if end else moment):%Y-%m-%d}"
            return moment.isoformat(timespec="seconds").replace("+00:00", "Z")

        if self.since and self.until:
            return f"from {text(self.since, False)} to {text(self.until, True)}"
        return f"from {text(self.since, False)}" if self.since else f"up to {text(self.until, True)}" if self.until \
            else "of all time"


def day_period(first: date | None, last: date | None) -> Period:
    """The days ``first`` to ``last``, both whole (UTC)."""
    since = datetime.combine(first, time(), UTC) if first else None
    until = datetime.combine(last, time(), UTC) + timedelta(days=1) if last else None
    return Period(since, until)


@dataclass(frozen=True)
class EpcisExport:
    """What was written: the file, its events, and what they are the events of ("the trace of RM-ALMOND/R26132-01
    from 2026-03-01 to 2026-03-31")."""

    path: Path
    events: int
    what: str
    format: str


def export_path(out: str | Path, fmt: str, force: bool = False) -> Path:
    """Where the document goes (``outfile.check_file``: a name of its format, an existing folder, no file there
    unless ``force``)."""
    return check_file(out, "the EPCIS document", "trace.jsonld" if fmt == "json" else "trace.xml", force, SUFFIXES[fmt])


def format_of(out: str | Path, given: str | None = None) -> str:
    """``json`` or ``xml``: as given, else by the name (``.xml`` is XML; anything else JSON-LD)."""
    if given is not None:
        if given not in SUFFIXES:
            raise WorkbenchError(f"The EPCIS format '{given}' is neither json nor xml.")
        return given
    return "xml" if str(out).lower().endswith(".xml") else "json"


def export_document(plant: Plant, out: str | Path, fmt: str = "json", lot: str | LotRef | None = None,
                    item: str | None = None, direction: str = "both", period: Period | None = None,
                    force: bool = False) -> EpcisExport:
    """Write the EPCIS document: the events of ``lot``'s trace (``direction``; any identifier form, or a ``LotRef``),
    of ``period``, of both, or with neither of the whole plant. Whole or not at all."""
    if direction not in DIRECTIONS:
        raise WorkbenchError(f"The direction '{direction}' is not one of {', '.join(DIRECTIONS)}.")
    target = export_path(out, fmt, force)
    with plant.Session() as session:
        lot_ids = None
        what = "the plant"
        if lot is not None:
            root = lot if isinstance(lot, LotRef) else find_lot_by_identifier(session, lot, item)
            lot_ids = reachable_lots(session, [root.id], direction)
            what = f"the {'trace' if direction == 'both' else direction + ' trace'} of {root.label}"
        count = export_epcis(session, target, fmt, lot_ids, force, period.bounds() if period else None)
    if period is not None:
        what += f" {period.describe()}"
    return EpcisExport(target, count, what, fmt)
