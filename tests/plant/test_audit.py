"""The audit trail: appended by every write, refused UPDATE/DELETE, and a hash chain that
names what was tampered with by direct SQL (update, delete, insert in the middle)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from workbench.actions import audit as audit_actions
from workbench.cli import main
from workbench.plant import audit


def _write(plant, n: int = 5) -> None:
    with plant.Session.begin() as s:
        for i in range(n):
            audit.record(s, "test write", "case", f"CASE-{i}", {"v": i}, {"v": i + 1})


def _tamper(plant, sql: str, **params) -> None:
    """Direct SQL around the append-only triggers, as someone with the server's keys could."""
    with plant.engine.begin() as conn:
        if plant.dialect == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # triggers off, this transaction
            conn.execute(text(sql), params)
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_delete"))
            conn.execute(text(sql), params)


def test_entries_chain_with_consecutive_ids(plant):
    _write(plant)
    with plant.Session() as s:
        got = audit.entries(s)
        assert [e.id for e in got] == [1, 2, 3, 4, 5]
        assert got[0].before == {"v": 0} and got[0].after == {"v": 1} and got[0].actor
        assert [e.at for e in got] == sorted(e.at for e in got)
        v = audit.verify(s)
    assert v.ok and v.entries == 5 and v.head_id == 5 and v.head_hash == got[-1].hash


def test_update_and_delete_are_refused_by_the_database(plant):
    _write(plant, 2)
    for sql in ("UPDATE audit_entries SET actor = 'mallory' WHERE id = 1", "DELETE FROM audit_entries WHERE id = 2"):
        with pytest.raises(DBAPIError, match="append-only"), plant.engine.begin() as conn:
            conn.execute(text(sql))
    with plant.Session() as s:
        assert audit.verify(s).ok and audit.count(s) == 2


def test_an_edited_entry_is_named(plant):
    _write(plant)
    _tamper(plant, "UPDATE audit_entries SET after = :v WHERE id = 3", v='{"v":99}')
    with plant.Session() as s:
        v = audit.verify(s)
    assert not v.ok
    assert any(p.startswith("entry 3 (test write case CASE-2) was changed") for p in v.problems), v.problems


def test_a_deleted_entry_is_named(plant):
    _write(plant)
    _tamper(plant, "DELETE FROM audit_entries WHERE id = 2")
    with plant.Session() as s:
        v = audit.verify(s)
    assert "entry 2 missing: the ids jump from 1 to 3 (deleted)" in v.problems[0]
    assert any("entry 3 does not follow entry 2" in p for p in v.problems)


def test_an_entry_inserted_in_the_middle_is_found(plant):
    """Rewriting history: entries 3-5 moved up one and a forged entry 3 put before them,
    with a correct hash of its own; the next entry's link gives it away."""
    _write(plant)
    with plant.Session() as s:
        third = audit.entries(s)[2]
    _tamper(plant, "UPDATE audit_entries SET id = id + 1000 WHERE id >= 3")
    _tamper(plant, "UPDATE audit_entries SET id = id - 999 WHERE id >= 1003")
    with plant.Session.begin() as s:
        from workbench.plant.case_models import AuditEntry

        prev = s.get(AuditEntry, 2)
        forged = AuditEntry(id=3, at=third.at, actor="mallory", db_role=None, action="case closed",
                            object_type="case", object_key="CASE-9", before=None, after=None, prev_hash=prev.hash)
        forged.hash = audit.entry_hash(forged)
        s.add(forged)
    with plant.Session() as s:
        v = audit.verify(s)
    assert not v.ok
    assert any("entry 4 does not follow entry 3" in p for p in v.problems), v.problems


def test_anchor_finds_entries_cut_from_the_end(plant, tmp_path, capsys):
    _write(plant)
    anchor = tmp_path / "anchor.txt"
    assert main(["audit", "anchor", str(anchor), "--db", plant.url]) == 0
    assert audit_actions.read_anchor(anchor)[0] == 5
    _tamper(plant, "DELETE FROM audit_entries WHERE id >= 4")
    assert main(["audit", "verify", "--db", plant.url]) == 0  # the chain alone cannot see a cut end
    capsys.readouterr()
    assert main(["audit", "verify", "--db", plant.url, "--anchor", str(anchor)]) == 1
    out = capsys.readouterr()
    assert "the anchored entry 5 is gone" in out.out and "does not verify" in out.err
    bad = tmp_path / "bad.txt"
    bad.write_text("nonsense\n")
    assert main(["audit", "verify", "--db", plant.url, "--anchor", str(bad)]) == 1
    assert f"{bad}:1: not an audit anchor" in capsys.readouterr().err


def test_show_filters_by_object_user_and_period(plant, capsys, monkeypatch):
    _write(plant, 3)
    monkeypatch.setenv("WORKBENCH_USER", "quinn")
    _write(plant, 1)
    assert main(["audit", "show", "--db", plant.url, "--user", "quinn", "--json"]) == 0
    import json

    got = json.loads(capsys.readouterr().out)
    assert [(e["id"], e["actor"]) for e in got] == [(4, "quinn")]
    assert main(["audit", "show", "--db", plant.url, "--object", "case:CASE-1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "case CASE-1" in lines[0]
    assert main(["audit", "show", "--db", plant.url, "--since", "2001-01-01", "--until", "2001-12-31"]) == 0
    assert "No audit entries match" in capsys.readouterr().out
    assert main(["audit", "show", "--db", plant.url, "--since", "yesterday"]) == 1


def test_postgresql_records_the_role_and_notifies(plant):
    with plant.Session.begin() as s:
        e = audit.record(s, "x", "case", "C")
    if plant.dialect == "postgresql":
        assert e.db_role == "postgres"
    else:
        assert e.db_role is None
