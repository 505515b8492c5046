"""Left-to-right graph layout by Graphviz ``dot``, for the interactive genealogy graph.

Plain Python and a ``dot`` subprocess, no Qt: the desktop view runs it on a worker thread.

Coordinates: Graphviz works in points with y pointing up; a :class:`Layout` is in scene
pixels (1 point = 1 pixel) with y pointing down and the drawing's top-left corner at
(0, 0) before any pinning. ``positions`` are node centres. ``edge_paths`` are cubic
Bézier control points ``[p0, c1, c2, p1, c1, c2, p2, ...]`` from the source's right side
to the target's left side (edges leave a box on the east port and enter on the west, so
material visibly flows left to right and the drag handles sit where edges meet).

Keeping the picture stable ("where the eye expects it"). ``dot`` cannot fix a node's
position, so a re-layout after an expansion could move everything. Two things keep it
calm:

1. Order hints: ``dot`` seeds its crossing minimisation with the input order, so the
   caller passes the nodes already shown first, sorted by their current vertical
   position, and new nodes after them. Nodes already shown then tend to keep their
   relative order within their column.
2. Pinning: the new layout is translated (never scaled or rotated, which would distort
   the picture) so the ``pinned`` nodes land as close as possible to the positions the
   user saw: the least-squares translation, i.e. the mean offset. With one pinned node
   (the node the user expanded) it stays exactly where it was, and the animation grows
   the new neighbours out of it.

Edge labels are drawn by the view at the middle of each path; instead of handing the
labels to ``dot`` (label nodes double the graph and make large layouts several times
slower) the rank separation is widened to fit the longest label.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from workbench.errors import WorkbenchError

POINTS_PER_INCH = 72.0
#: Gaps between columns (ranks) and between boxes in one column, in pixels.
RANK_GAP = 70.0
NODE_GAP = 18.0
#: Average width of a label character in pixels at the edge-label font size.
LABEL_CHAR_WIDTH = 6.0
#: Above this many nodes, cap dot's network-simplex iterations (positioning dominates
#: its run time on big graphs; the capped result is a little less compact, not wrong).
BIG_GRAPH = 1000
DOT_TIMEOUT_S = 300

Point = tuple[float, float]


@dataclass(frozen=True)
class LayoutNode:
    """A box to place: its size in pixels and an optional rank (column) hint.

    Nodes that share a ``rank_hint`` are put in the same column.
    """

    id: str
    width: float
    height: float
    rank_hint: int | None = None


@dataclass
class Layout:
    """Where each node's centre and each edge's path lie, and the drawing's size."""

    positions: dict[str, Point] = field(default_factory=dict)
    edge_paths: dict[tuple[str, str], list[Point]] = field(default_factory=dict)
    width: float = 0.0
    height: float = 0.0
    #: The drawing's top-left corner (dot's bounding box holds every box and edge).
    left: float = 0.0
    top: float = 0.0

    def translated(self, dx: float, dy: float) -> Layout:
        return Layout(
            positions={k: (x + dx, y + dy) for k, (x, y) in self.positions.items()},
            edge_paths={k: [(x + dx, y + dy) for x, y in pts] for k, pts in self.edge_paths.items()},
            width=self.width,
            height=self.height,
            left=self.left + dx,
            top=self.top + dy,
        )


def dot_executable() -> str:
    """The path of Graphviz's ``dot``; a one-sentence error when it is not installed."""
    found = shutil.which("dot", path=os.environ.get("PATH"))
    if found is None:
        raise WorkbenchError("Graphviz's 'dot' program is not installed or not on the PATH; install Graphviz.")
    return found


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_source(nodes: Sequence[LayoutNode], edges: Iterable[tuple[str, str, str | None]],
                names: dict[str, str], loose: set[tuple[str, str]],
                turned: AbstractSet[tuple[str, str]] = frozenset()) -> str:
    edges = list(edges)
    longest = max((len(label) for _, _, label in edges if label), default=0)
    ranksep = max(RANK_GAP, longest * LABEL_CHAR_WIDTH + 30.0) / POINTS_PER_INCH
    big = len(nodes) > BIG_GRAPH
    lines = [
        "digraph layout {",
        (f"graph [rankdir=LR, ranksep={ranksep:.3f}, nodesep={NODE_GAP / POINTS_PER_INCH:.3f}, "
        f"splines=spline, outputorder=edgesfirst{', nslimit=0.2, nslimit1=2, mclimit=0.5' if big else ''}];"),
        'node [shape=box, fixedsize=true, label=""];',
        "edge [arrowhead=none, tailport=e, headport=w];",
    ]
    ranks: dict[int, list[str]] = {}
    for n in nodes:
        lines.append(f"{names[n.id]} [width={n.width / POINTS_PER_INCH:.4f}, height={n.height / POINTS_PER_INCH:.4f}];")
        if n.rank_hint is not None:
            ranks.setdefault(n.rank_hint, []).append(names[n.id])
    for members in ranks.values():
        if len(members) > 1:
            lines.append("{rank=same; " + "; ".join(members) + ";}")
    seen: set[tuple[str, str]] = set()
    for source, target, _ in edges:
        if source == target or (source, target) in seen:
            continue
        seen.add((source, target))
        if (source, target) in turned:  # laid out as flowing the other way (see layout())
            lines.append(f"{names[target]} -> {names[source]};")
            continue
        extra = " [constraint=false]" if (source, target) in loose else ""
        lines.append(f"{names[source]} -> {names[target]}{extra};")
    lines.append("}")
    return "\n".join(lines)


def _parse_plain(text: str, ids: dict[str, str], turned: AbstractSet[tuple[str, str]] = frozenset()) -> Layout:
    """Read ``dot -Tplain`` output (inches, y up) into a Layout (pixels, y down).

    A turned edge was given to dot the other way round: its path is stored under the
    edge's own (source, target) and reversed, so it still runs from source to target."""
    out = Layout()
    height_pt = 0.0
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "graph":
            out.width = float(parts[2]) * POINTS_PER_INCH
            height_pt = float(parts[3]) * POINTS_PER_INCH
            out.height = height_pt
        elif parts[0] == "node":
            x, y = float(parts[2]) * POINTS_PER_INCH, float(parts[3]) * POINTS_PER_INCH
            out.positions[ids[parts[1]]] = (x, height_pt - y)
        elif parts[0] == "edge":
            count = int(parts[3])
            coords = parts[4 : 4 + 2 * count]
            points = [(float(coords[i]) * POINTS_PER_INCH, height_pt - float(coords[i + 1]) * POINTS_PER_INCH)
                      for i in range(0, len(coords), 2)]
            tail, head = ids[parts[1]], ids[parts[2]]
            if (head, tail) in turned:
                out.edge_paths[(head, tail)] = points[::-1]
            else:
                out.edge_paths[(tail, head)] = points
    return out


def pinning_offset(positions: dict[str, Point], pinned: dict[str, Point]) -> Point:
    """The translation that best puts the pinned nodes back where they were (mean offset)."""
    pairs = [(positions[k], p) for k, p in pinned.items() if k in positions]
    if not pairs:
        return 0.0, 0.0
    dx = sum(old[0] - new[0] for new, old in pairs) / len(pairs)
    dy = sum(old[1] - new[1] for new, old in pairs) / len(pairs)
    return dx, dy


def layout(nodes: Sequence[LayoutNode], edges: Iterable[tuple[str, str, str | None]],
           pinned: dict[str, Point] | None = None,
           back_edges: Iterable[tuple[str, str]] = (),
           turned_edges: Iterable[tuple[str, str]] = ()) -> Layout:
    """Lay the graph out left to right; see the module docstring for the conventions.

    ``edges`` are ``(source, target, label)``; the label only widens the column gap.
    ``pinned``: node id -> position the user saw; the result is translated to keep them.
    ``back_edges``: edges drawn but not used to choose columns (a return flowing back
    into the lot it was shipped from would otherwise drag the picture into a loop).
    ``turned_edges``: edges laid out as if they flowed the other way, so a cycle
    (lot -> shipment -> customer -> return -> the same lot) is drawn as short local
    edges beside the lot instead of one loop around the whole graph; their paths still
    run from source to target (from the return's left side back into the lot's right).
    Edges to unknown nodes and self-loops are ignored. Raises ``WorkbenchError`` when
    ``dot`` is missing or fails.
    """
    if not nodes:
        return Layout()
    known = {n.id for n in nodes}
    if len(known) != len(nodes):
        raise WorkbenchError("A layout was asked for with the same node twice.")
    names = {n.id: f"n{i}" for i, n in enumerate(nodes)}
    ids = {name: node_id for node_id, name in names.items()}
    usable = [(s, t, label) for s, t, label in edges if s in known and t in known]
    turned = {(s, t) for s, t in turned_edges if s in known and t in known}
    source = _dot_source(nodes, usable, names, set(back_edges), turned)
    try:
        run = subprocess.run([dot_executable(), "-Tplain"], input=source, capture_output=True, text=True,
                             timeout=DOT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise WorkbenchError(f"Graphviz took longer than {DOT_TIMEOUT_S} seconds to lay out {len(nodes)} boxes.") from exc
    except OSError as exc:
        raise WorkbenchError(f"Graphviz's 'dot' could not be run: {exc}.") from exc
    if run.returncode != 0:
        first = (run.stderr.strip().splitlines() or ["no message"])[0]
        raise WorkbenchError(f"Graphviz failed to lay out the graph: {first}")
    result = _parse_plain(run.stdout, ids, turned)
    if pinned:
        dx, dy = pinning_offset(result.positions, pinned)
        if not (math.isclose(dx, 0.0) and math.isclose(dy, 0.0)):
            result = result.translated(dx, dy)
    return result
