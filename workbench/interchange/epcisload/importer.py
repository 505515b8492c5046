"""``import_documents``: read every EPCIS file, plan them together, link them to the plant, write or refuse.

All files are read and planned before anything is written: a fault in any of them (not well-formed, an
event without eventTime, a quantity that is not a number, an unknown EPC scheme) refuses the whole import
with every fault listed, each one sentence with its ``FILE:LINE`` or ``FILE: eventList[17]…`` place.
Events the plant already holds (same event hash) are skipped, so importing a file again changes nothing.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.interchange.epcis.encoding import EncodingError, as_utf8
from workbench.interchange.epcis.faults import EpcisReadFailed, Fault
from workbench.interchange.epcis.jsontext import content_offset
from workbench.interchange.epcis.mapping import KnownEvents, plan_import
from workbench.interchange.epcis.model import EpcisDocument
from workbench.interchange.epcis.plan import EpcisImportFailed, ImportPlan
from workbench.interchange.epcis.read import read_document
from workbench.interchange.epcisload.loader import LoadCounts, load_plan
from workbench.plant.chain import Event
from workbench.plant.events import retract_event
from workbench.plant.identities import EventHash
from workbench.plant.query import fetch_in

Say = Callable[[float, str], None]


@dataclass(frozen=True)
class FileRead:
    file: str
    format: str
    events: int
    master_data: int


@dataclass
class EpcisImportSummary:
    files: list[FileRead]
    new_events: int = 0
    present: int = 0  # events the plant already held
    duplicates: int = 0  # events given twice in these files (same content)
    counts: LoadCounts = field(default_factory=LoadCounts)
    retracted_earlier: int = 0  # events of earlier imports retracted now
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def events_read(self) -> int:
        return sum(f.events for f in self.files)


def is_epcis_file(path: Path) -> bool:
    """Whether the file's content starts like an EPCIS document (JSON object or XML), whatever its name."""
    try:
        with path.open("rb") as f:
            head = f.read(65536)
    except OSError:
        return False
    try:
        head = as_utf8(head, partial=True)[0]  # UTF-16 and UTF-32 files too (said when read)
    except EncodingError:
        return False
    head = head[content_offset(head):]  # white space, and comments before JSON (read with a warning)
    if head.startswith(b"{"):
        return b"EPCIS" in head or b"epcis" in head or b"eventList" in head or b'"@context"' in head
    return head.startswith(b"<") and (b"EPCIS" in head or b"epcis" in head or any(
        b"<" + tag in head for tag in (b"ObjectEvent", b"AggregationEvent", b"TransformationEvent", b"TransactionEvent",
                                       b"AssociationEvent")))


def _known(session: Session, documents: Sequence[EpcisDocument]) -> KnownEvents:
    table = EventHash.__table__
    hashes = {e.hash for d in documents for e in d.events}
    ids = {e.event_id for d in documents for e in d.events if e.event_id}
    held = {h for h, in fetch_in(session, select(table.c.hash), table.c.hash, hashes)}
    by_id = dict(fetch_in(session, select(table.c.given_id, table.c.hash), table.c.given_id, ids))
    return KnownEvents(frozenset(held), by_id)


def read_all(paths: Sequence[Path], say: Say) -> tuple[list[EpcisDocument], list[Fault]]:
    documents, faults = [], []
    for n, path in enumerate(paths):
        say(0.05 + 0.3 * n / max(len(paths), 1), f"Reading {path}")
        try:
            documents.append(read_document(path, source=str(path)))
        except EpcisReadFailed as failed:
            faults.extend(failed.faults)
        except OSError as exc:
            faults.append(Fault(str(path), f"cannot be read ({exc.strerror or exc})"))
    return documents, faults


def import_documents(session: Session, paths: Sequence[str | Path], progress: Say | None = None, *,
                     dry_run: bool = False) -> EpcisImportSummary:
    """Import the EPCIS files together into the plant of ``session`` (not committed).

    Raises ``EpcisImportFailed`` with every fault, having written nothing.
    """
    enabled = gc.isenabled()
    gc.disable()  # millions of small frozen records, no cycles: the collector would only rescan them
    try:
        return _import(session, [Path(p) for p in paths], progress or (lambda _f, _m: None), dry_run)
    finally:
        # Only now, when the documents and the plan have been freed (by their counts, as _import returned): switched
        # on while they lived, the collector's first full pass walked every record of them (about 2 s per 200,000
        # events) to free none.
        if enabled:
            gc.enable()


def _import(session: Session, files: list[Path], say: Say, dry_run: bool) -> EpcisImportSummary:
    started = time.perf_counter()
    documents, faults = read_all(files, say)
    if faults:
        raise EpcisImportFailed(faults)
    say(0.4, "Mapping the events to lots, transformations and transfers")
    session.flush()
    plan = plan_import(documents, _known(session, documents))
    if plan.faults:
        raise EpcisImportFailed(plan.faults)
    counts = load_plan(session, plan, say)
    retracted = _retract_earlier(session, plan)
    warnings = [w for d in documents for w in d.warnings] + [str(w) for w in plan.warnings] + counts.warnings
    summary = EpcisImportSummary(
        files=[FileRead(d.source, d.format, len(d.events), len(d.vocabulary)) for d in documents],
        new_events=len(plan.events), present=_present(plan, documents), duplicates=plan.duplicates,
        counts=counts, retracted_earlier=retracted, warnings=warnings, seconds=time.perf_counter() - started,
        dry_run=dry_run)
    return summary


def _present(plan: ImportPlan, documents: Sequence[EpcisDocument]) -> int:
    total = sum(len(d.events) for d in documents)
    declared = sum(1 for d in documents for e in d.events if e.error_declaration is not None)
    return max(total - len(plan.events) - plan.duplicates - declared, 0)


def _retract_earlier(session: Session, plan: ImportPlan) -> int:
    """Retract the plant's copies of events declared in error now (``workbench.plant.events.retract_event``: their
    rows leave the plant tables and are kept, as JSON, on the event; nothing is lost)."""
    targets = [r for r in plan.retractions if r.event not in plan.events]
    if not targets:
        return 0
    events, hashes = Event.__table__, EventHash.__table__
    refs = {r.event for r in targets}
    found = {ref: (ref, retracted) for ref, retracted in
             fetch_in(session, select(events.c.ref, events.c.retracted_at), events.c.ref, refs)}
    by_hash = {h: (ref, retracted) for h, ref, retracted in fetch_in(
        session, select(hashes.c.hash, events.c.ref, events.c.retracted_at).join(events, events.c.id == hashes.c.event_id),
        hashes.c.hash, refs)}
    done, faults = 0, []
    for r in targets:
        ref, retracted = found.get(r.event) or by_hash.get(r.event) or (None, None)
        if ref is None or retracted is not None:
            continue  # not in the plant, or retracted already
        try:
            retract_event(session, ref, reason=r.reason or "incorrect_data", at=r.declared_at,
                          note=f"errorDeclaration at {r.where}")
        except WorkbenchError as exc:
            faults.append(Fault(r.where, str(exc)))
            continue
        done += 1
    if faults:
        raise EpcisImportFailed(faults)
    return done
