"""A lot's history: everything upstream of it, as one time-ordered list of events.

Lots, receipts, vendors and vendor lots, orders and their operations with machine,
operator, start and end (8D, D4: where the root cause may lie).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from workbench.facts import LifeEvent, LotRef, NodeId, OperationFacts, OrderFacts, ReceiptFacts, time_key
from workbench.format import purchase_order
from workbench.rootcause.records import LotHistory, UpstreamLot
from workbench.trace.genealogy import trace


def lot_history(session: Session, lot: LotRef | int) -> LotHistory:
    """Everything upstream of ``lot``, with its orders and operations, in time order."""
    g = trace(session, lot, "backward")
    root = g.roots[0]
    root_node = g.nodes[NodeId.lot(root.item, root.lot)]
    received: dict[str, Any] = {}  # lot node -> receipt node
    vendor_of: dict[str, Any] = {}  # receipt node -> vendor node
    made_by: dict[str, list[str]] = defaultdict(list)  # order node -> lot labels
    for e in g.edges:
        if e.kind == "received":
            received[e.target] = g.nodes[e.source]
        elif e.kind == "supplied":
            vendor_of[e.target] = g.nodes[e.source]
        elif e.kind == "produced":
            made_by[e.source].append(e.target.key)

    upstream: list[UpstreamLot] = []
    events: list[LifeEvent] = []
    for n in g.lots():
        d = n.lot
        ref = d.ref
        rec_node = received.get(n.id)
        rec = rec_node.facts if rec_node is not None else None
        assert rec is None or isinstance(rec, ReceiptFacts)
        ven = vendor_of.get(rec_node.id) if rec_node else None
        if n.id != root_node.id:
            upstream.append(UpstreamLot(
                lot=ref, item_name=d.item_name, item_kind=d.item_kind, origin=d.origin,
                depth=d.depth, created_at=d.created_at, quantity=d.quantity, unit=d.unit,
                vendor=ven.code if ven else None, vendor_name=ven.name if ven else None,
                vendor_lot=(rec.vendor_lot if rec else None) or d.vendor_lot,
                receipt=rec_node.code if rec_node else None, po=rec.po if rec else None,
                received_at=rec.received_at if rec else None))
        if rec_node is not None and rec is not None:
            vl = rec.vendor_lot or d.vendor_lot
            events.append(LifeEvent(
                rec.received_at, "received",
                f"Received {ref.label}" + (f" (vendor lot {vl})" if vl else "")
                + (f" from {ven.code}" if ven else "") + f" on {rec_node.code}"
                + (f", {purchase_order(rec.po)}" if rec.po else ""), node=n.id))
        elif d.origin == "opening":
            events.append(LifeEvent(d.created_at, "opening", f"Opening stock {ref.label}", node=n.id))

    orders: list[dict[str, Any]] = []  # as LotHistory.orders holds them
    for n in g.of_kind("order"):
        made = sorted(made_by.get(n.id, []))
        o = n.facts
        assert isinstance(o, OrderFacts)
        orders.append({"order": n.code, "item": o.item, "started_at": o.started_at,
                       "finished_at": o.finished_at, "made": made})
        events.append(LifeEvent(o.finished_at or o.started_at, "produced",
                                f"Order {n.code} made {', '.join(made)}", node=n.id))
    orders.sort(key=lambda o: (time_key(o["started_at"]), o["order"]))
    made_of = {o["order"]: tuple(o["made"]) for o in orders}

    operations = []
    for n in g.of_kind("operation"):
        f = n.facts
        assert isinstance(f, OperationFacts)
        op = replace(f, made=made_of.get(f.order, ()))
        operations.append(op)
        where = f" on {op.machine}" if op.machine else ""
        who = f" by {op.operator}" if op.operator else ""
        events.append(LifeEvent(op.started_at, "operation", f"{op.order} {op.step}{where}{who}", node=n.id,
                                end=op.finished_at, machine=op.machine, operator=op.operator))
    operations.sort(key=lambda o: (time_key(o.started_at), o.order, o.step))
    upstream.sort(key=lambda u: (-u.depth, u.lot.item, u.lot.lot))  # direct inputs first
    events.sort(key=LifeEvent.sort_key)
    return LotHistory(root, root_node.name, root_node.lot.created_at, upstream, orders, operations, events, g)
