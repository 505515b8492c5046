"""A genealogy as an indented text tree, for the terminal and for copying into e-mails.

The genealogy is a graph, not a tree: a lot reached twice is printed in full once and
then referred to as "(shown above)", so the output stays finite on shared inputs and
cycles.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from workbench.facts import Edge, Genealogy, Node, NodeId, OperationFacts
from workbench.format import purchase_order, quantity


def _q(edge: Edge) -> str:
    return quantity(edge.quantity, edge.unit)


def _f(node: Node, name: str) -> Any:
    """One fact of a box (None when its kind has no such fact)."""
    return getattr(node.facts, name, None)


def _d(value: datetime | None, with_time: bool = False) -> str:
    if value is None:
        return "?"
    return value.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def _lot(n: Node) -> str:
    d = n.lot
    parts = [d.ref.label]
    if d.item_name:
        parts.append(d.item_name)
    parts.append(f"{quantity(d.quantity, d.unit)} {_ORIGIN.get(d.origin, d.origin)} {_d(d.created_at)}")
    if d.expires_at:
        parts.append(f"expires {_d(d.expires_at)}")
    if d.vendor_lot:
        parts.append(f"vendor lot {d.vendor_lot}")
    return " · ".join(parts)


_ORIGIN = {"production": "made", "receipt": "received", "opening": "opening stock"}


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _named(n: Node) -> str:
    return f"{n.code} ({n.name})" if n.name and n.name != n.code else n.code


def _order(n: Node) -> str:
    return (f"order {n.code} ({n.name or _f(n, 'item')}, {_d(_f(n, 'started_at'), True)} → "
            f"{_d(_f(n, 'finished_at'), True)})")


class _Printer:
    def __init__(self, g: Genealogy):
        self.g = g
        self.out_edges: dict[NodeId, list[Edge]] = defaultdict(list)
        self.in_edges: dict[NodeId, list[Edge]] = defaultdict(list)
        for e in g.edges:
            self.out_edges[e.source].append(e)
            self.in_edges[e.target].append(e)
        self.lines: list[str] = []
        self.seen: set[NodeId] = set()

    def emit(self, prefix: str, last: bool, text: str) -> str:
        self.lines.append(f"{prefix}{'└─ ' if last else '├─ '}{text}")
        return prefix + ("   " if last else "│  ")

    def children(self, prefix: str, entries: list[tuple[str, NodeId | None]]) -> None:
        for i, (text, follow) in enumerate(entries):
            child_prefix = self.emit(prefix, i == len(entries) - 1, text)
            if follow:
                self.forward_lot(follow, child_prefix) if self.forward else self.backward_lot(follow, child_prefix)

    # forward: lot -> orders that consumed it -> lots made; shipments; returns
    def forward_lot(self, lot_id: NodeId, prefix: str) -> None:
        if lot_id in self.seen:
            return
        self.seen.add(lot_id)
        entries: list[tuple[str, NodeId | None]] = []
        for e in sorted(self.out_edges[lot_id], key=lambda e: e.target):
            target = self.g.nodes[e.target]
            if e.kind == "consumed":
                made = [x for x in self.out_edges[e.target] if x.kind == "produced"]
                entries.append((f"consumed {_q(e)} by {_order(target)}", None))
                entries.append(("__order__", e.target)) if made else None
            elif e.kind == "shipped":
                customer = next((self.g.nodes[x.target] for x in self.out_edges[e.target]), None)
                entries.append(((f"shipped {_q(e)} on {target.code} {_d(_f(target, 'shipped_at'))}"
                                f" to {_named(customer) if customer else '?'}"
                                f" (order ref {_f(target, 'order_ref') or '-'})"), None))
        for e in self.in_edges[lot_id]:
            if e.kind == "returned":
                ret = self.g.nodes[e.source]
                entries.append(((f"returned {_q(e)} on {ret.code} {_d(_f(ret, 'received_at'))} from "
                                f"{_f(ret, 'customer')}: {_f(ret, 'reason') or 'no reason given'}"), None))
        self._flush(prefix, entries)

    def _flush(self, prefix: str, entries: list[tuple[str, NodeId | None]]) -> None:
        # "__order__" markers expand an order's output lots under the line before them.
        rows: list[tuple[str, list[NodeId]]] = []
        for text, follow in entries:
            if text == "__order__" and follow is not None:
                outs = [x.target for x in self.out_edges[follow] if x.kind == "produced"]
                rows[-1][1].extend(sorted(outs))
            else:
                rows.append((text, [] if follow is None else [follow]))
        for i, (text, lots) in enumerate(rows):
            child_prefix = self.emit(prefix, i == len(rows) - 1, text)
            for j, lot in enumerate(lots):
                edge = next(x for x in self.in_edges[lot] if x.kind == "produced")
                note = " (shown above)" if lot in self.seen else ""
                grand = self.emit(child_prefix, j == len(lots) - 1,
                                  f"made {_q(edge)}: {_lot(self.g.nodes[lot])}{note}")
                if not note:
                    self.forward_lot(lot, grand)

    # backward: lot <- receipt <- vendor; lot <- order (operations) <- input lots
    def backward_lot(self, lot_id: NodeId, prefix: str) -> None:
        if lot_id in self.seen:
            return
        self.seen.add(lot_id)
        rows: list[tuple[str, list[tuple[str, NodeId | None]]]] = []
        for e in self.in_edges[lot_id]:
            source = self.g.nodes[e.source]
            if e.kind == "received":
                vendor = next((self.g.nodes[x.source] for x in self.in_edges[e.source]), None)
                rows.append(((f"received {_q(e)} on {source.code} {_d(_f(source, 'received_at'))}"
                             f" from {_named(vendor) if vendor else '?'}, {purchase_order(_f(source, 'po'), 'PO -')}, "
                             f"vendor lot {_f(source, 'vendor_lot') or '-'}"), []))
            elif e.kind == "produced":
                subs: list[tuple[str, NodeId | None]] = []
                for x in sorted(self.in_edges[e.source], key=lambda x: (x.kind, x.source)):
                    node = self.g.nodes[x.source]
                    if x.kind == "performed":
                        op = node.facts
                        assert isinstance(op, OperationFacts)
                        subs.append(((f"step {op.step} on {op.machine or '?'} by {op.operator or '?'}"
                                     f", {_d(op.started_at, True)} → {_d(op.finished_at, True)}"), None))
                    elif x.kind == "consumed":
                        subs.append((f"used {_q(x)} of {_lot(node)}", x.source))
                rows.append((f"made {_q(e)} by {_order(source)}", subs))
            elif e.kind == "returned":
                rows.append(((f"returned {_q(e)} on {source.code} from {_f(source, 'customer')}: "
                             f"{_f(source, 'reason') or 'no reason given'}"), []))
        for i, (text, subs) in enumerate(rows):
            child_prefix = self.emit(prefix, i == len(rows) - 1, text)
            for j, (sub, lot) in enumerate(subs):
                note = " (shown above)" if lot and lot in self.seen else ""
                grand = self.emit(child_prefix, j == len(subs) - 1, sub + note)
                if lot and not note:
                    self.backward_lot(lot, grand)

    def render(self, forward: bool) -> list[str]:
        self.forward = forward
        for root in self.g.roots:
            nid = NodeId.lot(root.item, root.lot)
            self.lines.append(_lot(self.g.nodes[nid]))
            self.seen.discard(nid)
            (self.forward_lot if forward else self.backward_lot)(nid, "")
            self.lines.append("")
        return self.lines


def render_tree(g: Genealogy) -> str:
    """The trace as text: downstream then upstream (for ``both``), one lot per line."""
    sections = []
    if g.direction in ("forward", "both"):
        sections.append(("Forward (where it went)", _Printer(g).render(True)))
    if g.direction in ("backward", "both"):
        sections.append(("Backward (where it came from)", _Printer(g).render(False)))
    out: list[str] = []
    for title, lines in sections:
        if len(sections) > 1:
            out += [title, "=" * len(title)]
        out += lines
    counts = {k: len(g.of_kind(k)) for k in ("lot", "order", "vendor", "customer", "shipment")}
    # A forward trace names no vendors and a backward one no customers: leave out what
    # the direction cannot hold rather than print "0 vendors".
    parts = [_n(counts["lot"], "lot"), _n(counts["order"], "order")]
    if g.direction != "forward" or counts["vendor"]:
        parts.append(_n(counts["vendor"], "vendor"))
    if g.direction != "backward" or counts["shipment"]:
        parts.append(f"{_n(counts['shipment'], 'shipment')} to {_n(counts['customer'], 'customer')}")
    out.append(", ".join(parts))
    return "\n".join(out)
