"""Plant database: tables, sessions and the schema check."""

from workbench.plant.edges import rebuild_edges
from workbench.plant.models import (
    ITEM_KINDS,
    LOT_ORIGINS,
    Base,
    Consumption,
    Customer,
    Item,
    Lot,
    LotEdge,
    Operation,
    Output,
    ProductionOrder,
    Receipt,
    Return,
    Shipment,
    SupplierAction,
    Vendor,
)
from workbench.plant.session import Plant, open_plant, upgrade_plant, writing
from workbench.plant.types import Quantity, to_quantity

__all__ = [
    "ITEM_KINDS",
    "LOT_ORIGINS",
    "Base",
    "Consumption",
    "Customer",
    "Item",
    "Lot",
    "LotEdge",
    "Operation",
    "Output",
    "Plant",
    "ProductionOrder",
    "Quantity",
    "Receipt",
    "Return",
    "Shipment",
    "SupplierAction",
    "Vendor",
    "open_plant",
    "rebuild_edges",
    "to_quantity",
    "upgrade_plant",
    "writing",
]
