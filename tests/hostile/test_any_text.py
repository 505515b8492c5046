"""Search takes any text; ``trace --json`` lists nodes in a stable order; a killed demo
build leaves no hidden files behind (the next build removes them)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import PlantBuilder
from workbench.errors import WorkbenchError
from workbench.lots.search import completions, search

ANY_CHARACTER = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=())


@pytest.fixture
def small_plant(session):
    b = PlantBuilder(session)
    b.receive("ALM", "ALM-A1", 100, vendor="NUTCO")
    b.produce("WO-1", "BAR", [("ALM", "ALM-A1", 50)], [("BAR-B1", 50)])
    b.ship("SH-1", "CU-1", "BAR", "BAR-B1", 10)
    b.done()
    return session


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(ANY_CHARACTER, max_size=40))
@example("\U0010ffff")
@example("\ud800")
@example("ALM\udcff")
@example("\x00")
@example("ALM-A1\x00")
@example("A" * 100_000)
@example("%")
@example("_")
@example("\\")
@example("'; DROP TABLE lots; --")
@example("(01)10614141000415(10)\x00")
@example("]C1011061414100041510ALM-A1\x1d")
def test_search_takes_any_text(small_plant, text):
    try:
        hits = search(small_plant, text)
    except WorkbenchError as refused:
        said = str(refused)
        assert "\n" not in said and said.endswith(".") and len(said) < 300
        for ch in text:
            assert ch not in said or ch.isprintable()
        return
    assert isinstance(hits, list)
    assert isinstance(completions(small_plant, text), list)


def test_search_still_finds_what_is_there(small_plant):
    assert [h.lot for h in search(small_plant, "ALM-A1")] == ["ALM-A1"]
    assert [h.lot for h in search(small_plant, "  BAR-B1 ")] == ["BAR-B1"]
    assert search(small_plant, "%") == [] and search(small_plant, "A" * 100_000) == []
    with pytest.raises(WorkbenchError, match="U\\+0000"):
        search(small_plant, "ALM\x00")


def test_trace_json_lists_nodes_in_a_stable_order(cli, incident_url):
    args = ("trace", "ALM-A1", "--item", "ALM", "--direction", "both", "--json", "--db", incident_url)
    first = cli(*args)[1]
    assert first == cli(*args)[1]
    data = json.loads(first)
    keys = [(n["kind"], n["id"]) for n in data["nodes"]]
    assert keys == sorted(keys)
    edges = [(e["source"], e["target"], e["kind"]) for e in data["edges"]]
    assert edges == sorted(edges)


@pytest.mark.sqlite
def test_a_killed_demo_build_leaves_nothing_after_the_next_build(tmp_path, monkeypatch):
    from workbench.demo import build

    target = tmp_path / "demo.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "workbench.cli", "demo", "--db", f"sqlite:///{target}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".demo.sqlite.building-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    left = list(tmp_path.glob(".demo.sqlite.building-*"))
    assert left, "the build was killed before it wrote anything: nothing to clean"
    assert not target.exists()

    def failing_build(*_a, **_k):
        raise RuntimeError("stopped on purpose")

    monkeypatch.setattr(build, "build_demo", failing_build)
    with pytest.raises(RuntimeError):
        build.build_sqlite_file(target)
    assert list(tmp_path.iterdir()) == []
