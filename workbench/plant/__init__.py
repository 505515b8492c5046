"""Plant database: tables, sessions and the schema check."""

from workbench.plant import case_models as _case_models  # noqa: F401 - registers the case tables
from workbench.plant import floor_models  # noqa: F401 - the floor's tables join the plant's metadata
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
from workbench.plant.edges import rebuild_edges, write_edges
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
    "Container",
    "Customer",
    "Event",
    "EventLot",
    "Item",
    "ItemUnit",
    "KeyDataElement",
    "Location",
    "Lot",
    "LotEdge",
    "Operation",
    "Output",
    "Packing",
    "Party",
    "Plant",
    "ProductionOrder",
    "Quantity",
    "Receipt",
    "ReferenceDocument",
    "Return",
    "Shipment",
    "SupplierAction",
    "Vendor",
    "open_plant",
    "rebuild_edges",
    "to_quantity",
    "upgrade_plant",
    "write_edges",
    "writing",
]
