"""Helpers for the adversarial tests: run the command line as a user would, and see
that a refusal is one sentence, exit 1, no traceback, and that nothing was written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.recall.test_recall import almond_incident
from workbench.cli import main


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with a digest of its bytes: a folder's state.

    SQLite's ``-shm`` files are left out: shared memory, rewritten by every reader."""
    out: dict[str, str] = {}
    for p in sorted(folder.rglob("*")):
        if p.name.endswith("-shm"):
            continue
        rel = p.relative_to(folder).as_posix()
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "/"
    return out


class Cli:
    """``workbench …`` in-process; ``refused`` asserts the one-sentence failure."""

    def __init__(self, capsys):
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        said = self.capsys.readouterr()
        assert "Traceback" not in said.err and "Traceback" not in said.out
        return code, said.out, said.err

    def refused(self, *args: str, match: str | None = None) -> str:
        code, _out, err = self(*args)
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert code == 1, err
        assert len(lines) == 1 and lines[0].startswith("workbench: "), err
        if match is not None:
            assert match in lines[0], lines[0]
        return lines[0]


@pytest.fixture
def cli(capsys) -> Cli:
    return Cli(capsys)


@pytest.fixture
def incident_url(db_url, plant) -> str:
    """A small plant (the almond incident) on each backend, as a URL for the command line."""
    with plant.Session.begin() as s:
        almond_incident(s)
    return db_url
