"""Cases: the record, optimistic locking, signatures, attachments, mock recalls, the
documents, and several engineers on one PostgreSQL plant (NOTIFY)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import zipfile
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy.exc import DBAPIError

from tests.factories import PlantBuilder, honey_bars
from workbench.actions import audit as audit_actions
from workbench.actions import case_reports, cases
from workbench.cases import store
from workbench.cases.store import StaleCase
from workbench.demo import INCIDENT
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.plant import audit
from workbench.plant.lookup import find_lot
from workbench.plant.notify import Listener
from workbench.recall.engine import recall
from workbench.reports.case_archive import check_archive


def _honey(plant) -> LotRef:
    """Honey H1 (vendor BEE) -> bar B1 shipped to ACME, some on hand."""
    with plant.Session.begin() as s:
        b = PlantBuilder(s)
        honey_bars(b)
        b.done()
        return LotRef(b.lot("HONEY", "H1").id, "HONEY", "H1")


def test_a_case_from_first_suspicion_to_closure(plant, tmp_path):
    lot = _honey(plant)
    s, ch = cases.open_case(plant, "Honey smells off", "complaint", "Call 4711", "Off smell", [lot])
    assert s.code.startswith("CASE-") and s.status == "open" and s.version == 1 and s.lots == 1
    assert ch.cases and lot.id in ch.lots
    cases.add_entry(plant, s.code, "note", "ACME called")
    cases.add_entry(plant, s.code, "hypothesis", "H1 was stored warm")
    with pytest.raises(WorkbenchError, match="empty"):
        cases.add_entry(plant, s.code, "decision", "  ")
    held, ch = cases.place_hold(plant, s.code, cases.parse_lots(plant, ["BAR/B1"]), "QA hold")
    assert ch.holds and held[0].quantity == Decimal(55)  # 200 made - 150 shipped + 5 returned
    evidence = tmp_path / "lab.txt"
    evidence.write_bytes(b"positive")
    a, _ = cases.attach(plant, s.code, evidence)
    assert a.sha256 == hashlib.sha256(b"positive").hexdigest()
    s, _ = cases.set_status(plant, s.code, "containment", 1)
    assert (s.status, s.version) == ("containment", 2)
    with pytest.raises(WorkbenchError, match="signature"):
        cases.set_status(plant, s.code, "closed", 2)
    s, _, proof = cases.close_case(plant, s.code, 2, "Quinn QA", "approved", None)
    assert s.status == "closed" and proof
    with pytest.raises(WorkbenchError, match="closed; reopen"):
        cases.add_entry(plant, s.code, "note", "late")
    d = cases.show_case(plant, s.code)
    assert [e.kind for e in d.entries] == ["note", "hypothesis", "hold", "attachment", "status", "status"]
    assert d.signatures[0].full_name == "Quinn QA" and d.signatures[0].meaning == "approved"
    assert d.signatures[0].method == ("os" if plant.dialect == "sqlite" else "trust")
    assert cases.hold_lots(d).keys() == {"BAR/B1"}
    s, _ = cases.reopen_case(plant, s.code, s.version, "new complaint")
    assert s.status == "open"
    with plant.Session() as session:
        kinds = [e.action for e in audit.entries(session, object_type="case", object_key=s.code)]
        assert kinds[0] == "case opened" and "case closed" in kinds and kinds[-1] == "case reopened"
        assert audit.verify(session).ok
        lot_history = audit.entries(session, object_type="lot", object_key="BAR/B1")
        assert [e.action for e in lot_history] == ["hold placed"]


def test_a_stale_edit_is_refused_naming_who_changed_it(plant, monkeypatch):
    lot = _honey(plant)
    s, _ = cases.open_case(plant, "Stale", lots=[lot])
    monkeypatch.setenv("WORKBENCH_USER", "ann")
    cases.set_status(plant, s.code, "containment", s.version)
    monkeypatch.setenv("WORKBENCH_USER", "bob")
    with pytest.raises(StaleCase, match=r"changed by ann .*version 2, yours 1"):
        cases.set_status(plant, s.code, "root_cause_found", s.version)
    with pytest.raises(StaleCase, match="changed by ann"):
        cases.edit_case(plant, s.code, 1, title="Bob's title")
    assert cases.show_case(plant, s.code).summary.title == "Stale"


ONLY_POSTGRESQL = pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgresql)])


@ONLY_POSTGRESQL
def test_concurrent_edits_on_postgresql_one_wins(plant):
    """Two sessions edit the same version at the same moment: one write wins, the other is
    refused (the row lock makes the second wait, then see the new version)."""
    lot = _honey(plant)
    s, _ = cases.open_case(plant, "Race", lots=[lot])
    barrier = threading.Barrier(2)
    results: list[str] = []

    def edit(status: str) -> None:
        with plant.Session() as session:
            session.begin()
            barrier.wait()
            try:
                store.set_status(session, s.code, status, 1)
                time.sleep(0.3)
                session.commit()
                results.append("won")
            except StaleCase as exc:
                session.rollback()
                results.append(str(exc))

    threads = [threading.Thread(target=edit, args=(st,)) for st in ("containment", "corrective_action")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results)[-1] == "won" and "changed by" in sorted(results)[0], results
    assert cases.show_case(plant, s.code).version == 2


@ONLY_POSTGRESQL
def test_notify_reaches_another_connection(plant):
    lot = _honey(plant)
    heard: list = []
    got = threading.Event()

    def on_notice(n):
        heard.append(n)
        got.set()

    listener = Listener(plant.url, on_notice)
    assert listener.start()
    try:
        with plant.Session() as session:  # a rolled-back write says nothing
            store.open_case(session, "Never", lots=[lot])
            session.rollback()
        s, _ = cases.open_case(plant, "Heard", lots=[lot])
        assert got.wait(10)
        assert heard[0].object_type == "case" and heard[0].object_key == s.code and heard[0].action == "case opened"
        assert audit_actions.changes_of(heard[0]).cases
    finally:
        listener.stop()
    assert Listener("sqlite:///x.sqlite", on_notice).supported is False


def test_mock_recall_on_the_demo_incident_reaches_100_percent(demo_plant):
    """The almond lot of the incident, traced with the clock running: 900 kg in question,
    900 kg found, the time recorded, BRCGS and FSMA passed. Rolled back: the demo plant is shared."""
    with demo_plant.Session() as session:
        lot = find_lot(session, INCIDENT.lot, INCIDENT.item)
        s = store.start_mock(session, [lot], "BRCGS", "kg", INCIDENT.quantity)
        r = recall(session, [lot])
        m = store.mock_found(session, s.code, r.totals.found["kg"], "traced")
        assert (m.in_question, m.found, m.percent) == (Decimal(900), Decimal(900), Decimal("100.0"))
        assert m.stopped_at is not None and m.elapsed().total_seconds() > 0
        assert m.grade("BRCGS") == "pass" and m.grade("FSMA") == "pass"
        assert [c for c, _, _ in store.mock_history(session)] == [s.code]
        session.rollback()


def test_mock_recall_action_and_grades(plant, tmp_path):
    lot = _honey(plant)
    run = cases.run_mock_recall(plant, [lot], "fsma")
    m = run.mock
    assert m.complete and m.stopped_at and m.standard == "FSMA"
    assert m.in_question == Decimal(100) and m.percent == Decimal("100.0")
    path = case_reports.mock_report_pdf(plant, run.code, tmp_path / "mock")
    text = PdfReader(str(path)).pages[0].extract_text()
    assert len(PdfReader(str(path)).pages) == 1
    assert "Amount in question" in text and "100.0 %" in text and "PASS" in text
    with pytest.raises(WorkbenchError, match="clock has stopped"):
        cases.mock_found(plant, run.code, Decimal(1), "more")


def test_an_incomplete_mock_recall_fails_when_stopped():
    from datetime import datetime, timedelta

    from workbench.cases.records import MockRecall

    t0 = datetime(2026, 1, 1, 8)
    running = MockRecall("BRCGS", t0, None, "kg", Decimal(100), Decimal(90))
    assert running.grade("BRCGS", now=t0 + timedelta(hours=1)) == "running"
    assert running.grade("BRCGS", now=t0 + timedelta(hours=5)) == "fail"
    assert running.grade("FSMA", now=t0 + timedelta(hours=5)) == "running"
    stopped = MockRecall("BRCGS", t0, t0 + timedelta(hours=1), "kg", Decimal(100), Decimal(90))
    assert stopped.grade("BRCGS") == "fail" and stopped.percent == Decimal("90.0")
    late = MockRecall("FSMA", t0, t0 + timedelta(hours=5), "kg", Decimal(100), Decimal(100))
    assert late.grade("BRCGS") == "fail" and late.grade("FSMA") == "pass"


def test_case_summary_and_archive(plant, tmp_path):
    lot = _honey(plant)
    s, _ = cases.open_case(plant, "Archive me", lots=[lot])
    f = tmp_path / "photo.jpg"
    f.write_bytes(b"\xff\xd8jpeg")
    cases.attach(plant, s.code, f)
    r = cases.case_recall(plant, s.code)
    from workbench.actions.recall import write_recall_package

    files = write_recall_package(r, tmp_path / "pkg")
    cases.record_package(plant, s.code, r, tmp_path / "pkg", files)
    pdf = case_reports.case_summary_pdf(plant, s.code, tmp_path / "case.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert s.code in text and "Timeline" in text and "Audit trail" in text and "photo.jpg" in text
    result = case_reports.archive_case(plant, s.code, tmp_path / "case")
    assert result.path.suffix == ".zip" and result.problems == []
    assert check_archive(result.path) == []
    with zipfile.ZipFile(result.path) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("manifest.json"))
        assert {"summary.pdf", "case.json", "audit.json", "attachments/photo.jpg"} <= names
        assert any(n.startswith(f"packages/{r.reference}/letters/") for n in names)
        letter = next(x for x in manifest["files"] if x["file"].startswith(f"packages/{r.reference}/letters/"))
        assert letter["sha256"] == letter["recorded_sha256"]
    package = cases.show_case(plant, s.code).of_kind("package")[0].data
    assert any(x.get("customer") == "ACME" for x in package["files"])
    # A package file changed after it was written is named in the archive.
    (tmp_path / "pkg" / "hold-list.csv").write_text("tampered")
    again = case_reports.archive_case(plant, s.code, tmp_path / "again.zip")
    assert any("hold-list.csv: its SHA-256 differs" in p for p in again.problems)


def test_views_are_remembered(plant):
    lot = _honey(plant)
    s, _ = cases.open_case(plant, "Views", lots=[lot])
    views = [{"item": "HONEY", "lot": "H1", "expand": 2}]
    cases.save_views(plant, s.code, views)
    assert cases.show_case(plant, s.code).views == views


@ONLY_POSTGRESQL
def test_a_read_only_role_investigates_but_does_not_write(plant):
    import uuid

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from workbench.plant import open_plant
    from workbench.plant.roles import grant_roles
    from workbench.plant.who import access

    lot = _honey(plant)
    s, _ = cases.open_case(plant, "Visible to readers", lots=[lot])
    suffix = uuid.uuid4().hex[:8]
    reader, writer, login = f"wb_reader_{suffix}", f"wb_writer_{suffix}", f"wb_alice_{suffix}"
    with plant.Session.begin() as session:
        grant_roles(session, reader, writer)
        session.execute(text(f"CREATE ROLE {login} LOGIN PASSWORD 'alice-pw' IN ROLE {reader}"))
    alice = open_plant(make_url(plant.url).set(username=login, password="alice-pw").render_as_string(False))
    try:
        with alice.Session() as session:
            a = access(session)
            assert not a.can_write and "read-only" in a.why and a.role == login
        assert [c.code for c in cases.list_cases(alice)] == [s.code]
        assert cases.case_recall(alice, s.code).totals.affected_lots >= 1
        with pytest.raises(WorkbenchError, match=f"Not written: role {login} is read-only"):
            cases.add_entry(alice, s.code, "note", "should not land")
        with plant.Session.begin() as session:
            session.execute(text(f"GRANT {writer} TO {login}"))
        cases.add_entry(alice, s.code, "note", "now I may")
        with alice.Session() as session:
            assert audit.entries(session, object_key=s.code)[-1].db_role == login
            with pytest.raises(DBAPIError, match=r"permission denied|append-only"):
                session.execute(text("UPDATE audit_entries SET actor = 'x'"))
    finally:
        alice.dispose()
        with plant.Session.begin() as session:
            session.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{login}'"))
            for role in (login, reader, writer):
                session.execute(text(f"DROP OWNED BY {role}"))
                session.execute(text(f"DROP ROLE {role}"))


def test_commonality_is_kept_in_the_record_and_the_letterhead_change_audited(plant, tmp_path):
    from workbench.actions.letterhead import change_letterhead
    from workbench.settings import Letterhead

    lot = _honey(plant)
    s, _ = cases.open_case(plant, "Why", lots=[lot])
    entry, factors, _ = cases.record_commonality(plant, s.code, [], "Illness")
    assert entry.kind == "commonality" and factors[0]["factor"].startswith("lot HONEY/H1")
    with pytest.raises(WorkbenchError, match="Name the defective lots"):
        cases.record_commonality(plant, s.code, [])
    change_letterhead(plant, Letterhead(name="New Foods Ltd"), tmp_path / "letterhead.json")
    with plant.Session() as session:
        e = audit.entries(session, object_type="letterhead")[-1]
    assert e.action == "letterhead changed" and e.after["name"] == "New Foods Ltd"


def test_what_a_colleagues_write_means_for_the_views():
    from workbench.plant.notify import Notice

    def of(kind, action):
        return audit_actions.changes_of(Notice(1, action, kind, "K", "ann", 1))

    assert of("case", "note added").cases and not of("case", "note added").touches_lots()
    assert of("lot", "hold placed").holds and of("lot", "hold released").touches_lots()
    assert of("lot", "lot received").plant and of("pick_list", "shipped").plant
    assert of("scar", "SCAR closed").scars and of("return", "return cause set").scars
    assert of("letterhead", "letterhead changed").empty
    assert Notice.parse("not json", 1) is None and Notice.parse('{"id": 2}', 1) is None
