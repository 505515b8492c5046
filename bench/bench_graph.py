"""Genealogy frame benchmark: a 5,000-box genealogy panned and zoomed, frame by frame.

    .venv/bin/python bench/bench_graph.py [--boxes 5000] [--platforms offscreen,xcb]
        [--baseline REV] [--rounds 2] [--frames 40]

A synthetic downstream genealogy (a material lot consumed by a few hundred orders, their
intermediate and finished lots, shipments and a few hundred customers shared between
them, quantities on every edge) is laid out once by Graphviz (cached in bench/results)
and shown in the app's own ``GenealogyView`` in a 1600x1000 window. For each zoom band:

- ``fit``      the whole graph (Fit, Ctrl+0),
- ``overview`` boxes as coloured marks with the level bands,
- ``mid``      marks, closer,
- ``readable`` boxes with their codes in the big font,
- ``close``    boxes with every line of text and the edge quantities,

it times pan frames (the view scrolled as a drag does) and zoom frames (one wheel notch in,
one out, around the middle of the window), once the band's detail has settled; and a
sweep from Fit to close and back in wheel notches, where frames cross the thresholds
between bands and carry the work of switching the items off screen from the event loop. A frame is
the change plus a synchronous repaint of the viewport plus the events it posted, i.e.
what stands between the user's input and the picture; under ``xcb`` (a real X server:
Xvfb, started here when no DISPLAY is set) it includes putting the picture on the screen.

The same measurement runs on the working tree and on ``--baseline`` (a git revision,
default: the commit before the frame work), each in its own process, alternating in
``--rounds`` so both see the same machine load; the tables show them side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("WORKBENCH_BENCH_CACHE", ROOT / "bench" / "results"))
#: The commit before the frame work (issue 16's "5-60 ms per frame").
BASELINE = "f10ceb6"
WINDOW = (1600, 1000)
#: The zoom of each band (fit is Fit's own): see the module docstring.
BANDS = {"fit": None, "overview": 0.22, "mid": 0.45, "readable": 0.72, "close": 1.25}
NOTCH = 1.0015 ** 120  # one wheel notch, as GraphCanvas.wheelEvent zooms


# --- the genealogy -------------------------------------------------------------------

def genealogy(boxes: int):
    """A downstream genealogy of about ``boxes`` boxes, as ``GraphState`` (Qt-free)."""
    from workbench.facts import Edge, LotFacts, Node, NodeId, OrderFacts, PartyBox, PartyFacts, ShipmentFacts
    from workbench.trace.explore import GraphState

    state = GraphState(threshold=10**6, fold_by_item=False, summarise_shipments=False, hidden_kinds=frozenset())
    day = datetime(2026, 5, 12, 8)
    lot_ids = iter(range(1, 10**7))

    def lot(item: str, code: str, qty: int, depth: int) -> NodeId:
        nid = NodeId.lot(item, code)
        facts = LotFacts(lot_id=next(lot_ids), item=item, lot=code, item_name=f"{item.title()} product",
                         item_kind="material" if depth == 0 else "product", quantity=Decimal(qty), unit="kg",
                         created_at=day, expires_at=None, origin="receipt" if depth == 0 else "production",
                         vendor_lot=None, depth=depth)
        state.nodes[nid] = Node(nid, "lot", code, f"{item.title()} product", facts)
        return nid

    def edge(a: NodeId, b: NodeId, kind: str, qty: int) -> None:
        state.edges[(a, b, kind)] = Edge(a, b, kind, Decimal(qty), "kg")

    root = lot("RM-SALT", "R26001-01", 90000, 0)
    state.roots = [root]
    per_branch = 1 + 2 + 2 + 4 + 8  # order, 2 lots, 2 orders, 4 lots, 8 shipments
    customers_n = max(10, boxes // 17)
    branches = max(1, (boxes - customers_n - 1) // per_branch)
    customers: list[NodeId] = []
    for c in range(customers_n):
        nid = NodeId.of("customer", f"C-{c:04d}")
        state.nodes[nid] = Node(nid, "customer", f"C-{c:04d}", f"Customer {c:04d} Stores",
                                PartyBox(PartyFacts(f"C-{c:04d}", f"Customer {c:04d} Stores")))
        customers.append(nid)
    ship = 0
    for b in range(branches):
        order = NodeId.of("order", f"MO-{b:04d}")
        state.nodes[order] = Node(order, "order", f"MO-{b:04d}", None, OrderFacts("MIX", day, day))
        edge(root, order, "consumed", 12)
        for i in range(2):
            mid = lot("MIX", f"{b:04d}M{i}", 400, 1)
            edge(order, mid, "produced", 400)
            order2 = NodeId.of("order", f"MO-{b:04d}-{i}")
            state.nodes[order2] = Node(order2, "order", f"MO-{b:04d}-{i}", None, OrderFacts("BAR", day, day))
            edge(mid, order2, "consumed", 400)
            for j in range(2):
                fin = lot("FG-BAR", f"{b:04d}B{i}{j}", 380, 2)
                edge(order2, fin, "produced", 190)
                for _ in range(2):
                    sid = NodeId.of("shipment", f"SH-{ship:05d}")
                    customer = customers[(ship * 7 + b) % customers_n]
                    state.nodes[sid] = Node(sid, "shipment", f"SH-{ship:05d}", None,
                                            ShipmentFacts(day, f"SO-{ship:05d}", customer.split(":", 1)[1]))
                    edge(fin, sid, "shipped", 95)
                    edge(sid, customer, "delivered", 95)
                    ship += 1
    return state


def snapshot(boxes: int, log=print):
    """The genealogy laid out by dot (cached: dot takes a while on thousands of boxes)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"graph-{boxes}.pickle"
    if path.exists():
        with path.open("rb") as f:
            return pickle.load(f)
    from workbench.trace.jobs import arrange

    log(f"  laying out {boxes:,} boxes with dot…")
    t = time.perf_counter()
    snap = arrange(genealogy(boxes), {}, {})
    log(f"  laid out in {time.perf_counter() - t:.1f} s")
    with path.open("wb") as f:
        pickle.dump(snap, f)
    return snap


def paint_counter(widget):
    """Counts the paint events ``widget`` receives (an event filter)."""
    from PySide6.QtCore import QEvent, QObject

    class Counter(QObject):
        count = 0

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    counter = Counter(widget)
    widget.installEventFilter(counter)
    return counter


# --- one measurement (in a child process, on one tree and one platform) -----------------

def measure(boxes: int, frames: int) -> dict:
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    from workbench.ui.graph.view import GenealogyView
    from workbench.ui.ops import wait_idle

    app = QApplication.instance() or QApplication([])
    snap = snapshot(boxes)
    view = GenealogyView(None)
    view.resize(*WINDOW)
    view.show()
    view._apply(snap, fit=True)
    for _ in range(200):
        app.processEvents()
        if wait_idle(100) and view.is_idle():
            break
    canvas = view.canvas
    port = canvas.viewport()
    painted = paint_counter(port)

    def frame(change) -> tuple[float, float]:
        """The change, then the events it posted until the viewport has painted: wall
        clock and the UI thread's CPU time, in ms."""
        t, cpu = time.perf_counter(), time.thread_time()
        before = painted.count
        change()
        for _ in range(20):
            app.processEvents()
            if painted.count > before:
                break
        else:
            port.repaint()  # nothing to draw came of it (the picture did not change)
        app.processEvents()
        return (time.perf_counter() - t) * 1000, (time.thread_time() - cpu) * 1000

    def go_to(zoom: float | None) -> None:
        view.fit_to_window()
        if zoom is not None:
            canvas.zoom_by(zoom / canvas.zoom())
            centre = view.scene.itemsBoundingRect_of_graph().center()
            canvas.centerOn(centre)
        for _ in range(500):  # the items off screen switch to the new zoom's detail (see set_zoom)
            if not getattr(view.scene, "settling", lambda: False)():
                break
            app.processEvents()
        frame(lambda: None)
        frame(lambda: None)  # caches warm, as on a second look

    def pan(step: int):
        h, v = canvas.horizontalScrollBar(), canvas.verticalScrollBar()
        sign = 1 if (step // 10) % 2 == 0 else -1  # back and forth, staying near the middle

        def move() -> None:
            h.setValue(h.value() + sign * 37)
            v.setValue(v.value() + sign * 11)
        return move

    def zoom(step: int):
        factor = NOTCH if step % 2 == 0 else 1 / NOTCH
        return lambda: canvas.zoom_by(factor)

    out: dict = {"boxes": len(view.scene.nodes), "edges": len(view.scene.edges), "bands": {}}
    for band, z in BANDS.items():
        go_to(z)
        zoom_at = canvas.zoom()
        pans = [frame(pan(i)) for i in range(frames)]
        go_to(z)
        zooms = [frame(zoom(i)) for i in range(frames)]
        out["bands"][band] = {"zoom": zoom_at, "pan": pans, "zoom_steps": zooms}
    # From Fit to close and back, a wheel notch a frame, through every band.
    go_to(None)
    sweep = []
    close = BANDS["close"] or 1.0
    while canvas.zoom() < close:
        sweep.append(frame(lambda: canvas.zoom_by(NOTCH)))
    while canvas.zoom() > out["bands"]["fit"]["zoom"] * 1.01:
        sweep.append(frame(lambda: canvas.zoom_by(1 / NOTCH)))
    out["sweep"] = sweep
    canvas.centerOn(QPointF(0, 0))
    view.close()
    return out


# --- the side-by-side run ---------------------------------------------------------------

def _tree_of(rev: str) -> Path:
    """The workbench package of ``rev``, unpacked into a scratch folder (for the baseline)."""
    where = Path(tempfile.mkdtemp(prefix="bench-graph-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "workbench"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
    return where


def _child(tree: Path, platform: str, boxes: int, frames: int, display: str | None) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM=platform, PYTHONPATH=str(tree))
    if display:
        env["DISPLAY"] = display
    run = subprocess.run([sys.executable, __file__, "--child", "--boxes", str(boxes), "--frames", str(frames)],
                         env=env, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise SystemExit(f"the measurement on {platform} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def _start_xvfb() -> tuple[subprocess.Popen, str]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("Xvfb is not installed: apt-get install xvfb, or run with --platforms offscreen.")
    for n in range(99, 140):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            proc = subprocess.Popen([xvfb, f":{n}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(100):
                if Path(f"/tmp/.X11-unix/X{n}").exists():
                    return proc, f":{n}"
                time.sleep(0.05)
            proc.terminate()
    raise SystemExit("Xvfb did not start on any display from :99 to :139.")


def _stats(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def _fmt(frames: list[list[float]]) -> str:
    med, p95, top = _stats([wall for wall, _ in frames])
    cpu = statistics.median(cpu for _, cpu in frames)
    return f"{med:5.1f} / {p95:5.1f} / {top:5.1f} [{cpu:4.1f}]"


def report(platform: str, runs: dict[str, list[dict]]) -> str:
    from bench.common import table

    names = list(runs)
    first = runs[names[0]][0]
    lines = [(f"\n{platform}: {first['boxes']:,} boxes, {first['edges']:,} edges, window {WINDOW[0]}x{WINDOW[1]}; "
              "ms per frame (wall clock), median / p95 / max over every round; in brackets the median "
              "CPU time of the UI thread (what the frame costs without waiting for a busy machine)")]
    rows = []
    for band in BANDS:
        for kind, key in (("pan", "pan"), ("zoom", "zoom_steps")):
            row: list[object] = [band, f"{first['bands'][band]['zoom']:.3f}", kind]
            for name in names:
                row.append(_fmt([t for r in runs[name] for t in r["bands"][band][key]]))
            rows.append(row)
    sweep: list[object] = ["fit → close → fit", "", "zoom"]
    sweep += [_fmt([t for r in runs[name] for t in r["sweep"]]) for name in names]
    rows.append(sweep)
    lines.append(table(["band", "zoom", "frames", *names], rows))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--boxes", type=int, default=5000)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--platforms", default="offscreen,xcb")
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with ('' for none)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.boxes, args.frames)))
        return
    sys.path.insert(0, str(ROOT))
    snapshot(args.boxes)  # laid out once, before any timing
    trees = {"now": ROOT}
    if args.baseline:
        trees = {f"baseline {args.baseline}": _tree_of(args.baseline), "now": ROOT}
    xvfb = None
    try:
        for platform in args.platforms.split(","):
            display = os.environ.get("DISPLAY")
            if platform == "xcb" and not display:
                if xvfb is None:
                    xvfb = _start_xvfb()
                display = xvfb[1]
            runs: dict[str, list[dict]] = {name: [] for name in trees}
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    runs[name].append(_child(tree, platform, args.boxes, args.frames, display))
            print(report(platform, runs), flush=True)
    finally:
        if xvfb is not None:
            xvfb[0].terminate()
            xvfb[0].wait(10)
        for name, tree in trees.items():
            if name != "now":
                shutil.rmtree(tree, ignore_errors=True)
    load = os.getloadavg()
    print(f"\nmachine load (1/5/15 min): {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
