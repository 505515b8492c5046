"""The one background-operation helper every view uses.

Database work and layout never run on the UI thread. A view hands a plain function to
``run_op``; it runs on a worker thread from ``QThreadPool`` with its own ``Progress``
and (through ``plant_op``) its own session, and its result or error comes back on the UI
thread through a queued signal. A progress dialog with Cancel appears only when the work
takes longer than ``DIALOG_DELAY_MS`` (so quick work never flashes a dialog). Anki's
``QueryOp`` is the model.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from workbench.errors import WorkbenchError
from workbench.progress import Cancelled, Progress

DIALOG_DELAY_MS = 600
POLL_MS = 100

_active: set[Op] = set()


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(str, bool)  # message, cancelled


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], progress: Progress, signals: _Signals):
        super().__init__()
        self.setAutoDelete(True)
        self.fn = fn
        self.progress = progress
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except Cancelled as exc:
            self.signals.failed.emit(str(exc), True)
        except WorkbenchError as exc:
            self.signals.failed.emit(str(exc), False)
        except Exception as exc:  # noqa: BLE001 - reported to the user, logged for us
            traceback.print_exc()
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}", False)
        else:
            self.signals.succeeded.emit(result)


class Op(QObject):
    """One running background operation. Keep a reference to cancel it."""

    done = Signal()

    def __init__(self, parent: QWidget | None, label: str | None):
        super().__init__(parent)
        self.progress = Progress()
        self.label = label
        self.parent_widget = parent
        self.dialog: QProgressDialog | None = None
        self.elapsed = QElapsedTimer()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self.finished = False

    def cancel(self) -> None:
        self.progress.cancel()

    def _poll(self) -> None:
        if self.finished or self.label is None:
            return
        if self.dialog is None and self.elapsed.elapsed() >= DIALOG_DELAY_MS:
            self.dialog = QProgressDialog(self.label, "Cancel", 0, 1000, self.parent_widget)
            self.dialog.setWindowTitle("Working…")
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(0)
            self.dialog.canceled.connect(self.cancel)
            self.dialog.show()
        dialog = self.dialog
        if dialog is not None:
            fraction, message = self.progress.snapshot()
            if message:
                dialog.setLabelText(f"{self.label}\n{message}")
            # setValue on a modal dialog processes events: the op may finish inside it.
            dialog.setValue(int(fraction * 1000))

    def _finish(self) -> None:
        self.finished = True
        self.timer.stop()
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        _active.discard(self)
        self.done.emit()



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
    """
    op = Op(parent, label)
    signals = _Signals()
    signals.setParent(op)

    def succeeded(result: Any) -> None:
        op._finish()
        if on_success is not None:
            on_success(result)

    def failed(message: str, cancelled: bool) -> None:
        op._finish()
        if on_failure is not None:
            on_failure(message, cancelled)
        elif not cancelled and parent is not None:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(parent, "Workbench", message)

    signals.succeeded.connect(succeeded, Qt.ConnectionType.QueuedConnection)
    signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    _active.add(op)
    op.elapsed.start()
    op.timer.start()
    QThreadPool.globalInstance().start(_Runnable(fn, op.progress, signals))
    return op


def plant_op(plant, fn: Callable[..., Any]) -> Callable[[Progress], Any]:
    """Wrap ``fn(session, progress)`` so it runs with its own session on the worker thread."""

    def run(progress: Progress) -> Any:
        with plant.Session() as session:
            return fn(session, progress)

    return run


def active_ops() -> int:
    """How many operations are still running (the screenshot mode and tests wait on it)."""
    return len(_active)


def wait_idle(timeout_ms: int = 30000) -> bool:
    """Process events until no operation runs; False on time-out."""
    timer = QElapsedTimer()
    timer.start()
    while _active or QThreadPool.globalInstance().activeThreadCount():
        QCoreApplication.processEvents()
        QThreadPool.globalInstance().waitForDone(10)
        if timer.elapsed() > timeout_ms:
            return False
    QCoreApplication.processEvents()
    return True
