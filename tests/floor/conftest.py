"""A small plant for the floor tests: oats (dated, FEFO), salt (undated, FIFO), a bar with a
GTIN, a vendor, a customer and two locations, on each backend."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.factories import PlantBuilder
from workbench.actions import floor as actions

T = datetime(2026, 12, 1, 8, 0)


@pytest.fixture
def floor_plant(plant):
    with plant.Session.begin() as s:
        b = PlantBuilder(s)
        b.item("RM-OATS", shelf_life_days=270, name="Rolled oats")
        b.item("RM-SALT", name="Salt")
        b.item("FG-BAR", kind="product", unit="case", gtin="10614141000415", shelf_life_days=180, name="Oat bar")
        b.vendor("V1")
        b.customer("C1")
    actions.add_location(plant, "WH-A-01")
    actions.add_location(plant, "FG-01")
    actions.add_location(plant, "EAST-01", site="EAST")
    return plant


def receive(plant, item="RM-OATS", qty="100", days=30, hours=0, location="WH-A-01", **kw):
    at = T + timedelta(hours=hours)
    expiry = kw.pop("expires_at", at + timedelta(days=days) if days is not None else None)
    return actions.receive(plant, item=item, quantity=qty, vendor="V1", location=location, by="ann", at=at,
                           expires_at=expiry, **kw).result


def later(hours: float) -> datetime:
    return T + timedelta(hours=hours)
