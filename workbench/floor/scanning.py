"""Scan to confirm: a label scanned at a pick list is checked at once and the worker told,
in words, whether it is the right lot (counted) or why not.

Labels are GS1 element strings (GS1-128, GS1 DataMatrix, with or without parentheses, with
GS separators, a symbology prefix, or a GS1 Digital Link URI; parsing is biip's): GTIN
(01) or the plant's item code (240), batch/lot (10), expiry (17), best before (15), SSCC
(00), net weight (310n) or count (30, 37). A typed lot code (or ITEM/LOT) works too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import biip
from biip.gs1_messages import GS1Message
from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.facts import LotRef, parse_lot_label
from workbench.floor.holds import _who
from workbench.floor.picking import LineView, PickListView, find_pick_list, load_pick_list
from workbench.floor.proposals import refusal
from workbench.floor.receiving import Amount, positive
from workbench.floor.stock import lock_lots, lot_states
from workbench.format import quantity as fmt
from workbench.plant import Item, Lot, to_quantity
from workbench.plant.floor_models import LotPlace, Pick, ScanEvent
from workbench.plant.lookup import _gtin_variants

GS = "\x1d"

RIGHT_LOT = "right lot"
WRONG_ITEM = "wrong item"
WRONG_LOT = "wrong lot"
EXPIRED = "expired"
ON_HOLD = "on hold"
NOT_RELEASED = "not released"
OTHER_SITE = "other site"
ALREADY_PICKED = "already picked"
NOTHING_LEFT = "nothing left"
UNKNOWN = "unknown code"
LIST_CLOSED = "list closed"


@dataclass(frozen=True)
class ScannedLabel:
    """What a scanned label says."""

    raw: str
    gtin: str | None = None
    item: str | None = None  # AI 240, the plant's own item code
    lot: str | None = None
    expires: date | None = None
    best_before: date | None = None
    sscc: str | None = None
    quantity: Decimal | None = None


def _looks_like_gs1(text: str) -> bool:
    return (text.startswith(("(", "]", "http://", "https://")) or GS in text
            or (len(text) >= 16 and text[:2] in ("01", "02") and text[2:16].isdigit())
            or (len(text) >= 20 and text[:2] == "00" and text[2:20].isdigit()))


def clean(text: str) -> str:
    """What was scanned without the line end a scanner adds (but with a leading GS: Python
    counts the GS1 separator as white space)."""
    return (text or "").strip(" \t\r\n")


def read_label(text: str) -> ScannedLabel | None:
    """The GS1 data of a scanned label, or None when ``text`` is not a GS1 barcode."""
    text = clean(text)
    if not text or not _looks_like_gs1(text):
        return None
    message: GS1Message | None
    try:
        if text.startswith("("):
            message = GS1Message.parse_hri(text)
        else:
            result = biip.parse(text)
            message = (result.gs1_digital_link_uri.as_gs1_message() if result.gs1_digital_link_uri is not None
                       else result.gs1_message)
    except Exception:  # noqa: BLE001 - biip's ParseError family: not a label we can read
        return None
    if message is None:
        return None
    found: dict[str, Any] = {"raw": text}
    for es in message.element_strings:
        ai = es.ai.ai
        if ai in ("01", "02"):
            found["gtin"] = es.value
        elif ai == "240":
            found["item"] = es.value
        elif ai == "10":
            found["lot"] = es.value
        elif ai == "17":
            found["expires"] = es.date
        elif ai == "15":
            found["best_before"] = es.date
        elif ai == "00":
            found["sscc"] = es.value
        elif ai in ("30", "37"):
            found["quantity"] = Decimal(es.value)
        elif ai[:3] in ("310", "315") and es.decimal is not None:
            found["quantity"] = to_quantity(es.decimal)
    return ScannedLabel(**found)


@dataclass(frozen=True)
class ScanResult:
    outcome: str
    message: str
    lot: LotRef | None = None
    line_no: int | None = None
    quantity: Decimal | None = None
    #: Every line of the pick list is picked in full now.
    list_complete: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome == RIGHT_LOT


def _resolve(session: Session, text: str, label: ScannedLabel | None, view: PickListView) -> list[LotRef]:
    """The lots a scan names (several only for a typed lot code on several items)."""
    query = select(Lot.id, Item.code, Lot.code).join(Item, Item.id == Lot.item_id)
    if label is not None:
        if label.sscc and not label.lot:
            return [LotRef(*r) for r in session.execute(
                query.join(LotPlace, LotPlace.lot_id == Lot.id).where(LotPlace.sscc == label.sscc))]
        if not label.lot:
            return []
        query = query.where(Lot.code == label.lot)
        if label.gtin:
            query = query.where(Item.gtin.in_(_gtin_variants(label.gtin)))
        elif label.item:
            query = query.where(Item.code == label.item)
        return [LotRef(*r) for r in session.execute(query)]
    item, code = parse_lot_label(text)
    if item is not None and session.execute(select(Item.id).where(Item.code == item)).first() is not None:
        return [LotRef(*r) for r in session.execute(query.where(Item.code == item, Lot.code == code))]
    refs = [LotRef(*r) for r in session.execute(query.where(Lot.code == text))]
    on_list = [r for r in refs if view.line_for_item(r.item)]
    return on_list or refs


def _next_hint(line: LineView, skip_lot: int | None = None) -> str:
    for p in line.proposals:
        if p.lot.id != skip_lot and p.picked < p.quantity:
            where = f" at {p.location}" if p.location else ""
            return f"take {p.lot.lot}{where} ({fmt(p.quantity - p.picked, line.unit)})"
    return "record an override with the lot you take instead"


def _judge(session: Session, view: PickListView, text: str, label: ScannedLabel | None, at: datetime,
           quantity: Decimal | None) -> tuple[ScanResult, LineView | None]:
    if view.status != "open":
        return ScanResult(LIST_CLOSED, f"Pick list {view.code} is closed; nothing more is picked on it."), None
    refs = _resolve(session, text, label, view)
    if not refs:
        what = "This label names no lot of this plant" if label is not None else f"No lot is called '{text}'"
        return ScanResult(UNKNOWN, f"Unknown code: {what[0].lower()}{what[1:]}."), None
    ref = refs[0]
    lines = [line for r in refs for line in view.line_for_item(r.item)]
    if not lines:
        wanted = ", ".join(line.item for line in view.lines)
        return ScanResult(WRONG_ITEM, f"Wrong item: {ref.item} is not on this pick list (it wants {wanted}).",
                          ref), None
    line = lines[0]
    ref = next(r for r in refs if r.item == line.item)
    state, _on_hand = lot_states(session, [ref.id])[ref.id]
    why_not = refusal(state, at, view.site)
    if why_not == "on hold":
        return ScanResult(ON_HOLD, f"On hold: lot {ref.lot} is held and may not be used; "
                          f"put it back and {_next_hint(line, ref.id)}.", ref, line.line_no), line
    if why_not == "not yet released":
        return ScanResult(NOT_RELEASED, f"Not released: lot {ref.lot} is in quarantine awaiting QA release; "
                          f"{_next_hint(line, ref.id)}.", ref, line.line_no), line
    if why_not == "expired":
        return ScanResult(EXPIRED, f"Expired: lot {ref.lot} expired on {state.expires_at:%Y-%m-%d}; "
                          f"{_next_hint(line, ref.id)}.", ref, line.line_no), line
    if why_not == "at another site":
        return ScanResult(OTHER_SITE, f"Other site: lot {ref.lot} is booked at {state.site}, not {view.site}.",
                          ref, line.line_no), line
    if line.done:
        return ScanResult(ALREADY_PICKED, f"Already picked: line {line.line_no} ({line.item}) has its "
                          f"{fmt(line.quantity, line.unit)}.", ref, line.line_no), line
    proposal = next((p for p in line.proposals if p.lot.id == ref.id), None)
    if proposal is None:
        return ScanResult(WRONG_LOT, f"Wrong lot: {ref.lot} is not proposed for {line.item}; "
                          f"{_next_hint(line)}.", ref, line.line_no), line
    if proposal.picked >= proposal.quantity and quantity is None:
        return ScanResult(ALREADY_PICKED, f"Already picked: lot {ref.lot} was picked in full; "
                          f"{_next_hint(line, ref.id)}.", ref, line.line_no), line
    if state.available <= 0:
        return ScanResult(NOTHING_LEFT, f"Nothing left: lot {ref.lot} has no free quantity "
                          "(picked on other lists or used up).", ref, line.line_no), line
    want = quantity if quantity is not None else (
        label.quantity if label is not None and label.quantity else proposal.quantity - proposal.picked)
    take = min(want, line.remaining, state.available)
    return ScanResult(RIGHT_LOT, "", ref, line.line_no, take), line


def confirm_scan(session: Session, pick_list: str, text: str, by: str, at: datetime,
                 quantity: Amount | None = None) -> ScanResult:
    """Check a scan against the pick list; a right lot is recorded as picked. Every scan is
    logged (``scan_events``) with what the worker was told."""
    who = _who(by)
    text = clean(text)
    if not text.strip():
        raise WorkbenchError("Nothing was scanned.")
    qty = None
    if quantity is not None:
        qty = positive(quantity, "picked quantity")
    row = find_pick_list(session, pick_list)
    label = read_label(text)
    # Lock what the scan may take first, so two stations never both take the last of a lot.
    view = load_pick_list(session, row.code)
    result, line = _judge(session, view, text, label, at, qty)
    if result.ok and result.lot is not None:
        lock_lots(session, [result.lot.id])
        result, line = _judge(session, load_pick_list(session, row.code), text, label, at, qty)
    if result.ok and line is not None and result.lot is not None and result.quantity is not None:
        session.add(Pick(pick_line_id=line.id, lot_id=result.lot.id, quantity=result.quantity, picked_by=who,
                         picked_at=at, scanned=text))
        session.flush()
        after = load_pick_list(session, row.code)
        done_line = next(x for x in after.lines if x.id == line.id)
        status = (f"line {done_line.line_no} done" if done_line.done
                  else f"{fmt(done_line.remaining, done_line.unit)} still to pick; {_next_hint(done_line)}")
        message = (f"Right lot: {result.lot.lot}, {fmt(result.quantity, done_line.unit)} of {done_line.item} "
                   f"picked ({fmt(done_line.picked)} of {fmt(done_line.quantity, done_line.unit)}); {status}.")
        if after.complete:
            message += f" Pick list {after.code} is complete."
        result = ScanResult(RIGHT_LOT, message, result.lot, result.line_no, result.quantity, after.complete)
    session.add(ScanEvent(pick_list_id=row.id, scanned_at=at, scanned_by=who, code=text, outcome=result.outcome,
                          lot_id=result.lot.id if result.lot else None, message=result.message))
    session.flush()
    return result
