"""Export the whole plant as a CSV bundle, in exactly the format ``import`` reads.

``import_bundle(export_bundle(plant))`` into an empty database reproduces the plant:
lots created by a receipt line are written in receipts.csv, lots made by an order in
outputs.csv, every other lot in lots.csv (as opening stock). Two consumptions of the
same lot by the same order at the same time share the import key, so they are
written as one line with their summed quantity (the genealogy is unchanged).
Rows are streamed from set-wise queries, sorted by their keys, so that two exports
of the same plant are identical files.
"""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.interchange.bundle.format import FILES
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
)

_STREAM = {"yield_per": 10_000}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _statements() -> dict[str, object]:
    """One query per file, its columns in the order of the format."""
    party = ("code", "name", "contact", "email", "phone", "address")
    in_receipt = exists().where(Receipt.lot_id == Lot.id)
    in_output = exists().where(Output.lot_id == Lot.id)
    return {
        "items.csv": select(
            Item.code, Item.name, Item.kind, Item.unit, Item.gtin, Item.shelf_life_days
        ).order_by(Item.code),
        "vendors.csv": select(*(getattr(Vendor, c) for c in party)).order_by(Vendor.code),
        "customers.csv": select(*(getattr(Customer, c) for c in party)).order_by(Customer.code),
        "lots.csv": select(Item.code, Lot.code, Lot.quantity, Lot.created_at, Lot.expires_at, Lot.vendor_lot)
        .join(Item, Item.id == Lot.item_id)
        .where(~in_receipt, ~in_output)
        .order_by(Item.code, Lot.code),
        "receipts.csv": select(
            Receipt.code, Receipt.received_at, Vendor.code, Receipt.po, Item.code, Lot.code, Receipt.vendor_lot,
            Receipt.quantity, Lot.expires_at,
        )
        .join(Vendor, Vendor.id == Receipt.vendor_id)
        .join(Lot, Lot.id == Receipt.lot_id)
        .join(Item, Item.id == Lot.item_id)
        .order_by(Receipt.code, Item.code, Lot.code),
        "orders.csv": select(
            ProductionOrder.code, Item.code, ProductionOrder.started_at, ProductionOrder.finished_at
        )
        .join(Item, Item.id == ProductionOrder.item_id)
        .order_by(ProductionOrder.code),
        "operations.csv": select(
            ProductionOrder.code, Operation.step, Operation.machine, Operation.operator, Operation.started_at,
            Operation.finished_at,
        )
        .join(ProductionOrder, ProductionOrder.id == Operation.order_id)
        .order_by(ProductionOrder.code, Operation.step),
        "consumptions.csv": select(
            ProductionOrder.code, Item.code, Lot.code, func.sum(Consumption.quantity), Consumption.consumed_at
        )
        .join(ProductionOrder, ProductionOrder.id == Consumption.order_id)
        .join(Lot, Lot.id == Consumption.lot_id)
        .join(Item, Item.id == Lot.item_id)
        .group_by(ProductionOrder.code, Item.code, Lot.code, Consumption.consumed_at)
        .order_by(ProductionOrder.code, Item.code, Lot.code, Consumption.consumed_at),
        "outputs.csv": select(ProductionOrder.code, Lot.code, Output.quantity, Lot.expires_at, Lot.created_at)
        .join(ProductionOrder, ProductionOrder.id == Output.order_id)
        .join(Lot, Lot.id == Output.lot_id)
        .order_by(ProductionOrder.code, Lot.code),
        "shipments.csv": select(
            Shipment.code, Shipment.shipped_at, Customer.code, Shipment.order_ref, Item.code, Lot.code,
            Shipment.quantity,
        )
        .join(Customer, Customer.id == Shipment.customer_id)
        .join(Lot, Lot.id == Shipment.lot_id)
        .join(Item, Item.id == Lot.item_id)
        .order_by(Shipment.code, Item.code, Lot.code),
        "returns.csv": select(
            Return.rma, Return.received_at, Customer.code, Item.code, Lot.code, Return.quantity, Return.reason
        )
        .join(Customer, Customer.id == Return.customer_id)
        .join(Lot, Lot.id == Return.lot_id)
        .join(Item, Item.id == Lot.item_id)
        .order_by(Return.rma, Item.code, Lot.code),
    }


def check_export_folder(directory: str | Path, force: bool = False) -> Path:
    """The folder to export into: refused when it holds anything, unless ``force``."""
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise WorkbenchError(f"{directory} is a file, not a folder to export the bundle into.")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise WorkbenchError(
            f"The folder {directory} is not empty; choose an empty or new folder, or overwrite with --force."
        )
    return folder


def export_bundle(session: Session, directory: str | Path) -> dict[str, int]:
    """Write every file of the format into ``directory`` (created if missing; files of
    the format already there are overwritten). Returns the data rows written per file."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    statements = _statements()
    written: dict[str, int] = {}
    for spec in FILES:
        count = 0
        with open(folder / spec.name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(spec.columns)
            for row in session.execute(statements[spec.name].execution_options(**_STREAM)):
                writer.writerow([_cell(v) for v in row])
                count += 1
        written[spec.name] = count
    return written
