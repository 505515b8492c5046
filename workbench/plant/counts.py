"""How big a plant is: what the status bar says."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.format import count
from workbench.plant.models import Lot, ProductionOrder, Shipment


@dataclass(frozen=True)
class PlantCounts:
    lots: int
    orders: int
    shipment_lines: int

    def __str__(self) -> str:
        return " · ".join((count(self.lots, "lot"), count(self.orders, "order"),
                           count(self.shipment_lines, "shipment line")))


def plant_counts(session: Session) -> PlantCounts:
    lots, orders, lines = (session.execute(select(func.count()).select_from(t)).scalar_one()
                           for t in (Lot, ProductionOrder, Shipment))
    return PlantCounts(lots, orders, lines)
