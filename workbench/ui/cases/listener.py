"""Colleagues' writes reach this app: a ``workbench.plant.notify.Listener`` thread hears
PostgreSQL's NOTIFY and hands each notice to the UI thread through a queued signal; the
UI gathers what arrives within a moment and broadcasts it as ``Changes``. The listener
thread never touches a session or a widget."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.actions.audit import changes_of
from workbench.actions.changes import NOTHING
from workbench.plant.notify import Listener, Notice


class ChangeListener(QObject):
    """``changed(Changes, str)`` on the UI thread: what colleagues changed, and a line saying who."""

    changed = Signal(object, str)
    _heard = Signal(object)  # emitted on the listener thread, delivered queued on the UI thread

    def __init__(self, url: str, parent: QObject | None = None, delay_ms: int = 250):
        super().__init__(parent)
        self._pending: list[Notice] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._flush)
        self._heard.connect(self._queue)
        self.listener = Listener(url, self._heard.emit)
        self.active = False

    @property
    def supported(self) -> bool:
        return self.listener.supported

    def start(self) -> bool:
        self.active = self.listener.start()
        return self.active

    def stop(self) -> None:
        self.listener.stop()
        self.active = False

    def _queue(self, notice: Notice) -> None:
        self._pending.append(notice)
        if not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> None:
        notices, self._pending = self._pending, []
        changes = NOTHING
        for n in notices:
            changes = changes | changes_of(n)
        last = notices[-1]
        more = f" (+{len(notices) - 1} more)" if len(notices) > 1 else ""
        self.changed.emit(changes, f"{last.actor}: {last.action} {last.object_type} {last.object_key}{more}")
