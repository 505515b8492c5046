"""The supply chain around the demo plant: parties, locations, pallets, transfers, key data
elements, and the one receipt recorded in error.

``Logistics`` writes the rows and keeps the generator's own account of where pallets and
transfers went (for the incident's reach), beside the ``Simulation`` that decides what
happens. See ``sites`` for the places and ``origins`` for the key data elements.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from workbench.demo.catalog import COMPANY
from workbench.demo.origins import CERTIFICATION, MOISTURE, harvest_date, origin_of
from workbench.demo.parties import PartySpec, VendorSpec
from workbench.demo.sink import Sink
from workbench.demo.sites import (
    CARRIER_ADDRESS,
    CARRIER_NAME,
    CARRIER_PARTY,
    DC_STATES,
    OWN_PARTY,
    PLANT,
    SITES,
    customer_site_gln,
    sscc,
    state_of,
    timezone_of,
    vendor_site_gln,
)
from workbench.plant.types import tidy

#: Extension digits of our SSCCs: 0 for the pallets the plant sends to the distribution
#: centre, 1 for customer pallets, 2 for the display pallets stacked on mixed pallets.
TRANSFER_PALLET, CUSTOMER_PALLET, DISPLAY_PALLET = 0, 1, 2
#: Customer channels whose orders the distribution centre ships on pallets; retail orders
#: go as mixed pallets of display pallets (one per product): nested pallets.
PALLETISED = {"distributor": "pallet", "retail": "mixed"}

#: The receipt recorded in error: the first oats receipt on or after this day is keyed with
#: a tenth of its quantity, retracted two hours later and recorded again, corrected.
MISKEYED_ITEM = "RM-OATS"
MISKEYED_FROM = datetime(2026, 2, 9)
MISKEYED_DIVISOR = 10
RETRACTED_AFTER = timedelta(hours=2)
_UUIDS = uuid.UUID("6f1c7a52-3c1e-4f5e-9a57-1b0d1f6c2e11")


def _plain(row: dict) -> dict:
    """A row as ``retract_event`` keeps it in JSON: decimals as text, dates in ISO 8601."""
    return {k: str(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, (date, datetime)) else v
            for k, v in row.items()}


def event_ref(name: str) -> str:
    """A stable EPCIS event identifier for one of the demo's recorded events."""
    return f"urn:uuid:{uuid.uuid5(_UUIDS, name)}"


@dataclass
class Correction:
    """The generator's account of the retracted and corrected receipt."""

    receipt: str = ""
    item: str = ""
    lot: str = ""
    wrong_quantity: Decimal = Decimal(0)
    quantity: Decimal = Decimal(0)
    retracted_event: str = ""
    corrective_event: str = ""


@dataclass
class Transit:
    """A transfer line on its way to the distribution centre."""

    shipment_id: int
    code: str
    lot: int
    quantity: int
    pallet: int
    item: int
    shipped_at: datetime


@dataclass
class ChainAccount:
    """What the generator recorded of pallets and transfers (independent of any query)."""

    #: pallet code -> ids of the lots packed on it (a mixed pallet: the lots of the display
    #: pallets on it too).
    pallet_lots: dict[str, set[int]] = field(default_factory=dict)
    #: (outer pallet, display pallet) codes of every nesting.
    nested: list[tuple[str, str]] = field(default_factory=list)
    #: transfer code -> lot ids it carried.
    transfer_lots: dict[str, set[int]] = field(default_factory=dict)
    in_transit: list[Transit] = field(default_factory=list)
    correction: Correction = field(default_factory=Correction)


class Logistics:
    """Writes the supply-chain rows of the demo plant into ``sink``."""

    def __init__(self, sink: Sink, vendors: list[VendorSpec], customers: list[PartySpec], nid, seed: int):
        self.sink = sink
        # Its own random numbers, so that the plant's year is the same with or without it.
        self.rng = random.Random(f"northfield-chain-{seed}")
        self.nid = nid
        self.vendors = vendors
        self.customers = customers
        self.account = ChainAccount()
        self.serial = {TRANSFER_PALLET: 0, CUSTOMER_PALLET: 0, DISPLAY_PALLET: 0}
        #: 0-based customer index -> "plant" or "dc"
        self.serving = ["dc" if state_of(c.address) in DC_STATES else "plant" for c in customers]

    # -- master data ---------------------------------------------------------------------

    def master_data(self) -> None:
        """Parties (ours, the carrier, every vendor and customer) and their locations.

        Ids: parties 1 (ours) and 2 (the carrier), then vendors, then customers;
        locations 1 (the plant) and 2 (the distribution centre), then one per vendor
        and one per customer, in the same order.
        """
        add = self.sink.add
        add("parties", {"id": self.nid("parties"), "code": OWN_PARTY, "name": COMPANY, "gln": PLANT.gln,
                        "address": PLANT.address, "own": True, "carrier": False})
        add("parties", {"id": self.nid("parties"), "code": CARRIER_PARTY, "name": CARRIER_NAME, "gln": None,
                        "address": CARRIER_ADDRESS, "own": False, "carrier": True})
        for site in SITES:
            add("locations", {"id": self.nid("locations"), "code": site.gln, "gln": site.gln,
                              "name": site.name, "address": site.address, "country": "US",
                              "latitude": site.latitude, "longitude": site.longitude,
                              "timezone": site.timezone, "kind": "own_site", "owner_id": 1, "parent_id": None})
        for n, party in enumerate(self.vendors, 1):
            self._partner(party, vendor_site_gln(n), "vendor_site")
        for n, customer in enumerate(self.customers, 1):
            self._partner(customer, customer_site_gln(n), "customer_site")

    def _partner(self, party: PartySpec, site_gln: str, kind: str) -> None:
        add = self.sink.add
        party_id = self.nid("parties")
        add("parties", {"id": party_id, "code": party.code, "name": party.name, "gln": None,
                        "address": party.address, "own": False, "carrier": False})
        add("locations", {"id": self.nid("locations"), "code": site_gln, "gln": site_gln,
                          "name": f"{party.name}, {party.address.splitlines()[2]}", "address": party.address,
                          "country": "US", "latitude": None, "longitude": None,
                          "timezone": timezone_of(state_of(party.address)), "kind": kind,
                          "owner_id": party_id, "parent_id": None})

    @staticmethod
    def site_id(key: str) -> int:
        return 1 if key == "plant" else 2

    def vendor_party(self, vendor_id: int) -> int:
        return 2 + vendor_id

    def customer_party(self, customer_id: int) -> int:
        return 2 + len(self.vendors) + customer_id

    def vendor_site(self, vendor_id: int) -> int:
        return 2 + vendor_id

    def customer_site(self, customer_id: int) -> int:
        return 2 + len(self.vendors) + customer_id

    # -- key data elements -----------------------------------------------------------------

    def lot_data(self, item: str, received: datetime) -> dict:
        """The key data columns of a purchased lot (country of origin, harvest date)."""
        origin = origin_of(item)
        return {"country_of_origin": origin.country, "harvest_date": harvest_date(origin, received.date())}

    def key_data(self, lot_id: int, item: str) -> None:
        """The open key data elements of a purchased lot, from its certificate."""
        origin = origin_of(item)
        if origin.certification:
            self._kde(lot_id, CERTIFICATION, "text", origin.certification, None, None)
        if origin.moisture:
            low, high = origin.moisture
            value = Decimal(str(round(self.rng.uniform(low, high), 1)))
            self._kde(lot_id, MOISTURE, "number", format(value, "f"), value, "%")

    def _kde(self, lot_id: int, name: str, kind: str, value: str, number, unit) -> None:
        self.sink.add("key_data_elements", {"id": self.nid("key_data_elements"), "lot_id": lot_id, "event_id": None,
                                            "name": name, "kind": kind, "value": value, "number": number,
                                            "moment": None, "unit": unit})

    # -- pallets -----------------------------------------------------------------------------

    def pallet(self, extension: int) -> tuple[int, str]:
        """A new pallet (id, SSCC)."""
        self.serial[extension] += 1
        code = sscc(extension, self.serial[extension])
        container_id = self.nid("containers")
        self.sink.add("containers", {"id": container_id, "code": code, "sscc": code, "kind": "pallet"})
        return container_id, code

    def packed(self, code: str, lot: int) -> None:
        self.account.pallet_lots.setdefault(code, set()).add(lot)

    def nest(self, outer: str, inner: str) -> None:
        self.account.nested.append((outer, inner))

    def pack(self, container: int, at: datetime, site: int, *, lot: int | None = None, quantity=None,
             child: int | None = None, unpacked_at: datetime | None = None, unpacked_site: int | None = None) -> None:
        self.sink.add("packings", {
            "id": self.nid("packings"), "container_id": container, "lot_id": lot, "child_id": child,
            "quantity": quantity, "packed_at": at, "packed_location_id": site, "pack_event_id": None,
            "unpacked_at": unpacked_at, "unpacked_location_id": unpacked_site if unpacked_at else None,
            "unpack_event_id": None,
        })

    # -- the retracted receipt -------------------------------------------------------------

    def retracted_receipt(self, row: dict, lot: dict, item: str, wrong: Decimal) -> int:
        """Record the receipt line ``row`` (which created ``lot``) as first keyed with the
        quantity ``wrong``, retracted two hours later, and recorded again corrected; returns
        the id of the corrective event (the receipt line and the lot name it).

        The retracted event keeps what it wrote as ``workbench.plant.events.retract_event``
        keeps it: the rows as they were (a receipt line and the lot it created, with the
        wrong quantity), under their table names.
        """
        grn, received = row["code"], row["received_at"]
        wrong_id, right_id = self.nid("events"), self.nid("events")
        wrong_row = dict(row, id=self.nid("receipts"), quantity=wrong, event_id=wrong_id)
        wrong_lot = dict(lot, quantity=wrong, event_id=wrong_id)
        content: dict[str, list] = {name: [] for name in (
            "consumptions", "operations", "outputs", "packings", "production_orders", "returns", "shipments",
            "unpackings")}
        content["receipts"] = [_plain(wrong_row)]
        content["lots"] = [_plain(wrong_lot)]
        retracted_at = received + RETRACTED_AFTER
        event = {"kind": "receiving", "event_type": "ObjectEvent", "occurred_at": received,
                 "time_zone_offset": "-06:00", "location_id": self.site_id("plant"), "disposition": "in_progress",
                 "source": "demo"}
        wrong_ref, right_ref = event_ref(f"{grn}/{lot['code']}/recorded"), event_ref(f"{grn}/{lot['code']}/corrected")
        self.sink.add("events", dict(
            event, id=wrong_id, ref=wrong_ref, recorded_at=received, corrects_id=None,
            retracted_at=retracted_at, retraction_reason="incorrect_data",
            retraction_ref=event_ref(f"{grn}/{lot['code']}/error-declaration"),
            retraction_note=(f"Quantity keyed as {tidy(wrong):,} kg (a misplaced decimal point); the delivery "
                             f"note and the weighbridge ticket say {tidy(row['quantity']):,} kg"),
            content=json.dumps(content, sort_keys=True)))
        self.sink.add("events", dict(
            event, id=right_id, ref=right_ref, recorded_at=retracted_at, corrects_id=wrong_id, retracted_at=None,
            retraction_reason=None, retraction_ref=None, retraction_note=None, content=None))
        self.account.correction = Correction(grn, item, lot["code"], wrong, row["quantity"], wrong_ref, right_ref)
        return right_id

    def event_lots(self, lot_id: int, *event_ids: int) -> None:
        for event_id in event_ids:
            self.sink.add("event_lots", {"lot_id": lot_id, "event_id": event_id})
