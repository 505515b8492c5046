"""The life of a lot on the floor, on both databases: receipt, picks, scans, override,
production, shipment, holds; and the genealogy sees it all at once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.floor.conftest import later, receive
from workbench.actions import floor as actions
from workbench.errors import WorkbenchError
from workbench.floor import scanning
from workbench.plant import Consumption, Lot, Shipment
from workbench.plant.floor_models import LotHold, PickList, ScanEvent
from workbench.trace.genealogy import trace_backward, trace_forward


def _counts(plant):
    with plant.Session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Lot, PickList, LotHold, ScanEvent))


def test_receive_creates_lot_receipt_place_and_expiry_from_shelf_life(floor_plant):
    got = receive(floor_plant, qty="250.5", vendor_lot="VL-9", po="PO-77", expires_at=None)
    assert got.lot.item == "RM-OATS" and got.lot.lot == "R26335-01" and got.receipt == "GRN26335-01"
    assert got.quantity == Decimal("250.5") and got.location == "WH-A-01"
    assert got.expires_at == later(270 * 24)
    second = receive(floor_plant, qty="1")
    assert second.lot.lot == "R26335-02"


@pytest.mark.parametrize("fields, message", [
    ({"item": "NOPE"}, "no item 'NOPE'"),
    ({"qty": "-3"}, "more than zero"),
    ({"qty": "1.0000001"}, "more than 6 decimals"),
    ({"unit": "lb"}, "counted in kg, not lb"),
    ({"location": "NOWHERE"}, "no location 'NOWHERE'"),
    ({"days": -1}, "expired"),
    ({"sscc": "123"}, "not an SSCC"),
])
def test_bad_receipts_are_refused_and_write_nothing(floor_plant, fields, message):
    before = _counts(floor_plant)
    with pytest.raises(WorkbenchError, match=message):
        receive(floor_plant, **fields)
    assert _counts(floor_plant) == before


def test_whole_life_from_receipt_to_shipment_is_traced(floor_plant):
    late = receive(floor_plant, qty="100", days=60)
    early = receive(floor_plant, qty="30", days=10, hours=1)
    held = receive(floor_plant, qty="500", days=5, hours=2)
    quarantined = receive(floor_plant, qty="500", days=4, hours=2, quarantine=True)
    east = receive(floor_plant, qty="500", days=3, hours=2, location="EAST-01")
    expired = receive(floor_plant, qty="500", days=None, hours=2, expires_at=later(3))
    salt_old = receive(floor_plant, item="RM-SALT", qty="5", days=None, hours=0)
    salt_new = receive(floor_plant, item="RM-SALT", qty="50", days=None, hours=1)
    actions.hold(floor_plant, [held.lot.label], "Mould found", "qa", at=later(2.5))

    view = actions.open_picks(floor_plant, purpose="production", needs=[("RM-OATS", "80"), ("RM-SALT", "6")],
                              by="bob", at=later(4), order="MO-1", product="FG-BAR").result
    oats, salt = view.lines
    assert (oats.rule, salt.rule) == ("FEFO", "FIFO")
    assert [(p.lot.lot, p.quantity) for p in oats.proposals] == [(early.lot.lot, 30), (late.lot.lot, 50)]
    assert [(p.lot.lot, p.quantity) for p in salt.proposals] == [(salt_old.lot.lot, 5), (salt_new.lot.lot, 1)]
    assert "passed over" in oats.proposals[0].why and "1 on hold" in oats.proposals[0].why
    assert "at WH-A-01" in oats.proposals[0].why

    def scan(text, **kw):
        return actions.scan(floor_plant, view.code, text, "bob", at=later(5), **kw).result

    assert scan(f"RM-OATS/{held.lot.lot}").outcome == scanning.ON_HOLD
    assert scan(f"RM-OATS/{quarantined.lot.lot}").outcome == scanning.NOT_RELEASED
    assert scan(f"RM-OATS/{expired.lot.lot}").outcome == scanning.EXPIRED
    assert scan(f"RM-OATS/{east.lot.lot}").outcome == scanning.OTHER_SITE
    assert scan("(01)10614141000415(10)NOPE").outcome == scanning.UNKNOWN
    wrong = scan(f"(240)RM-OATS(10){late.lot.lot}")  # proposed second: right lot, counted
    assert wrong.ok and wrong.quantity == 50
    first = scan(f"\x1d240RM-OATS\x1d10{early.lot.lot}")  # as a scanner sends it, with GS
    assert first.ok and first.quantity == 30
    again = scan(f"RM-OATS/{early.lot.lot}")
    assert again.outcome == scanning.ALREADY_PICKED
    assert scan(f"RM-SALT/{salt_new.lot.lot}").ok
    assert scan("SOMETHING-ELSE").outcome == scanning.UNKNOWN
    # the proposed salt lot was not found: override with a reason
    with pytest.raises(WorkbenchError, match="not an override reason"):
        actions.override(floor_plant, view.code, line="RM-SALT", lot=salt_new.lot.lot, quantity="5",
                         reason="LAZY", by="bob")
    with pytest.raises(WorkbenchError, match="on hold"):
        actions.override(floor_plant, view.code, line="RM-OATS", lot=held.lot.lot, quantity="1",
                         reason="QA", by="bob")
    with pytest.raises(WorkbenchError, match="needs 5 kg more"):
        actions.override(floor_plant, view.code, line="RM-SALT", lot=salt_new.lot.lot, quantity="6",
                         reason="NOT-FOUND", by="bob")
    ov = actions.override(floor_plant, view.code, line="RM-SALT", lot=salt_new.lot.lot, quantity="5",
                          reason="not-found", note="bin empty", by="bob", at=later(5.5)).result
    assert ov.proposed == f"{salt_old.lot.lot} 5; {salt_new.lot.lot} 1" and ov.made_by == "bob"
    report = actions.override_report(floor_plant, item="RM-SALT")
    assert [(o.lot.lot, o.reason, o.note) for o in report] == [(salt_new.lot.lot, "NOT-FOUND", "bin empty")]
    assert actions.pick_list(floor_plant, view.code).complete

    done = actions.complete(floor_plant, view.code, quantity="40", location="FG-01", by="bob", at=later(6),
                            machine="OVEN-1", operator="bob").result
    assert sorted((u.lot.lot, u.quantity) for u in done.used) == sorted(
        [(late.lot.lot, 50), (early.lot.lot, 30), (salt_new.lot.lot, 1), (salt_new.lot.lot, 5)])
    with floor_plant.Session() as s:
        back = trace_backward(s, done.lot)
        assert {late.lot.id, early.lot.id, salt_new.lot.id} <= back.lot_ids()
        assert salt_old.lot.id not in back.lot_ids()
        assert done.lot.id in trace_forward(s, early.lot).lot_ids()
        used = s.scalar(select(func.sum(Consumption.quantity)).where(Consumption.lot_id == salt_new.lot.id))
        assert used == 6
    assert actions.scan(floor_plant, view.code, early.lot.lot, "bob").result.outcome == scanning.LIST_CLOSED

    ship = actions.open_picks(floor_plant, purpose="shipment", needs=[("FG-BAR", "25")], by="cy", at=later(7),
                              customer="C1", order_ref="ORD-5").result
    assert [(p.lot.lot, p.quantity) for p in ship.lines[0].proposals] == [(done.lot.lot, 25)]
    assert actions.scan(floor_plant, ship.code, f"(01)10614141000415(10){done.lot.lot}", "cy",
                        at=later(8)).result.ok
    sent = actions.ship(floor_plant, ship.code, by="cy", at=later(9)).result
    assert [(u.lot.lot, u.quantity) for u in sent.lines] == [(done.lot.lot, 25)]
    with floor_plant.Session() as s:
        fwd = trace_forward(s, early.lot)
        assert {n.code for n in fwd.of_kind("customer")} == {"C1"}
        assert s.scalar(select(Shipment.order_ref).where(Shipment.code == sent.shipment)) == "ORD-5"


def test_holds_block_picks_and_keep_their_history(floor_plant):
    lot = receive(floor_plant, qty="10")
    with pytest.raises(WorkbenchError, match="reason"):
        actions.hold(floor_plant, [lot.lot.label], " ", "qa")
    placed = actions.hold(floor_plant, [lot.lot.label], "Supplier recall", "qa", at=later(1))
    assert placed.changes.holds and lot.lot.id in placed.changes.lots
    assert actions.hold(floor_plant, [lot.lot.label], "again", "qa").result.already == [lot.lot]
    view = actions.open_picks(floor_plant, purpose="production", needs=[("RM-OATS", "5")], by="bob",
                              at=later(2), order="MO-2", product="FG-BAR").result
    assert view.lines[0].proposals == []
    actions.release(floor_plant, lot.lot.label, "Supplier cleared the lot", "qa", at=later(3))
    with pytest.raises(WorkbenchError, match="not on hold"):
        actions.release(floor_plant, lot.lot.label, "twice", "qa")
    history = actions.hold_history(floor_plant, lot.lot)
    assert [(h.reason, h.release_reason) for h in history] == [("Supplier recall", "Supplier cleared the lot")]
    assert actions.holds_now(floor_plant) == []


def test_a_lot_held_after_picking_cannot_be_consumed(floor_plant):
    lot = receive(floor_plant, qty="10")
    view = actions.open_picks(floor_plant, purpose="production", needs=[("RM-OATS", "5")], by="bob",
                              at=later(2), order="MO-3", product="FG-BAR").result
    assert actions.scan(floor_plant, view.code, lot.lot.label, "bob", at=later(3)).result.ok
    actions.hold(floor_plant, [lot.lot.label], "Metal detector alarm", "qa", at=later(4))
    before = _counts(floor_plant)
    with pytest.raises(WorkbenchError, match="went on hold"):
        actions.complete(floor_plant, view.code, quantity="4", location="FG-01", by="bob", at=later(5))
    assert _counts(floor_plant) == before


def test_picked_stock_is_reserved_for_other_lists(floor_plant):
    lot = receive(floor_plant, qty="10")
    first = actions.open_picks(floor_plant, purpose="production", needs=[("RM-OATS", "8")], by="a",
                               at=later(1), order="MO-4", product="FG-BAR").result
    assert actions.scan(floor_plant, first.code, lot.lot.label, "a", at=later(2)).result.quantity == 8
    second = actions.open_picks(floor_plant, purpose="production", needs=[("RM-OATS", "8")], by="b",
                                at=later(3), order="MO-5", product="FG-BAR").result
    assert [(p.lot.lot, p.quantity) for p in second.lines[0].proposals] == [(lot.lot.lot, 2)]
    assert second.lines[0].proposed == 2


def test_recall_hold_list_goes_on_hold_in_one_action(floor_plant):
    lot = receive(floor_plant, qty="100")
    view = actions.open_picks(floor_plant, purpose="production", needs=[("RM-OATS", "40")], by="a",
                              at=later(1), order="MO-6", product="FG-BAR").result
    actions.scan(floor_plant, view.code, lot.lot.label, "a", at=later(2))
    made = actions.complete(floor_plant, view.code, quantity="20", location="FG-01", by="a", at=later(3)).result
    done = actions.hold_recall(floor_plant, [lot.lot], "Salmonella in supplier sample", "qa", at=later(4))
    assert {h.lot.id for h in done.result.placed} == {lot.lot.id, made.lot.id}
    with floor_plant.Session() as s:
        assert s.scalar(select(func.count()).select_from(LotHold).where(LotHold.released_at.is_(None))) == 2


@pytest.mark.parametrize("form", ["https://id.gs1.org/01/10614141000415/10/{}", "urn:epc:class:lgtin:0614141.100041.{}",
                                  "(01)10614141000415(10){}"])
def test_a_hold_takes_the_lot_as_its_labels_qr_code_or_an_epcis_identifier_names_it(floor_plant, form):
    lot = receive(floor_plant, item="FG-BAR", qty="5")
    placed = actions.hold(floor_plant, [form.format(lot.lot.lot)], "Label scanned", "qa", at=later(1))
    assert set(placed.changes.lots) == {lot.lot.id}
    actions.release(floor_plant, form.format(lot.lot.lot), "Cleared", "qa", at=later(2))
    assert actions.holds_now(floor_plant) == []
