"""Every command that writes one file (a PDF, a spreadsheet, a picture, a zip, an EPCIS document, an anchor, a
vendor's file) refuses a file that is there, in one sentence and with the file left as it was; replaces it with
``--force``; never writes over a database, not even with ``--force``; and leaves no work file behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import PlantBuilder, honey_bars
from workbench.cli import main

SOMEONES = b"someone else's file, not the workbench's"


def _plant(plant) -> None:
    with plant.Session.begin() as s:
        b = PlantBuilder(s)
        honey_bars(b)
        b.done()


def _case(db: list[str], capsys) -> str:
    assert main(["case", "open", "Ill customers", *db]) == 0
    code = capsys.readouterr().out.split()[0]
    assert main(["case", "lots", code, "HONEY/H1", "--why", "the bars' honey", *db]) == 0
    capsys.readouterr()
    return code


#: (name, the command given the file's path, what its output starts with)
COMMANDS = [
    ("trace table", lambda f, case: ["trace", "B1", "--xlsx", f], b"PK"),
    ("quantity flow", lambda f, case: ["flows", "H1", "--out", f], b"<"),
    ("labels", lambda f, case: ["floor", "label", "HONEY/H1", "--out", f], b"%PDF"),
    ("SCAR", lambda f, case: ["scar", "issue", "H1", "--problem", "Crystallised", "--out", f], b"%PDF"),
    ("case report", lambda f, case: ["case", "report", case, "--out", f], b"%PDF"),
    ("case archive", lambda f, case: ["case", "archive", case, "--out", f], b"PK"),
    ("EPCIS JSON-LD", lambda f, case: ["export", "--format", "epcis-json", f], b"{"),
    ("EPCIS XML", lambda f, case: ["export", "--format", "epcis-xml", "--lot", "H1", f], b"<?xml"),
]
SUFFIX = {"trace table": ".xlsx", "quantity flow": ".svg", "case archive": ".zip", "EPCIS JSON-LD": ".jsonld",
          "EPCIS XML": ".xml"}


@pytest.mark.parametrize(("name", "command", "starts"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_command_never_writes_over_a_file_unasked(plant, tmp_path, capsys, monkeypatch, name, command, starts):
    _plant(plant)
    monkeypatch.setenv("WORKBENCH_USER", "quinn")
    db = ["--db", plant.url]
    case = _case(db, capsys)
    target = tmp_path / f"out{SUFFIX.get(name, '.pdf')}"
    target.write_bytes(SOMEONES)

    assert main([*command(str(target), case), *db]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"workbench: {target} exists; add --force to replace it.", err
    assert target.read_bytes() == SOMEONES

    database = tmp_path / f"plant{SUFFIX.get(name, '.pdf')}"
    database.write_bytes(b"SQLite format 3\x00" + bytes(100))
    assert main([*command(str(database), case), "--force", *db]) == 1
    err = capsys.readouterr().err
    assert "is a database; the workbench never writes over one" in err and "Traceback" not in err
    assert database.read_bytes() == b"SQLite format 3\x00" + bytes(100)

    assert main([*command(str(target), case), "--force", *db]) == 0, capsys.readouterr().err
    assert target.read_bytes().startswith(starts)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, database.name])


def test_the_anchor_replaces_a_previous_anchor_only(plant, tmp_path, capsys):
    db = ["--db", plant.url]
    anchor = tmp_path / "audit.anchor"
    assert main(["audit", "anchor", str(anchor), *db]) == 0
    assert main(["audit", "anchor", str(anchor), *db]) == 0  # keeping it up to date is the point
    assert main(["audit", "verify", "--anchor", str(anchor), *db]) == 0
    notes = tmp_path / "notes.txt"
    notes.write_bytes(SOMEONES)
    capsys.readouterr()
    assert main(["audit", "anchor", str(notes), *db]) == 1
    assert f"{notes} exists; add --force to replace it." in capsys.readouterr().err
    assert notes.read_bytes() == SOMEONES
    assert main(["audit", "anchor", str(notes), "--force", *db]) == 0
    assert notes.read_text().split()[0].isdigit()


def test_a_refused_label_file_records_nothing(plant, tmp_path, capsys):
    """The labels' file is checked before the receipt is recorded: a refusal costs nothing."""
    _plant(plant)
    db = ["--db", plant.url]
    taken = tmp_path / "labels.pdf"
    taken.write_bytes(SOMEONES)
    receive = ["floor", "receive", "--item", "HONEY", "--quantity", "40", "--vendor", "BEE", "--lot", "H9",
               "--location", "STORE", "--by", "ana"]
    assert main([*receive, "--out", str(taken), *db]) == 1
    assert "exists; add --force" in capsys.readouterr().err
    assert main(["trace", "H9", *db]) == 1  # no such lot: nothing was received
    assert taken.read_bytes() == SOMEONES


def test_the_vendors_file_goes_into_a_folder_under_its_name_and_not_over_another(plant, tmp_path, capsys):
    _plant(plant)
    db = ["--db", plant.url]
    pdf = tmp_path / "scar.pdf"
    assert main(["scar", "issue", "H1", "--problem", "Crystallised", "--out", str(pdf), *db]) == 0
    code = capsys.readouterr().out.split()[0]
    reply = tmp_path / "8d-reply.txt"
    reply.write_text("D4: the honey was stored cold")
    assert main(["scar", "answer", code, "--d4", "stored cold", "--file", str(reply), *db]) == 0, (
        capsys.readouterr().err)
    capsys.readouterr()
    assert main(["scar", "show", code, "--json", *db]) == 0
    out = capsys.readouterr().out
    file_id = str(json.loads(out)["files"][0]["id"])
    folder = tmp_path / "back"
    folder.mkdir()
    assert main(["scar", "file", file_id, "--out", str(folder), *db]) == 0
    assert (folder / "8d-reply.txt").read_text() == "D4: the honey was stored cold"
    (folder / "8d-reply.txt").write_bytes(SOMEONES)
    capsys.readouterr()
    assert main(["scar", "file", file_id, "--out", str(folder), *db]) == 1
    assert "exists; add --force to replace it." in capsys.readouterr().err
    assert (folder / "8d-reply.txt").read_bytes() == SOMEONES
    assert main(["scar", "file", file_id, "--out", str(folder), "--force", *db]) == 0
    assert Path(folder / "8d-reply.txt").read_text() == "D4: the honey was stored cold"
