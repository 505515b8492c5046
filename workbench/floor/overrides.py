"""Manual override: the worker took other lots than proposed. The override is recorded with
who, when, why (a reason from the plant's list plus free text), the proposed and the actual
lots; the quality engineer reads them by period, item and reason (where FEFO discipline breaks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import NotFound, WorkbenchError
from workbench.facts import LotRef
from workbench.floor.holds import _who
from workbench.floor.picking import LineView, PickListView, find_pick_list, load_pick_list
from workbench.floor.proposals import refusal
from workbench.floor.receiving import Amount, positive
from workbench.floor.rules import override_reasons
from workbench.floor.stock import lock_lots, lot_states
from workbench.format import quantity as fmt
from workbench.plant import Item, Lot
from workbench.plant.floor_models import Pick, PickLine, PickList, PickOverride


@dataclass(frozen=True)
class Override:
    id: int
    pick_list: str
    line_no: int
    item: str
    lot: LotRef
    quantity: Decimal
    unit: str
    reason: str
    reason_text: str
    note: str | None
    proposed: str
    made_by: str
    made_at: datetime


def _line(view: PickListView, line: str | int | None) -> LineView:
    if line is None:
        if len(view.lines) == 1:
            return view.lines[0]
        raise WorkbenchError(f"Pick list {view.code} has {len(view.lines)} lines; name the line (number or item).")
    text = str(line).strip()
    for candidate in view.lines:
        if text == str(candidate.line_no) or text == candidate.item:
            return candidate
    raise NotFound(f"Pick list {view.code} has no line '{text}'.")


def record_override(session: Session, pick_list: str, *, lot: str, quantity: Amount, reason: str, by: str, at: datetime,
                    line: str | int | None = None, note: str | None = None) -> Override:
    """Record that ``lot`` was taken for a line instead of the proposed lots."""
    who = _who(by)
    reasons = override_reasons(session)
    code = (reason or "").strip().upper()
    if code not in reasons:
        raise WorkbenchError(f"'{reason}' is not an override reason; choose one of {', '.join(reasons)}.")
    text = (note or "").strip() or None
    if code == "OTHER" and text is None:
        raise WorkbenchError("With the reason OTHER, say what happened (--note TEXT).")
    qty = positive(quantity, "quantity taken")
    row = find_pick_list(session, pick_list)
    view = load_pick_list(session, row.code)
    if view.status != "open":
        raise WorkbenchError(f"Pick list {view.code} is closed; nothing more is picked on it.")
    target = _line(view, line)
    found = session.execute(select(Lot.id).join(Item, Item.id == Lot.item_id)
                            .where(Item.code == target.item, Lot.code == lot.strip())).scalar()
    if found is None:
        raise NotFound(f"There is no lot '{lot}' of {target.item}.")
    lock_lots(session, [found])
    view = load_pick_list(session, row.code)
    target = _line(view, target.line_no)
    state, _ = lot_states(session, [found])[found]
    why_not = refusal(state, at, view.site)
    if why_not is not None and why_not != "nothing left":
        raise WorkbenchError(f"Lot {target.item}/{state.lot} is {why_not}; an override cannot take it.")
    if qty > state.available:
        raise WorkbenchError(f"Lot {target.item}/{state.lot} has {fmt(state.available, target.unit)} free, "
                             f"less than the {fmt(qty, target.unit)} taken.")
    if qty > target.remaining:
        raise WorkbenchError(f"Line {target.line_no} needs {fmt(target.remaining, target.unit)} more, "
                             f"not {fmt(qty, target.unit)}.")
    proposed = "; ".join(f"{p.lot.lot} {fmt(p.quantity)}" for p in target.proposals) or "(none proposed)"
    ov = PickOverride(pick_line_id=target.id, lot_id=found, quantity=qty, reason=code, note=text, proposed=proposed,
                      made_by=who, made_at=at)
    session.add(ov)
    session.flush()
    session.add(Pick(pick_line_id=target.id, lot_id=found, quantity=qty, picked_by=who, picked_at=at,
                     override_id=ov.id))
    session.flush()
    return Override(ov.id, view.code, target.line_no, target.item, LotRef(found, target.item, state.lot), qty,
                    target.unit, code, reasons[code], text, proposed, who, at)


def overrides(session: Session, since: datetime | None = None, until: datetime | None = None,
              item: str | None = None, reason: str | None = None) -> list[Override]:
    """Overrides made in [since, until), of one item or reason, oldest first."""
    reasons = override_reasons(session)
    stmt = (select(PickOverride, PickList.code, PickLine.line_no, Item.code, Item.unit, Lot.code)
            .join(PickLine, PickLine.id == PickOverride.pick_line_id)
            .join(PickList, PickList.id == PickLine.pick_list_id)
            .join(Item, Item.id == PickLine.item_id).join(Lot, Lot.id == PickOverride.lot_id))
    if since is not None:
        stmt = stmt.where(PickOverride.made_at >= since)
    if until is not None:
        stmt = stmt.where(PickOverride.made_at < until)
    if item:
        stmt = stmt.where(Item.code == item.strip())
    if reason:
        stmt = stmt.where(PickOverride.reason == reason.strip().upper())
    out = []
    for ov, pl, line_no, item_code, unit, lot_code in session.execute(stmt.order_by(PickOverride.made_at,
                                                                                   PickOverride.id)):
        out.append(Override(ov.id, pl, line_no, item_code, LotRef(ov.lot_id, item_code, lot_code), ov.quantity, unit,
                            ov.reason, reasons.get(ov.reason, ov.reason), ov.note, ov.proposed, ov.made_by,
                            ov.made_at))
    return out
