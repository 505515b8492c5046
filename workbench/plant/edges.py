"""Keeps the lot-to-lot edge table in step with consumptions and outputs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from workbench.plant.bulk import BulkWriter
from workbench.plant.models import Consumption, LotEdge, Output

_CHUNK = 500


def rebuild_edges(session: Session, order_ids: Iterable[int] | None = None) -> None:
    """Recompute ``lot_edges`` for the given orders (all orders when None), set-wise."""
    edges = (
        select(
            Consumption.lot_id,
            Output.lot_id,
            Consumption.order_id,
            func.sum(Consumption.quantity),
        )
        .join(Output, Output.order_id == Consumption.order_id)
        .group_by(Consumption.lot_id, Output.lot_id, Consumption.order_id)
    )
    columns = [LotEdge.parent_lot_id, LotEdge.child_lot_id, LotEdge.order_id, LotEdge.quantity]
    if order_ids is None:
        session.execute(delete(LotEdge))
        session.execute(insert(LotEdge).from_select(columns, edges))
        _analyze_edges(session)
        return
    ids = sorted(set(order_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        session.execute(delete(LotEdge).where(LotEdge.order_id.in_(chunk)))
        session.execute(
            insert(LotEdge).from_select(columns, edges.where(Consumption.order_id.in_(chunk)))
        )
    _analyze_edges(session)


def write_edges(session: Session, edges: Sequence[tuple[int, int, int, Decimal]]) -> int:
    """Insert the edges of orders that have none yet: ``(parent lot, child lot, order, quantity)``, each
    exactly what ``rebuild_edges`` derives (the order's consumption of the parent, summed per lot).

    For a writer that made the orders itself and so knows their edges: one bulk insert instead of a query
    per chunk of orders. The edge-version triggers fire as for any insert.
    """
    if not edges:
        return 0
    BulkWriter(session).load(LotEdge.__table__, {
        "parent_lot_id": [e[0] for e in edges], "child_lot_id": [e[1] for e in edges],
        "order_id": [e[2] for e in edges], "quantity": [e[3] for e in edges]})
    _analyze_edges(session)
    return len(edges)


def _analyze_edges(session: Session) -> None:
    """Keep the planner's picture of the edge table current (it drives every trace)."""
    session.execute(text("ANALYZE lot_edges"))
