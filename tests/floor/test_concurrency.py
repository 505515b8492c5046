"""Two stations picking the last of a lot at the same moment on PostgreSQL: the row lock
makes the second see what the first took, so no lot is picked beyond what it holds."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.floor.conftest import later, receive
from workbench.actions import floor as actions
from workbench.plant.floor_models import Pick


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgresql)])
def backend(request) -> str:
    return request.param


def test_concurrent_pickers_never_take_more_than_the_lot_holds(floor_plant):
    lot = receive(floor_plant, qty="10")
    lists = [actions.open_picks(floor_plant, purpose="production", needs=[("RM-OATS", "8")], by=f"s{n}",
                                at=later(1), order=f"MO-{n}", product="FG-BAR").result for n in range(4)]
    assert all(v.lines[0].proposals[0].quantity == 8 for v in lists)  # proposals do not reserve
    barrier = threading.Barrier(len(lists))
    results, errors = [], []

    def station(view):
        try:
            barrier.wait(10)
            results.append(actions.scan(floor_plant, view.code, lot.lot.label, view.created_by, at=later(2)).result)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=station, args=(v,)) for v in lists]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    with floor_plant.Session() as s:
        picked = s.scalar(select(func.sum(Pick.quantity)).where(Pick.lot_id == lot.lot.id))
    assert picked == Decimal(10)
    assert sorted(r.quantity or 0 for r in results if r.ok) == [2, 8]
    assert sorted(r.outcome for r in results if not r.ok) == ["nothing left", "nothing left"]
