"""Hand-made plants for tests: a few lines describe a genealogy exactly."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from workbench.facts import LotFacts
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
    rebuild_edges,
)

T0 = datetime(2026, 3, 2, 6, 0)


class PlantBuilder:
    """Builds items, lots, orders, shipments and returns by code; call ``done()`` last."""

    def __init__(self, session: Session):
        self.s = session
        self.items: dict[str, Item] = {}
        self.vendors: dict[str, Vendor] = {}
        self.customers: dict[str, Customer] = {}
        self.lots: dict[tuple[str, str], Lot] = {}
        self.orders: dict[str, ProductionOrder] = {}
        self._clock = T0

    def tick(self, hours: float = 1) -> datetime:
        self._clock += timedelta(hours=hours)
        return self._clock

    def item(self, code: str, kind: str = "material", unit: str = "kg", gtin: str | None = None,
             name: str | None = None, shelf_life_days: int | None = None) -> Item:
        if code not in self.items:
            it = Item(code=code, name=name or code.title(), kind=kind, unit=unit, gtin=gtin,
                      shelf_life_days=shelf_life_days)
            self.s.add(it)
            self.s.flush()
            self.items[code] = it
        return self.items[code]

    def vendor(self, code: str) -> Vendor:
        if code not in self.vendors:
            v = Vendor(code=code, name=f"{code} Supplies", contact="Pat Vendor",
                       email=f"quality@{code.lower()}.example", phone="+1 555 0100",
                       address=f"1 {code} Road\nSpringfield")
            self.s.add(v)
            self.s.flush()
            self.vendors[code] = v
        return self.vendors[code]

    def customer(self, code: str) -> Customer:
        if code not in self.customers:
            c = Customer(code=code, name=f"{code} Foods", contact="Chris Buyer",
                         email=f"buyer@{code.lower()}.example", phone="+1 555 0200",
                         address=f"9 {code} Street\nRivertown")
            self.s.add(c)
            self.s.flush()
            self.customers[code] = c
        return self.customers[code]

    def _lot(self, item: str, code: str, qty, origin: str, at: datetime, **kw) -> Lot:
        it = self.item(item)
        lot = Lot(item=it, code=code, quantity=Decimal(str(qty)), origin=origin, created_at=at, **kw)
        self.s.add(lot)
        self.lots[(item, code)] = lot
        return lot

    def lot(self, item: str, code: str) -> Lot:
        return self.lots[(item, code)]

    def opening(self, item: str, code: str, qty) -> Lot:
        return self._lot(item, code, qty, "opening", self.tick())

    def receive(self, item: str, code: str, qty, vendor: str = "V1", receipt: str | None = None,
                po: str | None = "PO-1", vendor_lot: str | None = None) -> Lot:
        at = self.tick()
        lot = self._lot(item, code, qty, "receipt", at, vendor_lot=vendor_lot or f"V{code}")
        self.s.flush()
        self.s.add(Receipt(code=receipt or f"R-{code}", received_at=at, vendor_id=self.vendor(vendor).id,
                           po=po, lot_id=lot.id, vendor_lot=lot.vendor_lot, quantity=Decimal(str(qty))))
        return lot

    def produce(self, order: str, item: str, inputs: list[tuple[str, str, object]],
                outputs: list[tuple[str, object]], operations: list[tuple[str, str, str]] = (),
                kind: str = "product") -> list[Lot]:
        """``inputs``: (item, lot, qty); ``outputs``: (lot code, qty) of ``item``;
        ``operations``: (step, machine, operator), one hour each."""
        it = self.item(item, kind=kind)
        self.s.flush()
        po = ProductionOrder(code=order, item_id=it.id, started_at=self.tick())
        self.s.add(po)
        self.s.flush()
        self.orders[order] = po
        for step, machine, operator in operations:
            t = self._clock
            self.s.add(Operation(order_id=po.id, step=step, machine=machine, operator=operator,
                                 started_at=t, finished_at=self.tick()))
        for in_item, in_lot, qty in inputs:
            self.s.add(Consumption(order_id=po.id, lot_id=self.lot(in_item, in_lot).id,
                                   quantity=Decimal(str(qty)), consumed_at=self._clock))
        made = []
        end = self.tick()
        po.finished_at = end
        for code, qty in outputs:
            lot = self._lot(item, code, qty, "production", end)
            self.s.flush()
            self.s.add(Output(order_id=po.id, lot_id=lot.id, quantity=Decimal(str(qty))))
            made.append(lot)
        self.s.flush()
        return made

    def consume(self, order: str, item: str, lot: str, qty) -> None:
        """Add a consumption to an existing order (e.g. rework of its own output)."""
        self.s.add(Consumption(order_id=self.orders[order].id, lot_id=self.lot(item, lot).id,
                               quantity=Decimal(str(qty)), consumed_at=self.tick()))
        self.s.flush()

    def ship(self, shipment: str, customer: str, item: str, lot: str, qty, order_ref: str | None = None) -> Shipment:
        sh = Shipment(code=shipment, shipped_at=self.tick(), customer_id=self.customer(customer).id,
                      order_ref=order_ref or f"SO-{shipment}", lot_id=self.lot(item, lot).id,
                      quantity=Decimal(str(qty)))
        self.s.add(sh)
        return sh

    def ret(self, rma: str, customer: str, item: str, lot: str, qty, reason: str = "defect") -> Return:
        r = Return(rma=rma, received_at=self.tick(), customer_id=self.customer(customer).id,
                   lot_id=self.lot(item, lot).id, quantity=Decimal(str(qty)), reason=reason)
        self.s.add(r)
        return r

    def done(self) -> PlantBuilder:
        self.s.flush()
        rebuild_edges(self.s)
        self.s.flush()
        return self


def lot_facts(lot_id: int, item: str, lot: str, quantity=Decimal(0), unit: str = "kg", depth: int = 0,
              **kw) -> LotFacts:
    """The facts of a lot box for tests that build genealogy nodes by hand."""
    values = {"item_name": None, "item_kind": "material", "created_at": None, "expires_at": None,
              "origin": "receipt", "vendor_lot": None, **kw}
    return LotFacts(lot_id=lot_id, item=item, lot=lot, quantity=Decimal(quantity), unit=unit, depth=depth, **values)


def honey_bars(b: PlantBuilder) -> None:
    """Honey H1 (vendor BEE, vendor lot BEE-0382) made into bar B1 (order MO-1, line LINE1), 150 shipped to ACME, 5
    returned for illness: the plant of the case, SCAR and output-file tests. Call ``b.done()`` after (and after
    anything added to it)."""
    b.receive("HONEY", "H1", 100, vendor="BEE", receipt="GRN-1", po="PO-77", vendor_lot="BEE-0382")
    b.produce("MO-1", "BAR", [("HONEY", "H1", 60)], [("B1", 200)], [("form", "LINE1", "bob")], kind="product")
    b.ship("SH-1", "ACME", "BAR", "B1", 150)
    b.ret("RMA-1", "ACME", "BAR", "B1", 5, reason="Illness complaint")
