"""Write an ``ImportPlan`` into the plant's supply-chain model, set-wise, in the caller's transaction.

The plant tables hold valid events only: a retracted event gets its ``events`` row (with when and why)
and writes nothing else. Table by table, one bulk insert each:

| plan | plant |
|---|---|
| product | ``items`` (GTIN-14 as code where there is one, else the class URI; an item with that GTIN is reused) |
| lot | ``lots`` (item + lot number; identifier as first given: ``lot_identifiers``), KDEs on it and in ``key_data_elements`` |
| party, location | ``parties``, ``locations`` (master-data names, addresses, GLNs, owner) |
| event | ``events`` (eventID or hash as ``ref``), ``event_hashes``, ``event_lots``, ``reference_documents`` |
| transformation | ``production_orders`` (at its location), ``consumptions``, ``outputs``; ``lot_edges`` rebuilt for them |
| transfer | ``shipments`` (one line per lot, pallet named) and ``receipts`` naming the shipment line they received |
| packing | ``containers`` and ``packings`` (one row per stay: packed … unpacked) |

A transfer between two parties is a shipment to a customer and a receipt from a vendor (the parties in
those roles); one within one party (or between places whose party is unknown) is a transfer between its
sites. A receipt whose shipment came in an earlier import is linked to that shipment line.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, Table, select
from sqlalchemy.orm import Session

from workbench.interchange.epcis.identifiers import parse_identifier
from workbench.interchange.epcis.own import CODE_LENGTH, own_code, own_prefix
from workbench.interchange.epcis.pairing import is_return
from workbench.interchange.epcis.plan import ImportPlan, Kde, LotQuantity, PlanEvent, Transfer
from workbench.interchange.epcis.times import kde_date
from workbench.interchange.epcis.units import standard_factor
from workbench.interchange.epcisload.resolve import epcis_unit, existing, insert_missing, plant_unit
from workbench.plant import write_edges
from workbench.plant.bulk import BulkWriter, roomy_cache
from workbench.plant.chain import (
    Container,
    Event,
    EventLot,
    ItemUnit,
    KeyDataElement,
    Location,
    Packing,
    Party,
    ReferenceDocument,
)
from workbench.plant.containers import contents_at
from workbench.plant.identities import EventHash, LotIdentifier
from workbench.plant.models import (
    Consumption,
    Customer,
    Item,
    Lot,
    Operation,
    Output,
    ProductionOrder,
    Receipt,
    Return,
    Shipment,
    Vendor,
)
from workbench.plant.parties import link_parties
from workbench.plant.query import fetch_in
from workbench.plant.types import to_quantity

Say = Callable[[float, str], None]
_PAIR_BITS = 62  # event ids below 2**62: a 64-bit key column holds less
_PAIR_MASK = (1 << _PAIR_BITS) - 1
_ORIGINS = {"produced": "production", "received": "receipt", "commissioned": "opening", "observed": "opening"}
_LOT_COLUMNS = {"production_date": "production_date", "harvest_start_date": "harvest_date",
                "packaging_date": "pack_date", "best_before_date": "best_before"}


@dataclass
class LoadCounts:
    events: int = 0
    retracted: int = 0
    lots: int = 0
    items: int = 0
    orders: int = 0
    shipments: int = 0
    receipts: int = 0
    packings: int = 0
    linked: int = 0  # receipts linked to a shipment line of an earlier import
    returns: int = 0  # return lines: receipts from a customer under an RMA
    warnings: list[str] = field(default_factory=list)


def _naive(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is UTC:  # most files give UTC: no conversion to make (millions of calls in a large import)
        return moment.replace(tzinfo=None)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _table(model: Any) -> Table:
    """A mapped class's table, typed as the Table it is (``__table__`` is typed as any FromClause)."""
    return cast(Table, model.__table__)




def _code(text: str) -> str:
    return text[:CODE_LENGTH]


class Loader:
    def __init__(self, session: Session, plan: ImportPlan, say: Say):
        self.session = session
        self.plan = plan
        self.say = say
        self.w = BulkWriter(session)
        self.counts = LoadCounts()
        self.event_ids: dict[str, int] = {}
        self.party_ids: dict[str, int] = {}
        self.location_ids: dict[str, int] = {}
        self.item_ids: dict[str, int] = {}
        self.lot_ids: dict[str, int] = {}
        self.container_ids: dict[str, int] = {}
        self.packed_here = {p.container for p in plan.packings if p.action == "pack"}
        self.quantities: dict[Decimal, Decimal] = {}  # as given → as the plant holds it
        self.rounded: dict[Decimal, Decimal] = {}  # quantities given more finely than millionths → as held

    # ---- the whole ------------------------------------------------------------------------------

    def run(self) -> LoadCounts:
        self.say(0.55, "Writing parties, locations and items")
        self._parties_and_locations()
        self._items()
        self._units()
        self.say(0.6, "Writing events")
        self._events()
        self.say(0.65, "Writing lots")
        self._lots()
        self.say(0.72, "Writing transformations")
        self._transformations()
        self.say(0.8, "Writing shipments and receipts")
        self._transfers()
        self.say(0.88, "Writing containers")
        self._packings()
        self.say(0.92, "Writing event lots, documents and key data elements")
        self._event_links()
        link_parties(self.session)  # a customer or vendor standing for a place with no party gets its party
        if self.rounded:
            given, held = next(iter(self.rounded.items()))
            n = len(self.rounded)
            self.counts.warnings.append(
                f"{n} quantit{'ies' if n != 1 else 'y'} given with more than six decimals "
                f"{'are' if n != 1 else 'is'} rounded to the millionths the plant holds (the first: {given} → {held})")
        return self.counts

    # ---- parties, locations, items ----------------------------------------------------------------

    def _parties_and_locations(self) -> None:
        plan = self.plan
        parties = {p.identifier: {"name": p.name, "gln": p.gln, "address": ", ".join(p.address) or None}
                   for p in plan.parties.values()}
        by_code = insert_missing(self.w, self.session, Party, {_code(k): v for k, v in parties.items()})
        self.party_ids = {p.key: by_code[_code(p.identifier)] for p in plan.parties.values()}
        locations = {}
        for loc in plan.locations.values():
            lat, lon = (loc.geo or (None, None))
            locations[_code(loc.code or loc.identifier)] = {
                "name": loc.name, "gln": loc.gln, "address": ", ".join(loc.address) or None,
                "latitude": _float(lat), "longitude": _float(lon), "kind": "other",
                "owner_id": self.party_ids.get(loc.owner) if loc.owner else None,
            }
        by_code = insert_missing(self.w, self.session, Location, locations)
        self.location_ids = {loc.key: by_code[_code(loc.code or loc.identifier)] for loc in plan.locations.values()}

    def _items(self) -> None:
        plan = self.plan
        consumed = {lq.lot for t in plan.transformations for lq in t.inputs}
        produced = {lq.lot for t in plan.transformations for lq in t.outputs}
        kinds: dict[str, set[str]] = defaultdict(set)
        for lot in plan.lots.values():
            kinds[lot.product].update(k for k, used in (("in", lot.key in consumed), ("out", lot.key in produced)) if used)
        by_gtin = existing(self.session, _table(Item).c.gtin, _table(Item).c.id,
                           [p.gtin for p in plan.products.values() if p.gtin])
        rows = {}
        for product in plan.products.values():
            if product.gtin and product.gtin in by_gtin:
                self.item_ids[product.key] = by_gtin[product.gtin]
                continue
            k = kinds.get(product.key, set())
            kind = "intermediate" if k == {"in", "out"} else "product" if k == {"out"} else "material"
            rows[_item_code(product)] = {
                "name": (product.name or product.identifier)[:200], "kind": kind, "unit": plant_unit(product.unit),
                "gtin": product.gtin, "shelf_life_days": None}
        self.counts.items = len(rows) - len(existing(self.session, _table(Item).c.code, _table(Item).c.id, rows))
        by_code = insert_missing(self.w, self.session, Item, rows)
        for product in plan.products.values():
            if product.key not in self.item_ids:
                self.item_ids[product.key] = by_code[_item_code(product)]

    def _units(self) -> None:
        """Each product's item unit (the plant's, for an item that was there) and the item's own factors
        (``item_units``), so that quantities given in another unit are written in the item's."""
        item = _table(Item)
        ids = set(self.item_ids.values())
        unit_of = dict(fetch_in(self.session, select(item.c.id, item.c.unit), item.c.id, ids))
        self.item_unit = {key: unit_of.get(item_id) or "ea" for key, item_id in self.item_ids.items()}
        units = _table(ItemUnit)
        self.item_factors: dict[tuple[int, str], Decimal] = {
            (i, u): Decimal(f) for i, u, f in fetch_in(self.session, select(units.c.item_id, units.c.unit, units.c.factor),
                                                       units.c.item_id, ids)}
        self.unconverted: set[tuple[str, str]] = set()

    def in_item_unit(self, product: str, quantity: Decimal | None, uom: str | None) -> Decimal:
        """A quantity given in ``uom`` (UN/CEFACT code, or a plant unit) in the unit of the product's item: through the
        item's own factor (``item_units``), else a standard conversion (g → kg, lb → kg, mL → L); a unit that converts
        neither way is kept as given, and said once per item and unit. Converted from the quantity as given, and
        rounded once to the plant's millionths; a quantity given more finely that this rounds is noted (``rounded``)."""
        if quantity is None:
            return Decimal(0)
        q = self.quantities.get(quantity)
        if q is None:  # the few distinct quantities of a large import are converted once each
            q = self.quantities[quantity] = to_quantity(quantity)
        factor = self._factor(product, uom) if uom and quantity else None
        if factor is None:
            held, exact = q, quantity
        else:
            exact = quantity * factor
            held = to_quantity(exact)
        if held != exact and q != quantity:  # given more finely than millionths, and held rounded
            self.rounded.setdefault(quantity, held)
        return held

    def _factor(self, product: str, uom: str) -> Decimal | None:
        """What one ``uom`` is in the unit of the product's item; None when it is that unit, or nothing converts it
        (said once per item and unit)."""
        target = self.item_unit.get(product, "ea")
        given = plant_unit(uom)
        if given == target or uom == target:
            return None
        item_id = self.item_ids[product]
        factor = self.item_factors.get((item_id, given)) or self.item_factors.get((item_id, uom))
        if factor is None:
            factor = standard_factor(uom, epcis_unit(target))
        if factor is None and (product, uom) not in self.unconverted:
            self.unconverted.add((product, uom))
            self.counts.warnings.append(
                f"item {self.plan.products[product].identifier}: quantities in {uom} are kept as given, since "
                f"nothing converts {uom} to the item's unit {target} (add the unit to item_units)")
        return factor

    def lot_quantity(self, lq: LotQuantity) -> Decimal:
        return self.in_item_unit(self.plan.lots[lq.lot].product, lq.quantity, lq.unit)

    # ---- events -----------------------------------------------------------------------------------

    def _events(self) -> None:
        plan = self.plan
        events = list(plan.events.values())
        corrects: dict[str, str] = {}
        for r in plan.retractions:
            for corrective in r.corrective_event_ids:
                corrects[corrective] = r.event
        ids = self.w.reserve_ids(_table(Event), len(events))
        self.event_ids = {e.identity: i for e, i in zip(events, ids, strict=True)}
        self.w.load(_table(Event), {
            "id": ids, "ref": [_code(e.identity) for e in events], "kind": [_code(_kind(e)) for e in events],
            "event_type": [e.type.value for e in events], "occurred_at": [_naive(e.time) for e in events],
            "time_zone_offset": [e.time_zone_offset for e in events], "recorded_at": [None] * len(events),
            "location_id": [self.location_ids.get(e.location) if e.location else None for e in events],
            "disposition": [e.disposition[:255] if e.disposition else None for e in events],
            "source": [_code(e.where.split(":", 1)[0]) for e in events],
            "corrects_id": [None] * len(events),
            "retracted_at": [_naive(e.retracted.declared_at) if e.retracted else None for e in events],
            "retraction_reason": [e.retracted.reason if e.retracted else None for e in events],
            "retraction_ref": [None] * len(events),
            "retraction_note": [f"errorDeclaration at {e.retracted.where}" if e.retracted else None for e in events],
            "content": [json.dumps({"epcis": e.where, "hash": e.hash}) if e.retracted else None for e in events],
        })
        self.w.load(_table(EventHash), {
            "event_id": ids, "hash": [e.hash for e in events], "given_id": [e.event_id[:255] if e.event_id else None
                                                                            for e in events]})
        self.counts.events = len(events)
        self.counts.retracted = sum(e.retracted is not None for e in events)
        # Corrective events name the event they correct.
        pairs = [(self.event_ids[c], self._event_id(target)) for c, target in corrects.items() if c in self.event_ids]
        pairs = [(c, t) for c, t in pairs if t is not None]
        if pairs:
            self.session.execute(_table(Event).update().where(_table(Event).c.id == _bind("cid")).values(
                corrects_id=_bind("tid")), [{"cid": c, "tid": t} for c, t in pairs])

    def _event_id(self, identity: str) -> int | None:
        if identity in self.event_ids:
            return self.event_ids[identity]
        found = existing(self.session, _table(Event).c.ref, _table(Event).c.id, [_code(identity)])
        return found.get(_code(identity))

    # ---- lots -------------------------------------------------------------------------------------

    def _lots(self) -> None:
        plan = self.plan
        wanted: dict[tuple[int, str], Any] = {}
        for lot in plan.lots.values():
            wanted[(self.item_ids[lot.product], _code(lot.lot or lot.identifier))] = lot
        table = _table(Lot)
        found: dict[tuple[int, str], int] = {}
        stmt = select(table.c.item_id, table.c.code, table.c.id)
        for item_id, code, lot_id in fetch_in(self.session, stmt, table.c.code, [code for _, code in wanted]):
            if (item_id, code) in wanted:
                found[(item_id, code)] = lot_id
        missing = [k for k in wanted if k not in found]
        ids = self.w.reserve_ids(table, len(missing))
        lots = [wanted[k] for k in missing]
        kde_columns = [_lot_kdes(lot.kdes) for lot in lots]
        self.w.load(table, {
            "id": ids, "item_id": [k[0] for k in missing], "code": [k[1] for k in missing],
            "vendor_lot": [_code(lot.vendor_lot) if lot.vendor_lot else None for lot in lots],
            "quantity": [self.in_item_unit(lot.product, lot.quantity, lot.unit) for lot in lots],
            "created_at": [_naive(lot.created_at) for lot in lots],
            "expires_at": [c.pop("expires_at") for c in kde_columns],
            "origin": [_ORIGINS[lot.origin] for lot in lots],
            "location_id": [self.location_ids.get(lot.location) if lot.location else None for lot in lots],
            "tlc_source_id": [self.location_ids.get(lot.location) if lot.location else None for lot in lots],
            "tlc_source_ref": [None] * len(lots),
            **{name: [c[name] for c in kde_columns] for name in
               ("production_date", "harvest_date", "pack_date", "best_before", "country_of_origin")},
            "event_id": [self.event_ids.get(lot.created_by) if lot.created_by else None for lot in lots],
        })
        self.w.load(_table(LotIdentifier), {"lot_id": ids, "identifier": [_code(lot.identifier) for lot in lots]})
        found.update(zip(missing, ids, strict=True))
        self.counts.lots = len(missing)
        self.lot_ids = {lot.key: found[k] for k, lot in wanted.items()}
        self._made_known(found, missing, wanted)
        kdes = [(self.lot_ids[lot.key], k) for lot in plan.lots.values() for k in lot.kdes]
        self._kdes(kdes)

    def _made_known(self, found: dict, missing: list, wanted: dict) -> None:
        """A lot an earlier import only saw (opening, no event) that this import makes or commissions."""
        table = _table(Lot)
        new = set(missing)
        known = [(found[k], lot) for k, lot in wanted.items() if k not in new and lot.created_by
                 and lot.origin != "received" and self.plan.valid(lot.created_by)]
        if not known:
            return
        placeholders = {lot_id for lot_id, in fetch_in(self.session, select(table.c.id).where(table.c.event_id.is_(None)),
                                                       table.c.id, [i for i, _ in known])}
        rows = [{"lid": i, "q": self.in_item_unit(lot.product, lot.quantity, lot.unit), "at": _naive(lot.created_at),
                 "o": _ORIGINS[lot.origin],
                 "e": self.event_ids[lot.created_by]} for i, lot in known if i in placeholders]
        if rows:
            self.session.execute(table.update().where(table.c.id == _bind("lid")).values(
                quantity=_bind("q", table.c.quantity.type), created_at=_bind("at", table.c.created_at.type),
                origin=_bind("o"), event_id=_bind("e")), rows)

    def _kdes(self, kdes: list[tuple[int, Kde]], on_event: bool = False) -> None:
        if not kdes:
            return
        table = _table(KeyDataElement)
        ids = self.w.reserve_ids(table, len(kdes))
        # The few distinct (kind, name, value) of a large import (dates, countries) are typed once each.
        known: dict[tuple[str, str, str], tuple[str, Decimal | None, datetime | None]] = {}
        typed = []
        for _, k in kdes:
            key = (k.kind, k.name, k.value)
            found = known.get(key)
            if found is None:
                found = known[key] = _typed(k)
            typed.append(found)
        self.w.load(table, {
            "id": ids, "lot_id": [o for o, _ in kdes], "event_id": [None] * len(kdes),
            "name": [_code(k.name) for _, k in kdes], "kind": [t[0] for t in typed],
            "value": [k.value[:1000] for _, k in kdes], "number": [t[1] for t in typed],
            "moment": [t[2] for t in typed], "unit": [None] * len(kdes),
        })

    # ---- transformations ----------------------------------------------------------------------------

    def _transformations(self) -> None:
        plan = self.plan
        # A transformation of nothing (no inputs, no outputs) is not in the plan: every order here has a lot.
        valid = [t for t in plan.transformations if any(plan.valid(e) for e in t.events) and (t.outputs or t.inputs)]
        if not valid:
            return
        table = _table(ProductionOrder)
        taken = existing(self.session, table.c.code, table.c.id, [own_code(t.key) for t in valid])
        valid = [t for t in valid if own_code(t.key) not in taken]
        ids = self.w.reserve_ids(table, len(valid))
        self.w.load(table, {
            "id": ids, "code": [own_code(t.key) for t in valid],
            "item_id": [self.item_ids[plan.lots[(t.outputs or t.inputs)[0].lot].product] for t in valid],
            "started_at": [_naive(t.time) for t in valid], "finished_at": [_naive(t.time) for t in valid],
            "location_id": [self.location_ids.get(t.location) if t.location else None for t in valid],
            "event_id": [self.event_ids[t.events[0]] for t in valid],
        })
        consumptions: list[tuple[int, int, Decimal, datetime | None, int]] = []
        outputs: list[tuple[int, int, Decimal, int]] = []
        for order_id, t in zip(ids, valid, strict=True):
            event = self.event_ids[t.events[0]]
            for lot_id, quantity in _summed(t.inputs, self.lot_ids, self.lot_quantity).items():
                consumptions.append((order_id, lot_id, quantity, _naive(t.time), event))
            # A lot made by several transformations (runs) has an output of each: every run's inputs lead to it.
            outputs.extend((order_id, lot_id, quantity, event)
                           for lot_id, quantity in _summed(t.outputs, self.lot_ids, self.lot_quantity).items())
        self._rows(Operation, ("order_id", "step", "machine", "operator", "started_at", "finished_at"), [
            (order_id, _code(o.step), _code(o.machine) if o.machine else None, _code(o.operator) if o.operator else None,
             _naive(o.started_at), _naive(o.finished_at)) for order_id, t in zip(ids, valid, strict=True)
            for o in t.operations])
        self._rows(Consumption, ("order_id", "lot_id", "quantity", "consumed_at", "event_id"), consumptions)
        self._rows(Output, ("order_id", "lot_id", "quantity", "event_id"), outputs)
        self.counts.orders = len(valid)
        # The orders are new, so their edges are exactly consumption × output of each, as rebuild_edges derives them.
        made: dict[int, list[int]] = defaultdict(list)
        for order_id, lot_id, _quantity, _event in outputs:
            made[order_id].append(lot_id)
        write_edges(self.session, [(lot_id, child, order_id, quantity) for order_id, lot_id, quantity, _at, _event
                                   in consumptions for child in made.get(order_id, ())])

    def _rows(self, model: Any, names: tuple[str, ...], rows: list[tuple]) -> list[int]:
        if not rows:
            return []
        ids = self.w.reserve_ids(model.__table__, len(rows))
        self.w.load(model.__table__, {"id": ids, **{n: [r[i] for r in rows] for i, n in enumerate(names)}})
        return ids

    # ---- transfers ---------------------------------------------------------------------------------

    def _transfers(self) -> None:
        plan = self.plan
        transfers = [t for t in plan.transfers if plan.valid(t.shipped) or plan.valid(t.received)]
        # A receipt under an RMA (bizTransaction type rma) or of goods returned, that no shipment of ours sends: a
        # customer's return.
        returns = {t.key for t in transfers if t.shipped is None and t.received is not None and plan.valid(t.received)
                   and is_return(plan.events[t.received])}
        customers, vendors, returned_by = self._trading_parties(transfers, returns)
        lines_of = {t.key: self._transfer_lines(t) for t in transfers}
        ship_rows: list[tuple] = []
        ship_keys: list[tuple[str, int]] = []  # (transfer key, lot id) of each shipment line
        numbered_shipments = self._numbered_lines(Shipment, transfers, "desadv", SHIPMENT_NUMBER)
        for t in transfers:
            if not plan.valid(t.shipped):
                continue
            customer = customers.get(t.key)
            order_ref = _document(t, ("po", "desadv", "bol", "inv"), skip=SHIPMENT_NUMBER)
            number = _document(t, ("desadv",), only=SHIPMENT_NUMBER)
            for lot_id, (quantity, via) in lines_of[t.key].items():
                code = self._line_code(number, t.shipped or t.key, lot_id, via, numbered_shipments)
                ship_rows.append((code, _naive(t.shipped_at), customer, order_ref, lot_id, quantity,
                                  self._loc(t.source.location), self._loc(t.destination.location),
                                  self._container(via), self.event_ids[t.shipped]))  # type: ignore[index]
                ship_keys.append((t.key, lot_id))
        ship_ids = self._rows(Shipment, ("code", "shipped_at", "customer_id", "order_ref", "lot_id", "quantity",
                                         "ship_from_id", "ship_to_id", "container_id", "event_id"), ship_rows)
        line_of = dict(zip(ship_keys, ship_ids, strict=True))
        written_now = set(ship_ids)  # an open line of this import (a pallet shipped, its lots received) is not "before"
        open_lines = self._open_shipment_lines({lot for t in transfers if not plan.valid(t.shipped) for lot in lines_of[t.key]})
        receipt_rows: list[tuple] = []
        return_rows: list[tuple] = []
        vendor_lots = {self.lot_ids[k]: _code(lot.vendor_lot) for k, lot in plan.lots.items() if lot.vendor_lot}
        numbered = self._numbered_lines(Receipt, transfers, "recadv")
        for t in transfers:
            if not plan.valid(t.received):
                continue
            vendor = vendors.get(t.key)
            po = _document(t, ("po",))
            customer = returned_by.get(t.key)
            number, shipment = _document(t, ("recadv",)), _document(t, ("desadv",), only=SHIPMENT_NUMBER)
            received_at, here = _naive(t.received_at), self._loc(t.destination.location)
            for lot_id, (quantity, via) in lines_of[t.key].items():
                if customer is not None:
                    return_rows.append((_code(_document(t, ("rma",)) or t.key), _naive(t.received_at), customer, lot_id,
                                        quantity, plan.events[t.received].return_reason,  # type: ignore[index]
                                        self._loc(t.destination.location), self.event_ids[t.received]))  # type: ignore[index]
                    continue
                line = line_of.get((t.key, lot_id))
                if line is None and open_lines.get(lot_id):
                    line = _take_line(open_lines[lot_id], shipment, received_at, here)
                    self.counts.linked += line is not None and line not in written_now
                bought = line is None and vendor is not None
                code = self._line_code(number, t.received or t.key, lot_id, via, numbered)
                receipt_rows.append((code, received_at, None if line else vendor, po,
                                     lot_id, vendor_lots.get(lot_id) if bought else None, quantity,
                                     here, self._loc(t.source.location),
                                     line, self._container(via), self.event_ids[t.received]))  # type: ignore[index]
        self._rows(Receipt, ("code", "received_at", "vendor_id", "po", "lot_id", "vendor_lot", "quantity", "location_id",
                             "ship_from_id", "shipment_id", "container_id", "event_id"), receipt_rows)
        self._rows(Return, ("rma", "received_at", "customer_id", "lot_id", "quantity", "reason", "location_id", "event_id"),
                   return_rows)
        self.counts.shipments, self.counts.receipts, self.counts.returns = len(ship_rows), len(receipt_rows), len(return_rows)

    def _numbered_lines(self, model: Any, transfers: list[Transfer], kind: str,
                        only: str | None = None) -> set[tuple[str, int, int]]:
        """(number, lot, container) of the plant's lines (shipments or receipts) under the numbers these transfers
        give in documents of ``kind`` (``desadv`` for shipments, ``recadv`` for receipts; with ``only``, just the
        documents under that prefix): the numbers already taken."""
        codes = {number for t in transfers for number in _numbers(t, kind, only=only)}
        if not codes:
            return set()
        table = _table(model)
        return {(c, lot, container or 0) for c, lot, container in fetch_in(
            self.session, select(table.c.code, table.c.lot_id, table.c.container_id), table.c.code, codes)}

    def _line_code(self, number: str | None, identity: str, lot_id: int, via: str | None,
                   taken: set[tuple[str, int, int]]) -> str:
        """A shipment or receipt line's code: its own number where the event gives one (``desadv`` or ``recadv``, as
        the workbench's export writes them), else the event's identity. A number another line of this lot (and pallet)
        already has, in the plant or in this import (``taken``, which this adds to), is not taken twice: the line
        keeps the event's identity instead."""
        if number is not None:
            line = (number, lot_id, self._container(via) or 0)
            if line not in taken:
                taken.add(line)
                return number
        return _code(identity)

    def _transfer_lines(self, t: Transfer) -> dict[int, tuple[Decimal, str | None]]:
        """Lot id → (quantity, pallet) of a transfer; a pallet packed in an earlier import is opened in the plant."""
        lines = _lines(t.lots, self.lot_ids, self.lot_quantity)
        opened = {lq.via for lq in t.lots if lq.via}
        unknown = [c for c in t.containers if c not in opened and c not in self.packed_here]
        at = t.shipped_at or t.received_at
        if unknown and at is not None:
            if not self.container_ids:
                self._containers()
            ids = {self.container_ids[c]: c for c in unknown}
            for container_id, lots in contents_at(self.session, ids, _naive(at)).items():  # type: ignore[arg-type]
                for lot_id, quantity in lots.items():
                    before = lines.get(lot_id)
                    lines[lot_id] = (quantity + (before[0] if before else 0), before[1] if before else ids[container_id])
        return lines

    def _open_shipment_lines(self, lots: set[int]) -> dict[int, list[_OpenLine]]:
        """Shipment lines (of earlier imports, or of this one's pallets received as lots) that no receipt names yet,
        by lot, oldest first."""
        if not lots:
            return {}
        s, r = _table(Shipment), _table(Receipt)
        stmt = select(s.c.lot_id, s.c.shipped_at, s.c.id, s.c.code, s.c.ship_to_id).where(
            ~select(r.c.id).where(r.c.shipment_id == s.c.id).exists())
        out: dict[int, list[_OpenLine]] = defaultdict(list)
        for lot_id, at, line, code, ship_to in fetch_in(self.session, stmt, s.c.lot_id, lots):
            out[lot_id].append(_OpenLine(at, line, code, ship_to))
        return {k: sorted(v, key=lambda o: (o.shipped_at or datetime.min, o.id)) for k, v in out.items()}

    def _trading_parties(self, transfers: list[Transfer], returns: set[str]) -> tuple[
            dict[str, int], dict[str, int], dict[str, int]]:
        """Customer of each transfer that goes to another party, vendor of each that comes from one, and the customer
        of each return (a receipt under an RMA from a party)."""
        plan = self.plan
        to_party: dict[str, str] = {}
        from_party: dict[str, str] = {}
        returned_from: dict[str, str] = {}
        for t in transfers:
            source, destination = self._party_of(t.source), self._party_of(t.destination)
            if t.key in returns and t.source.party is not None:
                returned_from[t.key] = t.source.party
                continue
            if source == destination and source is not None:
                continue  # within one party: a transfer between its sites
            if destination is not None:
                to_party[t.key] = destination
            if source is not None:
                from_party[t.key] = source
        def role(model: Any, wanted: dict[str, str]) -> dict[str, int]:
            keys = set(wanted.values())
            rows = {}
            for key in keys:
                party = plan.parties.get(key)
                location = plan.locations.get(key)
                ident = (party.code or party.identifier) if party else location.identifier if location else key
                name = (party.name if party else location.name if location else None) or ident
                rows[_code(ident)] = {"name": name[:200], "contact": None, "email": None, "phone": None,
                                      "address": ", ".join((party or location).address) or None  # type: ignore[union-attr]
                                      if (party or location) else None,
                                      "party_id": self.party_ids.get(key)}
            ids = insert_missing(self.w, self.session, model, rows)
            by_key = {}
            for key in keys:
                party = plan.parties.get(key)
                location = plan.locations.get(key)
                ident = (party.code or party.identifier) if party else location.identifier if location else key
                by_key[key] = ids[_code(ident)]
            return {t: by_key[k] for t, k in wanted.items()}
        return role(Customer, to_party), role(Vendor, from_party), role(Customer, returned_from)

    def _party_of(self, ends) -> str | None:
        if ends.party:
            return ends.party
        location = self.plan.locations.get(ends.location) if ends.location else None
        if location is None:
            return None
        return location.owner or location.key

    def _loc(self, key: str | None) -> int | None:
        return self.location_ids.get(key) if key else None

    def _container(self, key: str | None) -> int | None:
        if key is None:
            return None
        if not self.container_ids:
            self._containers()
        return self.container_ids.get(key)

    def _containers(self) -> None:
        rows = {}
        for raw in self.plan.containers.values():
            sscc = parse_identifier(raw).sscc
            rows[_code(raw)] = {"sscc": sscc, "kind": "pallet"}
        by_code = insert_missing(self.w, self.session, Container, rows) if rows else {}
        self.container_ids = {key: by_code[_code(raw)] for key, raw in self.plan.containers.items()}

    # ---- packings ----------------------------------------------------------------------------------

    def _packings(self) -> None:
        plan = self.plan
        if not plan.containers:
            return
        if not self.container_ids:
            self._containers()
        open_stays: dict[str, list[dict[str, Any]]] = defaultdict(list)
        stays: list[dict[str, Any]] = []
        earlier: list[tuple] = []  # unpacks of pallets packed in an earlier import
        for p in sorted(plan.packings, key=lambda p: p.time.astimezone(UTC)):
            if not plan.valid(p.event):
                continue
            where, event, at = self._loc(p.location), self.event_ids[p.event], _naive(p.time)
            if p.action == "pack":
                for lot_id, (quantity, _) in _lines(p.lots, self.lot_ids, self.lot_quantity).items():
                    stay = {"container": p.container, "lot_id": lot_id, "child_id": None, "quantity": quantity,
                            "packed_at": at, "packed_location_id": where, "pack_event_id": event}
                    open_stays[p.container].append(stay)
                    stays.append(stay)
                for child in p.containers:
                    stay = {"container": p.container, "lot_id": None, "child_id": self.container_ids[child],
                            "quantity": None, "packed_at": at, "packed_location_id": where, "pack_event_id": event}
                    open_stays[p.container].append(stay)
                    stays.append(stay)
                continue
            lots = {self.lot_ids[lq.lot] for lq in p.lots}
            children = {self.container_ids[c] for c in p.containers}
            if not open_stays[p.container] and p.container not in self.packed_here:
                earlier.append((self.container_ids[p.container], at, where, event, p.everything, lots, children))
                continue
            keep = []
            for stay in open_stays[p.container]:
                if p.everything or stay["lot_id"] in lots or stay["child_id"] in children:
                    stay.update(unpacked_at=at, unpacked_location_id=where, unpack_event_id=event)
                else:
                    keep.append(stay)
            open_stays[p.container] = keep
        self._unpack_earlier(earlier)
        if not stays:
            return
        table = _table(Packing)
        ids = self.w.reserve_ids(table, len(stays))
        self.w.load(table, {
            "id": ids, "container_id": [self.container_ids[s["container"]] for s in stays],
            **{n: [s[n] for s in stays] for n in ("lot_id", "child_id", "quantity", "packed_at", "packed_location_id",
                                                  "pack_event_id")},
            **{n: [s.get(n) for s in stays] for n in ("unpacked_at", "unpacked_location_id", "unpack_event_id")},
        })
        self.counts.packings = len(stays)

    def _unpack_earlier(self, unpacks: list[tuple]) -> None:
        """Close the open stays, in the plant, of pallets this import unpacks but an earlier one packed."""
        table = _table(Packing)
        for container_id, at, where, event, everything, lots, children in unpacks:
            which = (table.c.container_id == container_id) & table.c.unpacked_at.is_(None) & (table.c.packed_at <= at)
            if not everything:
                which &= table.c.lot_id.in_(sorted(lots)) | table.c.child_id.in_(sorted(children))
            done = self.session.execute(table.update().where(which).values(
                unpacked_at=at, unpacked_location_id=where, unpack_event_id=event))
            self.counts.packings += cast(CursorResult[Any], done).rowcount or 0

    # ---- event lots, documents --------------------------------------------------------------------

    def _event_links(self) -> None:
        plan = self.plan
        event_ids, lot_ids = self.event_ids, self.lot_ids
        # Each (lot, event) pair as one integer, lot id in the high bits: a set and a sort of plain integers cost a
        # fraction of tuples' (a million-event import links more than a million pairs), and sorted they insert in the
        # order of the table's primary key.
        touched: set[int] = set()

        def add(event: str | None, lots: tuple[LotQuantity, ...]) -> None:
            event_id = event_ids.get(event) if event is not None else None
            if event_id is not None:
                touched.update((lot_ids[lq.lot] << _PAIR_BITS) | event_id for lq in lots)

        for t in plan.transformations:
            for e in t.events:
                add(e, t.inputs + t.outputs)
        for transfer in plan.transfers:
            add(transfer.shipped, transfer.lots)
            add(transfer.received, transfer.lots)
        for p in plan.packings:
            add(p.event, p.lots + p.carried)
        for o in plan.observations:
            add(o.event, o.lots)
        for lot in plan.lots.values():
            if lot.created_by is not None and (made_by := event_ids.get(lot.created_by)) is not None:
                touched.add((lot_ids[lot.key] << _PAIR_BITS) | made_by)
        pairs = sorted(touched)
        self.w.load(_table(EventLot), {"lot_id": [k >> _PAIR_BITS for k in pairs],
                                       "event_id": [k & _PAIR_MASK for k in pairs]})
        documents = [(self.event_ids[e.identity], d) for e in plan.events.values() for d in e.documents]
        if documents:
            table = _table(ReferenceDocument)
            ids = self.w.reserve_ids(table, len(documents))
            self.w.load(table, {"id": ids, "event_id": [e for e, _ in documents],
                                  "kind": [_code(d.type or "other") for _, d in documents],
                                  "code": [_code(d.id) for _, d in documents]})


def load_plan(session: Session, plan: ImportPlan, say: Say | None = None) -> LoadCounts:
    """Write the plan (no faults) into the plant of ``session``; the caller commits."""
    with roomy_cache(session):
        return Loader(session, plan, say or (lambda _f, _m: None)).run()


def _item_code(product: Any) -> str:
    return _code(product.code or product.gtin or product.identifier)


def _bind(name: str, type_: Any = None) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name, type_=type_)


def _kind(event: PlanEvent) -> str:
    if event.biz_step:
        return event.biz_step
    return {"TransformationEvent": "transforming", "AggregationEvent": "packing" if event.action == "ADD" else
            "unpacking" if event.action == "DELETE" else "observing"}.get(event.type.value, "observing")


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _summed(lots: tuple[LotQuantity, ...], lot_ids: dict[str, int],
            quantity: Callable[[LotQuantity], Decimal]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = defaultdict(Decimal)
    for lq in lots:
        out[lot_ids[lq.lot]] += quantity(lq)
    return out


def _lines(lots: tuple[LotQuantity, ...], lot_ids: dict[str, int],
           quantity: Callable[[LotQuantity], Decimal]) -> dict[int, tuple[Decimal, str | None]]:
    """Quantity (in the item's unit) and container of each lot (a lot on two pallets of one shipment is one line,
    first pallet named)."""
    out: dict[int, tuple[Decimal, str | None]] = {}
    for lq in lots:
        lot_id = lot_ids[lq.lot]
        before = out.get(lot_id)
        out[lot_id] = (quantity(lq) + (before[0] if before else 0), before[1] if before else lq.via)
    return out


class _OpenLine(NamedTuple):
    shipped_at: datetime | None
    id: int
    code: str
    ship_to: int | None


def _take_line(lines: list[_OpenLine], number: str | None, at: datetime | None, here: int | None) -> int | None:
    """The open shipment line that a receipt of its lot received, taken from ``lines``: the line of the shipment
    the receipt names (its despatch advice, as the workbench's export writes it), else the latest shipped at or
    before the receipt to where it was received (or to a place not known). None when there is neither: a later
    shipment of the lot, or one to another place, is another shipment (as in pairing)."""
    named = [i for i, o in enumerate(lines) if number and o.code == number]
    fits = [i for i, o in enumerate(lines) if (at is None or o.shipped_at is None or o.shipped_at <= at)
            and (here is None or o.ship_to is None or o.ship_to == here)]
    if not named and not fits:
        return None
    return lines.pop(named[0] if named else fits[-1]).id


def _numbers(transfer: Transfer, kind: str, *, only: str | None = None, skip: str | None = None) -> Iterator[str]:
    """The numbers of the transfer's documents of ``kind`` (with ``only``, of those whose identifier starts so; with
    ``skip``, not of those); the workbench's own export writes a plant document number as
    ``urn:x-workbench:KIND:NUMBER``, which comes back as the number."""
    for d in transfer.documents:
        if d.type == kind and (only is None or d.id.startswith(only)) and not (skip and d.id.startswith(skip)):
            yield own_code(d.id)


def _document(transfer: Transfer, kinds: tuple[str, ...], *, only: str | None = None,
              skip: str | None = None) -> str | None:
    """The number of the transfer's first document of these kinds, the first kind first (``_numbers``)."""
    return next((n for kind in kinds for n in _numbers(transfer, kind, only=only, skip=skip)), None)


#: The shipment's own number, as the workbench's export writes it (a ``desadv`` document): the shipment code again
#: when imported. Another sender's despatch advice is a reference document, not the shipment's code.
SHIPMENT_NUMBER = own_prefix("shipment")


_NO_KDES: dict[str, Any] = {"production_date": None, "harvest_date": None, "pack_date": None, "best_before": None,
                           "expires_at": None, "country_of_origin": None}


def _lot_kdes(kdes: list[Kde]) -> dict[str, Any]:
    if not kdes:
        return dict(_NO_KDES)
    values = {k.name: k.value for k in kdes}
    out: dict[str, Any] = dict(_NO_KDES)
    out.update((column, kde_date(values[name])) for name, column in _LOT_COLUMNS.items() if name in values)
    expiry = kde_date(values.get("expiry_date"))
    out["expires_at"] = datetime(expiry.year, expiry.month, expiry.day) if expiry else None
    country = values.get("country_of_origin")
    out["country_of_origin"] = country.upper() if country and len(country) == 2 and country.isalpha() else None
    return out


def _typed(kde: Kde) -> tuple[str, Decimal | None, datetime | None]:
    if kde.kind == "number":
        try:
            return "number", to_quantity(Decimal(kde.value)), None
        except ArithmeticError:
            return "text", None, None
    if kde.kind == "boolean":
        return "boolean", None, None
    day = kde_date(kde.value) if kde.name.endswith("date") or kde.name.endswith("Date") else None
    if isinstance(day, date):
        return "date", None, datetime(day.year, day.month, day.day)
    if kde.value.startswith(("http://", "https://", "urn:")):
        return "uri", None, None
    return "text", None, None
