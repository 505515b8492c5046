"""Reach of many lots at once: for each root, every lot up- or downstream of it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.plant import LotEdge
from workbench.plant.query import among, chunks


def closure(session: Session, root_ids: Iterable[int], downstream: bool) -> dict[int, set[int]]:
    """For each root lot, every lot reachable from it (itself excluded), in one query per chunk.

    A recursive CTE that carries the root id along the walk, so one query answers for
    all roots at once; UNION (not UNION ALL) ends cycles and repeated paths.
    """
    e = LotEdge.__table__
    src, dst = (e.c.parent_lot_id, e.c.child_lot_id) if downstream else (e.c.child_lot_id, e.c.parent_lot_id)
    reach: dict[int, set[int]] = defaultdict(set)
    for chunk in chunks(root_ids):
        seed = select(src.label("root"), dst.label("lot")).where(among(src, chunk, session))
        cte = seed.cte("reach", recursive=True)
        step = select(cte.c.root, dst).select_from(e).join(cte, src == cte.c.lot)
        cte = cte.union(step)
        for root, lot in session.execute(select(cte.c.root, cte.c.lot)):
            if root != lot:
                reach[root].add(lot)
    return reach
