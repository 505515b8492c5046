"""Checks a read bundle against itself and against the plant, and plans the inserts.

Nothing here writes. Every reference is resolved against the rows of the bundle and
against what the database already holds (preloaded set-wise, in chunks of codes);
every row whose key already exists is compared with it. The result is a ``Plan`` of
new rows only, or faults in the ``FaultLog``.

Keys (see docs/import-format.md): items, vendors, customers and orders by code; lots
by (item, lot), created by exactly one lots.csv line, receipt line or output;
receipt lines by (receipt, item, lot); operations by (order, step); consumptions by
(order, item, lot, consumed_at); outputs by (order, lot); shipment lines by
(shipment, item, lot); return lines by (rma, item, lot).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import BigInteger, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from workbench.interchange.bundle.chain_checks import ChainChecks, ChainPlan
from workbench.interchange.bundle.faults import FaultLog
from workbench.interchange.bundle.format import MAX_TOTAL_QUANTITY
from workbench.interchange.bundle.limits import QUANTITY_TABLES
from workbench.interchange.bundle.reading import BundleFile
from workbench.interchange.bundle.values import gtin_14
from workbench.plant import (
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
    query,
)
from workbench.plant.types import QUANTITY_SCALE

ORIGIN_FILE = {"opening": "lots.csv", "receipt": "receipts.csv", "production": "outputs.csv"}
#: Files of version 2 that name lots (item, lot).
CHAIN_LOT_FILES = ("item_units.csv", "transfers.csv", "packings.csv", "key_data.csv", "event_lots.csv")


@dataclass(slots=True)
class NewLot:
    item: str
    code: str
    vendor_lot: str | None
    quantity: Decimal
    created_at: datetime | None
    expires_at: datetime | None
    origin: str
    #: Version 2: where it came into being and the event that created it (codes).
    location: str | None = None
    event: str | None = None


@dataclass
class Plan:
    """The rows to insert (codes, not ids yet), the plant's ids of what exists, and counts."""

    items: list = field(default_factory=list)
    vendors: list = field(default_factory=list)
    customers: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    lots: list[NewLot] = field(default_factory=list)
    receipts: list = field(default_factory=list)
    operations: list = field(default_factory=list)
    consumptions: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    shipments: list = field(default_factory=list)
    returns: list = field(default_factory=list)
    #: ids already in the plant, by code (lots by (item, lot)).
    item_ids: dict[str, int] = field(default_factory=dict)
    vendor_ids: dict[str, int] = field(default_factory=dict)
    customer_ids: dict[str, int] = field(default_factory=dict)
    order_ids: dict[str, int] = field(default_factory=dict)
    lot_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    #: file name -> [rows read, rows new, rows already present]
    counts: dict[str, list[int]] = field(default_factory=dict)
    #: every lot the bundle names: the mass-balance warnings are about these.
    named_lots: set[tuple[str, str]] = field(default_factory=set)
    #: the (file, line) creating each lot the bundle creates.
    created: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    #: Version 2: the supply-chain rows (``chain_checks.ChainPlan``), else None.
    chain: ChainPlan | None = None


def fetch_in(session: Session, stmt, column, values):
    """Rows of ``stmt`` where ``column`` is among ``values`` (``workbench.plant.query``),
    skipping the look-up when the table is empty (a first import)."""
    values = set(values)
    if not values:
        return
    if session.execute(select(literal(1)).select_from(column.table).limit(1)).first() is None:
        return
    yield from query.fetch_in(session, stmt, column, values)


def _show(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _same(a, b) -> bool:
    return a == b  # Decimal('1.50') == Decimal('1.5'); None only equals None


def lot_name(item: str, lot: str) -> str:
    return f"lot {lot} of item {item}"


class Checker:
    """Runs the checks in file order; see the module docstring."""

    def __init__(self, session: Session, files: dict[str, BundleFile], log: FaultLog, version: int = 1):
        self.s = session
        self.files = files
        self.log = log
        self.version = version
        self.plan = Plan()
        self.broken = {name for name, f in files.items() if f.unreliable}
        for name, f in files.items():
            self.plan.counts[name] = [len(f.rows), 0, 0]
        #: The checks of version 2 (None for a version 1 bundle, which has none of its files).
        self.chain = ChainChecks(self) if version >= 2 else None
        if self.chain is not None:
            self.plan.chain = self.chain.plan

    def fetch(self, stmt, column, values):
        return fetch_in(self.s, stmt, column, values)

    def fetch_entities(self, stmt, column, values):
        return (row[0] for row in fetch_in(self.s, stmt, column, values))

    # -- helpers --------------------------------------------------------------

    def fault(self, name: str, line: int, message: str) -> None:
        self.log.add(self.files[name].display, line, message)

    def compare(self, name: str, row, what: str, pairs: list[tuple[str, object, object]]) -> bool:
        """Fault if a row differs from the plant's row with the same key, in any field
        given by a column present in the file. ``pairs``: (column, here, plant)."""
        columns = self.files[name].columns
        differing = [
            f"{column} (plant: {_show(plant)}, here: {_show(here)})"
            for column, here, plant in pairs
            if column in columns and not _same(here, plant)
        ]
        if differing:
            self.fault(name, row.line, f"{what} is already in the plant and differs in " + ", ".join(differing))
            return False
        return True

    def seen(self, name: str, keys: dict, key, row, what: str) -> bool:
        """Record a key; fault when the same key was already on an earlier line."""
        first = keys.get(key)
        if first is not None:
            self.fault(name, row.line, f"{what} is already given on line {first}; give each once")
            return True
        keys[key] = row.line
        return False

    def counted(self, name: str, new: bool) -> None:
        self.plan.counts[name][1 if new else 2] += 1

    def new_or_unchanged(self, name: str, row, what: str, db, new: list, pairs) -> None:
        """A row the plant lacks is planned for writing; one it has must match it
        (``compare`` faults otherwise). ``pairs(db)``: the (column, here, plant) triples."""
        if db is None:
            new.append(row)
            self.counted(name, True)
        elif row.ok and self.compare(name, row, what, pairs(db)):
            self.counted(name, False)

    def need(self, name: str, row, kind: str, code, known, source: str) -> bool:
        if code in known:
            return True
        if source not in self.broken:
            self.fault(name, row.line, f"{kind} {code} is in neither {source} nor the plant")
        return False

    # -- the checks, in file order -------------------------------------------

    def run(self) -> Plan:
        chain = self.chain
        self.load_plant()
        if chain is not None:
            chain.load()
        self.check_items()
        if chain is not None:
            chain.check_item_units()
            chain.check_parties()
            chain.check_locations()
        self.check_parties("vendors.csv", self.bundle_vendors, self.db_vendors, self.plan.vendors, "vendor")
        self.check_parties("customers.csv", self.bundle_customers, self.db_customers, self.plan.customers, "customer")
        if chain is not None:
            chain.check_role_references()
            chain.check_containers()
            chain.check_events()
        self.check_orders()
        self.check_lots()
        self.check_operations()
        self.check_consumptions()
        self.check_shipments()
        if chain is not None:
            chain.check_transfers()
        self.check_returns()
        if chain is not None:
            for name in ("lots.csv", "receipts.csv", "orders.csv", "consumptions.csv", "outputs.csv",
                         "shipments.csv", "returns.csv"):
                chain.references(name)
            chain.check_packings()
            chain.check_key_data()
            chain.check_event_lots()
            chain.check_documents()
            chain.check_retractions()
        self.check_totals()
        return self.plan

    def chain_rows(self, name: str) -> list:
        """The rows of a file of version 2 only (none in a version 1 bundle)."""
        f = self.files.get(name)
        return f.rows if f is not None else []

    def rows(self, name: str):
        f = self.files.get(name)
        return f.rows if f is not None else []

    def load_plant(self) -> None:
        """Index the bundle's codes and preload the plant's rows with those codes."""
        rows = self.rows
        self.bundle_items = {r.item: r for r in rows("items.csv") if r.item}
        self.bundle_vendors = {r.vendor: r for r in rows("vendors.csv") if r.vendor}
        self.bundle_customers = {r.customer: r for r in rows("customers.csv") if r.customer}
        self.bundle_orders = {r.order: r for r in rows("orders.csv") if r.order}

        item_codes = set(self.bundle_items)
        for name in ("lots.csv", "receipts.csv", "orders.csv", "consumptions.csv", "shipments.csv", "returns.csv"):
            item_codes.update(r.item for r in rows(name) if r.item)
        for name in CHAIN_LOT_FILES:
            item_codes.update(r.item for r in self.chain_rows(name) if r.item)
        self.db_items = {
            r.code: r
            for r in fetch_in(
                self.s, select(Item.code, Item.id, Item.name, Item.kind, Item.unit, Item.gtin, Item.shelf_life_days),
                Item.code, item_codes,
            )
        }
        self.plan.item_ids = {code: r.id for code, r in self.db_items.items()}

        party_columns = ("id", "code", "name", "contact", "email", "phone", "address")
        vendor_codes = set(self.bundle_vendors) | {r.vendor for r in rows("receipts.csv") if r.vendor}
        self.db_vendors = {
            r.code: r
            for r in fetch_in(self.s, select(*(getattr(Vendor, c) for c in party_columns)), Vendor.code, vendor_codes)
        }
        customer_codes = set(self.bundle_customers)
        for name in ("shipments.csv", "returns.csv"):
            customer_codes.update(r.customer for r in rows(name) if r.customer)
        self.db_customers = {
            r.code: r
            for r in fetch_in(
                self.s, select(*(getattr(Customer, c) for c in party_columns)), Customer.code, customer_codes
            )
        }
        self.plan.vendor_ids = {code: r.id for code, r in self.db_vendors.items()}
        self.plan.customer_ids = {code: r.id for code, r in self.db_customers.items()}

        order_codes = set(self.bundle_orders)
        for name in ("operations.csv", "consumptions.csv", "outputs.csv"):
            order_codes.update(r.order for r in rows(name) if r.order)
        self.db_orders = {
            r.code: r
            for r in fetch_in(
                self.s,
                select(
                    ProductionOrder.code, ProductionOrder.id, Item.code.label("item"),
                    ProductionOrder.started_at, ProductionOrder.finished_at,
                ).join(Item, Item.id == ProductionOrder.item_id),
                ProductionOrder.code, order_codes,
            )
        }
        self.plan.order_ids = {code: r.id for code, r in self.db_orders.items()}

        lot_codes: set[str] = set()
        for name in ("lots.csv", "receipts.csv", "outputs.csv", "consumptions.csv", "shipments.csv", "returns.csv"):
            lot_codes.update(r.lot for r in rows(name) if r.lot)
        for name in CHAIN_LOT_FILES:
            lot_codes.update(r.lot for r in self.chain_rows(name) if r.lot)
        self.db_lots = {
            (r.item, r.code): r
            for r in fetch_in(
                self.s,
                select(
                    Lot.id, Item.code.label("item"), Lot.code, Lot.quantity, Lot.created_at, Lot.expires_at,
                    Lot.vendor_lot, Lot.origin,
                ).join(Item, Item.id == Lot.item_id),
                Lot.code, lot_codes,
            )
        }
        self.plan.lot_ids = {key: r.id for key, r in self.db_lots.items()}
        lot_ids = [r.id for r in self.db_lots.values()]
        self.db_receipts: dict[int, list] = defaultdict(list)
        for r in fetch_in(
            self.s,
            select(
                Receipt.lot_id, Receipt.code, Receipt.received_at, Vendor.code.label("vendor"), Receipt.po,
                Receipt.vendor_lot, Receipt.quantity,
            ).join(Vendor, Vendor.id == Receipt.vendor_id),
            Receipt.lot_id, lot_ids,
        ):
            self.db_receipts[r.lot_id].append(r)
        self.db_outputs = {
            r.lot_id: r
            for r in fetch_in(
                self.s,
                select(Output.lot_id, ProductionOrder.code.label("order"), Output.quantity).join(
                    ProductionOrder, ProductionOrder.id == Output.order_id
                ),
                Output.lot_id, lot_ids,
            )
        }

    def check_items(self) -> None:
        name = "items.csv"
        keys: dict[object, int] = {}
        for row in self.rows(name):
            if row.item is None or self.seen(name, keys, row.item, row, f"item {row.item}"):
                continue
            self.new_or_unchanged(
                name, row, f"item {row.item}", self.db_items.get(row.item), self.plan.items,
                lambda db, row=row: [("name", row.name, db.name), ("kind", row.kind, db.kind), ("unit", row.unit, db.unit),
                            ("gtin", row.gtin, db.gtin), ("shelf_life_days", row.shelf_life_days, db.shelf_life_days)],
            )
        self.known_items = set(self.bundle_items) | set(self.db_items)
        self.check_gtins()

    def check_gtins(self) -> None:
        """Two items may not share a GTIN (compared in its 14-digit form, the packaging
        level included): a scan of it could not tell which item is meant."""
        name = "items.csv"
        rows = [r for r in self.rows(name) if r.gtin and r.item and r.item not in self.db_items]
        if not rows:
            return
        first: dict[str, tuple[str, int]] = {}
        for row in self.rows(name):
            if row.gtin and row.item:
                first.setdefault(gtin_14(row.gtin), (row.item, row.line))
        forms = {row.gtin.lstrip("0").zfill(n) for row in rows for n in (8, 12, 13, 14)}
        plant: dict[str, str] = {}
        for r in fetch_in(self.s, select(Item.code, Item.gtin), Item.gtin, forms):
            plant.setdefault(gtin_14(r.gtin), r.code)
        for row in rows:
            key = gtin_14(row.gtin)
            other = plant.get(key)
            if other is not None and other != row.item:
                self.fault(name, row.line, f"item {row.item} has the GTIN {row.gtin} of item {other} in the plant; "
                                           "two items may not share a GTIN (a scan could not tell them apart)")
                continue
            code, line = first[key]
            if code != row.item:
                self.fault(name, row.line, f"item {row.item} has the GTIN {row.gtin} of item {code} on line {line}; "
                                           "two items may not share a GTIN (a scan could not tell them apart)")

    def shelf_life(self, item: str) -> int | None:
        row = self.bundle_items.get(item)
        if row is not None:
            return row.shelf_life_days
        db = self.db_items.get(item)
        return db.shelf_life_days if db is not None else None

    def check_parties(self, name: str, bundle: dict, plant: dict, new: list, kind: str) -> None:
        keys: dict = {}
        for row in self.rows(name):
            code = getattr(row, kind)
            if code is None or self.seen(name, keys, code, row, f"{kind} {code}"):
                continue
            self.new_or_unchanged(
                name, row, f"{kind} {code}", plant.get(code), new,
                lambda db, row=row: [(c, getattr(row, c), getattr(db, c))
                                     for c in ("name", "contact", "email", "phone", "address")],
            )

    def check_orders(self) -> None:
        name = "orders.csv"
        keys: dict[object, int] = {}
        for row in self.rows(name):
            if row.order is None or self.seen(name, keys, row.order, row, f"order {row.order}"):
                continue
            if row.item is not None:
                self.need(name, row, "item", row.item, self.known_items, "items.csv")
            self.new_or_unchanged(
                name, row, f"order {row.order}", self.db_orders.get(row.order), self.plan.orders,
                lambda db, row=row: [("item", row.item, db.item), ("started_at", row.started_at, db.started_at),
                            ("finished_at", row.finished_at, db.finished_at)],
            )
        self.known_orders = set(self.bundle_orders) | set(self.db_orders)

    def order_item(self, order: str) -> str | None:
        row = self.bundle_orders.get(order)
        if row is not None:
            return row.item
        db = self.db_orders.get(order)
        return db.item if db is not None else None

    def order_location(self, order: str) -> str | None:
        """The location of an order given in orders.csv (version 2); None otherwise."""
        row = self.bundle_orders.get(order)
        return row.location if row is not None else None

    def order_end(self, order: str) -> datetime | None:
        row = self.bundle_orders.get(order) or self.db_orders.get(order)
        if row is None:
            return None
        return row.finished_at or row.started_at

    def expiry(self, item: str, created: datetime | None, given: datetime | None,
               name: str = "", row=None) -> datetime | None:
        """``given``, else ``created`` plus the item's shelf life (when it has one); a
        sum past the last date the plant stores is a fault of ``row``."""
        if given is not None or created is None:
            return given
        life = self.shelf_lives.get(item)
        if life is None:
            return None
        try:
            return created + life
        except OverflowError:
            self.fault(name, row.line, f"{lot_name(item, getattr(row, 'lot', '?'))} would expire {life.days:,} days "
                                       f"after {created.isoformat()}, beyond the year 9999; give its expires_at")
            return None

    def unknown_lot(self, name: str, row, item: str, lot: str) -> None:
        """Fault a reference to a lot that neither the bundle nor the plant has
        (unless its item is unknown, or the files that create lots are unreadable)."""
        if not self.need(name, row, "item", item, self.known_items, "items.csv"):
            return
        if self.lot_sources_broken or lot in self.uncertain_lots:
            return
        self.fault(
            name, row.line,
            f"{lot_name(item, lot)} is created by no line of lots.csv, receipts.csv or outputs.csv "
            "and is not in the plant",
        )

    def check_lots(self) -> None:
        """lots.csv, receipts.csv and outputs.csv each create lots; a lot is created once."""
        self.shelf_lives = {
            code: timedelta(days=days)
            for code in self.known_items
            if (days := self.shelf_life(code)) is not None
        }
        created: dict[tuple[str, str], tuple[str, int]] = {}  # key -> (file, line) creating it
        #: lot codes of outputs whose order is unknown: their item, hence their key, is
        #: unknown, so references to such a code are not reported a second time.
        self.uncertain_lots: set[str] = set()
        self.lot_sources_broken = bool({"lots.csv", "receipts.csv", "outputs.csv", "orders.csv"} & self.broken)
        plan, db_lots, known_items = self.plan, self.db_lots, self.known_items
        expiry = self.expiry

        def created_twice(name: str, row, key: tuple[str, str]) -> None:
            file, line = created[key]
            self.fault(
                name, row.line,
                f"{lot_name(*key)} is already created at {self.files[file].display}:{line}; a lot is created once",
            )

        def created_elsewhere(name: str, row, key: tuple[str, str], db) -> None:
            if db.id in self.db_outputs:
                by = f"by order {self.db_outputs[db.id].order}"
            elif db.id in self.db_receipts:
                by = f"by receipt {self.db_receipts[db.id][0].code}"
            else:
                by = "as opening stock" if db.origin == "opening" else f"with origin {db.origin}"
            self.fault(name, row.line, f"{lot_name(*key)} was already created in the plant {by}; a lot is created once")

        name, new, present = "lots.csv", 0, 0
        for row in self.rows(name):
            key = (row.item, row.lot)
            if None in key:
                continue
            if key in created:
                created_twice(name, row, key)
                continue
            created[key] = (name, row.line)
            if row.item not in known_items:
                self.need(name, row, "item", row.item, known_items, "items.csv")
                continue
            expires = expiry(row.item, row.created_at, row.expires_at, name, row)
            db = db_lots.get(key)
            if db is None:
                plan.lots.append(NewLot(row.item, row.lot, row.vendor_lot, row.quantity, row.created_at, expires, "opening",
                                        row.location, row.event))
                new += 1
            elif db.id in self.db_receipts or db.id in self.db_outputs or db.origin != "opening":
                created_elsewhere(name, row, key, db)
            elif row.ok and self.compare(
                name, row, lot_name(*key),
                [("quantity", row.quantity, db.quantity), ("created_at", row.created_at, db.created_at),
                 ("expires_at", expires, db.expires_at), ("vendor_lot", row.vendor_lot, db.vendor_lot)],
            ):
                present += 1
        self.plan.counts[name][1:] = [new, present]

        name, new, present = "receipts.csv", 0, 0
        known_vendors = set(self.bundle_vendors) | set(self.db_vendors)
        for row in self.rows(name):
            key = (row.item, row.lot)
            if None in key:
                continue
            if key in created:
                created_twice(name, row, key)
                continue
            created[key] = (name, row.line)
            if row.vendor is not None and row.vendor not in known_vendors:
                self.need(name, row, "vendor", row.vendor, known_vendors, "vendors.csv")
            if row.item not in known_items:
                self.need(name, row, "item", row.item, known_items, "items.csv")
                continue
            expires = expiry(row.item, row.received_at, row.expires_at, name, row)
            db = db_lots.get(key)
            if db is None:
                plan.lots.append(
                    NewLot(row.item, row.lot, row.vendor_lot, row.quantity, row.received_at, expires, "receipt",
                           row.location, row.event)
                )
                plan.receipts.append(row)
                new += 1
                continue
            same = [r for r in self.db_receipts.get(db.id, ()) if r.code == row.receipt]
            if not same:
                created_elsewhere(name, row, key, db)
            elif row.ok and self.compare(
                name, row, f"receipt {row.receipt} line {lot_name(*key)}",
                [("received_at", row.received_at, same[0].received_at), ("vendor", row.vendor, same[0].vendor),
                 ("po", row.po, same[0].po), ("vendor_lot", row.vendor_lot, same[0].vendor_lot),
                 ("quantity", row.quantity, same[0].quantity), ("expires_at", expires, db.expires_at)],
            ):
                present += 1
        self.plan.counts[name][1:] = [new, present]

        name, new, present = "outputs.csv", 0, 0
        keys: dict = {}
        for row in self.rows(name):
            if row.order is None or row.lot is None:
                continue
            if row.order not in self.known_orders:
                self.need(name, row, "order", row.order, self.known_orders, "orders.csv")
                self.uncertain_lots.add(row.lot)
                continue
            item = self.order_item(row.order)
            if item is None:  # the order's own line lacks its item: faulted there
                self.uncertain_lots.add(row.lot)
                continue
            if self.seen(name, keys, (row.order, row.lot), row, f"output {row.lot} of order {row.order}"):
                continue
            key = (item, row.lot)
            if key in created:
                created_twice(name, row, key)
                continue
            created[key] = (name, row.line)
            made = row.created_at or self.order_end(row.order)
            expires = expiry(item, made, row.expires_at, name, row)
            db = db_lots.get(key)
            if db is None:
                plan.lots.append(NewLot(item, row.lot, None, row.quantity, made, expires, "production",
                                        self.order_location(row.order), row.event))
                plan.outputs.append((row.order, item, row.lot, row.quantity, row.event))
                new += 1
                continue
            output = self.db_outputs.get(db.id)
            if output is None or output.order != row.order:
                created_elsewhere(name, row, key, db)
            elif row.ok and self.compare(
                name, row, f"output {lot_name(*key)} of order {row.order}",
                [("quantity", row.quantity, output.quantity), ("expires_at", expires, db.expires_at),
                 ("created_at", made, db.created_at)],
            ):
                present += 1
        self.plan.counts[name][1:] = [new, present]

        self.known_lots = set(created) | set(db_lots)
        self.plan.named_lots.update(created)
        self.plan.created = created

    def check_operations(self) -> None:
        name, new, present = "operations.csv", 0, 0
        keys: dict[object, int] = {}
        order_ids = [self.db_orders[r.order].id for r in self.rows(name) if r.order in self.db_orders]
        plant = {
            (r.order, r.step): r
            for r in fetch_in(
                self.s,
                select(
                    ProductionOrder.code.label("order"), Operation.step, Operation.machine, Operation.operator,
                    Operation.started_at, Operation.finished_at,
                ).join(ProductionOrder, ProductionOrder.id == Operation.order_id),
                Operation.order_id, order_ids,
            )
        }
        known_orders = self.known_orders
        for row in self.rows(name):
            key = (row.order, row.step)
            if None in key:
                continue
            if key in keys:
                self.seen(name, keys, key, row, f"operation {row.step} of order {row.order}")
                continue
            keys[key] = row.line
            if row.order not in known_orders:
                self.need(name, row, "order", row.order, known_orders, "orders.csv")
                continue
            db = plant.get(key)
            if db is None:
                self.plan.operations.append(row)
                new += 1
            elif row.ok and self.compare(
                name, row, f"operation {row.step} of order {row.order}",
                [("machine", row.machine, db.machine), ("operator", row.operator, db.operator),
                 ("started_at", row.started_at, db.started_at), ("finished_at", row.finished_at, db.finished_at)],
            ):
                present += 1
        self.plan.counts[name][1:] = [new, present]

    def check_consumptions(self) -> None:
        name, new, present = "consumptions.csv", 0, 0
        keys: dict[object, int] = {}
        rows = self.rows(name)
        order_ids = [self.db_orders[r.order].id for r in rows if r.order in self.db_orders]
        plant: dict[tuple, Decimal] = defaultdict(Decimal)
        for r in fetch_in(
            self.s,
            select(
                ProductionOrder.code.label("order"), Item.code.label("item"), Lot.code.label("lot"),
                Consumption.consumed_at, Consumption.quantity,
            )
            .join(ProductionOrder, ProductionOrder.id == Consumption.order_id)
            .join(Lot, Lot.id == Consumption.lot_id)
            .join(Item, Item.id == Lot.item_id),
            Consumption.order_id, order_ids,
        ):
            plant[(r.order, r.item, r.lot, r.consumed_at)] += r.quantity

        def what(key) -> str:
            order, item, lot, at = key
            return f"consumption of {lot_name(item, lot)} by order {order}" + (f" at {at.isoformat()}" if at else "")

        known_orders, known_lots, planned = self.known_orders, self.known_lots, self.plan.consumptions
        for row in rows:
            ok, order, item, lot, quantity, at = row.ok, row.order, row.item, row.lot, row.quantity, row.consumed_at
            if order is None or item is None or lot is None:
                continue
            key = (order, item, lot, at)
            if key in keys:
                self.seen(name, keys, key, row, what(key))
                continue
            keys[key] = row.line
            order_known = order in known_orders or self.need(name, row, "order", order, known_orders, "orders.csv")
            if (item, lot) not in known_lots:
                self.unknown_lot(name, row, item, lot)
                continue
            if not order_known:
                continue
            if key not in plant:
                planned.append(row)
                new += 1
            elif ok and self.compare(name, row, what(key), [("quantity", quantity, plant[key])]):
                present += 1
        self.plan.counts[name][1:] = [new, present]
        self.plan.named_lots.update((r.item, r.lot) for r in rows)

    def check_lines(self, name: str, model, code_column: str, compared: tuple[str, ...], planned: list) -> None:
        """shipments.csv and returns.csv: lines keyed by (document, item, lot), naming a customer."""
        new, present = 0, 0
        keys: dict[object, int] = {}
        rows = self.rows(name)
        document = getattr(model, "code" if code_column == "shipment" else "rma")
        plant = {
            (r.document, r.item, r.lot): r
            for r in fetch_in(
                self.s,
                select(
                    document.label("document"), Item.code.label("item"), Lot.code.label("lot"),
                    Customer.code.label("customer"),
                    *(getattr(model, c) for c in compared if c != "customer"),
                )
                .join(Customer, Customer.id == model.customer_id)
                .join(Lot, Lot.id == model.lot_id)
                .join(Item, Item.id == Lot.item_id),
                document, {getattr(r, code_column) for r in rows} - {None},
            )
        }
        kind = "shipment" if code_column == "shipment" else "return"
        known_customers = set(self.bundle_customers) | set(self.db_customers)
        known_lots = self.known_lots
        for row in rows:
            code, item, lot, customer = getattr(row, code_column), row.item, row.lot, row.customer
            if code is None or item is None or lot is None:
                continue
            key = (code, item, lot)
            if key in keys:
                self.seen(name, keys, key, row, f"{kind} {code} line {lot_name(item, lot)}")
                continue
            keys[key] = row.line
            customer_known = customer is None or customer in known_customers or self.need(
                name, row, "customer", customer, known_customers, "customers.csv"
            )
            if (item, lot) not in known_lots:
                self.unknown_lot(name, row, item, lot)
                continue
            if not customer_known:
                continue
            db = plant.get(key)
            if db is None:
                planned.append(row)
                new += 1
            elif row.ok and self.compare(
                name, row, f"{kind} {code} line {lot_name(item, lot)}",
                [(c, getattr(row, c), getattr(db, c)) for c in compared],
            ):
                present += 1
        self.plan.counts[name][1:] = [new, present]
        self.plan.named_lots.update((r.item, r.lot) for r in rows)

    def check_shipments(self) -> None:
        self.check_lines(
            "shipments.csv", Shipment, "shipment", ("shipped_at", "customer", "order_ref", "quantity"),
            self.plan.shipments,
        )

    def check_returns(self) -> None:
        self.check_lines(
            "returns.csv", Return, "rma", ("received_at", "customer", "quantity", "reason"), self.plan.returns
        )

    def check_totals(self) -> None:
        """Each kind of movement may add up to at most ``MAX_TOTAL_QUANTITY`` across the
        plant, so that no sum the plant takes overflows its 64-bit millionths (SQLite
        would stop with "integer overflow", PostgreSQL would hand back a number that
        no longer fits). The fault is on the line that takes the total past the limit."""
        plan = self.plan
        new_rows = {
            "lots": [(ORIGIN_FILE[n.origin], n) for n in plan.lots],
            "receipts": [("receipts.csv", r) for r in plan.receipts],
            "consumptions": [("consumptions.csv", r) for r in plan.consumptions],
            "outputs": [("outputs.csv", o) for o in plan.outputs],
            "shipments": [("shipments.csv", r) for r in plan.shipments],
            "returns": [("returns.csv", r) for r in plan.returns],
        }
        if plan.chain is not None:  # a transfer is a shipment line and (once received) a receipt line
            new_rows["shipments"] += [("transfers.csv", r) for r in plan.chain.transfers]
            new_rows["receipts"] += [("transfers.csv", r) for r in plan.chain.transfers if r.receipt]
        for table, (model, _files) in QUANTITY_TABLES.items():
            rows = new_rows[table]
            if not rows:
                continue
            quantities = [(o[3] if table == "outputs" else o.quantity) or 0 for _f, o in rows]
            held = plant_total(self.s, model)
            if held + sum(quantities) <= MAX_TOTAL_QUANTITY:
                continue
            running = held
            for (file, row), quantity in zip(rows, quantities, strict=True):
                running += quantity
                if running > MAX_TOTAL_QUANTITY:
                    line = self.line_of(table, row)
                    self.fault(file, line, f"quantity {format(quantity, 'f')} takes the total of all {table} "
                                           f"quantities in the plant past {MAX_TOTAL_QUANTITY:,}, the most the plant "
                                           "can add up exactly; is a quantity mistyped?")
                    break

    def line_of(self, table: str, row) -> int:
        if table == "lots":
            return self.plan.created[(row.item, row.code)][1]
        if table == "outputs":  # (order, item, lot, quantity)
            return self.plan.created[(row[1], row[2])][1]
        return row.line


def plant_total(session: Session, model) -> Decimal:
    """The exact total of a quantity column, without a SQL sum that could itself overflow:
    whole units and millionths are summed apart (each sum stays far inside 64 bits)."""
    if session.execute(select(literal(1)).select_from(model.__table__).limit(1)).first() is None:
        return Decimal(0)
    raw = type_coerce(model.__table__.c.quantity, BigInteger)
    scale = QUANTITY_SCALE
    whole, fraction = session.execute(
        select(func.coalesce(func.sum(raw // scale), 0), func.coalesce(func.sum(raw % scale), 0))
    ).one()
    return Decimal(int(whole) * scale + int(fraction)) / scale
