"""FEFO/FIFO proposals against a brute-force reference."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.floor.proposals import Candidate, choose_lots, refusal

AT = datetime(2026, 6, 1, 12)


@st.composite
def lots(draw):
    n = draw(st.integers(0, 6))
    out = []
    for i in range(n):
        out.append(Candidate(
            lot_id=i + 1, lot=f"L{i:02d}",
            available=Decimal(draw(st.integers(0, 50))) / 4,
            created_at=AT - timedelta(days=draw(st.integers(0, 40))),
            expires_at=draw(st.one_of(st.none(), st.integers(-5, 60).map(lambda d: AT + timedelta(days=d)))),
            location=f"A-{i}", site=draw(st.sampled_from(["MAIN", "MAIN", "MAIN", "EAST"])),
            hold=draw(st.sampled_from([None, None, None, "hold", "quarantine"]))))
    return out


def reference(cands, need, rule, at, site):
    """Brute force: among every order of the eligible lots, the one whose sequence of
    (expiry, receipt) keys is smallest; take greedily in that order."""
    def ok(c):
        return (c.hold is None and (c.expires_at is None or c.expires_at > at) and c.site == site
                and c.available > 0)

    eligible = [c for c in cands if ok(c)]

    def key(c):
        made = c.created_at or datetime.max
        if rule == "FEFO":
            return (c.expires_at or datetime.max, made, c.lot, c.lot_id)
        return (made, c.lot, c.lot_id)

    best = min(itertools.permutations(eligible), key=lambda p: [key(c) for c in p], default=())
    taken, left = [], need
    for c in best:
        if left <= 0:
            break
        q = min(c.available, left)
        taken.append((c.lot_id, q))
        left -= q
    return taken


@settings(max_examples=300, deadline=None)
@given(lots(), st.integers(1, 120).map(lambda n: Decimal(n) / 2), st.sampled_from(["FEFO", "FIFO"]))
def test_proposals_match_brute_force(cands, need, rule):
    choice = choose_lots(cands, need, rule, AT, "MAIN", "kg")
    got = [(p.candidate.lot_id, p.quantity) for p in choice.lots]
    assert got == reference(cands, need, rule, AT, "MAIN")
    by_id = {c.lot_id: c for c in cands}
    for lot_id, q in got:
        c = by_id[lot_id]
        assert c.hold is None, "a held or quarantined lot was proposed"
        assert c.expires_at is None or c.expires_at > AT, "an expired lot was proposed"
        assert c.site == "MAIN" and 0 < q <= c.available
    eligible_total = sum((c.available for c in cands if refusal(c, AT, "MAIN") is None), Decimal(0))
    assert choice.proposed == min(need, eligible_total)
    assert choice.short == need - choice.proposed
    if rule == "FEFO":
        dates = [by_id[i].expires_at or datetime.max for i, _ in got]
        assert dates == sorted(dates), "FEFO must take the earliest expiry first"
    # every lot but the last is taken whole
    assert all(q == by_id[i].available for i, q in got[:-1])


def test_passed_over_lots_are_named():
    cands = [Candidate(1, "H", Decimal(5), AT, None, "A", "MAIN", "hold"),
             Candidate(2, "X", Decimal(5), AT, AT - timedelta(days=1), "A", "MAIN"),
             Candidate(3, "OK", Decimal(5), AT, AT + timedelta(days=9), "A", "MAIN")]
    choice = choose_lots(cands, Decimal(3), "FEFO", AT, "MAIN", "kg")
    assert [p.candidate.lot for p in choice.lots] == ["OK"]
    assert dict(choice.passed_over) == {"on hold": 1, "expired": 1}
    assert "earliest expiry" in choice.lots[0].why and "expires 2026-06-10" in choice.lots[0].why
