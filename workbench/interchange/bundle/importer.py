"""``import_bundle``: read, check everything, then write (or refuse) and summarise."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.interchange.bundle import manifest
from workbench.interchange.bundle.balance import overdrawn_lots
from workbench.interchange.bundle.checking import Checker
from workbench.interchange.bundle.faults import BundleWarning, FaultLog
from workbench.interchange.bundle.format import MANIFEST, SPECS_V2, files_of
from workbench.interchange.bundle.plausibility import plausibility
from workbench.interchange.bundle.reading import BundleFile, read_bundle
from workbench.interchange.bundle.version import bundle_version
from workbench.interchange.bundle.writing import write_plan
from workbench.plant import audit

#: ``progress(fraction, message)`` as each stage starts: the convention of
#: ``workbench.progress`` (a ``Progress`` there may raise ``Cancelled`` to stop; the
#: caller's transaction then rolls back).
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class FileCounts:
    """Rows of one file: read, new (inserted, or to insert in a dry run), already present."""

    file: str
    read: int
    inserted: int
    present: int


@dataclass(frozen=True)
class ImportSummary:
    directory: str
    files: list[FileCounts]
    #: Every record imported that cannot be true as it stands, with its FILE:LINE and lot:
    #: implausible dates, returns, look-alike codes, ignored columns (before writing) and
    #: lots that gave out more than they held (consumed + shipped > held + returned).
    warnings: list[BundleWarning]
    seconds: float
    dry_run: bool = False
    #: Names in the folder that are not files of the format (a misspelt name shows here).
    ignored: tuple[str, ...] = ()
    #: The version of the bundle format the bundle declared (1 when it declared none).
    version: int = 1

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def inserted(self) -> int:
        return sum(f.inserted for f in self.files)

    @property
    def present(self) -> int:
        return sum(f.present for f in self.files)

    def counts(self, file: str) -> FileCounts:
        return next(f for f in self.files if f.file == file)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bundle is loaded.

    A bundle becomes millions of small tuples that hold no cycles; without the pause
    the collector rescans the growing heap again and again and reading a million rows
    takes twice as long. Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_bundle(
    session: Session, directory: str | Path, progress: Progress | None = None, *, dry_run: bool = False
) -> ImportSummary:
    """Import the bundle in ``directory`` into the plant of ``session`` (not committed).

    Raises ``ImportFailed`` carrying every fault when the bundle has any, having
    written nothing; ``WorkbenchError`` when ``directory`` is not a folder. With
    ``dry_run`` the bundle is only checked and the counts say what would be inserted.
    """
    started = time.perf_counter()
    say = progress or (lambda _fraction, _message: None)
    display = str(directory)
    folder = Path(directory)
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise WorkbenchError(f"The bundle folder {display} {what}; give the folder holding items.csv.")

    with _cyclic_gc_paused():
        return _import(session, folder, display, say, dry_run, started)


def _import(session: Session, folder: Path, display: str, say: Progress, dry_run: bool, started: float) -> ImportSummary:
    log = FaultLog()
    say(0.0, f"Reading {display}")
    try:
        found = _manifest(folder, display, log)
        version = bundle_version(folder, display, found.version if found else None, log)
        files, ignored = read_bundle(folder, display, log, digest=found is not None, version=version)
    except OSError as exc:
        raise WorkbenchError(f"The bundle folder {display} cannot be read ({exc.strerror or exc}).") from None
    if found is not None and found.version == version:
        manifest.verify(found, files, display, log)
    for f in files.values():
        if f.unknown_columns:
            newer = version == 1 and f.spec.name in SPECS_V2 and set(f.unknown_columns) <= set(
                SPECS_V2[f.spec.name].columns)
            log.warn(f.display, 1, f"the column{'s' if len(f.unknown_columns) > 1 else ''} "
                                   f"{', '.join(f.unknown_columns)} {'are' if len(f.unknown_columns) > 1 else 'is'} "
                                   f"not part of {f.spec.name} and ignored"
                                   + (" (columns of bundle version 2: declare it in version.txt)" if newer else ""))
    say(0.3, "Checking every row against the bundle and the plant")
    session.flush()
    checker = Checker(session, files, log, version)
    plan = checker.run()
    if not log.faults:
        plausibility(checker, log)
    log.raise_if_any()

    warnings = list(log.warnings)
    if not dry_run:
        write_plan(session, plan, say)
        say(0.95, "Checking the mass balance of the bundle's lots")
        overdrawn = overdrawn_lots(session, {plan.lot_ids[k] for k in plan.named_lots if k in plan.lot_ids})
        warnings += _located(overdrawn, files, plan.created)
    counts = [FileCounts(spec.name, *plan.counts[spec.name]) for spec in files_of(version)]
    if not dry_run and any(c.inserted for c in counts):
        audit.record(session, "bundle imported", "plant", display[-200:], None,
                     {c.file: c.inserted for c in counts if c.inserted})
    return ImportSummary(
        directory=display, files=counts, warnings=warnings, seconds=time.perf_counter() - started,
        dry_run=dry_run, ignored=tuple(ignored), version=version,
    )


def _manifest(folder: Path, display: str, log: FaultLog) -> manifest.Manifest | None:
    try:
        return manifest.read(folder)
    except manifest.NotAManifest as exc:
        log.add(str(Path(display) / MANIFEST), None, f"{exc}; the bundle cannot be checked against it")
        return None


def _located(overdrawn: list[tuple[str, str, str]], files: dict[str, BundleFile],
             created: dict[tuple[str, str], tuple[str, int]]) -> list[BundleWarning]:
    """Each overdrawn lot's warning at the line creating the lot, else the first line naming it."""
    wanted = {(item, lot) for item, lot, _ in overdrawn} - set(created)
    first: dict[tuple[str, str], tuple[str, int]] = {}
    for name in ("consumptions.csv", "shipments.csv", "returns.csv"):
        if not wanted:
            break
        for row in files[name].rows:
            key = (row.item, row.lot)
            if key in wanted:
                first[key] = (files[name].display, row.line)
                wanted.discard(key)
    out = []
    for item, lot, message in overdrawn:
        if (item, lot) in created:
            name, line = created[(item, lot)]
            file: str | None = files[name].display
        else:
            file, line = first.get((item, lot), (None, None))  # type: ignore[assignment]
        out.append(BundleWarning(file, line, message, item, lot))
    return out
