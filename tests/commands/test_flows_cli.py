"""`workbench flows`: the recall's quantity flow written from the command line."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from tests.recall.test_recall import almond_incident
from workbench.cli import main


@pytest.fixture
def incident(plant):
    with plant.Session.begin() as s:
        almond_incident(s)
    return plant


@pytest.mark.parametrize("suffix", ["svg", "pdf", "png"])
def test_flows_writes_the_picture_and_says_what_is_unaccounted(incident, tmp_path, capsys, suffix):
    out = tmp_path / f"flows.{suffix}"
    code = main(["flows", "--db", incident.url, "ALM-A1", "--out", str(out)])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    assert stdout.strip() == ("Quantity flow of ALM/ALM-A1: 1,000 kg through 5 lots to 2 customers; "
                              "unaccounted: 50 kg left ALM/ALM-A1 beyond what it held.")
    assert out.stat().st_size > 1000
    if suffix == "pdf":
        assert len(PdfReader(out).pages) == 1
    if suffix == "svg":
        assert "Unaccounted · 50 kg" in out.read_text()


def test_flows_refuses_a_file_it_cannot_write(incident, tmp_path, capsys):
    assert main(["flows", "--db", incident.url, "ALM-A1", "--out", str(tmp_path / "flows.doc")]) == 1
    assert "flows.doc: the quantity flow is written as .svg, .pdf or .png, not .doc; name the file so." in (
        capsys.readouterr().err)
    assert main(["flows", "--db", incident.url, "ALM-A1", "--out", str(tmp_path / "no" / "f.svg")]) == 1
    assert "does not exist" in capsys.readouterr().err
    mine = tmp_path / "mine.svg"
    mine.write_text("<svg>the user's own picture</svg>")
    assert main(["flows", "--db", incident.url, "ALM-A1", "--out", str(mine)]) == 1
    assert f"{mine} exists; add --force to replace it." in capsys.readouterr().err
    assert mine.read_text() == "<svg>the user's own picture</svg>"
    assert main(["flows", "--db", incident.url, "ALM-A1", "--out", str(mine), "--force"]) == 0
    assert "Unaccounted · 50 kg" in mine.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["mine.svg"]  # no work file left beside it
