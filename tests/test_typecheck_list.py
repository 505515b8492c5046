"""The type-check guard's module list (pyproject.toml [tool.workbench] typecheck) names real modules."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("typecheck", ROOT / "scripts" / "typecheck.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_listed_module_is_a_file_or_package():
    paths = _script().listed_paths(ROOT / "pyproject.toml")
    assert "workbench/facts.py" in paths and "workbench/plant" in paths
    assert all((ROOT / p).exists() for p in paths)


def test_a_module_that_does_not_exist_is_refused_in_one_sentence(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.workbench]\ntypecheck = ["workbench.no_such_module"]\n')
    with pytest.raises(SystemExit, match=r"workbench\.no_such_module, which is neither a module nor a package"):
        _script().listed_paths(pyproject)
