"""The demo plant: deterministic, balanced, FEFO-picked, and the planted incident is
where the generator says it is (checked here with plain queries, not the engines)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

import pytest
from biip.gtin import Gtin
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.factories import PlantBuilder
from workbench.cli import main
from workbench.demo import (
    INCIDENT,
    build_demo,
    build_sqlite_file,
    demo_summary,
    ensure_demo,
    everywhere_material,
    gtin_check_digit,
    holds_data,
)
from workbench.demo.catalog import ITEMS
from workbench.demo.sink import TABLES
from workbench.demo.sites import DC, PLANT
from workbench.errors import WorkbenchError
from workbench.plant import (
    Consumption,
    Customer,
    Item,
    Location,
    Lot,
    LotEdge,
    Operation,
    Output,
    ProductionOrder,
    Receipt,
    Return,
    Shipment,
    Vendor,
    open_plant,
)
from workbench.progress import Cancelled

ZERO = Decimal(0)


@pytest.fixture(scope="module")
def summary():
    """The generator's own account of the standard demo plant (seed 7, scale 1)."""
    return demo_summary(7, 1)


def _dump(session) -> dict[str, list[tuple]]:
    tables = dict(TABLES, lot_edges=LotEdge.__table__)
    return {name: [tuple(r) for r in session.execute(select(t).order_by(*t.primary_key.columns))]
            for name, t in tables.items()}


def _lot_keys(session) -> dict[int, tuple[str, str]]:
    return {i: (item, code) for i, item, code in session.execute(
        select(Lot.id, Item.code, Lot.code).join(Item, Item.id == Lot.item_id))}


# -- GS1 -------------------------------------------------------------------------------


def test_check_digit_matches_gs1_examples():
    assert gtin_check_digit("629104150021") == "3"  # GS1's EAN-13 example 6291041500213
    assert gtin_check_digit("1061414100041") == "5"


@given(st.text("0123456789", min_size=13, max_size=13), st.integers(0, 12), st.integers(1, 9))
def test_check_digit_catches_any_single_digit_error(payload, position, delta):
    wrong = payload[:position] + str((int(payload[position]) + delta) % 10) + payload[position + 1:]
    assert gtin_check_digit(wrong) != gtin_check_digit(payload)


def test_catalog_gtins_are_valid_gtin14():
    gtins = [item.gtin for item in ITEMS if item.gtin]
    assert all(item.gtin for item in ITEMS if item.kind == "product")
    assert any(item.gtin for item in ITEMS if item.kind == "material")
    for gtin in gtins:
        assert len(gtin) == 14
        assert Gtin.parse(gtin).check_digit == int(gtin[-1])  # biip validates it


# -- determinism and size ----------------------------------------------------------------


def test_same_seed_same_rows_other_seed_other_rows(db_factory):
    dumps = []
    for seed in (7, 7, 8):
        plant = open_plant(db_factory.empty_url())
        try:
            with plant.Session.begin() as s:
                build_demo(s, seed=seed, scale=0.1)
            with plant.Session() as s:
                dumps.append(_dump(s))
        finally:
            plant.dispose()
    assert dumps[0] == dumps[1]
    assert dumps[0]["lots"] != dumps[2]["lots"]
    assert dumps[0]["customers"] == dumps[2]["customers"]  # the people stay, the year differs


def test_bulk_path_writes_what_core_inserts_write(db_factory):
    dumps = []
    for core in (False, True):
        plant = open_plant(db_factory.empty_url())
        try:
            with plant.Session.begin() as s:
                build_demo(s, scale=0.1, core_inserts=core)
            with plant.Session() as s:
                dumps.append(_dump(s))
        finally:
            plant.dispose()
    assert dumps[0] == dumps[1]


def test_dry_run_counts_match_the_database(demo_plant, summary):
    with demo_plant.Session() as s:
        for name, table in dict(TABLES, lot_edges=LotEdge.__table__).items():
            assert s.execute(select(func.count()).select_from(table)).scalar() == \
                summary.counts[name], name
    assert 3000 <= summary.counts["lots"] <= 5000


def test_lots_grow_linearly_with_scale(summary):
    small = demo_summary(7, 0.25)
    assert 0.8 < small.counts["lots"] * 4 / summary.counts["lots"] < 1.25
    assert small.counts["customers"] < summary.counts["customers"]


def test_build_refuses_a_database_with_data(session):
    PlantBuilder(session).item("FLOUR")
    session.flush()
    with pytest.raises(WorkbenchError, match="already holds data"):
        build_demo(session, scale=0.2)


def _cancel_halfway(fraction, message=None):
    if fraction > 0.5:
        raise Cancelled()


def test_a_cancelled_build_leaves_nothing(plant, tmp_path):
    with pytest.raises(Cancelled), plant.Session.begin() as s:
        build_demo(s, scale=0.1, progress=_cancel_halfway)
    with plant.Session() as s:
        assert not holds_data(s)
    target = tmp_path / "demo.sqlite"
    with pytest.raises(Cancelled):
        build_sqlite_file(target, scale=0.1, progress=_cancel_halfway)
    assert list(tmp_path.iterdir()) == []


def test_ids_continue_after_the_demo(plant):
    """PostgreSQL sequences are moved past the ids the generator chose."""
    with plant.Session.begin() as s:
        build_demo(s, scale=0.1)
    with plant.Session.begin() as s:
        item = s.execute(select(Item).where(Item.code == "RM-SALT")).scalar_one()
        lot = Lot(item=item, code="NEW-1", quantity=Decimal(1), origin="opening")
        s.add(lot)
        s.flush()
        assert lot.id == s.execute(select(func.max(Lot.id))).scalar()


# -- invariants ----------------------------------------------------------------------------


def test_every_movement_refers_to_an_existing_lot(demo_plant):
    with demo_plant.Session() as s:
        lots = set(s.execute(select(Lot.id)).scalars())
        for column in (Consumption.lot_id, Shipment.lot_id, Return.lot_id, Output.lot_id,
                       Receipt.lot_id, LotEdge.parent_lot_id, LotEdge.child_lot_id):
            assert set(s.execute(select(column).distinct()).scalars()) <= lots, column


def _site_balances(session) -> dict[tuple[int, int], Decimal]:
    """On hand per (lot, site), from the raw rows: what a lot came into being with at its
    site, minus what each site consumed and shipped (transfers included), plus what each
    site received by transfer and got back from customers."""
    on_hand: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for lot_id, site, quantity in session.execute(select(Lot.id, Lot.location_id, Lot.quantity)):
        on_hand[(lot_id, site)] += quantity
    moves = (
        (select(Consumption.lot_id, ProductionOrder.location_id, Consumption.quantity)
         .join(ProductionOrder, ProductionOrder.id == Consumption.order_id), -1),
        (select(Shipment.lot_id, Shipment.ship_from_id, Shipment.quantity), -1),
        (select(Receipt.lot_id, Receipt.location_id, Receipt.quantity).where(Receipt.shipment_id.is_not(None)), 1),
        (select(Return.lot_id, Return.location_id, Return.quantity), 1),
    )
    for stmt, sign in moves:
        for lot_id, site, quantity in session.execute(stmt):
            on_hand[(lot_id, site)] += sign * quantity
    return on_hand


def _site_ids(session) -> dict[str, int]:
    return {code: i for i, code in session.execute(
        select(Location.id, Location.code).where(Location.kind == "own_site"))}


def test_everything_balances_at_each_site_except_the_planted_overconsumption(demo_plant, summary):
    with demo_plant.Session() as s:
        keys = _lot_keys(s)
        sites = _site_ids(s)
        negative = {(keys[i], site): q for (i, site), q in _site_balances(s).items() if q < 0}
    assert negative == {(INCIDENT.overconsumed_lot, sites[PLANT.gln]): -INCIDENT.overconsumed_by}
    assert summary.overconsumed == INCIDENT.overconsumed_by
    assert INCIDENT.overconsumed_lot in summary.incident_reach.lots


def test_some_stock_is_left_on_hand_at_both_sites(demo_plant):
    with demo_plant.Session() as s:
        keys = _lot_keys(s)
        sites = {i: code for code, i in _site_ids(s).items()}
        kinds = dict(s.execute(select(Item.code, Item.kind)).all())
        left = defaultdict(set)
        for (i, site), q in _site_balances(s).items():
            if q > 0:
                left[sites[site]].add(kinds[keys[i][0]])
    assert left == {PLANT.gln: {"material", "intermediate", "product"}, DC.gln: {"product"}}


def _fefo_violations(lots, events) -> list:
    """Events (time, lot id, qty) of one item at one site; lots {id: (expires_at,
    created_at, qty)} as the site first had them (a negative event quantity is stock
    arriving later: a transfer received).

    Whenever a lot was picked at time t, every lot of the item that expires earlier (or
    as early but is older) and existed at t must have been used up by then."""
    never = datetime.max
    key = {i: (exp or never, i) for i, (exp, _, _) in lots.items()}
    remaining = {i: q for i, (_, _, q) in lots.items()}
    by_time = defaultdict(list)
    for t, lot, q in events:
        by_time[t].append((lot, q))
    bad = []
    for t in sorted(by_time):
        for lot, q in by_time[t]:
            remaining[lot] -= q
        for lot, q in by_time[t]:
            if q < 0:
                continue
            bad += [(t, lot, other) for other, (_, created, _) in lots.items()
                    if key[other] < key[lot] and created <= t and remaining[other] > 0]
    return bad


def test_picking_is_first_expired_first_out_at_each_site(demo_plant):
    """Each site picks FEFO from its own stock: the plant for production, its customers and
    the trucks to the distribution centre; the distribution centre from what it received."""
    with demo_plant.Session() as s:
        kinds = dict(s.execute(select(Item.id, Item.kind)).all())
        lots = defaultdict(dict)  # (site, item) -> lots as the site first had them
        item_of = {}
        for i, item, site, exp, created, q in s.execute(
                select(Lot.id, Lot.item_id, Lot.location_id, Lot.expires_at, Lot.created_at, Lot.quantity)):
            lots[(site, item)][i] = (exp, created, q)
            item_of[i] = (item, exp)
        events = defaultdict(list)
        for t, lot, site, q in s.execute(
                select(Receipt.received_at, Receipt.lot_id, Receipt.location_id, Receipt.quantity)
                .where(Receipt.shipment_id.is_not(None))):
            item, exp = item_of[lot]
            group = lots[(site, item)]
            if lot not in group:
                group[lot] = (exp, t, Decimal(0))
            events[(site, item)].append((t, lot, -q))
        for t, lot, site, q in s.execute(
                select(Consumption.consumed_at, Consumption.lot_id, ProductionOrder.location_id,
                       Consumption.quantity).join(ProductionOrder, ProductionOrder.id == Consumption.order_id)):
            if kinds[item_of[lot][0]] != "product":  # products are consumed only by rework
                events[(site, item_of[lot][0])].append((t, lot, q))
        for t, lot, site, q in s.execute(select(Shipment.shipped_at, Shipment.lot_id, Shipment.ship_from_id,
                                                Shipment.quantity)):
            events[(site, item_of[lot][0])].append((t, lot, q))
    checked = 0
    for key, evs in events.items():
        assert _fefo_violations(lots[key], evs) == [], key
        checked += len(evs)
    assert checked > 20000
    assert len({site for site, _item in events}) == 2


def test_fefo_checker_sees_a_wrong_pick():
    t0, t1 = datetime(2026, 1, 1), datetime(2026, 1, 2)
    lots = {1: (datetime(2026, 3, 1), t0, Decimal(10)), 2: (datetime(2026, 2, 1), t0, Decimal(10))}
    assert _fefo_violations(lots, [(t1, 2, Decimal(10)), (t1, 1, Decimal(1))]) == []
    assert _fefo_violations(lots, [(t1, 1, Decimal(1))]) == [(t1, 1, 2)]
    arriving = {1: (datetime(2026, 3, 1), t0, Decimal(10)), 2: (datetime(2026, 2, 1), t1, Decimal(0))}
    assert _fefo_violations(arriving, [(t0, 1, Decimal(1))]) == []  # lot 2 was not there yet
    assert _fefo_violations(arriving, [(t1, 2, Decimal(-5)), (t1, 1, Decimal(1))]) == [(t1, 1, 2)]


def test_orders_have_operations_machines_operators_and_three_shifts(demo_plant):
    with demo_plant.Session() as s:
        orders = s.execute(select(func.count()).select_from(ProductionOrder)).scalar()
        with_ops = s.execute(select(func.count(Operation.order_id.distinct()))).scalar()
        operators = set(s.execute(select(Operation.operator).distinct()).scalars())
        machines = set(s.execute(select(Operation.machine).distinct()).scalars())
        hours = {t.hour for t in s.execute(select(Operation.started_at)).scalars()}
        bad_times = s.execute(select(func.count()).select_from(Operation)
                              .where(Operation.finished_at <= Operation.started_at)).scalar()
    assert with_ops == orders
    assert 12 <= len(operators) <= 20
    assert {m.split("-")[0] for m in machines} >= {"MIXER", "OVEN", "PACK", "FILL"}
    assert {6, 14, 22} <= hours and bad_times == 0


# -- shape of the year ------------------------------------------------------------------


def test_parties_have_full_contact_data(demo_plant):
    with demo_plant.Session() as s:
        for model, least in ((Vendor, 12), (Customer, 50)):
            parties = s.execute(select(model)).scalars().all()
            assert len(parties) >= least
            for p in parties:
                assert p.name and p.contact and "@" in p.email and p.phone.startswith("+1")
                assert len(p.address.splitlines()) >= 3


def test_items_units_shelf_life_and_gtins(demo_plant):
    with demo_plant.Session() as s:
        items = s.execute(select(Item)).scalars().all()
    assert {i.unit for i in items} == {"kg", "L", "ea", "case"}
    assert {i.kind for i in items} == {"material", "intermediate", "product"}
    for i in items:
        if i.kind == "product":
            assert i.gtin and Gtin.parse(i.gtin) and i.shelf_life_days
        if i.gtin:
            assert gtin_check_digit(i.gtin[:-1]) == i.gtin[-1]


def test_lots_split_across_orders_and_customers(demo_plant):
    with demo_plant.Session() as s:
        multi_output = s.execute(select(Output.order_id).group_by(Output.order_id)
                                 .having(func.count() > 1)).all()
        split_inputs = s.execute(select(Consumption.lot_id).group_by(Consumption.lot_id)
                                 .having(func.count(Consumption.order_id.distinct()) > 1)).all()
        split_shipped = s.execute(select(Shipment.lot_id).group_by(Shipment.lot_id)
                                  .having(func.count(Shipment.customer_id.distinct()) > 2)).all()
        receipts_with_po = s.execute(select(func.count()).select_from(Receipt).where(
            Receipt.po.is_not(None), Receipt.vendor_lot.is_not(None))).scalar()
        refs = s.execute(select(func.count()).select_from(Shipment)
                         .where(Shipment.order_ref.is_(None))).scalar()
    assert len(multi_output) > 100 and len(split_inputs) > 500 and len(split_shipped) > 500
    assert receipts_with_po > 300 and refs == 0


def test_about_one_year_of_history(demo_plant, summary):
    with demo_plant.Session() as s:
        first = s.execute(select(func.min(Receipt.received_at))).scalar()
        last = s.execute(select(func.max(Shipment.shipped_at))).scalar()
    assert (last - first).days >= 355
    assert summary.first_day <= first.date() and last.date() <= summary.last_day


def test_a_return_is_reworked_into_a_new_lot(demo_plant, summary):
    with demo_plant.Session() as s:
        rows = s.execute(
            select(Return.rma, Return.reason, Return.lot_id, LotEdge.child_lot_id,
                   ProductionOrder.code)
            .join(LotEdge, LotEdge.parent_lot_id == Return.lot_id)
            .join(ProductionOrder, ProductionOrder.id == LotEdge.order_id)
            .where(ProductionOrder.code.like("RW%"))
        ).all()
        items = dict(s.execute(select(Lot.id, Lot.item_id)).all())
    assert summary.reworked_rmas and set(summary.reworked_rmas) <= {r.rma for r in rows}
    for r in rows:
        if r.rma in summary.reworked_rmas:
            assert r.reason.startswith("Damaged packaging")
            assert items[r.child_lot_id] == items[r.lot_id]  # repacked: same product, new lot


# -- the incident ---------------------------------------------------------------------------


def _forward(session, start: int) -> set[int]:
    """Every lot made from ``start``, walking consumptions and outputs (not lot_edges)."""
    seen: set[int] = set()
    frontier = {start}
    while frontier:
        orders = set(session.execute(select(Consumption.order_id)
                                     .where(Consumption.lot_id.in_(frontier))).scalars())
        made = set(session.execute(select(Output.lot_id).where(Output.order_id.in_(orders)))
                   .scalars()) if orders else set()
        frontier = made - seen
        seen |= made
    return seen


def test_incident_lot_is_recorded_as_described(demo_plant):
    with demo_plant.Session() as s:
        row = s.execute(
            select(Lot.vendor_lot, Lot.created_at, Receipt.code, Receipt.po, Receipt.quantity,
                   Vendor.code)
            .join(Item, Item.id == Lot.item_id).join(Receipt, Receipt.lot_id == Lot.id)
            .join(Vendor, Vendor.id == Receipt.vendor_id)
            .where(Item.code == INCIDENT.item, Lot.code == INCIDENT.lot)).one()
        same_vendor_lot = s.execute(select(func.count()).select_from(Lot)
                                    .where(Lot.vendor_lot == INCIDENT.vendor_lot)).scalar()
    assert tuple(row) == (INCIDENT.vendor_lot, INCIDENT.received_at, INCIDENT.receipt,
                          INCIDENT.po, INCIDENT.quantity, INCIDENT.vendor)
    assert same_vendor_lot == 1


def test_incident_reach_matches_the_generators_account(demo_plant, summary):
    reach = summary.incident_reach
    with demo_plant.Session() as s:
        keys = _lot_keys(s)
        start = next(i for i, k in keys.items() if k == (INCIDENT.item, INCIDENT.lot))
        lots = _forward(s, start)
        shipped = defaultdict(Decimal)
        for customer, q in s.execute(
                select(Customer.code, Shipment.quantity)
                .join(Customer, Customer.id == Shipment.customer_id)
                .where(Shipment.lot_id.in_(lots))):
            shipped[customer] += q
    assert {keys[i] for i in lots} == reach.lots
    assert dict(shipped) == reach.shipped and set(shipped) == reach.customers
    assert len(reach.customers) >= 8
    assert len(reach.products) >= 3 and len(reach.intermediates) >= 2


def test_complaints_point_at_the_incident_and_other_returns_do_not(demo_plant, summary):
    reach = summary.incident_reach
    with demo_plant.Session() as s:
        keys = _lot_keys(s)
        returns = s.execute(select(Return.rma, Return.reason, Return.lot_id,
                                   Return.customer_id)).all()
    complaints = [r for r in returns if r.reason.startswith(INCIDENT.complaint)]
    others = [r for r in returns if not r.reason.startswith(INCIDENT.complaint)]
    assert {r.rma for r in complaints} == set(summary.complaint_rmas)
    assert len({r.customer_id for r in complaints}) >= 3
    assert all(keys[r.lot_id] in reach.lots for r in complaints)
    assert len({keys[r.lot_id] for r in complaints}) >= 2
    assert others and not any(keys[r.lot_id] in reach.lots for r in others)


def test_a_salt_lot_is_used_everywhere(demo_plant, summary):
    with demo_plant.Session() as s:
        item, lot = everywhere_material(s)
        keys = _lot_keys(s)
        start = next(i for i, k in keys.items() if k == (item, lot))
        reach = _forward(s, start)
    assert (item, lot) == summary.everywhere_lot
    assert summary.everywhere_orders >= 200
    assert len({keys[i][0] for i in reach if keys[i][0].startswith("FG-")}) >= 10


# -- building a file, and the command ---------------------------------------------------


def test_ensure_demo_builds_once_and_atomically(tmp_path):
    target = tmp_path / "data" / "demo.sqlite"
    url = f"sqlite:///{target}"
    assert ensure_demo(url, scale=0.1) is True
    assert ensure_demo(url, scale=0.1) is False
    assert sorted(p.name for p in target.parent.iterdir()) == ["demo.sqlite"]
    plant = open_plant(url)
    try:
        with plant.Session() as s:
            assert s.execute(select(func.count()).select_from(Lot)).scalar() > 100
    finally:
        plant.dispose()
    with pytest.raises(WorkbenchError, match="not a SQLite file"):
        ensure_demo("postgresql+psycopg://nobody@127.0.0.1/nothing")


@pytest.mark.sqlite
def test_demo_command_builds_refuses_and_forces(tmp_path, capsys):
    target = tmp_path / "plant.sqlite"
    db = ["--db", f"sqlite:///{target}"]
    assert main(["demo", *db, "--scale", "0.2"]) == 0
    out = capsys.readouterr().out
    assert "Northfield Foods" in out and INCIDENT.story in out
    assert f"workbench trace {INCIDENT.lot} --item {INCIDENT.item} --db sqlite:///" in out

    assert main(["demo", *db, "--scale", "0.2"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("workbench: ") and "already holds a plant" in err
    assert err.count("\n") == 1

    assert main(["demo", *db, "--if-missing"]) == 0
    assert "nothing to do" in capsys.readouterr().out

    assert main(["demo", *db, "--scale", "0.1", "--seed", "3", "--force"]) == 0
    assert "seed 3, scale 0.1" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plant.sqlite"]


def test_demo_command_on_an_existing_database(db_url, capsys):
    """An empty database (SQLite or PostgreSQL) is filled; a full one is refused."""
    assert main(["demo", "--db", db_url, "--scale", "0.1"]) == 0
    assert "lots" in capsys.readouterr().out
    assert main(["demo", "--db", db_url, "--scale", "0.1"]) == 1
    assert "already holds a plant" in capsys.readouterr().err
    if db_url.startswith("postgresql"):
        assert main(["demo", "--db", db_url, "--force"]) == 1
        assert "only rebuilds SQLite files" in capsys.readouterr().err
    assert main(["demo", "--db", db_url, "--if-missing"]) == 0


def test_demo_command_rejects_a_bad_scale(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--scale", "-1"])
    assert "scale" in capsys.readouterr().err
