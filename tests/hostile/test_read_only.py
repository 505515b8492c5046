"""Reading never writes: the investigation commands and the app open SQLite read-only.

A plant in a read-only folder (or on a read-only medium) can be traced, recalled,
exported and examined; only writing commands refuse, in one sentence. Reading a plant
leaves its file byte for byte as it was, journal mode included (no switch to WAL).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.hostile.disks import read_only_folder
from tests.recall.test_recall import almond_incident
from workbench.actions.plant import open_for_reading

pytestmark = pytest.mark.sqlite

READING = [
    ("trace", "ALM-A1", "--item", "ALM"),
    ("trace", "ALM-A1", "--item", "ALM", "--json", "--direction", "both"),
    ("history", "BAR-B1", "--item", "BAR"),
    ("commonality", "BAR/BAR-B1", "BAR/BAR-B3"),
    ("vendor", "NUTCO"),
]


@pytest.fixture
def plant_file(tmp_path) -> Path:
    """A small plant in a SQLite file of its own, in rollback-journal (DELETE) mode."""
    from workbench.plant import open_plant

    path = tmp_path / "plant.sqlite"
    plant = open_plant(f"sqlite:///{path}", create=True)
    with plant.Session.begin() as s:
        almond_incident(s)
    with plant.engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    plant.dispose()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_plant_in_a_read_only_folder_can_be_investigated(cli, plant_file, tmp_path):
    with sqlite3.connect(plant_file) as conn:  # the demo and imports leave files in WAL mode
        conn.execute("PRAGMA journal_mode=WAL")
    with read_only_folder(tmp_path, [plant_file]) as folder:
        url = f"sqlite:///{folder / plant_file.name}"
        for args in READING:
            code, out, err = cli(*args, "--db", url)
            assert code == 0, (args, err)
            assert out
        code, _, err = cli("recall", "ALM-A1", "--item", "ALM", "--db", url, "--out", tmp_path / "package")
        assert code == 0, err
        assert (tmp_path / "package" / "recall.json").exists()
        code, _, err = cli("export", "--db", url, tmp_path / "bundle")
        assert code == 0, err
        cli.refused("import", "--db", url, tmp_path / "bundle", match="read-only")
        cli.refused("scar", "ALM-A1", "--item", "ALM", "--db", url, "--out", tmp_path / "scar.pdf",
                    "--problem", "Salmonella", match="read-only")
        assert not (tmp_path / "scar.pdf").exists()
        assert sorted(p.name for p in folder.iterdir()) == ["plant.sqlite"]


def test_reading_leaves_the_file_as_it_was(cli, plant_file, tmp_path):
    before = _digest(plant_file)
    url = f"sqlite:///{plant_file}"
    for args in READING:
        assert cli(*args, "--db", url)[0] == 0
    assert cli("recall", "ALM-A1", "--item", "ALM", "--db", url, "--out", tmp_path / "package")[0] == 0
    assert cli("export", "--db", url, tmp_path / "bundle")[0] == 0
    assert cli("db", "status", "--db", url)[0] == 0
    assert _digest(plant_file) == before
    with sqlite3.connect(plant_file) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert sorted(p.name for p in plant_file.parent.iterdir() if p.name.startswith("plant")) == ["plant.sqlite"]


def test_the_app_and_the_commands_open_the_plant_read_only(plant_file):
    plant = open_for_reading(f"sqlite:///{plant_file}")
    try:
        assert plant.readonly
        with plant.engine.connect() as conn:
            assert conn.execute(text("PRAGMA query_only")).scalar() == 1
            with pytest.raises(Exception, match=r"readonly|read-only|query_only"):
                conn.execute(text("DELETE FROM lots"))
    finally:
        plant.dispose()
    assert make_url(plant.url).database == str(plant_file)


def test_a_scar_from_a_read_only_opened_plant_is_recorded(plant_file, tmp_path):
    """The app investigates read-only; recording a SCAR opens a writer for that one write."""
    from workbench.actions.scar import issue_scar
    from workbench.plant.lookup import find_lot

    plant = open_for_reading(f"sqlite:///{plant_file}")
    try:
        with plant.Session() as s:
            lot = find_lot(s, "ALM-A1", "ALM")
        done = issue_scar(plant, lot, "Salmonella", None, tmp_path / "scar.pdf")
        assert done.path.exists()
        with plant.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM supplier_actions")).scalar() == 1
    finally:
        plant.dispose()
