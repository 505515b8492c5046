"""Background operations: an operation always leaves the running set, even when the view
that started it is deleted first, and ``wait_idle`` gives up on time when one does not.

The hang these guard against: an operation was a Qt child of its view; when the view was
deleted while the work ran (the graph rebuilt by a plant switch, a tab closed), the
operation and its signals died with it, the worker's result had nowhere to go, and the
operation stayed in the running set forever: every later ``wait_idle`` then waited out its
whole time-out (20 s per UI test, 2 minutes per step of the screenshot mode).
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool
from PySide6.QtWidgets import QWidget

from workbench.progress import Cancelled
from workbench.ui import ops
from workbench.ui.ops import active_ops, run_op, wait_idle

GATE_S = 30  # a gate always opens by itself: a broken test fails, it never hangs


class Gate:
    """Work that runs until the test opens the gate (or GATE_S passes)."""

    def __init__(self):
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.cancelled_inside = False

    def work(self, progress):
        self.entered.set()
        self.opened.wait(GATE_S)
        if progress.cancelled:
            self.cancelled_inside = True
            raise Cancelled("cancelled")
        return 42

    def open(self):
        self.opened.set()


@pytest.fixture
def gate():
    g = Gate()
    yield g
    g.open()  # never leave a worker waiting, whatever the test did


def delete_now(widget: QWidget) -> None:
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_an_operation_finishes_when_its_view_is_deleted_while_it_runs(qtbot, gate):
    view = QWidget()
    results, failures = [], []
    op = run_op(view, gate.work, results.append, lambda m, c: failures.append((m, c)))
    assert gate.entered.wait(GATE_S)
    delete_now(view)
    assert active_ops() == 1
    qtbot.waitUntil(lambda: op.progress.cancelled, timeout=10000)  # nobody wants its answer
    gate.open()
    assert wait_idle(10000), "the operation of a deleted view never left the running set"
    assert active_ops() == 0 and QThreadPool.globalInstance().activeThreadCount() == 0
    assert op.finished and gate.cancelled_inside
    assert results == [] and failures == []  # callbacks of a deleted view are not called


def test_an_operation_whose_progress_dialog_went_with_its_view_still_finishes(qtbot, gate, monkeypatch):
    monkeypatch.setattr(ops, "DIALOG_DELAY_MS", 0)
    view = QWidget()
    view.show()
    op = run_op(view, gate.work, label="Working on it…")
    assert gate.entered.wait(GATE_S)
    qtbot.waitUntil(lambda: op.dialog is not None, timeout=10000)
    delete_now(view)  # takes the dialog (its child) with it
    gate.open()
    assert wait_idle(10000)
    assert active_ops() == 0 and op.finished and op.dialog is None


def test_a_finished_operation_reports_back_once_and_is_deleted_later(qtbot):
    view = QWidget()
    results = []
    done = []
    op = run_op(view, lambda _p: "answer", results.append)
    op.done.connect(lambda: done.append(True))
    assert wait_idle(10000)
    assert results == ["answer"] and done == [True] and active_ops() == 0
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    import shiboken6

    assert not shiboken6.isValid(op)  # no operation objects pile up over a long session
    assert op.finished  # what the caller kept still reads
    view.deleteLater()


def test_failures_reach_the_failure_callback(qtbot):
    def broken(_progress):
        raise ValueError("no such thing")

    failures = []
    run_op(None, broken, on_failure=lambda m, c: failures.append((m, c)))
    assert wait_idle(10000)
    assert failures == [("Something went wrong inside the workbench (ValueError: no such thing).", False)]


def test_wait_idle_gives_up_on_time_when_work_does_not_finish(qtbot, gate):
    run_op(None, gate.work)
    assert gate.entered.wait(GATE_S)
    assert wait_idle(50) is False  # returns (no timing assert: the per-test time-out guards)
    assert active_ops() == 1
    gate.open()
    assert wait_idle(10000) and active_ops() == 0


def test_wait_idle_re_entered_from_a_callback_ends(qtbot, gate):
    """A callback that waits (as MainWindow.closeEvent does) inside an outer wait."""
    inner = []
    run_op(None, lambda _p: None, lambda _r: inner.append(wait_idle(50)))
    run_op(None, gate.work)
    assert gate.entered.wait(GATE_S)
    assert wait_idle(100) is False
    assert inner == [False]
    gate.open()
    assert wait_idle(10000)


def test_switching_plants_while_the_graph_is_tracing_leaves_no_work_behind(
        qtbot, make_main_window, small_plant, db_factory, monkeypatch, gate):
    """The reported hang: the old plant's graph view is deleted while its trace runs."""
    import workbench.ui.graph.view as graph_view
    from workbench.plant import open_plant

    real_open_lot = graph_view.open_lot

    def slow_open_lot(session, lot, base, progress):
        gate.work(progress)
        return real_open_lot(session, lot, base, progress)

    monkeypatch.setattr(graph_view, "open_lot", slow_open_lot)
    other = open_plant(db_factory.empty_url())
    other.dispose()
    window = make_main_window(small_plant.plant)
    old_graph = window.genealogy
    window.open_lot(small_plant.lots["BAR/B-001"])
    assert gate.entered.wait(GATE_S)
    with qtbot.waitSignal(window.plantChanged, timeout=20000):
        window.open_database(other.url)
    assert window.genealogy is not old_graph
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the old graph view goes
    gate.open()
    assert wait_idle(20000), "the old graph's trace never left the running set"
    assert active_ops() == 0
    window.plant.dispose()
