"""The in-memory edge index against the SQL walk and a brute-force walk, before and after writes."""

from __future__ import annotations

from collections import deque

from hypothesis import HealthCheck, given, settings

from tests.trace.test_genealogy import add_plant, genealogies
from workbench.plant import Consumption, rebuild_edges
from workbench.trace import edgeindex
from workbench.trace.genealogy import reachable_lots, sql_walk, trace, walk


def brute_hops(ids, orders, start, downstream, depth=None):
    """Fewest hops from lot ``start`` (an index into ``ids``) over the raw orders."""
    step: dict[int, set[int]] = {i: set() for i in range(len(ids))}
    for inputs, outputs in orders:
        for i in inputs:
            for o in outputs:
                (step[i] if downstream else step[o]).add(o if downstream else i)
    hops = {start: 0}
    queue = deque([start])
    while queue:
        lot = queue.popleft()
        if depth is not None and hops[lot] >= depth:
            continue
        for nxt in step[lot]:
            if nxt not in hops:
                hops[nxt] = hops[lot] + 1
                queue.append(nxt)
    return {ids[i]: d for i, d in hops.items()}


def check_all(session, index, ids, orders):
    for i, lot in enumerate(ids):
        for downstream in (True, False):
            for depth in (None, 1, 2):
                expected = brute_hops(ids, orders, i, downstream, depth)
                assert sql_walk(session, [lot], downstream, depth) == expected
                if index is not None:
                    assert index.walk([lot], downstream, depth) == expected
                assert walk(session, [lot], downstream, depth) == expected


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=genealogies(), more=genealogies())
def test_index_equals_sql_and_brute_force_and_never_answers_stale(plant, first, more):
    with plant.Session() as s:
        ids = add_plant(s, *first)
        s.commit()
    index = edgeindex.load(plant.engine)
    assert index is not None
    with plant.Session() as s:
        assert edgeindex.current(s, auto=False) is index  # nothing written since the load
        edgeindex.wait_loaded(plant.engine, timeout=60)
        check_all(s, index, ids, first[1])
        # Uncommitted writes: this session sees its own edges, so the index must not answer.
        more_ids = add_plant(s, *more)
        new_edges = any(inputs and outputs for inputs, outputs in more[1])
        if new_edges:
            assert edgeindex.current(s, auto=False) is None
        check_all(s, None, more_ids, more[1])
        s.rollback()
    with plant.Session() as s:  # rolled back: the index holds what the database holds again
        again = edgeindex.current(s, auto=False)
        assert again is not None and again.version == index.version
        more_ids = add_plant(s, *more)
        s.commit()
    with plant.Session() as s:  # committed: stale until reloaded, then current again
        if new_edges:
            assert edgeindex.current(s, auto=False) is None
        check_all(s, None, more_ids, more[1])
        fresh = edgeindex.load(plant.engine)
        assert fresh is not None and fresh.version >= index.version + new_edges
        assert edgeindex.current(s, auto=False) is fresh
        check_all(s, fresh, ids, first[1])
        check_all(s, fresh, more_ids, more[1])


def test_background_load_and_edge_deletes(plant):
    orders = [([0], [1]), ([1], [2, 3]), ([3], [4])]
    with plant.Session() as s:
        ids = add_plant(s, 5, orders)
        s.commit()
    edgeindex.forget(plant.engine)
    with plant.Session() as s:
        for _ in range(edgeindex.AUTO_AFTER):  # misses count towards a background load
            assert reachable_lots(s, [ids[0]]) == set(ids)
        index = edgeindex.wait_loaded(plant.engine, timeout=60)
        assert index is not None and edgeindex.current(s) is index
        assert index.walk([ids[0]], True) == {ids[0]: 0, ids[1]: 1, ids[2]: 2, ids[3]: 2, ids[4]: 3}
        g = trace(s, ids[4], "backward")
        assert {n.lot.lot_id for n in g.lots()} == {ids[0], ids[1], ids[3], ids[4]}
        # A deleted edge (the last order's consumption undone) makes the index stale at once.
        s.query(Consumption).filter(Consumption.lot_id == ids[3]).delete()
        rebuild_edges(s)
        assert edgeindex.current(s) is None
        assert reachable_lots(s, [ids[0]]) == set(ids[:4])
        s.commit()
        reloaded = edgeindex.wait_loaded(plant.engine, timeout=60)  # the miss started a reload
        if reloaded is None or reloaded.version == index.version:
            reloaded = edgeindex.load(plant.engine)
        assert reloaded is not None and edgeindex.current(s) is reloaded
        assert reachable_lots(s, [ids[0]]) == set(ids[:4])
        assert reloaded.nbytes > 0 and reloaded.edges == 3


def test_walk_of_unknown_lots_and_depth_zero(plant):
    with plant.Session() as s:
        ids = add_plant(s, 3, [([0], [1]), ([1], [2])])
        s.commit()
    index = edgeindex.load(plant.engine)
    assert index is not None
    far = max(ids) + 1000
    assert index.walk([far], True) == {far: 0}
    assert index.walk([ids[0], ids[0]], True, 0) == {ids[0]: 0}
    with plant.Session() as s:
        assert walk(s, [far, ids[1]], False) == sql_walk(s, [far, ids[1]], False) == {far: 0, ids[1]: 0, ids[0]: 1}
