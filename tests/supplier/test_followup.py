"""A SCAR to closure (answers D4-D8 with files, dues and overdue, verification, closure)
and vendor quality that counts only what is the vendor's."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.factories import PlantBuilder, honey_bars
from workbench.actions import scar_followup as fu
from workbench.actions.scar import issue_scar
from workbench.cli import main
from workbench.demo import INCIDENT
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.plant import audit
from workbench.supplier.causes import BUILT_IN_RULES, classify
from workbench.supplier.quality import vendor_quality


def _honey(plant) -> LotRef:
    with plant.Session.begin() as s:
        b = PlantBuilder(s)
        honey_bars(b)
        b.ret("RMA-2", "ACME", "BAR", "B1", 2, reason="Damaged packaging: cases crushed in transit")
        b.ret("RMA-3", "ACME", "BAR", "B1", 1, reason="Wrong item picked")
        b.done()
        return LotRef(b.lot("HONEY", "H1").id, "HONEY", "H1")


def test_a_scar_followed_to_closure(plant, tmp_path):
    lot = _honey(plant)
    first = issue_scar(plant, lot, "Salmonella", None, tmp_path / "a.pdf")
    assert first.repeats is None and first.warning is None
    second = issue_scar(plant, lot, "Again", None, tmp_path / "b.pdf")
    assert second.repeats == first.code and first.code in second.warning
    assert fu.show_scar(plant, second.code).repeats == first.code

    f = fu.show_scar(plant, first.code)
    assert f.stage == "awaiting answer" and f.overdue() is None
    assert "answer overdue" in f.overdue(at=datetime(2099, 1, 1))
    with pytest.raises(WorkbenchError, match="nothing to verify"):
        fu.verify(plant, first.code, True, "tests")
    reply = tmp_path / "8d.pdf"
    reply.write_bytes(b"%PDF vendor reply")
    with pytest.raises(WorkbenchError, match="D4 to D8 only"):
        fu.record_answer(plant, first.code, {"d9": "x"})
    f, ch = fu.record_answer(plant, first.code, {"d4": "Kill step missed", "d5": "New probe"}, [str(reply)],
                             verify_by=date(2030, 1, 31))
    assert ch.scars and f.stage == "answered" and f.files[0][1] == "8d.pdf" and f.verify_due_at.year == 2030
    assert "verification overdue" in f.overdue(at=datetime(2031, 1, 1))
    with pytest.raises(WorkbenchError, match="changed since"):
        fu.record_answer(plant, first.code, {"d6": "x"}, version=f.version - 1)
    with pytest.raises(WorkbenchError, match="not verified effective"):
        fu.close(plant, first.code, True, "Quinn QA", "approved", None)
    f, _ = fu.verify(plant, first.code, False, "next lot positive")
    assert f.stage == "awaiting answer"  # back to the vendor
    f, _ = fu.record_answer(plant, first.code, {"d4": "Probe and loading", "d5": "Dual probes"})
    f, _ = fu.verify(plant, first.code, True, "three lots negative")
    assert f.stage == "verified"
    f, _, proof = fu.close(plant, first.code, True, "Quinn QA", "approved", None)
    assert f.stage == "closed" and f.signatures and "Quinn QA" in f.signatures[0] and proof
    with plant.Session() as s:
        actions = [e.action for e in audit.entries(s, object_type="scar", object_key=first.code)]
        assert actions[0] == "SCAR issued" and actions[-1] == "SCAR closed" and "file attached" in actions


def test_vendor_quality_counts_only_the_vendors_returns(plant, tmp_path):
    lot = _honey(plant)
    q = vendor_quality_of(plant)
    assert [r.line.rma for r in q.returns] == ["RMA-1"]
    assert sorted((r.line.rma, r.cause) for r in q.excluded) == [("RMA-2", "transit"), ("RMA-3", "picking")]
    # The engineer decides RMA-1 was our process after all: nothing counts against BEE now.
    n, _ = fu.set_return_cause(plant, "RMA-1", "process", "our oven")
    assert n == 1
    q = vendor_quality_of(plant)
    assert q.returns == [] and q.implicated_lots == []
    # A SCAR closed as not the vendor's cause no longer counts either.
    done = issue_scar(plant, lot, "x", None, tmp_path / "s.pdf")
    assert len(vendor_quality_of(plant).scars) == 1
    fu.close(plant, done.code, False, "Quinn QA", "reviewed", None)
    q = vendor_quality_of(plant)
    assert q.scars == [] and [s.code for s in q.cleared_scars] == [done.code]
    with pytest.raises(WorkbenchError, match="not a return cause"):
        fu.set_return_cause(plant, "RMA-1", "gremlins")


def vendor_quality_of(plant):
    with plant.Session() as s:
        return vendor_quality(s, "BEE")


def test_demo_vendors_are_not_blamed_for_transit_damage(demo_plant):
    with demo_plant.Session() as s:
        q = vendor_quality(s, INCIDENT.vendor)
    assert q.returns and all(r.vendor_attributable for r in q.returns)
    assert all((r.line.reason and "Illness" in r.line.reason) or "Foreign" in (r.line.reason or "")
               for r in q.returns)
    reasons = {r.line.reason for r in q.excluded}
    assert "Damaged packaging: cases crushed in transit" in reasons
    assert all(not r.vendor_attributable for r in q.excluded)


def test_built_in_rules_read_the_demo_reasons():
    from workbench.demo.simulate import ILLNESS_REASONS, RETURN_REASONS

    got = {reason: classify(reason, BUILT_IN_RULES) for reason, _ in RETURN_REASONS}
    assert {r: c.cause for r, c in got.items() if c} == {
        "Damaged packaging: cases crushed in transit": "transit", "Short shelf life on delivery": "logistics",
        "Wrong item picked": "picking", "Product broken in pack": "process",
        "Foreign material: plastic fragment found by consumer": "material", "Seal failure: pack not closed": "process"}
    assert all(classify(r, BUILT_IN_RULES).vendor_attributable for r in ILLNESS_REASONS)


def test_scar_cli_keeps_the_first_form_and_follows_up(plant, tmp_path, capsys):
    _honey(plant)
    url = plant.url
    assert main(["scar", "H1", "--item", "HONEY", "--db", url, "--out", str(tmp_path / "s.pdf"), "--problem", "x"]) == 0
    code = capsys.readouterr().out.split()[0]
    assert main(["scar", "issue", "H1", "--db", url, "--out", str(tmp_path / "t.pdf"), "--problem", "y"]) == 0
    assert "warning:" in capsys.readouterr().out
    assert main(["scar", "answer", code, "--db", url, "--d4", "root", "--d5", "fix"]) == 0
    assert main(["scar", "verify", code, "--db", url, "--effective", "--evidence", "ok"]) == 0
    assert main(["scar", "close", code, "--db", url, "--vendor-cause", "--name", "Quinn QA", "--meaning", "approved"]) == 0
    capsys.readouterr()
    assert main(["scar", "list", "--db", url, "--open"]) == 0
    out = capsys.readouterr().out
    assert not out.startswith(code) and out.strip().endswith("repeats " + code)
    assert main(["scar", "show", code, "--db", url]) == 0
    assert "D4 Root cause and escape point: root" in capsys.readouterr().out
    assert main(["scar", "answer", "SCAR-1999-0001", "--db", url, "--d4", "x"]) == 1
    assert "There is no SCAR" in capsys.readouterr().err
