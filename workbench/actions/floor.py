"""Floor actions: one transaction per user action, checked before it is written, each
returning what it did and the ``Changes`` the app broadcasts. The command line and the app
both come here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from workbench.actions.changes import Changes
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.floor import completion, holds, overrides, picking, receiving, scanning
from workbench.floor.labels import label_facts
from workbench.floor.receiving import Amount
from workbench.interchange.epcisload.lookup import find_lot_named
from workbench.outfile import check_file, written
from workbench.plant import Plant, audit
from workbench.reports.labels import SIZES, write_labels

R = TypeVar("R")


@dataclass(frozen=True)
class Done(Generic[R]):
    """What an action did (``result``) and what it changed."""

    result: R
    changes: Changes


def now() -> datetime:
    """The time a floor event is recorded at: naive UTC, as the plant stores times."""
    return datetime.now(UTC).replace(tzinfo=None)


def _lots(*refs: LotRef) -> frozenset[int]:
    return frozenset(r.id for r in refs)


def _hold(s: Session, refs: list[LotRef], reason: str | None, by: str | None,
          at: datetime | None) -> Done[holds.HoldsPlaced]:
    """Place the holds, audit each, and say which lots changed."""
    placed = holds.place_holds(s, refs, reason, by, at or now())
    for h in placed.placed:
        audit.record(s, "hold placed", "lot", h.lot.label, {"on_hold": False}, {"reason": reason, "by": by})
    return Done(placed, Changes(holds=True, lots=_lots(*(h.lot for h in placed.placed))))


def add_location(plant: Plant, code: str, site: str | None = None, name: str | None = None) -> Done[tuple[str, str | None]]:
    with plant.Session.begin() as s:
        loc = receiving.add_location(s, code, site, name)
        return Done((loc.code, loc.site), Changes())


def receive(plant: Plant, *, at: datetime | None = None, **fields: Any) -> Done[receiving.Received]:
    with plant.Session.begin() as s:
        got = receiving.receive(s, at=at or now(), **fields)
        audit.record(s, "lot received", "lot", got.lot.label, None, fields)
    return Done(got, Changes(lots=_lots(got.lot), holds=got.quarantine is not None))


def label_path(text: str | Path, force: bool = False) -> Path:
    """Where the labels go: a name without a suffix gets ``.pdf``; another suffix, a missing folder, and an existing
    file without ``force`` are refused (``outfile.check_file``)."""
    return check_file(text, "the labels", "labels.pdf", force, (".pdf",), ".pdf")


def print_labels(plant: Plant, lots: list[LotRef], out: str | Path, size: str = "4x6in", copies: int = 1,
                 qr: bool = False, per_label: Decimal | None = None, force: bool = False) -> Path:
    """Write the labels of ``lots`` to a PDF (``per_label``: the quantity each box carries); an existing file is
    replaced only with ``force``."""
    if size not in SIZES:
        raise WorkbenchError(f"The label size '{size}' is not one of {', '.join(SIZES)}.")
    if not 1 <= copies <= 500:
        raise WorkbenchError(f"Print 1 to 500 copies of a label, not {copies}.")
    path = label_path(out, force)
    with plant.Session() as s:
        facts = [label_facts(s, lot, per_label) for lot in lots]
    with written(path, force) as work:
        write_labels(facts, work, size, copies, qr)
    return path


def find(plant: Plant, text: str, item: str | None = None) -> LotRef:
    with plant.Session() as s:
        return find_lot_named(s, text, item)  # also a Digital Link or EPCIS identifier (the label's QR code)


def open_picks(plant: Plant, *, at: datetime | None = None, **fields: Any) -> Done[picking.PickListView]:
    with plant.Session.begin() as s:
        view = picking.open_pick_list(s, at=at or now(), **fields)
        audit.record(s, "pick list opened", "pick_list", getattr(view, "code", ""), None, fields)
    return Done(view, Changes(plant=True))


def pick_list(plant: Plant, code: str) -> picking.PickListView:
    with plant.Session() as s:
        return picking.load_pick_list(s, code)


def open_pick_lists(plant: Plant) -> list[tuple[str, str, str]]:
    with plant.Session() as s:
        return picking.open_pick_lists(s)


def scan(plant: Plant, pick_list_code: str, text: str, by: str, quantity: Amount | None = None,
         at: datetime | None = None) -> Done[scanning.ScanResult]:
    with plant.Session.begin() as s:
        result = scanning.confirm_scan(s, pick_list_code, text, by, at or now(), quantity)
        audit.record(s, "pick scanned", "pick_list", pick_list_code, None,
                     {"scanned": text, "by": by, "quantity": quantity, "ok": getattr(result, "ok", None),
                      "lot": getattr(result, "lot", None)})
    return Done(result, Changes(lots=_lots(result.lot) if result.ok and result.lot else frozenset()))


def override(plant: Plant, pick_list_code: str, *, at: datetime | None = None,
             **fields: Any) -> Done[overrides.Override]:
    with plant.Session.begin() as s:
        ov = overrides.record_override(s, pick_list_code, at=at or now(), **fields)
        audit.record(s, "pick overridden", "pick_list", pick_list_code, None, {**fields, "lot": ov.lot})
    return Done(ov, Changes(lots=_lots(ov.lot)))


def override_report(plant: Plant, **filters: Any) -> list[overrides.Override]:
    with plant.Session() as s:
        return overrides.overrides(s, **filters)


def override_reasons(plant: Plant) -> dict[str, str]:
    from workbench.floor.rules import override_reasons as reasons

    with plant.Session() as s:
        return reasons(s)


def complete(plant: Plant, pick_list_code: str, *, at: datetime | None = None,
             **fields: Any) -> Done[completion.Completed]:
    with plant.Session.begin() as s:
        done = completion.complete_production(s, pick_list_code, at=at or now(), **fields)
        audit.record(s, "production completed", "pick_list", pick_list_code, None, {**fields, "lot": done.lot})
    return Done(done, Changes(plant=True, lots=_lots(done.lot, *(u.lot for u in done.used))))


def ship(plant: Plant, pick_list_code: str, *, at: datetime | None = None,
         **fields: Any) -> Done[completion.Shipped]:
    with plant.Session.begin() as s:
        done = completion.ship(s, pick_list_code, at=at or now(), **fields)
        audit.record(s, "shipped", "pick_list", pick_list_code, None, fields)
    return Done(done, Changes(plant=True, lots=_lots(*(u.lot for u in done.lines))))


def hold(plant: Plant, lots: list[str], reason: str | None, by: str | None,
         at: datetime | None = None) -> Done[holds.HoldsPlaced]:
    """Put lots (as users write them: ITEM/LOT, a lot code or a barcode) on hold."""
    with plant.Session.begin() as s:
        return _hold(s, [find_lot_named(s, text) for text in lots], reason, by, at)


def hold_lots(plant: Plant, refs: list[LotRef], reason: str | None, by: str | None,
              at: datetime | None = None) -> Done[holds.HoldsPlaced]:
    with plant.Session.begin() as s:
        return _hold(s, refs, reason, by, at)


def hold_recall(plant: Plant, roots: list[LotRef], reason: str | None, by: str | None,
                at: datetime | None = None) -> Done[holds.HoldsPlaced]:
    """Put every lot of the recall's hold list (affected stock still on hand) on hold, at once."""
    from workbench.recall.engine import recall

    with plant.Session.begin() as s:
        found = recall(s, roots, reason)
        refs = [LotRef(a.lot_id, a.balance.item, a.balance.lot) for a in found.hold]
        if not refs:
            raise WorkbenchError("The recall's hold list is empty: no affected lot has stock on hand.")
        return _hold(s, refs, reason, by, at)


def release(plant: Plant, lot: str, reason: str | None, by: str | None,
            at: datetime | None = None) -> Done[list[holds.Hold]]:
    with plant.Session.begin() as s:
        ref = find_lot_named(s, lot)
        released = holds.release_holds(s, ref, reason, by, at or now())
        audit.record(s, "hold released", "lot", ref.label, {"on_hold": True}, {"reason": reason, "by": by})
    return Done(released, Changes(holds=True, lots=_lots(ref)))


def holds_now(plant: Plant) -> list[holds.Hold]:
    with plant.Session() as s:
        return holds.holds_now(s)


def hold_history(plant: Plant, lot: LotRef) -> list[holds.Hold]:
    with plant.Session() as s:
        return holds.hold_history(s, [lot.id]).get(lot.id, [])
