"""The checks of bundle version 2: parties, locations, containers, events, transfers,
packings, key data elements, event lots, documents and retractions, and the supply-chain
columns of the files of version 1.

Nothing here writes. Like ``checking``, every reference is resolved against the rows of
the bundle and against what the plant already holds (preloaded set-wise by the codes the
bundle names); a row whose key is already in the plant is compared with it, field by
field; a fault is one ``FILE:LINE`` sentence. ``ChainPlan`` collects the new rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from workbench.interchange.bundle.values import ValueFault, parse_country, parse_when
from workbench.plant import (
    Container,
    Event,
    EventLot,
    Item,
    ItemUnit,
    KeyDataElement,
    Location,
    Lot,
    Packing,
    Party,
    ReferenceDocument,
    Shipment,
)

#: Key data elements that are columns of the lot; every other name is a typed key-value pair.
LOT_DATES = ("production_date", "harvest_date", "pack_date", "best_before")
LOT_COLUMNS = (*LOT_DATES, "country_of_origin", "tlc_source", "tlc_source_ref")

_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)

#: Which kind of entity each reference column names, per file.
REFERENCES: dict[str, dict[str, str]] = {
    "locations.csv": {"owner": "party", "parent": "location"},
    "vendors.csv": {"party": "party"},
    "customers.csv": {"party": "party"},
    "events.csv": {"location": "location", "corrects": "event"},
    "lots.csv": {"location": "location", "event": "event"},
    "receipts.csv": {"location": "location", "ship_from": "location", "container": "container", "event": "event"},
    "orders.csv": {"location": "location", "event": "event"},
    "consumptions.csv": {"event": "event"},
    "outputs.csv": {"event": "event"},
    "shipments.csv": {"ship_from": "location", "ship_to": "location", "carrier": "party", "container": "container",
                      "event": "event"},
    "transfers.csv": {"ship_from": "location", "ship_to": "location", "carrier": "party", "container": "container",
                      "event": "event", "receipt_event": "event"},
    "returns.csv": {"location": "location", "event": "event"},
    "packings.csv": {"container": "container", "child": "container", "location": "location",
                     "unpacked_location": "location", "event": "event", "unpack_event": "event"},
    "event_lots.csv": {"event": "event"},
    "documents.csv": {"event": "event"},
    "retractions.csv": {"event": "event"},
}
_SOURCE = {"party": "parties.csv", "location": "locations.csv", "container": "containers.csv", "event": "events.csv"}
#: A party, location, container or event of the plant (the entities a reference column names).
Entity = Party | Location | Container | Event
_KEY = {"party": "party", "location": "location", "container": "container", "event": "event"}


@dataclass
class ChainPlan:
    """New rows of the supply-chain files (rows as read; ids are given when written)."""

    item_units: list = field(default_factory=list)
    parties: list = field(default_factory=list)
    locations: list = field(default_factory=list)
    containers: list = field(default_factory=list)
    events: list = field(default_factory=list)
    transfers: list = field(default_factory=list)
    packings: list = field(default_factory=list)
    #: (item, lot) -> {lot column: value} for lots the bundle creates or the plant lacks the value of.
    lot_data: dict[tuple[str, str], dict] = field(default_factory=lambda: defaultdict(dict))
    key_data: list = field(default_factory=list)
    event_lots: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    #: event code -> retractions.csv row, for events new in the bundle (written with them).
    retractions: dict[str, object] = field(default_factory=dict)
    #: retractions.csv rows of events already in the plant (retracted with ``retract_event``).
    retract: list = field(default_factory=list)
    #: plant ids by code.
    ids: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))


def _typed(kind: str, text: str) -> tuple[Decimal | None, datetime | None]:
    """(number, moment) of a key data element's value, or ValueFault."""
    if kind == "number":
        if not _NUMBER.fullmatch(text):
            raise ValueFault(f"value '{text}' is not a number (kind number: digits 0-9, a point, a sign)")
        return Decimal(text), None
    if kind == "date":
        if not _DATE.fullmatch(text):
            raise ValueFault(f"value '{text}' is not a date (kind date: 2026-05-12)")
        try:
            return None, datetime.fromisoformat(text)
        except ValueError:
            raise ValueFault(f"value '{text}' is not a date (kind date: 2026-05-12)") from None
    if kind == "datetime":
        return None, parse_when("value", text)
    if kind == "boolean" and text not in ("true", "false"):
        raise ValueFault(f"value '{text}' is not true or false (kind boolean)")
    if kind == "uri" and (":" not in text or " " in text):
        raise ValueFault(f"value '{text}' is not a URI (kind uri: a scheme, a colon, no spaces)")
    return None, None


def _lot_value(name: str, text: str):
    """A lot column's value from key_data.csv, or ValueFault."""
    if name in LOT_DATES:
        if not _DATE.fullmatch(text):
            raise ValueFault(f"{name} '{text}' is not a date (2026-05-12)")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueFault(f"{name} '{text}' is not a date (2026-05-12)") from None
    if name == "country_of_origin":
        return parse_country(name, text)
    return text


class ChainChecks:
    """The version 2 checks, run by ``Checker`` (``checker``) at their places in file order."""

    def __init__(self, checker) -> None:
        self.c = checker
        self.plan = ChainPlan()
        self.known: dict[str, set[str]] = {}
        self.kind_of_location: dict[str, str] = {}

    def rows(self, name: str):
        return self.c.rows(name)

    # -- preloading ------------------------------------------------------------------------

    def load(self) -> None:
        """Preload the plant's parties, locations, containers and events the bundle names."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for kind, own in (("party", "parties.csv"), ("location", "locations.csv"), ("container", "containers.csv"),
                          ("event", "events.csv")):
            wanted[kind].update(getattr(r, _KEY[kind]) for r in self.rows(own))
        for name, columns in REFERENCES.items():
            for column, kind in columns.items():
                wanted[kind].update(getattr(r, column) for r in self.rows(name))
        for r in self.rows("key_data.csv"):
            if r.name == "tlc_source" and r.value:
                wanted["location"].add(r.value)
        parties: dict[str, Party] = {
            r.code: r for r in self.c.fetch_entities(select(Party), Party.code, wanted["party"] - {None})}
        self.locations: dict[str, Location] = {
            r.code: r for r in self.c.fetch_entities(select(Location), Location.code, wanted["location"] - {None})}
        containers: dict[str, Container] = {
            r.code: r for r in self.c.fetch_entities(select(Container), Container.code, wanted["container"] - {None})}
        self.events: dict[str, Event] = {
            r.ref: r for r in self.c.fetch_entities(select(Event), Event.ref, wanted["event"] - {None})}
        #: kind -> code -> the plant's entity with that code.
        self.db: dict[str, Mapping[str, Entity]] = {
            "party": parties, "location": self.locations, "container": containers, "event": self.events}
        for kind, entities in self.db.items():
            self.plan.ids[kind] = {code: r.id for code, r in entities.items()}
        self.kind_of_location = {code: r.kind for code, r in self.locations.items()}

    def need(self, name: str, row, kind: str, code) -> bool:
        """Fault a reference to a party, location, container or event that neither the bundle
        nor the plant has (unless the file that would hold it could not be read)."""
        if code is None or code in self.known[kind] or code in self.db[kind]:
            return True
        if _SOURCE[kind] not in self.c.broken:
            self.c.fault(name, row.line, f"{kind} {code} is in neither {_SOURCE[kind]} nor the plant")
        return False

    def references(self, name: str) -> None:
        """Every reference column of ``name`` names something that exists."""
        for column, kind in REFERENCES.get(name, {}).items():
            if column not in self.c.files[name].columns:
                continue
            for row in self.rows(name):
                self.need(name, row, kind, getattr(row, column))

    def compare(self, name: str, row, what: str, pairs) -> None:
        if row.ok and self.c.compare(name, row, what, pairs):
            self.c.counted(name, False)

    def new(self, name: str, planned: list, row) -> None:
        planned.append(row)
        self.c.counted(name, True)

    # -- master data -------------------------------------------------------------------------

    def check_item_units(self) -> None:
        name = "item_units.csv"
        keys: dict[object, int] = {}
        plant = {}
        item_ids = [self.c.db_items[r.item].id for r in self.rows(name) if r.item in self.c.db_items]
        for r in self.c.fetch(select(Item.code, ItemUnit.unit, ItemUnit.factor).join(Item, Item.id == ItemUnit.item_id),
                              ItemUnit.item_id, item_ids):
            plant[(r.code, r.unit)] = r.factor
        for row in self.rows(name):
            key = (row.item, row.unit)
            if None in key or self.c.seen(name, keys, key, row, f"unit {row.unit} of item {row.item}"):
                continue
            if not self.c.need(name, row, "item", row.item, self.c.known_items, "items.csv"):
                continue
            if key in plant:
                self.compare(name, row, f"unit {row.unit} of item {row.item}", [("factor", row.factor, plant[key])])
            else:
                self.new(name, self.plan.item_units, row)

    def _entities(self, name: str, kind: str, planned: list, fields: tuple[str, ...], plant_value=None) -> None:
        keys: dict = {}
        column = _KEY[kind]
        for row in self.rows(name):
            code = getattr(row, column)
            if code is None or self.c.seen(name, keys, code, row, f"{kind} {code}"):
                continue
            db = self.db[kind].get(code)
            if db is None:
                self.new(name, planned, row)
            else:
                self.compare(name, row, f"{kind} {code}",
                             [(f, getattr(row, f), plant_value(db, f) if plant_value else getattr(db, f))
                              for f in fields])
        self.known[kind] = set(keys)

    def check_parties(self) -> None:
        def plant_value(db, column):
            if column == "roles":
                return None  # compared through own and carrier below
            return getattr(db, column)

        self._entities("parties.csv", "party", self.plan.parties, ("name", "gln", "address"), plant_value)
        for row in self.rows("parties.csv"):
            db = self.db["party"].get(row.party)
            if db is not None and row.ok and "roles" in self.c.files["parties.csv"].columns:
                roles = row.roles or frozenset()
                for flag in ("own", "carrier"):
                    if (flag in roles) != bool(getattr(db, flag)):
                        self.c.fault("parties.csv", row.line,
                                     f"party {row.party} is already in the plant and differs in roles "
                                     f"({flag}: plant {'yes' if getattr(db, flag) else 'no'}, "
                                     f"here {'yes' if flag in roles else 'no'})")

    def check_roles(self) -> None:
        """A party given the role vendor (customer) is the party of a vendor (customer), and
        a vendor (customer) naming a party of parties.csv names one with that role."""
        roles = {r.party: (r.roles or frozenset(), r) for r in self.rows("parties.csv") if r.party and r.ok}
        if "roles" not in self.c.files["parties.csv"].columns:
            return
        for role, file in (("vendor", "vendors.csv"), ("customer", "customers.csv")):
            named = set()
            for row in self.rows(file):
                party = row.party or getattr(row, role)
                named.add(party)
                if party in roles and role not in roles[party][0]:
                    self.c.fault(file, row.line, f"{role} {getattr(row, role)} is party {party}, whose roles in "
                                                 f"parties.csv (line {roles[party][1].line}) lack {role}")
            plant_roles = self._plant_roles(role, [p for p, (r, _row) in roles.items() if role in r])
            for party, (given, row) in roles.items():
                if role in given and party not in named and party not in plant_roles:
                    self.c.fault("parties.csv", row.line, f"party {party} has the role {role}, but no {role} is "
                                                          f"this party ({file} names none, nor does the plant)")

    def _plant_roles(self, role: str, parties: list[str]) -> set[str]:
        from workbench.plant import Customer, Vendor

        model = Vendor if role == "vendor" else Customer
        ids = [self.db["party"][p].id for p in parties if p in self.db["party"]]
        rows = self.c.fetch(select(Party.code).join(model, model.party_id == Party.id), model.party_id, ids)
        return {r.code for r in rows}

    def check_locations(self) -> None:
        fields = ("name", "gln", "kind", "address", "country", "latitude", "longitude", "timezone")
        self._entities("locations.csv", "location", self.plan.locations, fields)
        for row in self.rows("locations.csv"):
            if row.location is not None and row.parent == row.location:
                self.c.fault("locations.csv", row.line, f"location {row.location} names itself as its parent")
            if row.location:
                self.kind_of_location.setdefault(row.location, row.kind or "other")
        self.kind_of_location.update({r.location: r.kind or "other" for r in self.rows("locations.csv") if r.location})
        self.references("locations.csv")

    def check_role_references(self) -> None:
        self.references("vendors.csv")
        self.references("customers.csv")
        self.check_roles()

    def check_containers(self) -> None:
        self._entities("containers.csv", "container", self.plan.containers, ("kind", "sscc"))

    def check_events(self) -> None:
        fields = ("kind", "event_type", "occurred_at", "time_zone_offset", "recorded_at", "disposition", "source")
        self._entities("events.csv", "event", self.plan.events, fields)
        for row in self.rows("events.csv"):
            if row.event is not None and row.corrects == row.event:
                self.c.fault("events.csv", row.line, f"event {row.event} names itself as the event it corrects")
        self.references("events.csv")

    # -- movements ---------------------------------------------------------------------------

    def own_site(self, name: str, row, column: str) -> None:
        code = getattr(row, column)
        kind = self.kind_of_location.get(code)
        if code is not None and kind is not None and kind != "own_site":
            self.c.fault(name, row.line, f"{column} {code} is a location of kind {kind}; a transfer goes between "
                                         "our own sites (kind own_site); ship to a customer in shipments.csv")

    def check_transfers(self) -> None:
        name = "transfers.csv"
        keys: dict[object, int] = {}
        rows = self.rows(name)
        plant = {(r.code, r.item, r.lot): r for r in self.c.fetch(
            select(Shipment.code, Item.code.label("item"), Lot.code.label("lot"), Shipment.shipped_at,
                   Shipment.quantity, Shipment.customer_id)
            .join(Lot, Lot.id == Shipment.lot_id).join(Item, Item.id == Lot.item_id),
            Shipment.code, {r.transfer for r in rows} - {None})}
        for row in rows:
            key = (row.transfer, row.item, row.lot)
            if None in key or self.c.seen(name, keys, key, row, f"transfer {row.transfer} line lot {row.lot} "
                                                                 f"of item {row.item}"):
                continue
            self.own_site(name, row, "ship_from")
            self.own_site(name, row, "ship_to")
            if row.ship_from is not None and row.ship_from == row.ship_to:
                self.c.fault(name, row.line, f"transfer {row.transfer} goes from {row.ship_from} to itself")
            if (row.receipt is None) != (row.received_at is None):
                self.c.fault(name, row.line, f"transfer {row.transfer}: give both receipt and received_at "
                                             "(received) or neither (in transit)")
            elif row.received_at is not None and row.shipped_at is not None and row.received_at < row.shipped_at:
                self.c.log.warn(self.c.files[name].display, row.line,
                                f"transfer {row.transfer} is received {row.received_at.isoformat()}, before it "
                                f"was shipped ({row.shipped_at.isoformat()})", (row.item, row.lot))
            if (row.item, row.lot) not in self.c.known_lots:
                self.c.unknown_lot(name, row, row.item, row.lot)
                continue
            db = plant.get(key)
            if db is None:
                self.new(name, self.plan.transfers, row)
            elif db.customer_id is not None:
                self.c.fault(name, row.line, f"shipment {row.transfer} line lot {row.lot} of item {row.item} is "
                                             "already in the plant as a shipment to a customer")
            else:
                self.compare(name, row, f"transfer {row.transfer} line lot {row.lot} of item {row.item}",
                             [("shipped_at", row.shipped_at, db.shipped_at), ("quantity", row.quantity, db.quantity)])
        self.references(name)
        self.c.plan.named_lots.update((r.item, r.lot) for r in rows if r.item and r.lot)

    def check_packings(self) -> None:
        name = "packings.csv"
        keys: dict[object, int] = {}
        rows = self.rows(name)
        container_ids = [self.db["container"][r.container].id for r in rows if r.container in self.db["container"]]
        plant = {}
        for p in self.c.fetch_entities(select(Packing), Packing.container_id, container_ids):
            plant[(p.container_id, p.lot_id, p.child_id, p.packed_at)] = p
        for row in rows:
            if row.container is None or row.packed_at is None:
                continue
            has_lot = row.item is not None or row.lot is not None
            if has_lot == (row.child is not None):
                self.c.fault(name, row.line, "give either item, lot and quantity (a lot packed) or child "
                                             "(a container packed), not both and not neither")
                continue
            if has_lot and (row.item is None or row.lot is None or row.quantity is None):
                self.c.fault(name, row.line, "a lot packed needs its item, lot and quantity")
                continue
            if row.child is not None and row.quantity is not None:
                self.c.fault(name, row.line, f"container {row.child} is packed whole: leave quantity empty")
                continue
            if row.child == row.container:
                self.c.fault(name, row.line, f"container {row.container} cannot be packed into itself")
                continue
            key = (row.container, row.item, row.lot, row.child, row.packed_at)
            content = f"lot {row.lot} of item {row.item}" if has_lot else f"container {row.child}"
            what = f"packing of {content} into container {row.container} at {row.packed_at.isoformat()}"
            if self.c.seen(name, keys, key, row, what):
                continue
            if row.unpacked_at is not None and row.unpacked_at < row.packed_at:
                self.c.fault(name, row.line, f"{what} is unpacked {row.unpacked_at.isoformat()}, before it was packed")
            if has_lot and (row.item, row.lot) not in self.c.known_lots:
                self.c.unknown_lot(name, row, row.item, row.lot)
                continue
            lot_id = self.c.plan.lot_ids.get((row.item, row.lot)) if has_lot else None
            child_id = self.plan.ids["container"].get(row.child) if row.child else None
            container_id = self.plan.ids["container"].get(row.container)
            db = plant.get((container_id, lot_id, child_id, row.packed_at)) if container_id else None
            if db is None:
                self.new(name, self.plan.packings, row)
            else:
                self.compare(name, row, what, [("quantity", row.quantity, db.quantity),
                                               ("unpacked_at", row.unpacked_at, db.unpacked_at)])
        self.references(name)
        self.c.plan.named_lots.update((r.item, r.lot) for r in rows if r.item and r.lot)

    # -- key data, event lots, documents, retractions ----------------------------------------------

    def check_key_data(self) -> None:
        name = "key_data.csv"
        keys: dict[object, int] = {}
        rows = self.rows(name)
        lot_ids = [self.c.plan.lot_ids[(r.item, r.lot)] for r in rows if (r.item, r.lot) in self.c.plan.lot_ids]
        plant_columns = {}
        for r in self.c.fetch(select(Lot.id, *(getattr(Lot, c) for c in LOT_COLUMNS if c != "tlc_source"),
                                     Lot.tlc_source_id), Lot.id, lot_ids):
            plant_columns[r.id] = r
        plant_kdes = {}
        for r in self.c.fetch_entities(select(KeyDataElement), KeyDataElement.lot_id, lot_ids):
            plant_kdes[(r.lot_id, r.name)] = r
        location_codes = {r.id: code for code, r in self.db["location"].items()}
        for row in rows:
            key = (row.item, row.lot, row.name)
            if None in key or self.c.seen(name, keys, key, row, f"key data element {row.name} of lot {row.lot} "
                                                                 f"of item {row.item}"):
                continue
            if (row.item, row.lot) not in self.c.known_lots:
                self.c.unknown_lot(name, row, row.item, row.lot)
                continue
            lot_id = self.c.plan.lot_ids.get((row.item, row.lot))
            what = f"key data element {row.name} of lot {row.lot} of item {row.item}"
            if row.name in LOT_COLUMNS:
                if row.kind is not None or row.unit is not None:
                    self.c.fault(name, row.line, f"{row.name} is a column of the lot: leave kind and unit empty")
                    continue
                try:
                    value = _lot_value(row.name, row.value) if row.name != "tlc_source" else row.value
                except ValueFault as exc:
                    self.c.fault(name, row.line, str(exc))
                    continue
                if row.name == "tlc_source" and not self.need(name, row, "location", value):
                    continue
                db = plant_columns.get(lot_id) if lot_id is not None else None
                if db is not None:
                    held = location_codes.get(db.tlc_source_id) if row.name == "tlc_source" else getattr(db, row.name)
                    if held is not None:
                        self.compare(name, row, what, [("value", value, held)])
                        continue
                self.plan.lot_data[(row.item, row.lot)][row.name] = value
                self.c.counted(name, True)
                continue
            kind = row.kind or "text"
            try:
                number, moment = _typed(kind, row.value)
            except ValueFault as exc:
                self.c.fault(name, row.line, str(exc))
                continue
            db = plant_kdes.get((lot_id, row.name)) if lot_id is not None else None
            if db is None:
                self.new(name, self.plan.key_data, (row, kind, number, moment))
            else:
                self.compare(name, row, what, [("value", row.value, db.value), ("kind", kind, db.kind),
                                               ("unit", row.unit, db.unit)])

    def check_event_lots(self) -> None:
        name = "event_lots.csv"
        keys: dict[object, int] = {}
        rows = self.rows(name)
        event_ids = [self.db["event"][r.event].id for r in rows if r.event in self.db["event"]]
        plant = {tuple(r) for r in self.c.fetch(select(EventLot.event_id, EventLot.lot_id), EventLot.event_id,
                                                event_ids)}
        for row in rows:
            key = (row.event, row.item, row.lot)
            if None in key or self.c.seen(name, keys, key, row, f"event {row.event} of lot {row.lot} of item "
                                                                 f"{row.item}"):
                continue
            if not self.need(name, row, "event", row.event):
                continue
            if (row.item, row.lot) not in self.c.known_lots:
                self.c.unknown_lot(name, row, row.item, row.lot)
                continue
            pair = (self.plan.ids["event"].get(row.event), self.c.plan.lot_ids.get((row.item, row.lot)))
            if pair in plant:
                self.c.counted(name, False)
            else:
                self.new(name, self.plan.event_lots, row)

    def check_documents(self) -> None:
        name = "documents.csv"
        keys: dict[object, int] = {}
        rows = self.rows(name)
        event_ids = [self.db["event"][r.event].id for r in rows if r.event in self.db["event"]]
        plant = {tuple(r) for r in self.c.fetch(
            select(ReferenceDocument.event_id, ReferenceDocument.kind, ReferenceDocument.code),
            ReferenceDocument.event_id, event_ids)}
        for row in rows:
            key = (row.event, row.kind, row.document)
            if None in key or self.c.seen(name, keys, key, row, f"document {row.kind} {row.document} of event "
                                                                 f"{row.event}"):
                continue
            if not self.need(name, row, "event", row.event):
                continue
            if (self.plan.ids["event"].get(row.event), row.kind, row.document) in plant:
                self.c.counted(name, False)
            else:
                self.new(name, self.plan.documents, row)

    def check_retractions(self) -> None:
        name = "retractions.csv"
        keys: dict[object, int] = {}
        for row in self.rows(name):
            if row.event is None or self.c.seen(name, keys, row.event, row, f"the retraction of event {row.event}"):
                continue
            if not self.need(name, row, "event", row.event):
                continue
            db = self.events.get(row.event)
            if db is None:
                self.plan.retractions[row.event] = row
                self.c.counted(name, True)
            elif db.retracted_at is None:
                self.new(name, self.plan.retract, row)
            else:
                self.compare(name, row, f"the retraction of event {row.event}",
                             [("retracted_at", row.retracted_at, db.retracted_at),
                              ("reason", row.reason, db.retraction_reason),
                              ("declaration", row.declaration, db.retraction_ref),
                              ("note", row.note, db.retraction_note)])
