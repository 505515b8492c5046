"""`--force` replaces only a folder the workbench wrote; nothing else is ever deleted.

The recall package and the export both: a folder holding the database, an empty name,
the current folder (or one above it), a non-empty foreign folder, a previous package
with a file added by hand are all refused in one sentence, with or without --force,
and left exactly as they were.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.hostile.conftest import tree

RECALL = ("recall", "ALM-A1", "--item", "ALM", "--reason", "Salmonella")


def _recall(url: str, out, *more: str) -> list[str]:
    return [*RECALL, "--db", url, "--out", str(out), *more]


def _export(url: str, out, *more: str) -> list[str]:
    return ["export", "--db", url, str(out), *more]


def _database_folder(url: str, tmp_path: Path) -> Path:
    """The folder of the plant's SQLite file, or (PostgreSQL) a folder holding some SQLite file."""
    database = make_url(url).database
    if make_url(url).get_backend_name() == "sqlite":
        return Path(database).parent
    folder = tmp_path / "plants"
    folder.mkdir()
    (folder / "other.sqlite").write_bytes(b"SQLite format 3\x00" + bytes(4080))
    return folder


@pytest.mark.parametrize("command", [_recall, _export], ids=["recall", "export"])
def test_a_folder_holding_a_database_is_never_replaced(cli, incident_url, tmp_path, command):
    folder = _database_folder(incident_url, tmp_path)
    before = tree(folder)
    cli.refused(*command(incident_url, folder, "--force"), match="database")
    assert tree(folder) == before


@pytest.mark.parametrize("command", [_recall, _export], ids=["recall", "export"])
def test_an_empty_name_or_the_current_folder_is_refused(cli, incident_url, tmp_path, monkeypatch, command):
    here = tmp_path / "work" / "here"
    here.mkdir(parents=True)
    (here / "report.docx").write_text("mine")
    monkeypatch.chdir(here)
    before = tree(tmp_path / "work")
    for out in ("", " ", ".", "..", str(here)):
        cli.refused(*command(incident_url, out, "--force"))
    assert tree(tmp_path / "work") == before


@pytest.mark.parametrize("command", [_recall, _export], ids=["recall", "export"])
def test_a_foreign_folder_is_refused_even_with_force(cli, incident_url, tmp_path, command):
    out = tmp_path / "documents"
    (out / "sub").mkdir(parents=True)
    (out / "sub" / "contract.pdf").write_bytes(b"%PDF-1.4 mine")
    (out / "notes.txt").write_text("mine")
    before = tree(out)
    for more in ((), ("--force",)):
        cli.refused(*command(incident_url, out, *more), match="not empty")
    assert tree(out) == before


def test_a_previous_package_is_replaced_only_with_force(cli, incident_url, tmp_path):
    out = tmp_path / "recall"
    code, _, _ = cli(*_recall(incident_url, out))
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "lot-trace-workbench recall package"
    assert set(manifest["files"]) == {k for k, v in tree(out).items() if v != "/"} - {"manifest.json"}
    first = tree(out)
    cli.refused(*_recall(incident_url, out), match="--force")
    assert tree(out) == first
    code, _, _ = cli(*_recall(incident_url, out, "--force"))
    assert code == 0 and set(tree(out)) == set(first)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no work folder left


def test_a_previous_package_with_a_file_added_is_not_replaced(cli, incident_url, tmp_path):
    out = tmp_path / "recall"
    assert cli(*_recall(incident_url, out))[0] == 0
    (out / "letters" / "my-notes.txt").write_text("called CU-1 at 9:00")
    before = tree(out)
    cli.refused(*_recall(incident_url, out, "--force"), match="not the recall package")
    assert tree(out) == before
    (out / "letters" / "my-notes.txt").unlink()
    shutil.copy(out / "summary.pdf", tmp_path / "summary.pdf")
    (out / "summary.pdf").unlink()  # a listed file missing: still only what it wrote, so replaceable
    assert cli(*_recall(incident_url, out, "--force"))[0] == 0


def test_an_export_folder_is_not_a_recall_package_nor_the_other_way(cli, incident_url, tmp_path):
    bundle, package = tmp_path / "bundle", tmp_path / "package"
    assert cli(*_export(incident_url, bundle))[0] == 0
    assert cli(*_recall(incident_url, package))[0] == 0
    before = tree(tmp_path)
    cli.refused(*_recall(incident_url, bundle, "--force"), match="not empty")
    cli.refused(*_export(incident_url, package, "--force"), match="not empty")
    assert tree(tmp_path) == before


@pytest.mark.parametrize("command", [_recall, _export], ids=["recall", "export"])
def test_an_impossible_out_path_is_one_sentence_and_writes_nothing(cli, incident_url, tmp_path, command):
    (tmp_path / "a-file").write_text("x")
    before = tree(tmp_path)
    cli.refused(*command(incident_url, tmp_path / "a-file" / "package"), match="file")
    cli.refused(*command(incident_url, tmp_path / ("x" * 300)), match="too long")
    cli.refused(*command(incident_url, tmp_path / "a-file"), match="is a file")
    assert tree(tmp_path) == before
