"""`workbench case …` from first suspicion to closure, and its refusals (one sentence, exit 1)."""

from __future__ import annotations

import json
import zipfile

from tests.factories import PlantBuilder, honey_bars
from workbench.cli import main


def _plant(plant) -> None:
    with plant.Session.begin() as s:
        b = PlantBuilder(s)
        honey_bars(b)
        b.done()


def test_a_case_on_the_command_line(plant, tmp_path, capsys, monkeypatch):
    _plant(plant)
    monkeypatch.setenv("WORKBENCH_USER", "quinn")
    db = ["--db", plant.url]
    assert main(["case", "open", "Ill customers", "--returns-reason", "Illness", *db]) == 0
    code = capsys.readouterr().out.split()[0]
    assert code.startswith("CASE-")
    assert main(["case", "lots", code, "HONEY/H1", "--why", "the bars' honey", *db]) == 0
    assert main(["case", "note", code, "ACME called", *db]) == 0
    assert main(["case", "decision", code, "Hold everything", *db]) == 0
    assert main(["case", "commonality", code, "--returns-reason", "Illness", *db]) == 0
    assert main(["case", "status", code, "containment", "--version", "1", *db]) == 0
    assert main(["case", "hold", code, *db]) == 0
    out = capsys.readouterr().out
    assert "held BAR/B1" in out and "HONEY/H1" in out
    assert main(["case", "recall", code, "--out", str(tmp_path / "pkg"), *db]) == 0
    evidence = tmp_path / "lab.txt"
    evidence.write_text("positive")
    assert main(["case", "attach", code, str(evidence), *db]) == 0
    capsys.readouterr()
    assert main(["case", "status", code, "root cause found", "--version", "1", *db]) == 1
    assert "was changed by quinn" in capsys.readouterr().err
    assert main(["case", "close", code, "--name", "Quinn QA", "--meaning", "approved", *db]) == 0
    assert main(["case", "note", code, "late", *db]) == 1
    assert "is closed; reopen it" in capsys.readouterr().err
    assert main(["case", "show", code, "--json", *db]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "closed" and shown["signatures"][0]["full_name"] == "Quinn QA"
    assert {e["kind"] for e in shown["entries"]} >= {"note", "decision", "commonality", "hold", "package",
                                                     "attachment", "status"}
    assert shown["audit"][0]["action"] == "case opened" and shown["audit"][0]["actor"] == "quinn"
    assert main(["case", "report", code, "--out", str(tmp_path / "case.pdf"), *db]) == 0
    assert main(["case", "archive", code, "--out", str(tmp_path / "case.zip"), *db]) == 0
    with zipfile.ZipFile(tmp_path / "case.zip") as z:
        assert "attachments/lab.txt" in z.namelist()
    assert main(["case", "list", "--status", "all", *db]) == 0
    assert code in capsys.readouterr().out
    assert main(["audit", "verify", *db]) == 0
    assert "The audit trail verifies" in capsys.readouterr().out


def test_mock_recall_on_the_command_line(plant, tmp_path, capsys):
    _plant(plant)
    db = ["--db", plant.url]
    assert main(["case", "mock", "HONEY/H1", "--standard", "FSMA", "--report", str(tmp_path / "m.pdf"), *db]) == 0
    out = capsys.readouterr().out
    assert "amount in question 100 kg, found 100 kg (100.0 %)" in out and "FSMA (24 h) pass" in out
    assert (tmp_path / "m.pdf").stat().st_size > 1000
    assert main(["case", "mocks", *db]) == 0
    assert "100.0 %" in capsys.readouterr().out


def test_refusals_are_one_sentence(plant, tmp_path, capsys):
    _plant(plant)
    db = ["--db", plant.url]
    for argv, words in ((["case", "show", "CASE-1999-0001"], "There is no case"),
                        (["case", "open", "  "], "Give the case a title"),
                        (["case", "open", "x", "--lot", "NOPE/NOPE"], "NOPE"),
                        (["case", "status", "CASE-1999-0001", "sideways"], "is not a case status"),
                        (["case", "open", "x", "--returns-reason", "gremlins"], "No return has a reason"),
                        (["case", "found", "CASE-1999-0001", "lots", "--how", "x"], "is not a quantity")):
        assert main([*argv, *db]) == 1, argv
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err and err.count("\n") == 1, (argv, err)
