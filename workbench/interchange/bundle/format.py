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

#: The files of version 2 (the supply chain): the files of version 1 with further
#: columns (locations, containers, events, the party of a vendor or customer), and new
#: files, each after the files it refers to. See docs/import-format.md.
FILES_V2: tuple[FileSpec, ...] = (
    _spec("items.csv", "item name kind unit gtin shelf_life_days", "item kind unit"),
    _spec("item_units.csv", "item unit factor", "item unit factor"),
    _spec("parties.csv", "party name gln address roles", "party"),
    _spec("locations.csv", "location name gln kind owner address country latitude longitude timezone parent",
          "location"),
    _spec("vendors.csv", "vendor name contact email phone address party", "vendor"),
    _spec("customers.csv", "customer name contact email phone address party", "customer"),
    _spec("containers.csv", "container kind sscc", "container"),
    _spec("events.csv", "event kind event_type occurred_at time_zone_offset recorded_at location disposition source "
          "corrects", "event kind occurred_at"),
    _spec("lots.csv", "item lot quantity created_at expires_at vendor_lot location event", "item lot quantity"),
    _spec(
        "receipts.csv",
        "receipt received_at vendor po item lot vendor_lot quantity expires_at location ship_from container event",
        "receipt received_at vendor item lot quantity",
    ),
    _spec("orders.csv", "order item started_at finished_at location event", "order item"),
    _spec("operations.csv", "order step machine operator started_at finished_at", "order step"),
    _spec("consumptions.csv", "order item lot quantity consumed_at event", "order item lot quantity"),
    _spec("outputs.csv", "order lot quantity expires_at created_at event", "order lot quantity"),
    _spec(
        "shipments.csv",
        "shipment shipped_at customer order_ref item lot quantity ship_from ship_to carrier container event",
        "shipment shipped_at customer item lot quantity",
    ),
    _spec(
        "transfers.csv",
        "transfer shipped_at ship_from ship_to order_ref item lot quantity carrier container receipt received_at "
        "event receipt_event",
        "transfer shipped_at ship_from ship_to item lot quantity",
    ),
    _spec(
        "returns.csv",
        "rma received_at customer item lot quantity reason location event",
        "rma received_at customer item lot quantity",
    ),
    _spec("packings.csv", "container item lot quantity child packed_at location unpacked_at unpacked_location "
          "event unpack_event", "container packed_at"),
    _spec("key_data.csv", "item lot name value kind unit", "item lot name value"),
    _spec("event_lots.csv", "event item lot", "event item lot"),
    _spec("documents.csv", "event kind document", "event kind document"),
    _spec("retractions.csv", "event retracted_at reason declaration note content", "event retracted_at reason"),
)

SPECS: dict[str, FileSpec] = {spec.name: spec for spec in FILES}
SPECS_V2: dict[str, FileSpec] = {spec.name: spec for spec in FILES_V2}

#: The versions of the bundle format this program reads; export writes the newest.
VERSIONS = (1, 2)
VERSION = 2


def files_of(version: int) -> tuple[FileSpec, ...]:
    return FILES if version == 1 else FILES_V2


def specs_of(version: int) -> dict[str, FileSpec]:
    return SPECS if version == 1 else SPECS_V2


#: Files that are only in version 2: a bundle that holds one must declare version 2.
V2_ONLY = tuple(spec.name for spec in FILES_V2 if spec.name not in SPECS)

#: Every column a row of each file may carry (those of version 2: the row types hold them
#: all, and a version 1 file leaves the newer ones empty).
ROW_COLUMNS: dict[str, tuple[str, ...]] = {spec.name: spec.columns for spec in FILES_V2}

#: The file declaring a bundle's version when it has no manifest (one line: ``2``).
VERSION_FILE = "version.txt"

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
MULTILINE = frozenset({"address", "reason", "note", "content"})

#: The file ``export`` writes beside the CSV files: rows and SHA-256 of each. ``import``
#: checks a bundle against it when it is there.
MANIFEST = "manifest.json"
