"""Where the plant database and the user's settings live."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP = "lot-trace-workbench"


def data_dir() -> Path:
    path = Path(os.environ.get("WORKBENCH_HOME") or user_data_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    path = Path(os.environ.get("WORKBENCH_HOME") or user_config_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_db_path() -> Path:
    return data_dir() / "demo-plant.sqlite"


def default_url() -> str:
    return f"sqlite:///{demo_db_path()}"


def resolve_url(url: str | None = None) -> str:
    """``--db`` first, then ``WORKBENCH_DB``, then the embedded demo plant."""
    return url or os.environ.get("WORKBENCH_DB") or default_url()


def is_default_demo(url: str) -> bool:
    return url == default_url()


def resources_dir() -> Path:
    """Shipped resources: the repository's ``resources/`` or the wheel's copy."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_resources", here.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the workbench's resources folder is missing from this installation")
