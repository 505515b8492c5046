"""The CSV-bundle format: which files, which columns, which of them are required.

One table, read by the importer (to check headers) and by the exporter (to write
them), so the two can never drift apart. ``docs/import-format.md`` explains it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileSpec:
    """One file of a bundle.

    ``columns`` are the columns of the format, in the order the exporter writes them;
    ``required`` must be in the header and non-empty on every row. The other columns
    may be left out of the header; a column left out is never compared with the plant.
    """

    name: str
    columns: tuple[str, ...]
    required: frozenset[str]

    def __post_init__(self) -> None:
        assert self.required <= set(self.columns), self.name


def _spec(name: str, columns: str, required: str) -> FileSpec:
    return FileSpec(name, tuple(columns.split()), frozenset(required.split()))


#: The files of a bundle, in the order they are read and checked (references point
#: backwards: a receipt names a vendor and an item that were read before it).
FILES: tuple[FileSpec, ...] = (
    _spec("items.csv", "item name kind unit gtin shelf_life_days", "item kind unit"),
    _spec("vendors.csv", "vendor name contact email phone address", "vendor"),
    _spec("customers.csv", "customer name contact email phone address", "customer"),
    # vendor_lot is an optional extra of this file: opening stock may carry one.
    _spec("lots.csv", "item lot quantity created_at expires_at vendor_lot", "item lot quantity"),
    _spec(
        "receipts.csv",
        "receipt received_at vendor po item lot vendor_lot quantity expires_at",
        "receipt received_at vendor item lot quantity",
    ),
    _spec("orders.csv", "order item started_at finished_at", "order item"),
    _spec("operations.csv", "order step machine operator started_at finished_at", "order step"),
    _spec("consumptions.csv", "order item lot quantity consumed_at", "order item lot quantity"),
    # created_at is an optional extra of this file: the default is the order's end.
    _spec("outputs.csv", "order lot quantity expires_at created_at", "order lot quantity"),
    _spec(
        "shipments.csv",
        "shipment shipped_at customer order_ref item lot quantity",
        "shipment shipped_at customer item lot quantity",
    ),
    _spec(
        "returns.csv",
        "rma received_at customer item lot quantity reason",
        "rma received_at customer item lot quantity",
    ),
)

SPECS: dict[str, FileSpec] = {spec.name: spec for spec in FILES}

#: The one file every bundle must have (it may hold only its header).
REQUIRED_FILE = "items.csv"

#: Quantities carry at most this many decimals (the database stores millionths).
QUANTITY_DECIMALS = 6

#: The largest quantity accepted: far beyond any real lot, well inside the 64-bit
#: integer of millionths the database stores.
MAX_QUANTITY = 10**12

#: The most one kind of movement (all lots' quantities, all receipt lines, all
#: consumptions, outputs, shipments or returns) may add up to across the plant. The
#: database stores millionths in 64 bits (at most 9.2 * 10**18, that is 9.2 * 10**12
#: units); every sum a trace, a recall or the mass balance takes is a part of one of
#: these totals, and the mass balance adds two such sums, so four times this still fits.
MAX_TOTAL_QUANTITY = 2 * 10**12

#: A shelf life longer than a century is not a shelf life (leave it empty for an item
#: that does not expire); the cap also keeps every expiry date computable.
MAX_SHELF_LIFE_DAYS = 36_525

#: Columns that may span lines (line breaks and tabs allowed); every other text is one line.
MULTILINE = frozenset({"address", "reason"})

#: The file ``export`` writes beside the CSV files: rows and SHA-256 of each. ``import``
#: checks a bundle against it when it is there.
MANIFEST = "manifest.json"
