"""The one background-operation helper every view uses.

Database work and layout never run on the UI thread. A view hands a plain function to
``run_op``; it runs on a worker thread from ``QThreadPool`` with its own ``Progress``
and (through ``plant_op``) its own session, and its result or error comes back on the UI
thread through a queued signal. A progress dialog with Cancel appears only when the work
takes longer than ``DIALOG_DELAY_MS`` (so quick work never flashes a dialog). Anki's
``QueryOp`` is the model.

An operation is not a Qt child of the view that started it: a view may be deleted while
its work runs (a tab closed, the graph rebuilt for another plant), and an operation that
died with it would never report back, stay counted as running forever and make every
``wait_idle`` wait out its whole time-out. Instead the operation belongs to one long-lived
holder object, is cancelled soon after its view goes, still finishes (leaving the running set),
drops the callbacks that would touch the deleted view, and is deleted (later, never
inside its own slot) once finished.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from workbench.errors import WorkbenchError
from workbench.logs import logger
from workbench.progress import Cancelled, Progress

if TYPE_CHECKING:
    from workbench.plant import Plant

DIALOG_DELAY_MS = 600
POLL_MS = 100

_active: set[Op] = set()


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(str, bool, str)  # message, cancelled, details for the log and the dialog


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], progress: Progress, signals: _Signals):
        super().__init__()
        self.setAutoDelete(True)
        self.fn = fn
        self.progress = progress
        self.signals = signals  # keeps the (parentless) signals object alive until run() returns

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except Cancelled as exc:
            self.signals.failed.emit(str(exc), True, "")
        except WorkbenchError as exc:
            self.signals.failed.emit(str(exc), False, "")
        except Exception as exc:  # noqa: BLE001 - reported to the user, logged for us
            details = traceback.format_exc()
            logger("ops").error("operation failed\n%s", details)
            message = f"Something went wrong inside the workbench ({type(exc).__name__}: {exc})."
            self.signals.failed.emit(message, False, details)
        else:
            self.signals.succeeded.emit(result)


_holder: QObject | None = None


def _alive(obj: QObject | None) -> bool:
    return obj is not None and shiboken6.isValid(obj)


def _owner() -> QObject:
    """The parent of every operation: owned by Qt, an operation is never deleted by Python
    dropping its last reference (which could happen inside its own queued slot)."""
    global _holder
    if _holder is None or not shiboken6.isValid(_holder):
        _holder = QObject()
    return _holder


class Op(QObject):
    """One running background operation. Keep a reference to cancel it."""

    done = Signal()

    def __init__(self, parent: QWidget | None, label: str | None):
        super().__init__(_owner())  # not the view: see the module's docstring
        self.progress = Progress()
        self.label = label
        self.parent_widget = parent
        self.dialog: QProgressDialog | None = None
        self.started = time.monotonic()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self.finished = False
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[str, bool], None] | None = None
        self._signals = _Signals(self)
        self._signals.succeeded.connect(self._succeeded, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        self.progress.cancel()

    @property
    def orphaned(self) -> bool:
        """Whether the view that started the operation has been deleted."""
        return self.parent_widget is not None and not _alive(self.parent_widget)

    def _poll(self) -> None:
        if self.finished:
            return
        if self.orphaned:
            # The view went: stop the work early (its result will be dropped). Polled rather
            # than connected to the view's ``destroyed``: a slot of an operation that was
            # deleted first crashes PySide when that signal comes.
            self.cancel()
            self.dialog = None  # a child of the view, deleted with it
            return
        if self.label is None:
            return
        if self.dialog is None and (time.monotonic() - self.started) * 1000 >= DIALOG_DELAY_MS:
            self.dialog = QProgressDialog(self.label, "Cancel", 0, 1000, self.parent_widget)
            self.dialog.setWindowTitle("Working…")
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(0)
            self.dialog.canceled.connect(self.cancel)
            self.dialog.show()
        dialog = self.dialog
        if dialog is not None and _alive(dialog):
            fraction, message = self.progress.snapshot()
            if message:
                dialog.setLabelText(f"{self.label}\n{message}")
            # setValue on a modal dialog processes events: the op may finish inside it.
            dialog.setValue(int(fraction * 1000))

    def _finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        _active.discard(self)  # first: nothing below may keep a finished operation counted
        self.timer.stop()
        dialog, self.dialog = self.dialog, None
        if dialog is not None and _alive(dialog):
            dialog.canceled.disconnect(self.cancel)
            dialog.close()
            dialog.deleteLater()
        self.done.emit()
        self.deleteLater()

    def _succeeded(self, result: Any) -> None:
        self._finish()
        if self._on_success is not None and not self.orphaned:
            self._on_success(result)

    def _failed(self, message: str, cancelled: bool, details: str = "") -> None:
        self._finish()
        if self.orphaned:
            return
        if self._on_failure is not None:
            self._on_failure(message, cancelled)
        elif not cancelled and self.parent_widget is not None:
            from workbench.ui.problem import show_problem

            show_problem(self.parent_widget, "Workbench", message, details or None)


def run_op(
    parent: QWidget | None,
    fn: Callable[[Progress], Any],
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[str, bool], None] | None = None,
    label: str | None = None,
) -> Op:
    """Run ``fn(progress)`` on a worker thread; call back on the UI thread.

    ``label``: show a progress dialog with Cancel if the work outlasts DIALOG_DELAY_MS.
    ``on_failure(message, cancelled)``: default shows a warning (nothing for a cancel).
    If ``parent`` is deleted first, the work is cancelled and neither callback is called.
    """
    op = Op(parent, label)
    op._on_success, op._on_failure = on_success, on_failure
    _active.add(op)
    op.timer.start()
    QThreadPool.globalInstance().start(_Runnable(fn, op.progress, op._signals))
    return op


def plant_op(plant: Plant, fn: Callable[..., Any]) -> Callable[[Progress], Any]:
    """Wrap ``fn(session, progress)`` so it runs with its own session on the worker thread."""

    def run(progress: Progress) -> Any:
        with plant.Session() as session:
            return fn(session, progress)

    return run


def active_ops() -> int:
    """How many operations are still running (the screenshot mode and tests wait on it)."""
    return len(_active)


def wait_idle(timeout_ms: int = 30000) -> bool:
    """Process events until no operation runs; False on time-out.

    The deadline is on ``time.monotonic()`` and checked after every round of events, so
    the wait ends on time however often it is re-entered from a slot it runs.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    pool = QThreadPool.globalInstance()
    while _active or pool.activeThreadCount():
        QCoreApplication.processEvents()
        pool.waitForDone(10)
        if time.monotonic() >= deadline:
            return False
    QCoreApplication.processEvents()
    return True
