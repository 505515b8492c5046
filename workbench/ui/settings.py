"""The user's settings (window layout, recent lots, recent databases) through QSettings.

Organisation and application names come from ``workbench.config.APP``. Tests point
QSettings at a temporary folder with ``use_settings_dir`` so they never touch the user's.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings

from workbench.config import APP

MAX_RECENT = 10


def init_names() -> None:
    """Organisation and application names, before the first QSettings is made."""
    QCoreApplication.setOrganizationName(APP)
    QCoreApplication.setApplicationName(APP)


def use_settings_dir(path: Path) -> None:
    """Keep settings as INI files under ``path`` (tests; portable installs)."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(path))


def settings() -> QSettings:
    init_names()
    return QSettings()


def recent(key: str) -> list[str]:
    """A most-recent-first list (``recent/lots``, ``recent/databases``)."""
    value = settings().value(key, [])
    if isinstance(value, str):  # QSettings turns a one-element list into a string
        return [value]
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def push_recent(key: str, entry: str) -> list[str]:
    """Put ``entry`` first in the list ``key`` (once), keeping at most MAX_RECENT."""
    items = [entry] + [e for e in recent(key) if e != entry]
    items = items[:MAX_RECENT]
    s = settings()
    s.setValue(key, items)
    s.sync()
    return items


def save_window(key: str, geometry: QByteArray | bytes, state: QByteArray | bytes) -> None:
    s = settings()
    s.setValue(f"{key}/geometry", geometry)
    s.setValue(f"{key}/state", state)
    s.sync()


def window_layout(key: str) -> tuple[object | None, object | None]:
    s = settings()
    return s.value(f"{key}/geometry"), s.value(f"{key}/state")


def save_value(key: str, value) -> None:
    s = settings()
    s.setValue(key, value)
    s.sync()


def value(key: str, default=None):
    return settings().value(key, default)
