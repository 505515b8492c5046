"""A SCAR followed to closure: record the vendor's answers, move due dates, verify
effectiveness, close with a signature; return causes that decide what counts against a
vendor. One transaction per action, each audited."""

from __future__ import annotations

from datetime import date

from workbench.actions.changes import Changes
from workbench.plant import Plant
from workbench.plant.lookup import find_lot_label
from workbench.plant.who import reauthenticate, require_write
from workbench.supplier import causes, followup
from workbench.supplier.followup import ScarFollowUp

SCARS = Changes(scars=True, cases=True)


def list_scars(plant: Plant, vendor: str | None = None, open_only: bool = False,
               overdue_only: bool = False) -> list[ScarFollowUp]:
    with plant.Session() as session:
        return followup.list_follow_ups(session, vendor=vendor, open_only=open_only, overdue_only=overdue_only)


def show_scar(plant: Plant, code: str) -> ScarFollowUp:
    with plant.Session() as session:
        return followup.follow_up(session, code)


def record_answer(plant: Plant, code: str, answers: dict[str, str | None], files: list[str] | None = None,
                  answered_on: date | None = None, verify_by: date | None = None,
                  version: int | None = None) -> tuple[ScarFollowUp, Changes]:
    with plant.Session.begin() as session:
        require_write(session)
        f = followup.record_answer(session, code, answers, list(files or ()), answered_on, verify_by, version)
    return f, SCARS


def set_due(plant: Plant, code: str, due: date, why: str, verification: bool = False
            ) -> tuple[ScarFollowUp, Changes]:
    with plant.Session.begin() as session:
        require_write(session)
        f = followup.set_due(session, code, due, why, verification=verification)
    return f, SCARS


def verify(plant: Plant, code: str, effective: bool, evidence: str, version: int | None = None
           ) -> tuple[ScarFollowUp, Changes]:
    with plant.Session.begin() as session:
        require_write(session)
        f = followup.verify(session, code, effective, evidence, version)
    return f, SCARS


def close(plant: Plant, code: str, vendor_cause: bool, full_name: str, meaning: str, password: str | None,
          version: int | None = None) -> tuple[ScarFollowUp, Changes, str]:
    with plant.Session.begin() as session:
        require_write(session)
        proof = reauthenticate(session, password)
        f = followup.close(session, code, vendor_cause, full_name, meaning, proof.method, version)
    return f, SCARS, proof.note


def scar_file(plant: Plant, file_id: int) -> tuple[str, bytes, str]:
    with plant.Session() as session:
        return followup.scar_file(session, file_id)


def set_return_cause(plant: Plant, rma: str, cause: str, note: str | None = None,
                     lot: str | None = None) -> tuple[int, Changes]:
    with plant.Session.begin() as session:
        require_write(session)
        lot_id = find_lot_label(session, lot).id if lot else None
        n = causes.set_return_cause(session, rma, cause, note, lot_id)
    return n, SCARS


def add_cause_rule(plant: Plant, pattern: str, cause: str, note: str | None = None) -> Changes:
    with plant.Session.begin() as session:
        require_write(session)
        causes.add_cause_rule(session, pattern, cause, note)
    return SCARS
