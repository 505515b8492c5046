"""Genealogy figures for reports, drawn by Graphviz ``dot`` (left to right, as material flows)."""

from __future__ import annotations

import shutil
from collections import Counter

import graphviz

from workbench.errors import WorkbenchError
from workbench.facts import Genealogy, Node, NodeId
from workbench.format import file_text, number

#: Fill colours per node kind, shared with the desktop graph's legend.
KIND_STYLE = {
    "lot": ("box", "#dbe9f6", "#2b6cb0"),
    "vendor": ("house", "#fde2c8", "#c05621"),
    "receipt": ("note", "#fff4d6", "#b7791f"),
    "order": ("cds", "#e2f0d9", "#2f855a"),
    "operation": ("box", "#edf7ed", "#38a169"),
    "machine": ("component", "#e9e3f5", "#6b46c1"),
    "operator": ("ellipse", "#f3e8ff", "#805ad5"),
    "shipment": ("rarrow", "#fde8e8", "#c53030"),
    "customer": ("invhouse", "#fed7d7", "#9b2c2c"),
    "return": ("octagon", "#fefcbf", "#975a16"),
    "site": ("tab", "#e6fffa", "#2c7a7b"),
    "container": ("box3d", "#f7fafc", "#4a5568"),
}


def _label(node: Node) -> str:
    return file_text(_plain_label(node)).replace("\\", "\\\\")  # Graphviz reads backslash escapes


def _plain_label(node: Node) -> str:
    if node.kind == "lot":
        d = node.lot
        return f"{d.item}\n{d.lot}\n{number(d.quantity)} {d.unit or ''}".strip()
    if node.name and node.name != node.code:
        return f"{node.code}\n{node.name}"
    return node.code


def genealogy_figure(g: Genealogy, fmt: str = "png", title: str | None = None,
                     hide_kinds: tuple[str, ...] = ("operation", "machine", "operator"),
                     max_nodes: int = 150, dpi: int = 150) -> bytes:
    """The genealogy as an image (``png``, ``svg`` or ``pdf``).

    Large traces are summarised so the figure stays legible: beyond ``max_nodes``, the
    lots of each item at each depth collapse into one box ("37 lots of BAR-OAT").
    """
    if shutil.which("dot") is None:
        raise WorkbenchError("Graphviz's 'dot' is not installed; install the graphviz package.")
    shown = {nid: n for nid, n in g.nodes.items() if n.kind not in hide_kinds}
    group_of: dict[str, str] = {}
    if len(shown) > max_nodes:
        counts = Counter((n.lot.item, n.lot.depth) for n in shown.values() if n.kind == "lot")
        for nid, n in list(shown.items()):
            if n.kind == "lot" and n.lot.depth != 0 and counts[(n.lot.item, n.lot.depth)] > 1:
                key = f"group:{n.lot.item}@{n.lot.depth}"
                group_of[nid] = key
        for kind in ("shipment", "order", "return"):
            if sum(1 for n in shown.values() if n.kind == kind) > max_nodes // 4:
                for nid, n in shown.items():
                    if n.kind == kind:
                        group_of[nid] = f"group:{kind}"
    dot = graphviz.Digraph("genealogy", format=fmt)
    dot.attr(rankdir="LR", fontname="Helvetica", fontsize="10", nodesep="0.15", ranksep="0.45",
             dpi=str(dpi) if fmt == "png" else "72")
    if title:
        dot.attr(label=file_text(title).replace("\\", "\\\\"), labelloc="t", fontsize="14")
    dot.attr("node", fontname="Helvetica", fontsize="9", style="filled", penwidth="1.2")
    dot.attr("edge", fontname="Helvetica", fontsize="8", color="#718096", arrowsize="0.6")
    root_ids = {NodeId.lot(r.item, r.lot) for r in g.roots}
    groups: dict[str, list[Node]] = {}
    # Graphviz reads "a:b" in an edge as node a, port b: give every box a plain name.
    names: dict[str, str] = {}

    def name(key: str) -> str:
        return names.setdefault(key, f"n{len(names)}")

    for nid, n in shown.items():
        if nid in group_of:
            groups.setdefault(group_of[nid], []).append(n)
            continue
        shape, fill, line = KIND_STYLE.get(n.kind, ("box", "#ffffff", "#333333"))
        extra = {"penwidth": "3", "color": "#e53e3e"} if nid in root_ids else {"color": line}
        dot.node(name(nid), _label(n), shape=shape, fillcolor=fill, **extra)
    for key, members in groups.items():
        kind = members[0].kind
        shape, fill, line = KIND_STYLE.get(kind, ("box", "#ffffff", "#333333"))
        what = members[0].lot.item if kind == "lot" else kind
        dot.node(name(key), f"{len(members)} {kind}s\n{what}" if kind == "lot" else f"{len(members)} {kind}s",
                 shape="box3d", fillcolor=fill, color=line)
    drawn: set[tuple[str, str]] = set()
    for e in g.edges:
        if e.source not in shown or e.target not in shown:
            continue
        s, t = group_of.get(e.source, e.source), group_of.get(e.target, e.target)
        if s == t or (s, t) in drawn:
            continue
        grouped = s != e.source or t != e.target
        drawn.add((s, t))
        label = "" if grouped or e.quantity is None else f"{number(e.quantity)} {e.unit or ''}".strip()
        dot.edge(name(s), name(t), label=label)
    try:
        png: bytes = dot.pipe()
        return png
    except graphviz.backend.ExecutableNotFound as exc:  # pragma: no cover - checked above
        raise WorkbenchError("Graphviz's 'dot' could not be run.") from exc
