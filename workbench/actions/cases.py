"""Working a case: one function per user action, each one transaction that records its
audit entry and returns what changed. The command line (`workbench case …`) and the app
(Cases view, case tabs) call these and nothing else."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from workbench.actions.changes import Changes
from workbench.cases import store
from workbench.cases.records import AttachmentRecord, CaseDetail, CaseSummary, EntryRecord, MockRecall
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.floor import holds
from workbench.plant import Plant, audit
from workbench.plant.lookup import find_lot_label
from workbench.plant.stock import lot_balances
from workbench.plant.who import Access, actor, reauthenticate, require_write
from workbench.plant.who import access as db_access
from workbench.progress import Progress
from workbench.recall.engine import recall
from workbench.recall.records import Recall
from workbench.reports.letters import letter_files

CASES = Changes(cases=True)


def _changes(lots: Sequence[LotRef] = (), **kw: bool) -> Changes:
    return Changes(cases=True, lots=frozenset(x.id for x in lots), **kw)


def parse_lots(plant: Plant, texts: Sequence[str]) -> list[LotRef]:
    """Lots as users write them (``ITEM/LOT``, a lot code, a barcode)."""
    with plant.Session() as session:
        return [find_lot_label(session, t) for t in texts]


def lots_returned_for(plant: Plant, reason: str) -> list[LotRef]:
    """The lots customers returned with a reason containing ``reason`` (a case from a return reason)."""
    from workbench.rootcause.commonality import defective_from_returns

    with plant.Session() as session:
        found = defective_from_returns(session, reason)
    if not found:
        raise WorkbenchError(f"No return has a reason containing '{reason}'.")
    return found


def list_cases(plant: Plant, status: str | None = None, kind: str | None = None,
               lot: LotRef | None = None) -> list[CaseSummary]:
    with plant.Session() as session:
        return store.list_cases(session, status=status, kind=kind, lot_id=lot.id if lot else None)


def show_case(plant: Plant, code: str) -> CaseDetail:
    with plant.Session() as session:
        return store.case_detail(session, code)


def open_case(plant: Plant, title: str, origin: str = "lot", origin_ref: str | None = None,
              problem: str | None = None, lots: Sequence[LotRef] = ()) -> tuple[CaseSummary, Changes]:
    with plant.Session.begin() as session:
        require_write(session)
        s = store.open_case(session, title, origin, origin_ref, problem, lots)
    return s, _changes(lots)


def add_entry(plant: Plant, code: str, kind: str, text: str, data: dict[str, Any] | None = None
              ) -> tuple[EntryRecord, Changes]:
    """A note, hypothesis or decision (or a commonality result, with its ranking in ``data``)."""
    with plant.Session.begin() as session:
        require_write(session)
        e = store.add_entry(session, code, kind, text, data)
    return e, CASES


def add_lots(plant: Plant, code: str, lots: Sequence[LotRef], why: str | None = None
             ) -> tuple[list[LotRef], Changes]:
    with plant.Session.begin() as session:
        require_write(session)
        added = store.add_lots(session, code, lots, why)
    return added, _changes(added)


def remove_lot(plant: Plant, code: str, lot: LotRef, why: str) -> Changes:
    with plant.Session.begin() as session:
        require_write(session)
        store.remove_lot(session, code, lot, why)
    return _changes([lot])


def set_status(plant: Plant, code: str, status: str, version: int | None, why: str | None = None
               ) -> tuple[CaseSummary, Changes]:
    with plant.Session.begin() as session:
        require_write(session)
        s = store.set_status(session, code, status, version, why)
    return s, CASES


def edit_case(plant: Plant, code: str, version: int | None, title: str | None = None,
              problem: str | None = None) -> tuple[CaseSummary, Changes]:
    with plant.Session.begin() as session:
        require_write(session)
        s = store.edit_case(session, code, version, title=title, problem=problem)
    return s, CASES


def attach(plant: Plant, code: str, path: str | Path, note: str | None = None) -> tuple[AttachmentRecord, Changes]:
    with plant.Session.begin() as session:
        require_write(session)
        a = store.attach(session, code, path, note)
    return a, CASES


def close_case(plant: Plant, code: str, version: int | None, full_name: str, meaning: str,
               password: str | None, why: str | None = None) -> tuple[CaseSummary, Changes, str]:
    """Close with an electronic signature; the signer is re-authenticated where the database
    allows it. Returns the summary, the changes and how the signer was proven, in words."""
    with plant.Session.begin() as session:
        require_write(session)
        proof = reauthenticate(session, password)
        s = store.close_case(session, code, version, full_name, meaning, proof.method, why)
    return s, CASES, proof.note


def reopen_case(plant: Plant, code: str, version: int | None, why: str) -> tuple[CaseSummary, Changes]:
    with plant.Session.begin() as session:
        require_write(session)
        s = store.reopen_case(session, code, version, why)
    return s, CASES


def save_views(plant: Plant, code: str, views: list[dict[str, Any]]) -> Changes:
    with plant.Session.begin() as session:
        require_write(session)
        store.save_views(session, code, views)
    return CASES


def record_commonality(plant: Plant, code: str, lots: Sequence[LotRef], returns_reason: str | None = None,
                       top: int = 5) -> tuple[EntryRecord, list[dict[str, Any]], Changes]:
    """Rank what the defective lots (and those returned for ``returns_reason``) share, and
    keep the ranking's first ``top`` factors in the case's record."""
    from workbench.rootcause.commonality import commonality, defective_from_returns

    with plant.Session() as session:
        chosen = list(lots)
        if returns_reason:
            chosen += defective_from_returns(session, returns_reason)
        if not chosen:
            raise WorkbenchError("Name the defective lots as ITEM/LOT, or give the return reason to take them from.")
        result = commonality(session, chosen)
    factors: list[dict[str, Any]] = [{"factor": f.label, "defective": f"{f.defective_exposed}/{f.defective_total}",
                "baseline": f"{f.baseline_exposed}/{f.baseline_total}", "p_value": f.p_value}
               for f in result.factors[:top]]
    text = (f"{len(result.defective)} defective lots against {len(result.baseline)} baseline lots; first: "
            + (factors[0]["factor"] if factors else "no factor"))
    entry, changes = add_entry(plant, code, "commonality", text,
                               {"defective": [x.label for x in result.defective], "returns_reason": returns_reason,
                                "factors": factors})
    return entry, factors, changes


# --- containment: holds and recall packages ----------------------------------------------


def place_hold(plant: Plant, code: str, lots: Sequence[LotRef], text: str | None = None, release: bool = False
               ) -> tuple[list[EntryRecord], Changes]:
    """Put lots on hold (or release them) on the floor, for the case: the plant's holds
    (``workbench.floor.holds``) and the case's record, each with the quantity on hand now,
    in one transaction. Lots already on hold stay as they are and are noted as such."""
    if not lots:
        raise WorkbenchError("Name the lots to hold.")
    reason = (text or "").strip() or f"{'released' if release else 'held'} for case {code.upper()}"
    who = actor()
    with plant.Session.begin() as session:
        require_write(session)
        at = store.now()
        if release:
            for x in lots:
                holds.release_holds(session, x, reason, who, at)
                audit.record(session, "hold released", "lot", x.label, {"on_hold": True}, {"case": code, "reason": reason})
        else:
            placed = holds.place_holds(session, list(lots), reason, who, at)
            for h in placed.placed:
                audit.record(session, "hold placed", "lot", h.lot.label, {"on_hold": False},
                             {"case": code, "reason": reason})
        balances = lot_balances(session, [x.id for x in lots])
        out = [store.add_entry(session, code, "release" if release else "hold", reason,
                               {"on_hand": balances[x.id].on_hand, "unit": balances[x.id].unit},
                               lot=x, quantity=balances[x.id].on_hand) for x in lots]
    return out, _changes(lots, holds=True)


def hold_lots(detail: CaseDetail) -> dict[str, EntryRecord]:
    """The lots currently held on a case (last hold not followed by a release), by label."""
    held: dict[str, EntryRecord] = {}
    for e in detail.of_kind("hold", "release"):
        if e.lot is None:
            continue
        if e.kind == "hold":
            held[e.lot.label] = e
        else:
            held.pop(e.lot.label, None)
    return held


def file_manifest(root: Path, files: Sequence[Path]) -> list[dict[str, Any]]:
    out = []
    for f in sorted(files):
        data = f.read_bytes()
        out.append({"file": f.relative_to(root).as_posix(), "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest()})
    return out


def record_package(plant: Plant, code: str, r: Recall, folder: Path, files: Sequence[Path]) -> Changes:
    """Note a recall package written for the case: every file with its hash, and which
    customer got which letter."""
    folder = Path(folder).resolve()
    manifest = file_manifest(folder, [Path(f).resolve() for f in files])
    names = letter_files(c.customer for c in r.customers)
    letters = {f"letters/{names[c.customer]}": {"customer": c.customer, "name": c.name} for c in r.customers}
    for m in manifest:
        if m["file"] in letters:
            m["customer"] = letters[m["file"]]["customer"]
            m["customer_name"] = letters[m["file"]]["name"]
    with plant.Session.begin() as session:
        require_write(session)
        store.add_entry(session, code, "package",
                        f"recall package {r.reference} written to {folder}: {len(manifest)} files, "
                        f"{len(r.customers)} customer letters",
                        {"reference": r.reference, "folder": str(folder), "files": manifest,
                         "roots": [x.label for x in r.roots], "customers": len(r.customers)})
    return CASES


def case_recall(plant: Plant, code: str, progress: Progress | None = None) -> Recall:
    """The recall of the case's suspect lots."""
    with plant.Session() as session:
        d = store.case_detail(session, code)
        if not d.suspect_lots:
            raise WorkbenchError(f"{d.code} has no suspect lots to recall; add them first.")
        return recall(session, d.suspect_lots, reason=d.summary.title, progress=progress)


# --- mock recalls -------------------------------------------------------------------------


@dataclass(frozen=True)
class MockRun:
    code: str
    mock: MockRecall
    recall: Recall
    changes: Changes


def _one_unit(r: Recall) -> tuple[str, Decimal, Decimal]:
    units = [u for u, q in r.totals.in_question.items() if q]
    if len(units) != 1:
        raise WorkbenchError("A mock recall traces lots of one unit; these are in "
                             + (", ".join(units) or "no quantity at all") + ".")
    u = units[0]
    return u, r.totals.in_question[u], r.totals.found.get(u, Decimal(0))


def run_mock_recall(plant: Plant, lots: Sequence[LotRef], standard: str,
                    progress: Progress | None = None) -> MockRun:
    """Start the clock, trace the lots forward and record the amount the records account
    for; at 100 % found the clock stops. Less than 100 % leaves it running for finds made
    by hand (``mock_found``) or a stop."""
    with plant.Session() as session:
        balances = lot_balances(session, [x.id for x in lots])
    units = sorted({b.unit for b in balances.values()})
    if len(units) != 1:
        raise WorkbenchError(f"A mock recall traces lots of one unit; these are in {', '.join(units)}.")
    unit = units[0]
    in_question = sum((b.made + b.returned for b in balances.values()), Decimal(0))
    with plant.Session.begin() as session:
        require_write(session)
        s = store.start_mock(session, lots, standard.upper(), unit, in_question)
    with plant.Session() as session:
        r = recall(session, list(lots), reason=f"mock recall {s.code}", progress=progress)
    unit, in_question, found = _one_unit(r)
    with plant.Session.begin() as session:
        t = r.totals
        m = store.mock_found(session, s.code, found, "traced by the workbench: consumed into orders, shipped to "
                             "named customers or on hand",
                             {"affected_lots": t.affected_lots, "customers": t.customers,
                              "lots_on_hold": t.lots_on_hold, "flagged": t.flagged, "reference": r.reference})
    return MockRun(s.code, m, r, _changes(lots))


def mock_found(plant: Plant, code: str, found: Decimal, how: str) -> tuple[MockRecall, Changes]:
    with plant.Session.begin() as session:
        require_write(session)
        m = store.mock_found(session, code, found, how)
    return m, CASES


def stop_mock(plant: Plant, code: str, why: str) -> tuple[MockRecall, Changes]:
    with plant.Session.begin() as session:
        require_write(session)
        m = store.stop_mock(session, code, why)
    return m, CASES


def mock_history(plant: Plant) -> list[tuple[str, str, MockRecall]]:
    with plant.Session() as session:
        return store.mock_history(session)


def access(plant: Plant) -> Access:
    """What this connection may do (read-only or write), in words the app shows."""
    with plant.Session() as session:
        return db_access(session)
