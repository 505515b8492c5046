"""The genealogy as an indented, unfoldable table: what engineers print and sort when the
graph is too big to read (Odoo's traceability lines, Oracle's lot genealogy tree).

``trace_rows`` turns the genealogy opened so far (a ``GraphState``, no query) into rows:
from each traced lot, downstream its lots at every level (through the orders that made
them) with the shipments of each lot to its customers, and upstream what went into it
with the receipts and vendors of purchased lots. A lot reached twice is listed under
each parent (a recall must see every path) but opened only the first time.
``with_on_hand`` adds each lot's stock on hand in one set-wise query; ``traced_rows`` is
the table of a whole trace (``workbench trace LOT --xlsx FILE``);
``workbench.reports.trace_table`` writes the rows as a spreadsheet. No Qt here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from sqlalchemy.orm import Session

from workbench.facts import Edge, LotRef, NodeId, ReceiptFacts, ShipmentFacts
from workbench.format import purchase_order
from workbench.plant.stock import lot_balances
from workbench.trace.explore import GraphState
from workbench.trace.genealogy import trace
from workbench.trace.records import COLUMNS, TraceRow

__all__ = ["COLUMNS", "TraceRow", "trace_rows", "traced_rows", "with_on_hand"]


def trace_rows(state: GraphState) -> list[TraceRow]:
    """The rows of the table for everything ``state`` holds (see the module docstring)."""
    out_edges: dict[str, list[tuple[str, Edge]]] = defaultdict(list)
    in_edges: dict[str, list[tuple[str, Edge]]] = defaultdict(list)
    for (s, t, _), e in state.edges.items():
        out_edges[s].append((t, e))
        in_edges[t].append((s, e))
    rows: list[TraceRow] = []
    for root in state.roots:
        if root not in state.nodes:
            continue
        index = len(rows)
        rows.append(_lot_row(state, root, -1, 0, None))
        _downstream(state, root, index, 1, out_edges, rows, {root})
        _upstream(state, root, index, -1, in_edges, rows, {root})
    return rows


def _lot_row(state: GraphState, nid: str, parent: int, level: int, quantity: Decimal | None,
             repeated: bool = False) -> TraceRow:
    f = state.nodes[nid].lot
    return TraceRow(nid, parent, level, "lot", f.item, f.lot, f.item_name or "",
                    f.quantity if quantity is None else quantity, f.unit, f.created_at, "", f.lot_id,
                    repeated=repeated)


def _downstream(state: GraphState, lot: str, parent: int, level: int, out_edges: dict[str, list[tuple[str, Edge]]],
                rows: list[TraceRow], seen: set[str]) -> None:
    for target, edge in sorted(out_edges.get(lot, ()), key=lambda te: te[0]):
        node = state.nodes[target]
        if node.kind == "order":
            for child, made in sorted(out_edges.get(target, ()), key=lambda te: te[0]):
                if state.nodes[child].kind != "lot":
                    continue
                repeated = child in seen
                index = len(rows)
                row = _lot_row(state, child, parent, level, made.quantity, repeated)
                rows.append(replace(row, description=f"{row.description} · made by {node.code}".strip(" ·")))
                if not repeated:
                    seen.add(child)
                    _downstream(state, child, index, level + 1, out_edges, rows, seen)
        elif node.kind == "shipment":
            facts = node.facts if isinstance(node.facts, ShipmentFacts) else None
            customer = next((state.nodes[c] for c, _ in out_edges.get(target, ())
                             if state.nodes[c].kind == "customer"), None)
            party = f"{customer.code} {customer.name or ''}".strip() if customer else ((facts and facts.customer) or "")
            f = state.nodes[lot].lot
            rows.append(TraceRow(target, parent, level, "shipment", f.item, f.lot, f"shipment {node.code}",
                                 edge.quantity, edge.unit or f.unit, facts.shipped_at if facts else None, party))


def _upstream(state: GraphState, lot: str, parent: int, level: int, in_edges: dict[str, list[tuple[str, Edge]]],
              rows: list[TraceRow], seen: set[str]) -> None:
    for source, edge in sorted(in_edges.get(lot, ()), key=lambda se: se[0]):
        node = state.nodes[source]
        if node.kind == "order":
            for child, used in sorted(in_edges.get(source, ()), key=lambda se: se[0]):
                if state.nodes[child].kind != "lot":
                    continue
                repeated = child in seen
                index = len(rows)
                row = _lot_row(state, child, parent, level, used.quantity, repeated)
                rows.append(replace(row, description=f"{row.description} · into {node.code}".strip(" ·")))
                if not repeated:
                    seen.add(child)
                    _upstream(state, child, index, level - 1, in_edges, rows, seen)
        elif node.kind == "receipt":
            facts = node.facts if isinstance(node.facts, ReceiptFacts) else None
            f = state.nodes[lot].lot
            party = facts.vendor if facts else ""
            po = f" · {purchase_order(facts.po)}" if facts and facts.po else ""
            rows.append(TraceRow(source, parent, level, "receipt", f.item, f.lot, f"receipt {node.code}{po}",
                                 edge.quantity, edge.unit or f.unit, facts.received_at if facts else None, party))


def with_on_hand(session: Session, rows: list[TraceRow]) -> list[TraceRow]:
    """The rows with each lot's stock on hand (one set-wise query for all lots)."""
    balances = lot_balances(session, {r.lot_id for r in rows if r.lot_id is not None})
    return [replace(r, on_hand=balances[r.lot_id].on_hand) if r.lot_id in balances else r for r in rows]


def traced_rows(session: Session, lot: LotRef | Sequence[LotRef], direction: str = "forward",
                depth: int | None = None) -> list[TraceRow]:
    """The table of the whole trace of ``lot`` (or of several: a pallet's), as the app shows it once every level is
    open, with stock on hand."""
    g = trace(session, lot, direction, depth)
    state = GraphState(roots=[NodeId.lot(r.item, r.lot) for r in g.roots])
    state.merge(g)
    return with_on_hand(session, trace_rows(state))
