"""Progress and cancellation for long work, without Qt.

Core functions accept ``progress: Progress | None`` and call ``progress(fraction,
message)`` now and then; that call raises ``Cancelled`` once the user has cancelled, so
work stops at the next step and the caller's transaction rolls back. The UI polls the
same object from a timer (Anki and napari do it this way).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from workbench.errors import WorkbenchError


class Cancelled(WorkbenchError):
    """The user cancelled the operation; nothing was written."""

    def __init__(self, message: str = "Cancelled; nothing was written."):
        super().__init__(message)


class Progress:
    """Thread-safe progress of one operation: a fraction in [0, 1] and a message."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self.fraction = 0.0
        self.message = ""

    def __call__(self, fraction: float, message: str | None = None) -> None:
        with self._lock:
            self.fraction = max(0.0, min(1.0, float(fraction)))
            if message is not None:
                self.message = message
        self.check()

    def snapshot(self) -> tuple[float, str]:
        with self._lock:
            return self.fraction, self.message

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()


#: What ``report`` calls: a ``Progress``, or any callable taking a fraction and a message
#: (some take the message as ``str``, others as ``str | None``).
ProgressFn = Callable[..., None]


def report(progress: ProgressFn | None, fraction: float, message: str | None = None) -> None:
    """Call ``progress`` when there is one (a ``Progress`` or any callable)."""
    if progress is not None:
        progress(fraction, message)
