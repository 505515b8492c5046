"""A real window opens: Qt's xcb platform plugin finds every library it needs (what
``scripts/system-deps.sh`` installs), and under Xvfb with ``QT_QPA_PLATFORM=xcb`` the
app starts, lays out a lot and saves a screenshot, as on a desktop. Offscreen tests
cannot catch a missing xcb library: ``make run`` on a fresh machine failed that way."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest

PLUGIN = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
SYSTEM_DEPS = Path(__file__).resolve().parents[2] / "scripts" / "system-deps.sh"


def test_the_xcb_plugin_finds_every_library():
    assert PLUGIN.exists(), PLUGIN
    out = subprocess.run(["ldd", str(PLUGIN)], capture_output=True, text=True, check=True).stdout
    missing = [line.split()[0] for line in out.splitlines() if "not found" in line]
    xcb_qpa = next((line.split("=>")[1].split()[0] for line in out.splitlines() if "libQt6XcbQpa" in line), None)
    if xcb_qpa:
        more = subprocess.run(["ldd", xcb_qpa], capture_output=True, text=True, check=True).stdout
        missing += [line.split()[0] for line in more.splitlines() if "not found" in line]
    assert not missing, f"missing libraries for Qt's xcb plugin (add them to {SYSTEM_DEPS.name}): {missing}"


def test_system_deps_names_the_xcb_libraries():
    text = SYSTEM_DEPS.read_text()
    for package in ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0", "xvfb"):
        assert package in text, package


@pytest.mark.parametrize("backend", [pytest.param("sqlite", marks=pytest.mark.sqlite)])
def test_a_real_window_opens_under_xvfb(tmp_path, plant, db_url, backend):
    from tests.recall.test_recall import almond_incident

    with plant.Session.begin() as s:
        almond_incident(s)
    xvfb_run = shutil.which("xvfb-run")
    assert xvfb_run, "xvfb-run is missing: run scripts/system-deps.sh --test"
    shot = tmp_path / "real.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DISPLAY", None)
    done = subprocess.run(
        [xvfb_run, "-a", "-s", "-screen 0 1600x1000x24", sys.executable, "-m", "workbench.cli", "gui",
         "--db", db_url, "--lot", "ALM-A1", "--item", "ALM", "--size", "1200x800", "--screenshot", str(shot)],
        capture_output=True, text=True, env=env, timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "offscreen" not in done.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1200, 800)
