"""Issuing a SCAR: one set of input rules, the same from the command line and the app."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import PlantBuilder
from workbench.actions.scar import ProblemMissing, issue_scar, scar_path
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.outfile import FileExists
from workbench.plant import SupplierAction


def test_the_pdf_path_rule(tmp_path):
    assert scar_path(tmp_path / "scar") == tmp_path / "scar.pdf"
    assert scar_path(tmp_path / "SCAR.PDF") == tmp_path / "SCAR.PDF"
    with pytest.raises(WorkbenchError, match=r"the SCAR is written as \.pdf, not \.docx"):
        scar_path(tmp_path / "scar.docx")
    with pytest.raises(WorkbenchError, match="does not exist"):
        scar_path(tmp_path / "missing" / "scar.pdf")
    with pytest.raises(WorkbenchError, match="Name the file to write the SCAR to"):
        scar_path("  ")
    (tmp_path / "old.pdf").write_bytes(b"%PDF someone else's")
    with pytest.raises(FileExists, match=r"old\.pdf exists; add --force"):
        scar_path(tmp_path / "old")
    assert scar_path(tmp_path / "old", force=True) == tmp_path / "old.pdf"


def _honey(plant) -> LotRef:
    with plant.Session.begin() as s:
        b = PlantBuilder(s)
        b.receive("HONEY", "H1", 100, vendor="BEE", receipt="GRN-1", po="PO-77", vendor_lot="BEE-0382")
        b.done()
        return LotRef(b.lot("HONEY", "H1").id, "HONEY", "H1")


def test_issue_records_and_writes_in_one_transaction(plant, tmp_path):
    lot = _honey(plant)
    done = issue_scar(plant, lot, "Salmonella in retained sample", None, tmp_path / "scar")
    assert done.path == tmp_path / "scar.pdf" and done.path.stat().st_size > 1000
    assert done.code.startswith("SCAR-") and done.changes.scars and lot.id in done.changes.lots
    with plant.Session() as s:
        assert [a.code for a in s.query(SupplierAction)] == [done.code]


def test_refusals_record_nothing(plant, tmp_path):
    lot = _honey(plant)
    with pytest.raises(ProblemMissing):
        issue_scar(plant, lot, "  ", None, tmp_path / "a.pdf")
    with pytest.raises(WorkbenchError, match="in the past"):
        issue_scar(plant, lot, "x", date(2020, 1, 1), tmp_path / "b.pdf", today=date(2026, 6, 1))
    blocker = tmp_path / "c.pdf"
    blocker.mkdir()  # a folder where the PDF should go: writing fails, the SCAR is rolled back
    with pytest.raises(WorkbenchError):
        issue_scar(plant, lot, "x", None, blocker)
    with plant.Session() as s:
        assert s.query(SupplierAction).count() == 0
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "b.pdf").exists()
