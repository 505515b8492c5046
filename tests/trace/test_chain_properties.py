"""The genealogy over a supply chain against a brute-force reference: transfers between our
sites, pallets (nested, re-used by time), shipments to customers, receipts of transfers, and
events retracted (EPCIS errorDeclaration). Also: forward/backward duality, stock per site
summing to the lot balance, and in-transit lines exactly those not received.

The reference replays the same random script in plain Python, with its own notion of what is
in a container at a time (intervals, recursively), and ignores every retracted step.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.chainbuilder import ChainBuilder
from workbench.plant.containers import contents_at
from workbench.plant.events import retract_event
from workbench.plant.sites import in_transit, site_stock
from workbench.plant.stock import lot_balances
from workbench.trace.genealogy import reachable_lots, trace

N_LOTS, N_BOXES, CUSTOMERS, SITES = 5, 3, ("K0", "K1"), ("S0", "S1")
_counter = itertools.count()

step = st.one_of(
    st.tuples(st.just("order"), st.lists(st.integers(0, N_LOTS - 1), min_size=1, max_size=3, unique=True),
              st.lists(st.integers(0, N_LOTS - 1), min_size=1, max_size=2, unique=True), st.booleans()),
    st.tuples(st.just("pack"), st.integers(0, N_BOXES - 1), st.integers(0, N_LOTS - 1), st.booleans()),
    st.tuples(st.just("nest"), st.integers(0, N_BOXES - 1), st.integers(0, N_BOXES - 1), st.booleans()),
    st.tuples(st.just("unpack"), st.integers(0, N_BOXES - 1), st.just(0), st.booleans()),
    st.tuples(st.just("ship_box"), st.integers(0, N_BOXES - 1), st.sampled_from(CUSTOMERS + SITES), st.booleans()),
    st.tuples(st.just("ship_lot"), st.integers(0, N_LOTS - 1), st.sampled_from(CUSTOMERS + SITES), st.booleans()),
    st.tuples(st.just("arrive"), st.integers(0, 20), st.just(0), st.booleans()),
)


class Reference:
    """The chain in plain Python: valid steps only."""

    def __init__(self):
        self.edges: dict[int, set[int]] = defaultdict(set)
        self.packings: list[dict] = []  # container, lot | child, packed, unpacked
        self.lines: list[tuple[str, int, str, int | None]] = []  # shipment, lot, destination, box
        self.received: set[tuple[str, int]] = set()
        self.transfers: list[str] = []  # shipment codes of transfers, in order
        self.made: set[int] = set()  # lots an order made

    def open_packings(self, box: int, t: int) -> list[dict]:
        return [p for p in self.packings if p["box"] == box and p["packed"] <= t
                and (p["unpacked"] is None or p["unpacked"] > t)]

    def contents(self, box: int, t: int, seen=()) -> set[int]:
        out: set[int] = set()
        for p in self.open_packings(box, t):
            if p["lot"] is not None:
                out.add(p["lot"])
            elif p["child"] not in seen:
                out |= self.contents(p["child"], t, (*seen, box))
        return out

    def inside(self, box: int, t: int) -> set[int]:
        """Containers in ``box`` at ``t``, at any depth (to refuse cycles)."""
        out: set[int] = set()
        for p in self.open_packings(box, t):
            if p["child"] is not None and p["child"] not in out:
                out |= {p["child"]} | self.inside(p["child"], t)
        return out

    def packed_somewhere(self, box: int, t: int) -> bool:
        return any(p["child"] == box and p["packed"] <= t and (p["unpacked"] is None or p["unpacked"] > t)
                   for p in self.packings)

    def forward(self, lot: int) -> set[int]:
        seen, stack = {lot}, [lot]
        while stack:
            for nxt in self.edges[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=st.lists(step, min_size=1, max_size=18))
# A re-used SSCC (packed, emptied, packed again, shipped), nested cases shipped then received.
@example(script=[("pack", 0, 0, False), ("unpack", 0, 0, False), ("pack", 0, 1, False), ("ship_box", 0, "K0", False)])
@example(script=[("pack", 1, 2, False), ("nest", 0, 1, False), ("pack", 0, 3, True), ("ship_box", 0, "S1", False),
                 ("arrive", 0, 0, False), ("order", [2], [4], False), ("ship_lot", 4, "K1", False)])
def test_chain_trace_equals_brute_force(session, script):
    tag = f"C{next(_counter)}"
    b = ChainBuilder(session, own=f"{tag}-OWN")
    ref = Reference()
    sites = {s: b.site(f"{tag}-{s}") for s in SITES}
    item = f"{tag}-BAR"
    for i in range(N_LOTS):
        lot = b.opening(item, f"L{i}", 100)
        lot.location_id = sites["S0"].id
    boxes = [f"{tag}-SSCC{k}" for k in range(N_BOXES)]
    session.flush()
    index_of = {b.lot(item, f"L{i}").id: i for i in range(N_LOTS)}
    t = 0
    for n, (kind, a, c, retracted) in enumerate(script):
        t += 1
        b.tick()
        ref_id = f"{tag}-ev{n}"
        if kind == "order":
            outputs = [o for o in c if o not in ref.made]  # a lot is made once
            ev = b.event("transforming", [(item, f"L{i}") for i in (*a, *outputs)], ref=ref_id)
            b.produce_existing(f"{tag}-O{n}", item, a, outputs, ev)
            if retracted:
                retract_event(session, ref_id, reason="did_not_occur", at=b.tick())
            else:
                ref.made |= set(outputs)
                for i in a:
                    ref.edges[i] |= set(outputs)
        elif kind == "pack":
            ev = b.event("packing", [(item, f"L{c}")], ref=ref_id)
            b.pack(boxes[a], item, f"L{c}", 1, at=b._clock, event=ev)
            if retracted:
                retract_event(session, ref_id, reason="did_not_occur", at=b.tick())
            else:
                ref.packings.append({"box": a, "lot": c, "child": None, "packed": t, "unpacked": None})
        elif kind == "nest":
            if a == c or c in ref.inside(a, t) or a in ref.inside(c, t) or ref.packed_somewhere(c, t):
                continue  # not a valid nesting: a container is in one place, never in itself
            ev = b.event("packing", ref=ref_id)
            b.pack(boxes[a], child=boxes[c], at=b._clock, event=ev)
            if retracted:
                retract_event(session, ref_id, reason="did_not_occur", at=b.tick())
            else:
                ref.packings.append({"box": a, "lot": None, "child": c, "packed": t, "unpacked": None})
        elif kind == "unpack":
            if not ref.open_packings(a, t):
                continue
            ev = b.event("unpacking", ref=ref_id)
            b.unpack(boxes[a], at=b._clock, event=ev)
            if retracted:
                retract_event(session, ref_id, reason="did_not_occur", at=b.tick())
            else:
                for p in ref.open_packings(a, t):
                    p["unpacked"] = t
        elif kind in ("ship_box", "ship_lot"):
            code = f"{tag}-SH{n}"
            if kind == "ship_box":
                lots = sorted(ref.contents(a, t))
                got = contents_at(session, [b.box(boxes[a]).id], b._clock)
                assert {index_of[x] for x in got.get(b.box(boxes[a]).id, {})} == set(lots)
                if not lots:
                    continue
            else:
                lots = [a]
            ev = b.event("shipping", [(item, f"L{i}") for i in lots], ref=ref_id)
            to_site = c in SITES
            customer = None if to_site else f"{tag}-{c}"
            ship_to = f"{tag}-{c}" if to_site else None
            if kind == "ship_box":
                b.ship_boxes(code, [boxes[a]], customer=customer, ship_to=ship_to, event=ev, at=b._clock)
            else:
                b.ship_lot(code, item, f"L{a}", 1, customer=customer, ship_to=ship_to, event=ev)
            if retracted:
                retract_event(session, ref_id, reason="did_not_occur", at=b.tick())
            else:
                ref.lines += [(code, i, c, a if kind == "ship_box" else None) for i in lots]
                if to_site:
                    ref.transfers.append(code)
        elif kind == "arrive":
            pending = [s for s in ref.transfers if not any(r[0] == s for r in ref.received)]
            if not pending:
                continue
            code = pending[a % len(pending)]
            site = next(d for s, _, d, _ in ref.lines if s == code)
            lines = [ln for ln in ref.lines if ln[0] == code]
            ev = b.event("receiving", [(item, f"L{i}") for _, i, _, _ in lines], ref=ref_id)
            b.arrive_all(f"{tag}-GR{n}", code, f"{tag}-{site}", ev)
            if retracted:
                retract_event(session, ref_id, reason="did_not_occur", at=b.tick())
            else:
                ref.received |= {(code, i) for _, i, _, _ in lines}
    session.flush()

    ids = {i: b.lot(item, f"L{i}").id for i in range(N_LOTS)}
    index = {v: k for k, v in ids.items()}
    forward = {}
    for i in range(N_LOTS):
        reach = ref.forward(i)
        forward[i] = reach
        g = trace(session, ids[i], "forward")
        assert {index[f.lot_id] for f in g.lot_facts()} == reach
        lines = [ln for ln in ref.lines if ln[1] in reach]
        assert {n.code for n in g.of_kind("customer")} == {f"{tag}-{d}" for _, _, d, _ in lines if d in CUSTOMERS}
        assert {n.code for n in g.of_kind("site")} == {f"{tag}-{d}" for _, _, d, _ in lines if d in SITES}
        shipped_on = {boxes[bx] for _, _, _, bx in lines if bx is not None}
        packed = {boxes[p["box"]] for p in ref.packings if p["lot"] in reach}
        assert {n.code for n in g.of_kind("container")} == shipped_on | packed
        transit = {n.code for n in g.of_kind("shipment") if n.facts.status == "in transit"}
        assert transit == {s for s, lot, d, _ in lines if d in SITES and (s, lot) not in ref.received}
    for j in range(N_LOTS):  # duality: j is upstream of i exactly when i is downstream of j
        back = {index[x] for x in reachable_lots(session, [ids[j]], "backward")}
        assert back == {i for i in range(N_LOTS) if j in forward[i]}
    # Stock: the sites of a lot sum to its balance; in transit is what is not yet received.
    balances = lot_balances(session, ids.values())
    per_lot: dict[int, Decimal] = defaultdict(Decimal)
    for s in site_stock(session, ids.values()):
        per_lot[s.lot_id] += s.on_hand
    assert {k: per_lot[k] for k in ids.values()} == {k: balances[k].on_hand for k in ids.values()}
    expected_transit = {(s, lot) for s, lot, d, _ in ref.lines if d in SITES and (s, lot) not in ref.received}
    assert {(t.shipment, index[t.lot_id]) for t in in_transit(session, ids.values())} == expected_transit
