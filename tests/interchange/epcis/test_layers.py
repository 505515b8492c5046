"""The EPCIS layer imports neither Qt nor the database, so reports and tools can use it anywhere."""

from __future__ import annotations

import subprocess
import sys


def test_epcis_imports_without_qt_and_sqlalchemy():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6', 'sqlalchemy'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import pkgutil, importlib, workbench.interchange.epcis as p\n"
        "for m in pkgutil.iter_modules(p.__path__): importlib.import_module('workbench.interchange.epcis.' + m.name)\n"
        "assert not any(n.split('.')[0] in ('sqlalchemy', 'PySide6') for n in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
