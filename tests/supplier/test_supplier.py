"""Supplier quality: SCAR facts, issuing SCARs, vendor quality, the SCAR PDF and the CLI."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.factories import PlantBuilder
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.plant import SupplierAction
from workbench.reports.scar import write_scar
from workbench.settings import Letterhead
from workbench.supplier.quality import vendor_quality
from workbench.supplier.scar import issue_scar, next_scar_code, scar_facts


def build(b: PlantBuilder) -> PlantBuilder:
    """Honey H1 (vendor BEE, 100 kg) -> syrup S1 -> bars B1, B2 shipped to two customers;
    honey H2 from the same vendor unused; sugar G1 from another vendor."""
    b.receive("HONEY", "H1", 100, vendor="BEE", po="PO-77", vendor_lot="BEE-0382", receipt="GRN-1")
    b.receive("HONEY", "H2", 50, vendor="BEE", po="PO-78", vendor_lot="BEE-0400", receipt="GRN-2")
    b.receive("SUGAR", "G1", 500, vendor="CANE")
    b.produce("MO-1", "SYRUP", [("HONEY", "H1", 60), ("SUGAR", "G1", 40)], [("S1", 100)],
              [("cook", "KETTLE", "ann")], kind="intermediate")
    b.produce("MO-2", "BAR", [("SYRUP", "S1", 70)], [("B1", 200), ("B2", 100)], [("form", "LINE1", "bob")])
    b.ship("SH-1", "ACME", "BAR", "B1", 150)
    b.ship("SH-2", "ZENITH", "BAR", "B1", 30)
    b.ship("SH-3", "ZENITH", "BAR", "B2", 20)
    b.ret("RMA-1", "ACME", "BAR", "B1", 5, reason="Illness complaint: nausea")
    b.produce("MO-3", "BAR", [("SUGAR", "G1", 10)], [("B3", 10)], [("form", "LINE1", "bob")])
    b.ret("RMA-2", "ACME", "BAR", "B3", 1, reason="crushed box")
    return b.done()


def ref(b, item, lot) -> LotRef:
    return LotRef(b.lot(item, lot).id, item, lot)


def test_scar_facts_state_the_problem_and_containment(session):
    b = build(PlantBuilder(session))
    f = scar_facts(session, ref(b, "HONEY", "H1"))
    assert (f.vendor.code, f.vendor_lot, f.po) == ("BEE", "BEE-0382", "PO-77")
    assert [r.receipt for r in f.receipts] == ["GRN-1"] and f.received == Decimal(100)
    assert (f.consumed, f.shipped, f.on_hand) == (Decimal(60), Decimal(0), Decimal(40))
    assert [(d.ref.label, d.depth) for d in f.downstream] == [("SYRUP/S1", 1), ("BAR/B1", 2), ("BAR/B2", 2)]
    s1 = f.downstream[0]
    assert (s1.balance.made, s1.on_hand) == (Decimal(100), Decimal(30))
    assert f.downstream_on_hand() == {"kg": Decimal(30) + Decimal(25) + Decimal(80)}
    assert f.products == [("BAR", "Bar", 2)]
    by_code = {c.customer: c for c in f.customers}
    assert set(by_code) == {"ACME", "ZENITH"}
    assert by_code["ACME"].quantities() == {"kg": Decimal(150)}
    assert (by_code["ZENITH"].shipment_count, len(by_code["ZENITH"].lots())) == (2, 2)
    assert [r.rma for r in f.returns] == ["RMA-1"]
    assert f.to_json()["vendor"]["code"] == "BEE"


def test_scar_needs_a_purchased_lot(session):
    b = build(PlantBuilder(session))
    with pytest.raises(WorkbenchError, match="purchased lot"):
        scar_facts(session, ref(b, "SYRUP", "S1"))
    with pytest.raises(WorkbenchError, match="purchased lot"):
        issue_scar(session, ref(b, "SYRUP", "S1"), "bad")


def test_issue_scar_records_an_open_request_numbered_per_year(session):
    b = build(PlantBuilder(session))
    issued = datetime(2026, 6, 1, 9, 30)
    first = issue_scar(session, ref(b, "HONEY", "H1"), "Salmonella in retained sample", issued_at=issued)
    second = issue_scar(session, ref(b, "HONEY", "H2"), "Moisture", due=date(2026, 6, 5), issued_at=issued)
    assert (first.code, second.code) == ("SCAR-2026-0001", "SCAR-2026-0002")
    assert next_scar_code(session, datetime(2027, 1, 2)) == "SCAR-2027-0001"
    rows = {a.code: a for a in session.scalars(select(SupplierAction))}
    a = rows[first.code]
    assert (a.status, a.problem, a.issued_at) == ("open", "Salmonella in retained sample", issued)
    assert a.due_at == datetime(2026, 6, 15, 23, 59)  # 14 days, end of day
    assert rows[second.code].due_at == datetime(2026, 6, 5, 23, 59)
    assert a.vendor_id == b.vendors["BEE"].id and a.lot_id == b.lot("HONEY", "H1").id
    assert [s.code for s in scar_facts(session, ref(b, "HONEY", "H1")).scars] == [first.code]
    with pytest.raises(WorkbenchError, match="Describe"):
        issue_scar(session, ref(b, "HONEY", "H1"), "  ")
    with pytest.raises(WorkbenchError, match="before the issue date"):
        issue_scar(session, ref(b, "HONEY", "H1"), "x", due=date(2026, 5, 1), issued_at=issued)


def test_vendor_quality_traces_returns_to_vendor_lots(session):
    b = build(PlantBuilder(session))
    issue_scar(session, ref(b, "HONEY", "H2"), "Moisture", issued_at=datetime(2026, 3, 20))
    q = vendor_quality(session, "BEE")
    assert [r.lot.label for r in q.receipts] == ["HONEY/H1", "HONEY/H2"]
    assert q.lots == 2
    assert [(r.returns, r.scars) for r in q.receipts] == [(1, 0), (0, 1)]
    assert [r.label for r in q.implicated_lots] == ["HONEY/H1", "HONEY/H2"]
    assert [(r.line.rma, r.line.ref.label, list(r.from_lots)) for r in q.returns] == [("RMA-1", "BAR/B1", ["HONEY/H1"])]
    assert [s.code for s in q.open_scars] == ["SCAR-2026-0001"]
    assert sum(m.receipts for m in q.monthly) == 2
    assert sum(m.returns for m in q.monthly) == 1 and sum(m.scars for m in q.monthly) == 1
    months = [m.month for m in q.monthly]
    assert months == sorted(months) and all(m.day == 1 for m in months)
    cane = vendor_quality(session, "CANE")
    # The crushed-box return of B3 and the complaint on B1 both trace to sugar G1; only the
    # complaint is the material's: a crushed box is not the sugar vendor's doing.
    assert sorted(r.line.rma for r in cane.returns) == ["RMA-1"]
    assert [(r.line.rma, r.cause, r.vendor_attributable) for r in cane.excluded] == [("RMA-2", "transit", False)]
    with pytest.raises(WorkbenchError, match="no vendor"):
        vendor_quality(session, "NOPE")
    assert json.loads(json.dumps(q.to_json()))["open_scars"] == ["SCAR-2026-0001"]


LETTERHEAD = Letterhead(name="Test Foods Ltd", address="1 Mill Road\nTestville", email="qa@test.example",
                        recall_contact="Quinn QA, Quality Manager", recall_email="qa@test.example")


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_scar_pdf_holds_the_facts_and_the_8d_headings(session, tmp_path):
    b = build(PlantBuilder(session))
    lot = ref(b, "HONEY", "H1")
    issued = datetime(2026, 6, 1, 9, 0)
    code = issue_scar(session, lot, "Salmonella found in retained sample", issued_at=issued)
    facts = scar_facts(session, lot)
    out = write_scar(facts, vendor_quality(session, "BEE"), tmp_path / "scar.pdf", code,
                     "Salmonella found in retained sample", issued, issued + timedelta(days=14), LETTERHEAD)
    text = pdf_text(out)
    for expected in ("BEE Supplies (BEE)", "HONEY", "H1", "BEE-0382", "PO-77", "GRN-1", "100 kg",
                     "Salmonella found in retained sample", "SCAR-2026-0001",
                     "June 15, 2026", "Test Foods Ltd", "SYRUP", "BAR", "ACME", "ZENITH"):
        assert expected in text, expected
    for heading in ("D1 Team", "D2 Problem description", "D3 Interim containment", "D4 Root cause",
                    "D5 Chosen permanent corrective actions", "D6 Implemented", "D7 Actions to prevent recurrence",
                    "D8 Closure", "Quality history of BEE Supplies"):
        assert heading in text, heading
    # Containment quantities: consumed 60, on hand 40.
    flat = " ".join(text.split())
    assert "Consumed in production 60 kg" in flat and "Still on hand: on hold 40 kg" in flat
    assert "Downstream lots 3 (1 intermediate, 2 product)" in flat
    assert PdfReader(str(out)).metadata.title == f"Supplier corrective action request {code}"


# --- CLI ---------------------------------------------------------------------------------


@pytest.fixture
def plant_url(plant, db_url):
    with plant.Session.begin() as s:
        build(PlantBuilder(s))
    return db_url


def test_cli_scar_issues_and_writes_the_pdf(plant_url, plant, tmp_path, capsys):
    out = tmp_path / "scar.pdf"
    assert main(["scar", "H1", "--item", "HONEY", "--db", plant_url, "--out", str(out), "--due", "2030-01-31"]) == 0
    said = capsys.readouterr().out
    assert "SCAR-" in said and "BEE" in said and "2030-01-31" in said
    text = pdf_text(out)
    assert "Illness complaint: nausea" in text  # the default problem: return reasons traced
    with plant.Session() as s:
        assert s.scalar(select(SupplierAction.status)) == "open"
    assert main(["vendor", "BEE", "--db", plant_url, "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert len(js["open_scars"]) == 1 and js["implicated_lots"] == ["HONEY/H1"]
    assert main(["vendor", "BEE", "--db", plant_url]) == 0
    assert "1 open SCARs" in capsys.readouterr().out


def test_cli_scar_errors_are_one_sentence(plant_url, tmp_path, capsys):
    assert main(["scar", "S1", "--db", plant_url, "--out", str(tmp_path / "x.pdf"), "--problem", "x"]) == 1
    assert "purchased lot" in capsys.readouterr().err
    assert main(["scar", "H2", "--db", plant_url, "--out", str(tmp_path / "x.txt"), "--problem", "x"]) == 1
    assert "the SCAR is written as .pdf, not .txt" in capsys.readouterr().err
    assert main(["scar", "H2", "--db", plant_url, "--out", str(tmp_path / "x.pdf")]) == 1
    assert "--problem" in capsys.readouterr().err
    assert main(["scar", "H2", "--db", plant_url, "--out", str(tmp_path / "x.pdf"), "--problem", "x",
                 "--due", "soon"]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["vendor", "NOPE", "--db", plant_url]) == 1
    assert "no vendor" in capsys.readouterr().err


def test_cli_history_and_commonality(plant_url, capsys):
    assert main(["history", "B1", "--db", plant_url, "--json", "--window-hours", "4"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert {u["lot"] for u in js["upstream"]} == {"S1", "H1", "G1"}
    assert js["siblings"]["window_hours"] == 4
    assert {s["lot"] for s in js["siblings"]["by_material"]} == {"B2", "B3"}
    assert main(["history", "B1", "--db", plant_url]) == 0
    assert "Siblings by shared material (2)" in capsys.readouterr().out
    assert main(["commonality", "BAR/B1", "--db", plant_url, "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert js["defective"] == ["BAR/B1"]
    assert {"kind", "code", "item", "lot", "defective_share", "baseline_share", "lift", "p_value"} <= set(js["factors"][0])
    assert main(["commonality", "--returns-reason", "illness", "--db", plant_url]) == 0
    out = capsys.readouterr().out
    assert "1 defective lots of BAR" in out and "lot HONEY/H1" in out
    assert main(["commonality", "--db", plant_url]) == 1
    assert "ITEM/LOT" in capsys.readouterr().err
    assert main(["commonality", "--returns-reason", "zzz", "--db", plant_url]) == 1
    assert main(["commonality", "BAR/NOPE", "--db", plant_url]) == 1
    assert "no lot" in capsys.readouterr().err.lower()


def test_demo_incident_scar_facts(backend, request, tmp_path):
    from workbench.demo import INCIDENT
    from workbench.plant.lookup import find_lot
    from workbench.rootcause.commonality import defective_from_returns

    demo = request.getfixturevalue("demo_plant")
    with demo.Session() as s:
        lot = find_lot(s, INCIDENT.lot, item=INCIDENT.item)
        f = scar_facts(s, lot)
        q = vendor_quality(s, INCIDENT.vendor)
        complaints = defective_from_returns(s, INCIDENT.complaint)
    assert (f.vendor.code, f.vendor_lot, f.po) == (INCIDENT.vendor, INCIDENT.vendor_lot, INCIDENT.po)
    assert INCIDENT.receipt in [r.receipt for r in f.receipts]
    assert {d.ref for d in f.downstream} >= set(complaints)
    assert lot in q.implicated_lots
    assert {r.rma for r in f.returns} <= {r.line.rma for r in q.returns}
    out = write_scar(f, q, tmp_path / "incident.pdf", "SCAR-TEST", INCIDENT.story, datetime(2026, 6, 1),
                     datetime(2026, 6, 15), LETTERHEAD)
    text = " ".join(pdf_text(out).split())
    assert INCIDENT.vendor_lot in text and INCIDENT.po in text and INCIDENT.vendor_name in text
