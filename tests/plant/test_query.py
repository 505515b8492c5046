"""Many ids as one parameter: the same answers as IN (...) on both databases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import PlantBuilder
from workbench.plant import Item, Lot
from workbench.plant.lookup import find_lot_label, lot_infos, lot_refs
from workbench.plant.query import among, chunks, fetch_in


def test_chunks_are_sorted_distinct_and_bounded():
    assert list(chunks([5, 1, 5, 3], size=2)) == [[1, 3], [5]]
    assert list(chunks([])) == []


def test_among_matches_in_on_ints_and_strings(session):
    b = PlantBuilder(session)
    for i in range(30):
        b.opening("FLOUR", f"L{i:02d}", Decimal(i + 1))
    b.done()
    ids = sorted(lot.id for lot in b.lots.values())
    wanted = ids[::3]
    got = session.execute(select(Lot.id).where(among(Lot.id, wanted, session))).scalars().all()
    assert sorted(got) == wanted
    codes = session.execute(select(Lot.code).where(among(Lot.code, ["L03", "L07", "nope"], session))).scalars().all()
    assert sorted(codes) == ["L03", "L07"]
    assert session.execute(select(Lot.id).where(among(Lot.id, [], session))).all() == []
    rows = list(fetch_in(session, select(Lot.id, Item.code).join(Item), Lot.id, [*wanted, 10 ** 9]))
    assert sorted(r.id for r in rows) == wanted


@pytest.fixture
def session_with_lots(session):
    b = PlantBuilder(session)
    for i in range(12):
        b.opening("SALT", f"S{i}", 1)
    b.done()
    return session, [lot.id for lot in b.lots.values()]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=-5, max_value=40), max_size=60))
def test_fetch_in_is_in_for_any_list(session_with_lots, values):
    session, ids = session_with_lots
    got = sorted(r.id for r in fetch_in(session, select(Lot.id), Lot.id, values))
    assert got == sorted(set(values) & set(ids))


def test_lot_lookups_by_id_and_label(session):
    b = PlantBuilder(session)
    b.opening("FLOUR", "2026/05", 10)
    b.opening("SUGAR", "L1", 5)
    b.done()
    f = b.lot("FLOUR", "2026/05")
    assert lot_refs(session, [f.id])[f.id].label == "FLOUR/2026/05"
    assert lot_infos(session, [f.id])[f.id] == ("FLOUR", "2026/05", "Flour", "kg")
    assert find_lot_label(session, "FLOUR/2026/05").id == f.id
    assert find_lot_label(session, "2026/05").id == f.id  # "2026" is no item: the whole text is the lot
    assert find_lot_label(session, "L1").item == "SUGAR"
