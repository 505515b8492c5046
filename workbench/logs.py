"""The workbench's log: one rotating file in the user's log folder.

What a user sees is one sentence; what an engineer needs to find the cause (the traceback,
the operation, the database) goes here, so a bug report can carry it."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from platformdirs import user_log_dir

from workbench.config import APP

LOGGER_NAME = "workbench"
MAX_BYTES = 2_000_000
BACKUPS = 5

_configured: Path | None = None


def log_dir() -> Path:
    home = os.environ.get("WORKBENCH_HOME")
    path = Path(home) / "logs" if home else Path(user_log_dir(APP, appauthor=False))
    return path


def log_file() -> Path:
    return log_dir() / "workbench.log"


def logger(name: str | None = None) -> logging.Logger:
    return logging.getLogger(LOGGER_NAME if not name else f"{LOGGER_NAME}.{name}")


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send the workbench's records to the rotating log file (once per process).

    A log folder that cannot be written (a read-only home, a full disk) must not stop the
    workbench: the records then go nowhere and None is returned."""
    global _configured
    if _configured is not None:
        return _configured
    root = logger()
    root.setLevel(level)
    try:
        path = log_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    except OSError:
        root.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [%(process)d %(threadName)s] %(message)s"))
    root.addHandler(handler)
    _configured = path
    return path


def where_logged() -> str:
    """' (details in PATH)' when records are being written, else ''."""
    return f" (details in {_configured})" if _configured is not None else ""
