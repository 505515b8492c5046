"""One year of Northfield Foods, day by day and shift by shift.

Each working day (Monday to Saturday; Saturday without the night shift):

1. *Plan*: products whose finished stock is below three days of demand get batches,
   spread over the day's shifts; each shift's intermediates are planned backwards
   level by level (granola clusters need nut mix, which needs chopped almonds, ...)
   from on-hand totals, and the day's material needs are summed.
2. *Receive* (04:00-06:00): materials that would fall below two days of cover are
   delivered, each delivery split into vendor lots of at most the vendor's lot size.
3. *Produce* each shift (06-14, 14-22, 22-06): intermediates level by level, then
   products, each order picking its inputs FEFO lot by lot and making one lot
   (intermediates) or one to three lots (products: pallets with their own date code).
4. *Ship* (14:00-21:00, after shift A): customers' order lines are picked FEFO from
   released stock, so a lot goes to several customers and a line may take two lots.
5. *Returns*: now and then a customer sends cases back (RMA); damaged-packaging
   returns are repacked by a rework order into a new lot. Returned cases are never
   shipped again as they are, so every lot balances.

Everything happens in time order, so the recorded consumptions obey FEFO at the time
they were made. All quantities are integers in milli-units (see ``catalog``).
"""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from workbench.demo.catalog import (
    DEMAND,
    ITEMS,
    PURCHASING,
    RECIPES,
    REWORK_CASES,
    REWORK_STEP,
    Step,
    U,
)
from workbench.demo.incident import INCIDENT, IncidentReach
from workbench.demo.logistics import (
    CUSTOMER_PALLET,
    DISPLAY_PALLET,
    MISKEYED_DIVISOR,
    MISKEYED_FROM,
    MISKEYED_ITEM,
    PALLETISED,
    TRANSFER_PALLET,
    Logistics,
    Transit,
)
from workbench.demo.parties import make_crews, make_customers, make_machines, make_vendors
from workbench.demo.sink import Sink
from workbench.demo.stock import NO_EXPIRY, Stock
from workbench.plant.types import tidy
from workbench.progress import report

#: First day of history (a Monday) and the number of days simulated (52 weeks).
EPOCH = datetime(2025, 11, 3)
DAYS = 364
DAY = 86_400
HOUR = 3_600
SHIFTS = ("A", "B", "C")
SHIFT_START = {"A": 6, "B": 14, "C": 22}
#: Finished stock kept, in days of mean demand; materials reordered below this cover.
FG_TARGET_DAYS = 3
REORDER_DAYS = 2
#: Finished stock the distribution centre keeps, in days of its share of demand.
DC_TARGET_DAYS = 2
#: The overnight truck to the distribution centre leaves the plant at 21:30 and arrives at
#: noon on the next working day.
TRANSFER_LEAVES = 21 * 3_600 + 1_800
TRANSFER_ARRIVES = 12 * 3_600
#: Minutes each production level may take to start its orders.
START_WINDOW = 30
#: Returns per working day at scale 1 (unrelated to the incident).
RETURN_RATE = 0.12
COMPLAINTS = 6

RETURN_REASONS = (
    ("Damaged packaging: cases crushed in transit", 3),
    ("Short shelf life on delivery", 2),
    ("Wrong item picked", 2),
    ("Product broken in pack", 2),
    ("Foreign material: plastic fragment found by consumer", 1),
    ("Seal failure: pack not closed", 1),
)
ILLNESS_REASONS = (
    "Illness complaint: consumer reported vomiting and fever after eating the product",
    "Illness complaint: several consumers at a school reported stomach illness",
    "Illness complaint: consumer hospitalised, suspected salmonellosis",
    "Illness complaint: consumer reported diarrhoea and cramps the day after eating",
)


@functools.lru_cache(maxsize=4096)
def dt(seconds: int) -> datetime:
    """The moment ``seconds`` after the epoch (cached: an order's rows share their times)."""
    return EPOCH + timedelta(seconds=seconds)


@functools.lru_cache(maxsize=4096)
def qty(milli: int) -> Decimal:
    """Milli-units as a quantity (cached: recipes and pack sizes repeat; Decimals are immutable)."""
    return Decimal(milli).scaleb(-3)


@dataclass
class Planned:
    """An order decided by the planner, run later in its shift."""

    item: int
    rework: tuple[int, int, int] | None = None  # returned lot id, quantity, case item
    rma: str | None = None  # the return being reworked
    planted: bool = False


@dataclass
class Line:
    """A shipped quantity of one lot to one customer, kept for later returns."""

    lot: int
    customer: int
    returnable: int
    day: int
    item: int


class Simulation:
    """The plant's year, written row by row into ``sink``; ``run()`` once, then read
    ``reach()``, ``overconsumed()`` and ``everywhere()`` for the summary."""

    def __init__(self, sink: Sink, seed: int, scale: float, progress=None):
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.sink = sink
        self.rng = random.Random(seed)
        self.scale = scale
        self.progress = progress
        self.ids: dict[str, int] = defaultdict(int)
        self.items = {i + 1: spec for i, spec in enumerate(ITEMS)}
        self.code_id = {spec.code: i for i, spec in self.items.items()}
        self.recipes: dict[int, tuple[int, list[tuple[int, int]], tuple[Step, ...]]] = {
            self.code_id[c]: (r.batch, [(self.code_id[i], q) for i, q in r.inputs], r.steps)
            for c, r in RECIPES.items()
        }
        self.stock = {i: Stock() for i in self.items}
        self.products = [i for i, s in self.items.items() if s.kind == "product"]
        self.materials = [i for i, s in self.items.items() if s.kind == "material"]
        self._levels()
        self._usage()
        self.vendors, self.sources = make_vendors(scale)
        self.vendor_id = {v.code: n + 1 for n, v in enumerate(self.vendors)}
        self.vendor_seq = {v.code: 1000 + self.rng.randrange(4000) for v in self.vendors}
        self.customers = make_customers(scale)
        self.customer_weights = list(itertools.accumulate(c.weight for c in self.customers))
        self.chain = Logistics(sink, self.vendors, self.customers, self.nid, seed)
        # The distribution centre's stock of products, its share of demand and what is on
        # the road to it (see ``_transfer``).
        self.dc = {p: Stock() for p in self.products}
        self.transit: list[tuple[int, Transit]] = []
        self.transfer_seq = 0
        self.transfer_lines = 0
        self.lot_expiry: dict[int, int] = {}
        self.miskeyed_day = (MISKEYED_FROM.date() - EPOCH.date()).days
        self.miskeyed = False
        serving = self.chain.serving
        dc_weight = sum(c.weight for c, site in zip(self.customers, serving, strict=True) if site == "dc")
        self.dc_share = dc_weight / sum(c.weight for c in self.customers)
        self.dc_target = {p: round(self.usage[p] * self.dc_share * DC_TARGET_DAYS / U) * U
                          for p in self.products}
        self.machines = make_machines(scale)
        self.machine_turn: dict[str, int] = defaultdict(int)
        self.crews = make_crews(scale)
        # Counters that run through the year.
        self.po_seq = 20000
        self.so_seq = 0
        self.rma_seq = 0
        self.edges = 0
        # The incident's reach, and the planted over-consumption.
        self.incident_day = (INCIDENT.received_at.date() - EPOCH.date()).days
        self.tainted: dict[int, tuple[str, str]] = {}
        self.tainted_lines: list[Line] = []
        self.tainted_shipped: dict[str, int] = defaultdict(int)
        self.tainted_sites: set[str] = set()
        self.incident_lot = 0
        self.planted_lot = 0
        self.planted_taken = 0
        self.salt = self.code_id["RM-SALT"]
        self.salt_lots: dict[int, str] = {}
        self.salt_uses: dict[int, int] = defaultdict(int)
        # Returns.
        self.recent: deque[tuple[int, list[Line]]] = deque()
        self.reworks: list[tuple[int, Planned]] = []
        self.complainers: list[int] = []
        self.complaint_rmas: list[str] = []
        self.returns_made = 0
        self.reworked_rmas: list[str] = []

    # -- set-up ---------------------------------------------------------------------

    def _levels(self) -> None:
        """Materials are level 0, an intermediate one above its highest input;
        products all run in the last phase of a shift."""
        level: dict[int, int] = dict.fromkeys(self.materials, 0)

        def of(i: int) -> int:
            if i not in level:
                level[i] = 1 + max(of(j) for j, _ in self.recipes[i][1])
            return level[i]

        for i, spec in self.items.items():
            if spec.kind == "intermediate":
                of(i)
        self.top = max(level.values()) + 1
        for p in self.products:
            level[p] = self.top
        self.level = level
        self.by_level = defaultdict(list)
        for i, spec in self.items.items():
            if spec.kind == "intermediate":
                self.by_level[level[i]].append(i)
        # Minutes from shift start at which each level starts; each level waits until
        # the previous one has finished, so an order only uses lots already made.
        self.window: dict[int, int] = {}
        start = 0
        for lvl in range(1, self.top + 1):
            items = self.by_level[lvl] if lvl < self.top else self.products
            longest = max(sum(s.minutes for s in self.recipes[i][2]) for i in items)
            if lvl == self.top:
                longest = max(longest, REWORK_STEP.minutes)
            self.window[lvl] = start
            start += START_WINDOW + longest
        if start > 8 * 60:
            raise ValueError("the demo recipes do not fit in an eight-hour shift")

    def _usage(self) -> None:
        """Expected use per working day of each item, exploded from mean demand."""
        use: dict[int, float] = defaultdict(float)
        for p in self.products:
            use[p] = DEMAND[self.items[p].code] * U * self.scale
        for i in sorted(self.recipes, key=lambda i: -self.level[i]):
            batch, inputs, _ = self.recipes[i]
            runs = use[i] / batch
            for j, q in inputs:
                use[j] += runs * q
        self.usage = use
        self.fg_target = {p: round(use[p] * FG_TARGET_DAYS) for p in self.products}


    def nid(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    # -- the year ---------------------------------------------------------------------

    def run(self) -> None:
        self._master_data()
        self._opening_stock()
        for d in range(DAYS):
            if d % 7 == 0:
                day = EPOCH.date() + timedelta(days=d)
                report(self.progress, 0.9 * d / DAYS, f"Simulating {day:%B %Y}")
            if d % 7 != 6:  # Sundays are off
                self._day(d)
        for _due, line in self.transit:  # still on the road when the year ends
            self.chain.account.in_transit.append(line)
            self.chain.pack(line.pallet, line.shipped_at - timedelta(minutes=30), self.chain.site_id("plant"),
                            lot=line.lot, quantity=qty(line.quantity))
        self.sink.finish()

    def _master_data(self) -> None:
        add = self.sink.add
        for i, s in self.items.items():
            add("items", {"id": i, "code": s.code, "name": s.name, "kind": s.kind,
                          "unit": s.unit, "gtin": s.gtin, "shelf_life_days": s.shelf_life_days})
        self.chain.master_data()
        for n, v in enumerate(self.vendors, 1):
            add("vendors", {"id": n, "code": v.code, "name": v.name, "contact": v.contact,
                            "email": v.email, "phone": v.phone, "address": v.address,
                            "party_id": self.chain.vendor_party(n)})
        for n, c in enumerate(self.customers, 1):
            add("customers", {"id": n, "code": c.code, "name": c.name, "contact": c.contact,
                              "email": c.email, "phone": c.phone, "address": c.address,
                              "party_id": self.chain.customer_party(n)})

    def _lot(self, item: int, code: str, amount: int, origin: str, at: int,
             expiry_day: int | None, vendor_lot: str | None = None,
             stock: int | None = None, site: str = "plant", data: dict | None = None,
             source: int | None = None, prepare=None) -> int:
        """Write a lot and put it in the stock of ``site`` (``stock`` may differ from what
        is recorded). ``data``: key data columns (country of origin, harvest date);
        ``source``: the location that assigned its traceability lot code (the vendor's
        site for a purchased lot, whose lot number is the vendor's); ``prepare(row)``, when
        given, sees the lot's row before it is written and returns the event that created it."""
        lot_id = self.nid("lots")
        expires = None if expiry_day is None else EPOCH + timedelta(days=expiry_day)
        made = origin == "production"
        row = {
            "id": lot_id, "item_id": item, "code": code, "vendor_lot": vendor_lot,
            "quantity": qty(amount), "created_at": dt(at), "expires_at": expires, "origin": origin,
            "location_id": self.chain.site_id(site), "tlc_source_id": source, "tlc_source_ref": None,
            "production_date": dt(at).date() if made else None,
            "harvest_date": data["harvest_date"] if data else None, "pack_date": None,
            "best_before": expires.date() if made and expires is not None and self.items[item].kind == "product"
            else None,
            "country_of_origin": data["country_of_origin"] if data else None, "event_id": None,
        }
        if prepare is not None:
            row["event_id"] = prepare(row)
        self.sink.add("lots", row)
        stocks = self.stock if site == "plant" else self.dc
        stocks[item].put(NO_EXPIRY if expiry_day is None else expiry_day, lot_id,
                         amount if stock is None else stock)
        self.lot_expiry[lot_id] = NO_EXPIRY if expiry_day is None else expiry_day
        if item == self.salt:
            self.salt_lots[lot_id] = code
        return lot_id

    def _expiry(self, item: int, day: int, freshness: float = 1.0) -> int | None:
        shelf = self.items[item].shelf_life_days
        return None if shelf is None else day + round(shelf * freshness)

    def _vendor_lot(self, vendor: str, day: int) -> str:
        """A vendor's own lot number: its prefix, year and week of packing, a sequence."""
        self.vendor_seq[vendor] += self.rng.randint(1, 7)
        packed = EPOCH.date() + timedelta(days=day - self.rng.randint(5, 40))
        prefix = self.vendors[self.vendor_id[vendor] - 1].lot_prefix
        return f"{prefix}{packed:%y}{packed.isocalendar()[1]:02d}-{self.vendor_seq[vendor]:04d}"

    def _opening_stock(self) -> None:
        """What was on hand when the system went live, the day before the history."""
        at = -18 * HOUR  # Sunday noon
        n = 0
        for m in self.materials:
            pur = PURCHASING[self.items[m].code]
            amount = _round_up(max(self.usage[m] * 10, pur.pack), pur.pack)
            while amount > 0:
                n += 1
                part = min(amount, pur.lot_size)
                self._lot(m, f"OPEN-{n:04d}", part, "opening", at, self._expiry(m, -1, 0.5),
                          vendor_lot=self._vendor_lot(self.sources[self.items[m].code][0], -1))
                amount -= part
        for p in self.products:  # the distribution centre holds two fifths of it
            for share, site in ((0.6, "plant"), (0.4, "dc")):
                n += 1
                amount = round(self.fg_target[p] * share / U) * U or U
                self._lot(p, f"OPEN-{n:04d}", amount, "opening", at, self._expiry(p, -1, 0.8),
                          site=site)

    def _day(self, d: int) -> None:
        self.today = EPOCH.date() + timedelta(days=d)
        self.tag = f"{self.today:%y}{self.today.timetuple().tm_yday:03d}"
        self.counters: dict[object, int] = defaultdict(int)
        shifts = SHIFTS[:2] if d % 7 == 5 else SHIFTS
        day_start = d * DAY
        if d == self.incident_day:
            self._incident_receipt(day_start)
        plan, materials = self._plan(d, shifts)
        self._receive(d, day_start, materials)
        for shift in shifts:
            self._produce(d, shift, plan[shift])
            if shift == "A":
                self._returns(d)
                self._arrivals(d)
                self._ship(d)
                self._transfer(d)

    # -- planning ---------------------------------------------------------------------

    def _plan(self, d: int, shifts) -> tuple[dict, dict[int, int]]:
        rng = self.rng
        plan: dict[str, defaultdict[int, list[Planned]]] = {s: defaultdict(list) for s in shifts}
        batches = []
        for p in self.products:
            short = self.fg_target[p] - self.stock[p].total - self.dc[p].total - self.on_the_road(p)
            if short > 0:
                batches += [p] * -(-short // self.recipes[p][0])
        rng.shuffle(batches)
        turn = rng.randrange(len(shifts))
        for k, p in enumerate(batches):
            plan[shifts[(k + turn) % len(shifts)]][self.top].append(Planned(p))
        plan[shifts[0]][self.top] += [order for due, order in self.reworks if due <= d]
        self.reworks = [(due, order) for due, order in self.reworks if due > d]
        if d == self.incident_day:
            plan["A"][1].insert(0, Planned(self.code_id[INCIDENT.overconsumed_lot[0]],
                                           planted=True))
        projected = {i: self.stock[i].total for i in self.items}
        materials: dict[int, int] = defaultdict(int)
        for shift in shifts:
            levels = plan[shift]
            need: dict[int, int] = defaultdict(int)
            for lvl in range(self.top, 0, -1):
                orders = levels[lvl]
                if lvl < self.top:
                    for i in self.by_level[lvl]:
                        batch = self.recipes[i][0]
                        projected[i] += batch * sum(1 for o in orders if o.item == i)
                        want = need.pop(i, 0)
                        if projected[i] < want:
                            n = -(-(want - projected[i]) // batch)
                            orders.extend(Planned(i) for _ in range(n))
                            projected[i] += n * batch
                        projected[i] -= want
                for o in orders:
                    for j, q in self._inputs(o):
                        need[j] += q
            for m, q in need.items():
                materials[m] += q
        return plan, materials

    def _inputs(self, order: Planned) -> list[tuple[int, int]]:
        if order.rework is not None:
            _lot, amount, case = order.rework
            return [(case, amount)]
        return self.recipes[order.item][1]

    # -- receiving --------------------------------------------------------------------

    def _receive(self, d: int, day_start: int, need: dict[int, int]) -> None:
        deliveries = []
        for m in self.materials:
            have, want = self.stock[m].total, need.get(m, 0)
            cover = self.usage[m] * REORDER_DAYS
            if have - want >= cover:
                continue
            pur = PURCHASING[self.items[m].code]
            amount = max(pur.cover_days * self.usage[m], pur.min_delivery, want + cover - have)
            deliveries.append((m, _round_up(amount, pur.pack)))
        if not deliveries:
            return
        gap = min(300, 6000 // len(deliveries))
        for k, (m, amount) in enumerate(deliveries):
            sources = self.sources[self.items[m].code]
            vendor = sources[0] if len(sources) == 1 else self.rng.choices(
                sources, weights=[3] + [1] * (len(sources) - 1))[0]
            self.po_seq += 1
            if f"PO-45000{self.po_seq}" == INCIDENT.po:
                self.po_seq += 1
            self._receipt(m, amount, vendor, f"PO-45000{self.po_seq}",
                          day_start + 4 * HOUR + 300 + k * gap, d)

    def _receipt(self, m: int, amount: int, vendor: str, po: str, at: int, d: int,
                 vendor_lot: str | None = None, expiry_day: int | None = None) -> list[int]:
        self.counters["GRN"] += 1
        grn = f"GRN{self.tag}-{self.counters['GRN']:02d}"
        code = self.items[m].code
        lot_size = PURCHASING[code].lot_size
        vendor_id = self.vendor_id[vendor]
        site = self.chain.vendor_site(vendor_id)
        lots = []
        while amount > 0:
            part = min(amount, lot_size)
            amount -= part
            self.counters["R"] += 1
            vlot = vendor_lot or self._vendor_lot(vendor, d)
            expiry = expiry_day if expiry_day is not None else self._expiry(
                m, d, self.rng.uniform(0.75, 1.0))
            lot_code = f"R{self.tag}-{self.counters['R']:02d}"
            row: dict[str, Any] = {
                "id": self.nid("receipts"), "code": grn, "received_at": dt(at),
                "vendor_id": vendor_id, "po": po, "lot_id": 0, "vendor_lot": vlot,
                "quantity": qty(part), "location_id": self.chain.site_id("plant"),
                "ship_from_id": site, "shipment_id": None, "container_id": None, "event_id": None,
            }
            prepare = None
            if code == MISKEYED_ITEM and not self.miskeyed and d >= self.miskeyed_day:
                # Keyed with a tenth of its quantity, retracted and recorded again.
                self.miskeyed = True

                def prepare(lot_row, row=row, wrong=part // MISKEYED_DIVISOR):
                    row["lot_id"] = lot_row["id"]
                    row["event_id"] = self.chain.retracted_receipt(row, lot_row, code, qty(wrong))
                    return row["event_id"]
            lot_id = self._lot(m, lot_code, part, "receipt", at, expiry, vendor_lot=vlot,
                               data=self.chain.lot_data(code, dt(at)), source=site, prepare=prepare)
            row["lot_id"] = lot_id
            self.sink.add("receipts", row)
            self.chain.key_data(lot_id, code)
            if row["event_id"] is not None:
                self.chain.event_lots(lot_id, row["event_id"] - 1, row["event_id"])
            lots.append(lot_id)
        return lots

    def _incident_receipt(self, day_start: int) -> None:
        """The almonds that carry Salmonella: older stock, so they expire (and go) first."""
        m = self.code_id[INCIDENT.item]
        [lot_id] = self._receipt(
            m, int(INCIDENT.quantity) * U, INCIDENT.vendor, INCIDENT.po,
            day_start + INCIDENT.received_at.hour * HOUR, self.incident_day,
            vendor_lot=INCIDENT.vendor_lot, expiry_day=self.incident_day + 75)
        assert (self.tag, self.counters["R"], self.counters["GRN"]) == ("26132", 1, 1)
        self.incident_lot = lot_id
        self.tainted[lot_id] = (INCIDENT.item, INCIDENT.lot)

    # -- production -------------------------------------------------------------------

    def _produce(self, d: int, shift: str, levels: dict[int, list[Planned]]) -> None:
        shift_start = d * DAY + SHIFT_START[shift] * HOUR
        crew = self.crews[SHIFTS.index(shift)]
        for lvl in range(1, self.top + 1):
            orders = levels.get(lvl, ())
            if not orders:
                continue
            gap = max(1, START_WINDOW * 60 // (len(orders) + 1))
            for k, order in enumerate(orders):
                start = shift_start + self.window[lvl] * 60 + (k + 1) * gap
                self._order(d, shift, start, order, crew)

    def _order(self, d: int, shift: str, start: int, order: Planned, crew: list[str]) -> None:
        add, rng, item = self.sink.add, self.rng, order.item
        order_id = self.nid("production_orders")
        rework = order.rework is not None
        reworked = order.rework or (0, 0, 0)
        # Inputs, picked lot by lot.
        picks: list[tuple[int, int]] = []
        if rework:
            lot, amount, case = reworked
            picks.append((lot, amount))
            picks += self.stock[case].take(amount)
        else:
            for j, q in self.recipes[item][1]:
                got = self.stock[j].take(q)
                if j == self.salt:
                    for lot, _ in got:
                        self.salt_uses[lot] += 1
                picks += got
        # Operations, one after the other, each on the next machine of its kind.
        steps = (REWORK_STEP,) if rework else self.recipes[item][2]
        operations = []
        t = start
        for step in steps:
            minutes = step.minutes * rng.uniform(0.9, 1.0)
            end = t + round(minutes * 60)
            machines = self.machines[step.machine_type]
            turn = self.machine_turn[step.machine_type]
            self.machine_turn[step.machine_type] = turn + 1
            operations.append({"id": self.nid("operations"), "order_id": order_id,
                               "step": step.name, "machine": machines[turn % len(machines)],
                               "operator": rng.choice(crew), "started_at": dt(t),
                               "finished_at": dt(end)})
            t = end
        # Outputs: intermediates make one lot; products one to three pallets of cases.
        spec = self.items[item]
        if rework:
            self.reworked_rmas.append(order.rma or "")
            parts = [reworked[1]]
            self.counters["RW"] += 1
            code = f"RW{self.tag}-{self.counters['RW']:02d}"
        else:
            self.counters["MO"] += 1
            code = f"MO{self.tag}-{self.counters['MO']:03d}"
            batch = self.recipes[item][0]
            if spec.kind == "product":
                cases = round(batch / U * rng.uniform(0.96, 1.0))
                k = rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
                parts = [cases // k * U] * k
                parts[-1] += (cases - cases // k * k) * U
            else:
                parts = [batch]
        # The order first, then what refers to it (a batch may be flushed at any row).
        add("production_orders", {"id": order_id, "code": code, "item_id": item,
                                  "started_at": dt(start), "finished_at": dt(t),
                                  "location_id": self.chain.site_id("plant"), "event_id": None})
        for row in operations:
            add("operations", row)
        tainted = False
        for lot, q in picks:
            add("consumptions", {"id": self.nid("consumptions"), "order_id": order_id,
                                 "lot_id": lot, "quantity": qty(q), "consumed_at": dt(start),
                                 "event_id": None})
            if lot in self.tainted:
                tainted = True
            if lot == self.planted_lot:
                self.planted_taken += q
        expiry = self._expiry(item, t // DAY)
        distinct_inputs = len({lot for lot, _ in picks})
        for part in parts:
            self.counters[(item, shift)] += 1
            lot_code = f"{self.tag}{shift}{self.counters[(item, shift)]}"
            extra = int(INCIDENT.overconsumed_by) * U if order.planted else 0
            lot_id = self._lot(item, lot_code, part, "production", t, expiry, stock=part + extra)
            add("outputs", {"id": self.nid("outputs"), "order_id": order_id, "lot_id": lot_id,
                            "quantity": qty(part), "event_id": None})
            self.edges += distinct_inputs
            if tainted:
                self.tainted[lot_id] = (spec.code, lot_code)
            if order.planted:
                assert (spec.code, lot_code) == INCIDENT.overconsumed_lot
                self.planted_lot = lot_id

    # -- customers --------------------------------------------------------------------

    def _ship(self, d: int) -> None:
        rng = self.rng
        wanted: dict[int, dict[int, int]] = {}
        n_customers = len(self.customers)
        indices = range(n_customers)
        for p in self.products:
            want = round(DEMAND[self.items[p].code] * self.scale * rng.uniform(0.6, 1.4))
            while want > 0:
                c = rng.choices(indices, cum_weights=self.customer_weights)[0]
                lo, hi = self.customers[c].line_cases
                size = min(want, rng.randint(lo, hi))
                lines = wanted.setdefault(c, {})
                lines[p] = lines.get(p, 0) + size
                want -= size
        gap = max(1, 7 * HOUR // (len(wanted) + 1))
        shipped: list[Line] = []
        chain = self.chain
        for k, (c, lines) in enumerate(wanted.items()):
            at = d * DAY + 14 * HOUR + (k + 1) * gap
            code = None
            customer = self.customers[c]
            site = chain.serving[c]
            stocks = self.stock if site == "plant" else self.dc
            site_id = chain.site_id(site)
            palletised = PALLETISED.get(customer.channel) if site == "dc" else None
            pallet: tuple[int, str] = (0, "")  # the customer pallet, when ``palletised``
            for p, cases in lines.items():
                display = None
                for lot, q in stocks[p].take_upto(cases * U):
                    if code is None:
                        self.counters["SH"] += 1
                        self.so_seq += 1
                        code = f"SH{self.tag}-{self.counters['SH']:03d}"
                        order_ref = f"SO-{self.today:%y}{self.so_seq:06d}"
                        if palletised:
                            pallet = chain.pallet(CUSTOMER_PALLET)
                    if palletised == "mixed":  # a display pallet per product on the mixed pallet
                        if display is None:
                            display = chain.pallet(DISPLAY_PALLET)
                            chain.pack(pallet[0], dt(at - HOUR // 2), site_id, child=display[0])
                            chain.nest(pallet[1], display[1])
                        chain.pack(display[0], dt(at - HOUR), site_id, lot=lot, quantity=qty(q))
                        chain.packed(display[1], lot)
                        chain.packed(pallet[1], lot)
                    elif palletised:
                        chain.pack(pallet[0], dt(at - HOUR // 2), site_id, lot=lot, quantity=qty(q))
                        chain.packed(pallet[1], lot)
                    self.sink.add("shipments", {
                        "id": self.nid("shipments"), "code": code, "shipped_at": dt(at),
                        "customer_id": c + 1, "order_ref": order_ref, "lot_id": lot,
                        "quantity": qty(q), "ship_from_id": site_id,
                        "ship_to_id": chain.customer_site(c + 1), "carrier_id": None,
                        "container_id": pallet[0] if palletised else None, "event_id": None})
                    line = Line(lot, c, q, d, p)
                    shipped.append(line)
                    if lot in self.tainted:
                        self.tainted_sites.add(site)
                        self.tainted_lines.append(line)
                        self.tainted_shipped[customer.code] += q
        self.recent.append((d, shipped))
        while self.recent and self.recent[0][0] < d - 30:
            self.recent.popleft()

    # -- the distribution centre -----------------------------------------------------------

    def on_the_road(self, item: int) -> int:
        return sum(line.quantity for _due, line in self.transit if line.item == item)

    def _transfer(self, d: int) -> None:
        """The overnight truck: pallets of products the distribution centre will need,
        picked FEFO at the plant; it arrives at noon on the next working day."""
        chain, code = self.chain, None
        leaves = dt(d * DAY + TRANSFER_LEAVES)
        due = d + (2 if d % 7 == 5 else 1)  # Saturday's truck arrives on Monday
        for p in self.products:
            want = self.dc_target[p] - self.dc[p].total - self.on_the_road(p)
            if want <= 0:
                continue
            for lot, q in self.stock[p].take_upto(want):
                if code is None:
                    self.transfer_seq += 1
                    code = f"TR{self.tag}-01"
                    order_ref = f"TO-{self.today:%y}{self.transfer_seq:05d}"
                    lines = chain.account.transfer_lots.setdefault(code, set())
                pallet, pallet_code = chain.pallet(TRANSFER_PALLET)
                chain.packed(pallet_code, lot)
                shipment_id = self.nid("shipments")
                self.transfer_lines += 1
                self.sink.add("shipments", {
                    "id": shipment_id, "code": code, "shipped_at": leaves, "customer_id": None,
                    "order_ref": order_ref, "lot_id": lot, "quantity": qty(q),
                    "ship_from_id": chain.site_id("plant"), "ship_to_id": chain.site_id("dc"),
                    "carrier_id": 2, "container_id": pallet, "event_id": None})
                lines.add(lot)
                self.transit.append((due, Transit(shipment_id, code, lot, q, pallet, p, leaves)))

    def _arrivals(self, d: int) -> None:
        """The distribution centre receives the trucks due today and unpacks their pallets."""
        arrived = [line for due, line in self.transit if due <= d]
        if not arrived:
            return
        self.transit = [(due, line) for due, line in self.transit if due > d]
        chain, dc, plant = self.chain, self.chain.site_id("dc"), self.chain.site_id("plant")
        at = dt(d * DAY + TRANSFER_ARRIVES)
        self.counters["GRD"] += 1
        grn = f"GRD{self.tag}-{self.counters['GRD']:02d}"
        for line in arrived:
            chain.pack(line.pallet, line.shipped_at - timedelta(minutes=30), plant, lot=line.lot,
                       quantity=qty(line.quantity), unpacked_at=at + timedelta(minutes=20), unpacked_site=dc)
            self.sink.add("receipts", {
                "id": self.nid("receipts"), "code": grn, "received_at": at, "vendor_id": None, "po": None,
                "lot_id": line.lot, "vendor_lot": None, "quantity": qty(line.quantity), "location_id": dc,
                "ship_from_id": plant, "shipment_id": line.shipment_id, "container_id": line.pallet,
                "event_id": None})
            self.dc[line.item].put(self.lot_expiry[line.lot], line.lot, line.quantity)

    def _returns(self, d: int) -> None:
        rng = self.rng
        rate = RETURN_RATE * self.scale
        count = int(rate) + (rng.random() < rate - int(rate))
        eligible = [lines for day, lines in self.recent if day <= d - 3 and lines]
        at = d * DAY + 9 * HOUR
        for _ in range(count if eligible else 0):
            for _attempt in range(10):
                line = rng.choice(rng.choice(eligible))
                if line.lot not in self.tainted and line.returnable >= U:
                    break
            else:
                continue
            if not self.returns_made:  # the first return of the year is reworked
                reason = RETURN_REASONS[0][0]
            else:
                reason = rng.choices([r for r, _ in RETURN_REASONS],
                                     weights=[w for _, w in RETURN_REASONS])[0]
            cases = rng.randint(1, max(1, line.returnable // U // 4))
            at += 600
            rma = self._return(line, cases * U, reason, at)
            self.returns_made += 1
            if reason == RETURN_REASONS[0][0]:
                code = self.items[line.item].code
                case = self.code_id[REWORK_CASES[code.rsplit("-", 1)[0]]]
                self.reworks.append((d + rng.randint(2, 5), Planned(
                    line.item, rework=(line.lot, cases * U, case), rma=rma)))
        self._complaints(d, at)

    def _complaints(self, d: int, at: int) -> None:
        """Consumers of the contaminated products fall ill; customers send cases back."""
        if not self.incident_day + 10 <= d <= self.incident_day + 70:
            return
        if len(self.complaint_rmas) >= COMPLAINTS or self.rng.random() > 0.3:
            return
        candidates = [line for line in self.tainted_lines
                      if line.day <= d - 4 and line.returnable >= U
                      and line.customer not in self.complainers]
        if not candidates:
            return
        line = self.rng.choice(candidates)
        cases = self.rng.randint(1, min(6, line.returnable // U))
        rma = self._return(line, cases * U, self.rng.choice(ILLNESS_REASONS), at + 3600)
        self.complainers.append(line.customer)
        self.complaint_rmas.append(rma)

    def _return(self, line: Line, amount: int, reason: str, at: int) -> str:
        self.rma_seq += 1
        rma = f"RMA-{self.today:%y}{self.rma_seq:05d}"
        line.returnable -= amount
        # Every return goes to the plant's quality lab, whichever site shipped it.
        self.sink.add("returns", {"id": self.nid("returns"), "rma": rma, "received_at": dt(at),
                                  "customer_id": line.customer + 1, "lot_id": line.lot,
                                  "quantity": qty(amount), "reason": reason,
                                  "location_id": self.chain.site_id("plant"), "event_id": None})
        return rma

    # -- results ----------------------------------------------------------------------

    def reach(self) -> IncidentReach:
        lots = frozenset(v for k, v in self.tainted.items() if k != self.incident_lot)
        shipped = {c: tidy(qty(q)) for c, q in sorted(self.tainted_shipped.items())}
        account, tainted = self.chain.account, self.tainted.keys()
        return IncidentReach(
            lots=lots, customers=frozenset(shipped), shipped=shipped,
            pallets=frozenset(code for code, on in account.pallet_lots.items() if not on.isdisjoint(tainted)),
            transfers=frozenset(code for code, on in account.transfer_lots.items() if not on.isdisjoint(tainted)),
            shipped_from=frozenset(self.tainted_sites),
            in_transit=frozenset(self.tainted[line.lot] for line in account.in_transit if line.lot in tainted),
        )

    def overconsumed(self) -> Decimal:
        over = self.planted_taken - (self.recipes[self.code_id[INCIDENT.overconsumed_lot[0]]][0])
        return tidy(qty(max(0, over)))

    def everywhere(self) -> tuple[tuple[str, str], int]:
        lot = min(self.salt_uses, key=lambda k: (-self.salt_uses[k], k))
        return ("RM-SALT", self.salt_lots[lot]), self.salt_uses[lot]


def _round_up(amount: float, pack: int) -> int:
    """At least one pack, in whole packs."""
    return max(1, math.ceil(amount / pack)) * pack


