"""Root cause: lot history, siblings and commonality, on SQLite and PostgreSQL.

Siblings are checked exactly on hand-made plants and against a brute-force reference
over the raw consumptions, outputs and operations (Hypothesis); commonality must put a
planted cause first, on a generated plant and on the demo plant's incident.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact
from sqlalchemy import select

from tests.factories import PlantBuilder
from workbench.demo import INCIDENT
from workbench.errors import WorkbenchError
from workbench.facts import LotRef, shift_of
from workbench.plant import Operation
from workbench.plant.lookup import find_lot
from workbench.rootcause.closure import closure
from workbench.rootcause.commonality import commonality, defective_from_returns
from workbench.rootcause.history import lot_history
from workbench.rootcause.siblings import siblings


def ref(b: PlantBuilder, item: str, lot: str) -> LotRef:
    return LotRef(b.lot(item, lot).id, item, lot)


def set_operation(b: PlantBuilder, order: str, start: datetime, hours: float = 1) -> None:
    """Move every operation of ``order`` to start at ``start``."""
    for op in b.s.scalars(select(Operation).where(Operation.order_id == b.orders[order].id)):
        op.started_at = start
        op.finished_at = start + timedelta(hours=hours)
    b.s.flush()


@pytest.fixture
def small(session) -> PlantBuilder:
    """RAW R1 -> MID M1; M1 + RAW R2 -> PROD P1 -> PACK K1; siblings P2 (R1), P3 (R2), P4 (M1)."""
    b = PlantBuilder(session)
    b.receive("RAW", "R1", 100, vendor="V1", po="PO-7", vendor_lot="VL-1")
    b.receive("RAW", "R2", 100, vendor="V2")
    b.receive("RAW", "R3", 100, vendor="V2")
    b.produce("O1", "MID", [("RAW", "R1", 10)], [("M1", 10)], [("mix", "MX1", "ann")], kind="intermediate")
    b.produce("O2", "PROD", [("MID", "M1", 5), ("RAW", "R2", 5)], [("P1", 10)],
              [("fill", "FL1", "bob"), ("seal", "SE1", "bob")])
    b.produce("O3", "PROD", [("RAW", "R1", 5)], [("P2", 5)], [("fill", "FL2", "cyd")])
    b.produce("O4", "PROD", [("RAW", "R2", 5)], [("P3", 5)], [("fill", "FL2", "cyd")])
    b.produce("O5", "PROD", [("MID", "M1", 5)], [("P4", 5)], [("fill", "FL2", "cyd")])
    b.produce("O6", "PACK", [("PROD", "P1", 10)], [("K1", 10)], [("pack", "PK1", "dan")])
    b.produce("O7", "PROD", [("RAW", "R3", 5)], [("P5", 5)], [("fill", "FL2", "cyd")])
    return b.done()


# --- history -----------------------------------------------------------------------------


def test_history_lists_upstream_lots_receipts_and_operations_in_time_order(small):
    h = lot_history(small.s, ref(small, "PROD", "P1"))
    assert {u.lot.label for u in h.upstream} == {"MID/M1", "RAW/R1", "RAW/R2"}
    r1 = next(u for u in h.upstream if u.lot.label == "RAW/R1")
    assert (r1.vendor, r1.vendor_lot, r1.receipt, r1.po, r1.depth) == ("V1", "VL-1", "R-R1", "PO-7", -2)
    assert [(o.order, o.step, o.machine, o.operator) for o in h.operations] == [
        ("O1", "mix", "MX1", "ann"), ("O2", "fill", "FL1", "bob"), ("O2", "seal", "SE1", "bob")]
    assert h.vendors == ["V1", "V2"]
    times = [e.at for e in h.events]
    assert times == sorted(times)
    kinds = [e.kind for e in h.events]
    assert kinds.count("received") == 2 and kinds.count("operation") == 3 and kinds.count("produced") == 2
    assert h.events[-1].label == "Order O2 made PROD/P1"
    assert h.to_json()["lot"]["lot"] == "P1"


def test_history_of_a_purchased_lot_is_just_its_receipt(small):
    h = lot_history(small.s, ref(small, "RAW", "R1"))
    assert h.upstream == [] and h.operations == []
    assert [e.kind for e in h.events] == ["received"]
    assert "VL-1" in h.events[0].label and "V1" in h.events[0].label


def test_shifts_follow_start_hour():
    assert shift_of(datetime(2026, 1, 1, 6, 0)) == "early"
    assert shift_of(datetime(2026, 1, 1, 13, 59)) == "early"
    assert shift_of(datetime(2026, 1, 1, 14, 0)) == "late"
    assert shift_of(datetime(2026, 1, 1, 22, 0)) == "night"
    assert shift_of(datetime(2026, 1, 1, 5, 59)) == "night"
    assert shift_of(None) is None


# --- siblings ----------------------------------------------------------------------------


def test_siblings_by_shared_material_exclude_own_genealogy(small):
    sib = siblings(small.s, ref(small, "PROD", "P1"))
    got = {s.lot.label: set(s.via) for s in sib.by_material}
    # K1 is P1's own product and M1 its own input: not siblings. P5 shares nothing.
    assert got == {
        "PROD/P2": {"lot:RAW/R1"},
        "PROD/P3": {"lot:RAW/R2"},
        "PROD/P4": {"lot:MID/M1", "lot:RAW/R1"},
    }
    assert all(s.kind == "material" for s in sib.by_material)
    assert "RAW/R1" in next(s for s in sib.by_material if s.lot.label == "PROD/P2").reason


def test_siblings_by_machine_window_are_exact(small):
    b = small
    t = datetime(2026, 5, 4, 8, 0)
    set_operation(b, "O2", t)             # P1 on FL1 08:00-09:00 and SE1 08:00-09:00
    b.produce("O8", "PROD", [("RAW", "R3", 1)], [("P6", 1)], [("fill", "FL1", "eve")])
    b.produce("O9", "PROD", [("RAW", "R3", 1)], [("P7", 1)], [("fill", "FL1", "eve")])
    b.produce("O10", "PROD", [("RAW", "R3", 1)], [("P8", 1)], [("seal", "SE1", "eve")])
    b.produce("O11", "PROD", [("RAW", "R3", 1)], [("P9", 1)], [("fill", "FL2", "eve")])
    b.done()
    set_operation(b, "O8", t + timedelta(hours=9))       # starts 8 h after P1's end: inside
    set_operation(b, "O9", t + timedelta(hours=9, minutes=1))  # 8 h 1 min after: outside
    set_operation(b, "O10", t - timedelta(hours=8, minutes=30))  # ends 7.5 h before: inside
    set_operation(b, "O11", t)                            # same time, other machine: outside
    sib = siblings(b.s, ref(b, "PROD", "P1"))
    got = {s.lot.label: s.via for s in sib.by_machine}
    assert got == {"PROD/P6": ("machine:FL1",), "PROD/P8": ("machine:SE1",)}
    p6 = next(s for s in sib.by_machine if s.lot.label == "PROD/P6")
    assert [(o.order, o.machine) for o in p6.operations] == [("O8", "FL1")]
    assert "8 h from O2 fill" in p6.reason
    wide = siblings(b.s, ref(b, "PROD", "P1"), window=timedelta(hours=9))
    assert {s.lot.label for s in wide.by_machine} == {"PROD/P6", "PROD/P7", "PROD/P8"}
    narrow = siblings(b.s, ref(b, "PROD", "P1"), window=timedelta(0))
    assert narrow.by_machine == []
    with pytest.raises(WorkbenchError):
        siblings(b.s, ref(b, "PROD", "P1"), window=timedelta(hours=-1))


def _random_plant(b: PlantBuilder, rnd: random.Random, n_orders: int) -> list[tuple[str, str]]:
    """Purchased lots, then orders each consuming 1-3 earlier lots and making 1-2 lots,
    with one operation on one of three machines at a random hour."""
    lots = []
    for i in range(4):
        b.receive("RAW", f"R{i}", 100, vendor=f"V{i % 2}")
        lots.append(("RAW", f"R{i}"))
    base = datetime(2026, 6, 1)
    for o in range(n_orders):
        inputs = rnd.sample(lots, k=min(len(lots), rnd.randint(1, 3)))
        outs = [(f"L{o}-{k}", 1) for k in range(rnd.randint(1, 2))]
        b.produce(f"O{o}", "MID", [(i, lot, 1) for i, lot in inputs], outs,
                  [("run", f"M{rnd.randint(1, 3)}", "op")], kind="intermediate")
        set_operation(b, f"O{o}", base + timedelta(hours=rnd.randint(0, 60)), hours=rnd.choice([0.5, 1, 3]))
        lots += [("MID", code) for code, _ in outs]
    b.done()
    return lots


def _brute_siblings(b: PlantBuilder, target: tuple[str, str], window: timedelta):
    """Reference: parents from the builder's raw consumptions/outputs, then plain loops."""
    from workbench.plant import Consumption, Output

    s = b.s
    lot_key = {lot.id: key for key, lot in b.lots.items()}
    consumed = s.execute(select(Consumption.order_id, Consumption.lot_id)).all()
    made = s.execute(select(Output.order_id, Output.lot_id)).all()
    parents: dict[int, set[int]] = {}
    for order, out in made:
        parents.setdefault(out, set()).update(lot for o, lot in consumed if o == order)

    def up(lot):
        seen, todo = set(), [lot]
        while todo:
            for p in parents.get(todo.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen

    tid = b.lot(*target).id
    anc = up(tid)
    downs = {lot for lot in lot_key if tid in up(lot)}
    own = {tid} | anc | downs
    by_material = {lot_key[lot]: anc & up(lot) for lot in lot_key if lot not in own and anc & up(lot)}

    orders_of = {}
    for order, out in made:
        orders_of.setdefault(out, set()).add(order)
    own_orders = set().union(*(orders_of.get(x, set()) for x in anc | {tid}))
    ops = s.execute(select(Operation.order_id, Operation.machine, Operation.started_at,
                           Operation.finished_at)).all()
    ours = [op for op in ops if op.order_id in own_orders]
    by_machine = set()
    for order, out in made:
        if out in own or order in own_orders:
            continue
        for op in ops:
            if op.order_id != order:
                continue
            for mine in ours:
                if mine.machine == op.machine and op.started_at <= mine.finished_at + window \
                        and op.finished_at >= mine.started_at - window:
                    by_machine.add(lot_key[out])
    names = dict(lot_key.items())
    return ({k: {names[a] for a in v} for k, v in by_material.items()}, by_machine)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), n_orders=st.integers(2, 10), hours=st.integers(0, 12))
def test_siblings_match_brute_force(session, seed, n_orders, hours):
    nested = session.begin_nested()
    try:
        b = PlantBuilder(session)
        rnd = random.Random(seed)
        lots = _random_plant(b, rnd, n_orders)
        target = rnd.choice([lot for lot in lots if lot[0] == "MID"])
        window = timedelta(hours=hours)
        sib = siblings(session, LotRef(b.lot(*target).id, *target), window=window)
        want_material, want_machine = _brute_siblings(b, target, window)
        got_material = {(s.lot.item, s.lot.lot): {tuple(v.split(":", 1)[1].split("/")) for v in s.via}
                        for s in sib.by_material}
        assert got_material == want_material
        assert {(s.lot.item, s.lot.lot) for s in sib.by_machine} == want_machine
    finally:
        nested.rollback()


def test_closure_carries_each_root(small):
    b = small
    reach = closure(b.s, [b.lot("PROD", "P1").id, b.lot("PROD", "P2").id], downstream=False)
    labels = {k: {lot.code for lot in b.lots.values() if lot.id in v} for k, v in reach.items()}
    assert labels == {b.lot("PROD", "P1").id: {"M1", "R1", "R2"}, b.lot("PROD", "P2").id: {"R1"}}


# --- commonality -------------------------------------------------------------------------


def planted_plant(b: PlantBuilder, seed: int = 3) -> tuple[list[LotRef], str]:
    """40 cookie lots from flour, sugar and butter lots over three machines, three
    operators and all shifts; every lot made with sugar lot S2 is defective."""
    rnd = random.Random(seed)
    for i in range(1, 4):
        b.receive("FLOUR", f"F{i}", 1000, vendor="MILL" if i < 3 else "SWEET")
        b.receive("SUGAR", f"S{i}", 1000, vendor="SWEET")
    for i in range(1, 3):
        b.receive("BUTTER", f"B{i}", 1000, vendor="DAIRY")
    start = datetime(2026, 4, 6, 6, 0)
    defective = []
    for n in range(40):
        sugar = f"S{rnd.randint(1, 3)}"
        order = f"WO-{n:03}"
        b.produce(order, "COOKIE", [("FLOUR", f"F{rnd.randint(1, 3)}", 5), ("SUGAR", sugar, 2),
                                    ("BUTTER", f"B{rnd.randint(1, 2)}", 1)], [(f"C{n:03}", 8)],
                  [("bake", f"OVEN{rnd.randint(1, 3)}", rnd.choice(["ann", "bob", "cyd"]))])
        set_operation(b, order, start + timedelta(hours=5 * n))
        if sugar == "S2":
            defective.append(("COOKIE", f"C{n:03}"))
    b.done()
    return [ref(b, *d) for d in defective], "SUGAR/S2"


def test_commonality_puts_the_planted_lot_first(session):
    b = PlantBuilder(session)
    defective, planted = planted_plant(b)
    assert 5 <= len(defective) <= 30
    result = commonality(session, defective)
    top = result.factors[0]
    assert (top.kind, top.code, top.item, top.lot) == ("lot", planted, "SUGAR", "S2")
    assert top.defective_share == 1.0 and top.baseline_share == 0.0
    assert top.vendor == "SWEET"
    assert len(result.baseline) == 40 - len(defective)
    ps = [f.p_value for f in result.factors]
    assert ps == sorted(ps)
    kinds = {f.kind for f in result.factors}
    assert {"lot", "vendor", "machine", "operator", "shift", "order"} <= kinds
    js = result.to_json()
    assert js["factors"][0]["lift"] is None  # never seen in the baseline
    assert js["defective"] == [r.label for r in defective]


def test_commonality_statistics_match_fisher_exact(session):
    b = PlantBuilder(session)
    defective, _ = planted_plant(b, seed=11)
    result = commonality(session, [*defective[:max(2, len(defective) // 2)], ref(b, "COOKIE", "C000")])
    for f in result.factors[:25]:
        a, c = f.defective_exposed, f.baseline_exposed
        table = [[a, f.defective_total - a], [c, f.baseline_total - c]]
        assert f.p_value == pytest.approx(fisher_exact(table, alternative="greater")[1], rel=1e-9, abs=1e-12)
        assert f.defective_share == a / f.defective_total
        if c:
            assert f.lift == pytest.approx(f.defective_share / f.baseline_share)


def test_commonality_baseline_period_limits_the_population(session):
    b = PlantBuilder(session)
    defective, _ = planted_plant(b)
    first = min(b.lot(d.item, d.lot).created_at for d in defective)
    narrow = commonality(session, defective[:1], period=(first - timedelta(hours=1), first + timedelta(hours=1)))
    assert narrow.baseline == []
    assert all(f.baseline_total == 0 for f in narrow.factors)
    with pytest.raises(WorkbenchError):
        commonality(session, [])


def test_defective_from_returns_matches_reason_text(small):
    b = small
    b.ship("SH1", "C1", "PROD", "P2", 5)
    b.ship("SH2", "C1", "PROD", "P3", 5)
    b.ret("RMA1", "C1", "PROD", "P2", 1, reason="Foreign body: metal")
    b.ret("RMA2", "C1", "PROD", "P3", 1, reason="late delivery")
    b.ret("RMA3", "C2", "PROD", "P2", 1, reason="METAL fragment")
    b.done()
    assert [r.label for r in defective_from_returns(b.s, "metal")] == ["PROD/P2"]
    assert defective_from_returns(b.s, "100%") == []
    with pytest.raises(WorkbenchError):
        defective_from_returns(b.s, "  ")


def test_demo_incident_ranks_first(demo_plant):
    incident = INCIDENT
    with demo_plant.Session() as s:
        defective = defective_from_returns(s, incident.complaint)
        assert defective
        result = commonality(s, defective)
    top = result.factors[0]
    assert (top.kind == "lot" and (top.item, top.lot) == (incident.item, incident.lot)) \
        or (top.kind == "vendor_lot" and top.vendor_lot == incident.vendor_lot) \
        or (top.kind == "vendor" and top.code == incident.vendor), top


def _brute_exposures(b: PlantBuilder, roots: set[int]) -> dict[tuple[str, str], set[int]]:
    """Reference: every factor each root is exposed to, from the raw rows, by plain loops."""
    from workbench.plant import Consumption, Output, ProductionOrder, Receipt, Vendor

    s = b.s
    consumed = s.execute(select(Consumption.order_id, Consumption.lot_id)).all()
    made = s.execute(select(Output.order_id, Output.lot_id)).all()
    parents: dict[int, set[int]] = {}
    for order, out in made:
        parents.setdefault(out, set()).update(lot for o, lot in consumed if o == order)
    codes = {lot.id: f"{item}/{code}" for (item, code), lot in b.lots.items()}
    order_code = dict(s.execute(select(ProductionOrder.id, ProductionOrder.code)).all())
    vendor_of = dict(s.execute(select(Receipt.lot_id, Vendor.code).join(Vendor)).all())
    ops = s.execute(select(Operation.order_id, Operation.machine, Operation.operator, Operation.started_at)).all()
    out: dict[tuple[str, str], set[int]] = {}
    for root in roots:
        seen, todo = set(), [root]
        while todo:
            for p in parents.get(todo.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        seen.discard(root)
        keys = {("lot", codes[a]) for a in seen} | {("vendor", vendor_of[a]) for a in seen if a in vendor_of}
        for order, lot in made:
            if lot in seen | {root}:
                keys.add(("order", order_code[order]))
                for o, machine, operator, started in ops:
                    if o == order:
                        keys |= {("machine", machine), ("operator", operator), ("shift", shift_of(started))}
        for key in keys:
            out.setdefault(key, set()).add(root)
    return out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), n_orders=st.integers(3, 10))
def test_commonality_counts_match_brute_force(session, seed, n_orders):
    nested = session.begin_nested()
    try:
        b = PlantBuilder(session)
        rnd = random.Random(seed)
        lots = [lot for lot in _random_plant(b, rnd, n_orders) if lot[0] == "MID"]
        defective = rnd.sample(lots, k=rnd.randint(1, max(1, len(lots) // 2)))
        result = commonality(session, [LotRef(b.lot(*d).id, *d) for d in defective])
        d_ids = {b.lot(*d).id for d in defective}
        base_ids = {b.lot(*lot).id for lot in lots} - d_ids
        assert {r.id for r in result.baseline} == base_ids
        want = _brute_exposures(b, d_ids | base_ids)
        got = {(f.kind, f.code): (f.defective_exposed, f.baseline_exposed) for f in result.factors
               if f.kind != "vendor_lot"}
        assert got == {k: (len(v & d_ids), len(v & base_ids)) for k, v in want.items() if v & d_ids}
        ranked = [(f.p_value, -f.lift, -f.defective_share) for f in result.factors]
        assert ranked == sorted(ranked)
    finally:
        nested.rollback()


def test_siblings_rank_by_how_specific_the_shared_material_is_and_fold_common_ones(session):
    """Salt went into every bar: sharing it says nothing. The nut lot went into two bars."""
    b = PlantBuilder(session)
    b.receive("SALT", "S1", 100)
    b.receive("NUT", "N1", 100)
    b.receive("OIL", "O1", 100)
    b.produce("WO-0", "BAR", [("SALT", "S1", 1), ("NUT", "N1", 5), ("OIL", "O1", 1)], [("B0", 10)])
    b.produce("WO-1", "BAR", [("SALT", "S1", 1), ("NUT", "N1", 5), ("OIL", "O1", 1)], [("B1", 10)])
    for i in range(2, 8):
        b.produce(f"WO-{i}", "BAR", [("SALT", "S1", 1), ("OIL", "O1", 1)] if i < 5 else [("SALT", "S1", 1)],
                  [(f"B{i}", 10)])
    b.done()
    sib = siblings(session, find_lot(session, "B0"), common_reach=4)
    # Salt reaches 7 other bars, oil 4, the nut lot 1: salt is common (more than 4), oil is not.
    assert {r.label: n for r, n in sib.common.items()} == {"SALT/S1": 7}
    order = [s.lot.lot for s in sib.by_material]
    assert order[0] == "B1"  # shares the nut lot, the most specific
    assert {s.lot.lot for s in sib.specific()} == {"B1", "B2", "B3", "B4"}
    assert {s.lot.lot for s in sib.folded()} == {"B5", "B6", "B7"} and order[-3:] == ["B5", "B6", "B7"]
    first = sib.by_material[0]
    assert first.reach == 1 and first.reason.startswith("shares NUT/N1, OIL/O1, SALT/S1 (in 7 lots)")
    assert sib.to_json()["common_materials"] == [{"item": "SALT", "lot": "S1", "reach": 7}]
