"""The one file a command writes: the rules for its name, and written whole or not at all."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.outfile import FileExists, check_file, written


def test_the_rules_for_a_name(tmp_path):
    pdf = (".pdf",)
    assert check_file(tmp_path / "a", "the report", "r.pdf", suffixes=pdf, default_suffix=".pdf") == tmp_path / "a.pdf"
    assert check_file(tmp_path / "A.PDF", "the report", "r.pdf", suffixes=pdf) == tmp_path / "A.PDF"
    assert check_file(tmp_path / "any.thing", "the file", "f") == tmp_path / "any.thing"  # no suffixes: any name
    refusals = [
        ("", "Name the file to write the report to (for example r.pdf)."),
        (str(tmp_path), f"{tmp_path} is a folder; give the file to write the report to (for example r.pdf)."),
        (str(tmp_path / "r.doc"), f"{tmp_path / 'r.doc'}: the report is written as .pdf, not .doc; name the file so."),
        (str(tmp_path / "no" / "r.pdf"), (f"{tmp_path / 'no' / 'r.pdf'}: the folder {tmp_path / 'no'} does not exist; "
                                          "choose an existing folder.")),
    ]
    for given, sentence in refusals:
        with pytest.raises(WorkbenchError) as refused:
            check_file(given, "the report", "r.pdf", suffixes=pdf)
        assert str(refused.value) == sentence
    with pytest.raises(WorkbenchError, match=r"written as \.svg, \.pdf or \.png, not a name without a suffix"):
        check_file(tmp_path / "flow", "the flow", "f.svg", suffixes=(".svg", ".pdf", ".png"))


def test_a_file_there_is_replaced_only_when_asked_and_a_database_never(tmp_path):
    mine = tmp_path / "mine.pdf"
    mine.write_bytes(b"mine")
    with pytest.raises(FileExists) as refused:
        check_file(mine, "the report", "r.pdf")
    assert str(refused.value) == f"{mine} exists; add --force to replace it." and refused.value.path == mine
    assert check_file(mine, "the report", "r.pdf", force=True) == mine
    plant = tmp_path / "plant.pdf"
    plant.write_bytes(b"SQLite format 3\x00" + bytes(84))
    with pytest.raises(WorkbenchError, match="is a database; the workbench never writes over one"):
        check_file(plant, "the report", "r.pdf", force=True)


def test_written_is_whole_or_not_at_all(tmp_path):
    target = tmp_path / "out.svg"
    target.write_bytes(b"before")
    with pytest.raises(RuntimeError), written(target, force=True) as work:
        assert work.parent == tmp_path and work.suffix == ".svg" and work.name.startswith(".out.partial-")
        work.write_bytes(b"half")
        raise RuntimeError("the renderer failed half-way")
    assert target.read_bytes() == b"before" and [p.name for p in tmp_path.iterdir()] == ["out.svg"]
    with written(target, force=True) as work:
        work.write_bytes(b"after")
    assert target.read_bytes() == b"after" and [p.name for p in tmp_path.iterdir()] == ["out.svg"]


def test_a_file_that_appears_meanwhile_is_not_replaced_unasked(tmp_path):
    target = tmp_path / "out.pdf"
    with pytest.raises(FileExists), written(target) as work:
        work.write_bytes(b"ours")
        target.write_bytes(b"someone else's, written while we worked")
    assert target.read_bytes() == b"someone else's, written while we worked"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]


def test_an_os_error_is_one_sentence(tmp_path):
    target = tmp_path / "out.pdf"
    with pytest.raises(WorkbenchError, match=r"does not exist\.$"), written(target):
        pass  # the writer wrote nothing: there is no work file to put in place
    assert not target.exists()
