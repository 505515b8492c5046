"""Hand-made supply chains for tests: sites, transfers, pallets and events on top of
``PlantBuilder`` (every record goes through the model, as a writer would)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from tests.factories import PlantBuilder
from workbench.plant import Consumption, Location, Output, Party, ProductionOrder, Receipt, Shipment, rebuild_edges
from workbench.plant.chain import Container
from workbench.plant.containers import container, pack, receive_containers, ship_containers, unpack
from workbench.plant.events import record_event, touch


class ChainBuilder(PlantBuilder):
    """``PlantBuilder`` plus our own sites, customers' sites, transfers, pallets and events."""

    def __init__(self, session, own: str = "OWN"):
        super().__init__(session)
        self.sites: dict[str, Location] = {}
        self.containers: dict[str, Container] = {}
        self._events = 0
        self.own = Party(code=own, name="Our Company", own=True)
        session.add(self.own)
        session.flush()

    def site(self, code: str, kind: str = "own_site", name: str | None = None, gln: str | None = None,
             timezone: str | None = None, address: str | None = None) -> Location:
        if code not in self.sites:
            loc = Location(code=code, kind=kind, name=name or code.title(), gln=gln, timezone=timezone,
                           address=address or f"{code} Way 1", owner_id=self.own.id if kind == "own_site" else None)
            self.s.add(loc)
            self.s.flush()
            self.sites[code] = loc
        return self.sites[code]

    def event(self, kind: str, lots=(), ref: str | None = None, at: datetime | None = None, **kw):
        self._events += 1
        self.s.flush()
        lot_ids = [self.lot(*k).id if isinstance(k, tuple) else k for k in lots]
        return record_event(self.s, ref or f"urn:uuid:ev-{self._events}", kind, at or self._clock,
                            lot_ids=lot_ids, **kw)

    def box(self, code: str, kind: str = "pallet") -> Container:
        if code not in self.containers:
            self.containers[code] = container(self.s, code, kind)
        return self.containers[code]

    def pack(self, into: str, item: str | None = None, lot: str | None = None, qty=None, child: str | None = None,
             at: datetime | None = None, event=None):
        at = at or self.tick()
        self.s.flush()
        if child is not None:
            return pack(self.s, self.box(into), at, child=self.box(child), event_id=event.id if event else None)
        return pack(self.s, self.box(into), at, lot_id=self.lot(item, lot).id, quantity=qty,
                    event_id=event.id if event else None)

    def unpack(self, code: str, at: datetime | None = None, event=None) -> int:
        return unpack(self.s, self.box(code), at or self.tick(), event_id=event.id if event else None)

    def ship_boxes(self, shipment: str, boxes: list[str], customer: str | None = None,
                   ship_from: str | None = None, ship_to: str | None = None, event=None,
                   at: datetime | None = None) -> list[Shipment]:
        self.s.flush()
        return ship_containers(
            self.s, shipment, [self.box(b) for b in boxes], at or self.tick(),
            customer_id=self.customer(customer).id if customer else None,
            ship_from_id=self.sites[ship_from].id if ship_from else None,
            ship_to_id=self.sites[ship_to].id if ship_to else None, event_id=event.id if event else None)

    def receive_boxes(self, receipt: str, boxes: list[str], shipment: str | None, at_site: str,
                      event=None) -> list[Receipt]:
        return receive_containers(self.s, receipt, [self.box(b) for b in boxes], self.tick(), shipment=shipment,
                                  location_id=self.sites[at_site].id, event_id=event.id if event else None)

    def transfer(self, shipment: str, item: str, lot: str, qty, ship_from: str | None, ship_to: str,
                 event=None) -> Shipment:
        self.s.flush()
        sh = Shipment(code=shipment, shipped_at=self.tick(), customer_id=None, lot_id=self.lot(item, lot).id,
                      quantity=Decimal(str(qty)), ship_from_id=self.sites[ship_from].id if ship_from else None,
                      ship_to_id=self.sites[ship_to].id, order_ref=None, event_id=event.id if event else None)
        self.s.add(sh)
        self.s.flush()
        return sh

    def arrive(self, receipt: str, line: Shipment, at_site: str, qty=None, event=None,
               at: datetime | None = None) -> Receipt:
        r = Receipt(code=receipt, received_at=at or self.tick(), vendor_id=None, lot_id=line.lot_id,
                    quantity=Decimal(str(qty)) if qty is not None else line.quantity,
                    location_id=self.sites[at_site].id, ship_from_id=line.ship_from_id, shipment_id=line.id,
                    event_id=event.id if event else None)
        self.s.add(r)
        self.s.flush()
        return r

    def ship_lot(self, shipment: str, item: str, lot: str, qty, customer: str | None = None,
                 ship_to: str | None = None, event=None) -> Shipment:
        self.s.flush()
        sh = Shipment(code=shipment, shipped_at=self._clock, lot_id=self.lot(item, lot).id, quantity=Decimal(str(qty)),
                      customer_id=self.customer(customer).id if customer else None,
                      ship_to_id=self.sites[ship_to].id if ship_to else None, order_ref=None,
                      event_id=event.id if event else None)
        self.s.add(sh)
        self.s.flush()
        return sh

    def arrive_all(self, receipt: str, shipment: str, at_site: str, event=None) -> list[Receipt]:
        """Receive every line of a shipment at one of our sites."""
        lines = self.s.scalars(select(Shipment).where(Shipment.code == shipment)).all()
        return [self.arrive(receipt, line, at_site, event=event, at=self._clock) for line in lines]

    def produce_existing(self, order: str, item: str, inputs, outputs, event) -> ProductionOrder:
        """An order consuming and making lots that already exist (indices into ``L0``…), as a
        test of the genealogy alone (cycles allowed), under ``event``."""
        it = self.item(item)
        po = ProductionOrder(code=order, item_id=it.id, started_at=self._clock, finished_at=self._clock,
                             event_id=event.id)
        self.s.add(po)
        self.s.flush()
        self.s.add_all([Consumption(order_id=po.id, lot_id=self.lot(item, f"L{i}").id, quantity=Decimal(1),
                                    event_id=event.id) for i in inputs])
        # A lot is made by one order at most (the caller passes lots not made yet).
        self.s.add_all([Output(order_id=po.id, lot_id=self.lot(item, f"L{o}").id, quantity=Decimal(1),
                               event_id=event.id) for o in outputs])
        self.s.flush()
        self.orders[order] = po
        rebuild_edges(self.s, [po.id])
        return po

    def touch(self, event, lots) -> None:
        self.s.flush()
        touch(self.s, event, [self.lot(*k).id for k in lots])

    def location_of(self, code: str) -> Location:
        return self.s.scalar(select(Location).where(Location.code == code))
