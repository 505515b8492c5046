"""Each test process (one per xdist worker) keeps its data and settings in its own
temporary folder, never the user's and never another worker's."""

from __future__ import annotations

import os
from pathlib import Path

from workbench import config
from workbench.ui import settings


def test_data_and_settings_live_in_this_processs_temporary_folder(qapp, tmp_path_factory):
    base = tmp_path_factory.getbasetemp().resolve()  # per worker under xdist (.../popen-gwN)
    home = Path(os.environ["WORKBENCH_HOME"]).resolve()
    assert home.is_relative_to(base)
    assert config.data_dir().resolve().is_relative_to(base) and config.config_dir().resolve().is_relative_to(base)
    assert Path(settings.settings().fileName()).resolve().is_relative_to(base)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        assert worker in str(base)
