"""The type-check guard: mypy on the modules pyproject.toml's [tool.workbench] `typecheck`
lists, which must stay at zero errors (a package stands for all of its modules).

Modules it imports that are not listed are still analysed, so the listed ones are checked
against their real types, but their own errors are not reported here (`make lint` runs mypy
on the whole tree). Add a module to the list once `mypy` reports nothing for it.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def listed_paths(pyproject: Path) -> list[str]:
    """The files and folders of the listed modules; a listed module that does not exist is refused."""
    with pyproject.open("rb") as f:
        names = tomllib.load(f).get("tool", {}).get("workbench", {}).get("typecheck", [])
    if not names:
        sys.exit(f"{pyproject}: [tool.workbench] typecheck lists no modules to check.")
    paths = []
    for name in names:
        base = ROOT.joinpath(*name.split("."))
        if base.is_dir() and (base / "__init__.py").is_file():
            paths.append(str(base.relative_to(ROOT)))
        elif base.with_suffix(".py").is_file():
            paths.append(str(base.with_suffix(".py").relative_to(ROOT)))
        else:
            sys.exit(f"{pyproject}: [tool.workbench] typecheck lists {name}, which is neither a module nor a package.")
    return paths


def main() -> int:
    paths = listed_paths(ROOT / "pyproject.toml")
    mypy = Path(sys.executable).with_name("mypy")
    return subprocess.call([str(mypy), "--follow-imports=silent", *paths], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
