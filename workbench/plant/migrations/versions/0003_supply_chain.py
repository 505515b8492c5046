"""The supply chain: parties, locations, containers, events and retractions, key data
elements, item units; locations on receipts, orders, shipments, returns and lots;
identifiers up to 255 characters.

Every existing row keeps its meaning: a location left empty is "the plant" (the one site
of a database written before this schema), so every trace and recall stays the same.
Each vendor and customer becomes a party (a vendor and a customer with the same code are
one party, in both roles).

On SQLite, columns are added in place (ALTER TABLE ADD COLUMN ... REFERENCES); only
``receipts`` and ``shipments``, which no table references yet, are rebuilt to let their
vendor and customer be empty (transfers between our own sites have neither). SQLite does
not enforce VARCHAR lengths, so the identifier columns are widened on PostgreSQL only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

from workbench.plant.types import Quantity, UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = 255

#: Identifier columns that were VARCHAR(64).
_WIDENED = {
    "items": ["code"],
    "vendors": ["code"],
    "customers": ["code"],
    "lots": ["code", "vendor_lot"],
    "receipts": ["code", "po", "vendor_lot"],
    "production_orders": ["code"],
    "operations": ["step", "machine", "operator"],
    "shipments": ["code", "order_ref"],
    "returns": ["rma"],
    "supplier_actions": ["code"],
}
_NULLABLE = {"operations": {"step": False}, "items": {"code": False}, "vendors": {"code": False},
             "customers": {"code": False}, "lots": {"code": False}, "receipts": {"code": False},
             "production_orders": {"code": False}, "shipments": {"code": False}, "returns": {"rma": False},
             "supplier_actions": {"code": False}}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _fk(table: str, column: str, target: str) -> str:
    return f"fk_{table}_{column}_{target}"


def _add_fk_column(table: str, column: str, target: str) -> None:
    """A nullable integer column referencing ``target.id``, added in place on both databases."""
    if _sqlite():
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER '
                   f'CONSTRAINT {_fk(table, column, target)} REFERENCES {target} (id)')
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(_fk(table, column, target), table, target, [column], ["id"])


def _create_tables() -> None:
    op.create_table(
        "parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(ID), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("gln", sa.String(13), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("own", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("carrier", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
        sa.UniqueConstraint("code", name=op.f("uq_parties_code")),
    )
    op.create_index(op.f("ix_parties_gln"), "parties", ["gln"])
    op.create_table(
        "locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(ID), nullable=False),
        sa.Column("gln", sa.String(13), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(16), server_default="other", nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["parties.id"], name=op.f("fk_locations_owner_id_parties")),
        sa.ForeignKeyConstraint(["parent_id"], ["locations.id"], name=op.f("fk_locations_parent_id_locations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
        sa.UniqueConstraint("code", name=op.f("uq_locations_code")),
    )
    op.create_index(op.f("ix_locations_gln"), "locations", ["gln"])
    op.create_index(op.f("ix_locations_owner_id"), "locations", ["owner_id"])
    op.create_table(
        "containers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(ID), nullable=False),
        sa.Column("sscc", sa.String(18), nullable=True),
        sa.Column("kind", sa.String(16), server_default="pallet", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_containers")),
        sa.UniqueConstraint("code", name=op.f("uq_containers_code")),
    )
    op.create_index(op.f("ix_containers_sscc"), "containers", ["sscc"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(ID), nullable=False),
        sa.Column("kind", sa.String(ID), nullable=False),
        sa.Column("event_type", sa.String(32), nullable=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("time_zone_offset", sa.String(6), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("disposition", sa.String(ID), nullable=True),
        sa.Column("source", sa.String(ID), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("retracted_at", UTCDateTime(), nullable=True),
        sa.Column("retraction_reason", sa.String(ID), nullable=True),
        sa.Column("retraction_ref", sa.String(ID), nullable=True),
        sa.Column("retraction_note", sa.Text(), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"], name=op.f("fk_events_location_id_locations")),
        sa.ForeignKeyConstraint(["corrects_id"], ["events.id"], name=op.f("fk_events_corrects_id_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("ref", name=op.f("uq_events_ref")),
    )
    op.create_index(op.f("ix_events_corrects_id"), "events", ["corrects_id"])
    op.create_table(
        "event_lots",
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_event_lots_lot_id_lots")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_event_lots_event_id_events")),
        sa.PrimaryKeyConstraint("lot_id", "event_id", name=op.f("pk_event_lots")),
    )
    op.create_index(op.f("ix_event_lots_event_id"), "event_lots", ["event_id"])
    op.create_table(
        "reference_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(ID), nullable=False),
        sa.Column("code", sa.String(ID), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_reference_documents_event_id_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_documents")),
    )
    op.create_index(op.f("ix_reference_documents_event_id"), "reference_documents", ["event_id"])
    op.create_index(op.f("ix_reference_documents_code"), "reference_documents", ["code"])
    op.create_table(
        "key_data_elements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(ID), nullable=False),
        sa.Column("kind", sa.String(16), server_default="text", nullable=False),
        sa.Column("value", sa.String(1000), nullable=False),
        sa.Column("number", Quantity(), nullable=True),
        sa.Column("moment", UTCDateTime(), nullable=True),
        sa.Column("unit", sa.String(16), nullable=True),
        sa.CheckConstraint("lot_id IS NOT NULL OR event_id IS NOT NULL", name=op.f("ck_key_data_elements_owner")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_key_data_elements_lot_id_lots")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_key_data_elements_event_id_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_data_elements")),
    )
    op.create_index(op.f("ix_key_data_elements_lot_id"), "key_data_elements", ["lot_id"])
    op.create_index(op.f("ix_key_data_elements_event_id"), "key_data_elements", ["event_id"])
    op.create_index("ix_key_data_elements_name_value", "key_data_elements", ["name", "value"])
    op.create_table(
        "item_units",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("factor", Quantity(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_item_units_item_id_items")),
        sa.PrimaryKeyConstraint("item_id", "unit", name=op.f("pk_item_units")),
    )
    op.create_table(
        "packings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("container_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("quantity", Quantity(), nullable=True),
        sa.Column("packed_at", UTCDateTime(), nullable=False),
        sa.Column("packed_location_id", sa.Integer(), nullable=True),
        sa.Column("pack_event_id", sa.Integer(), nullable=True),
        sa.Column("unpacked_at", UTCDateTime(), nullable=True),
        sa.Column("unpacked_location_id", sa.Integer(), nullable=True),
        sa.Column("unpack_event_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("(lot_id IS NULL) <> (child_id IS NULL)", name=op.f("ck_packings_one_content")),
        sa.ForeignKeyConstraint(["container_id"], ["containers.id"], name=op.f("fk_packings_container_id_containers")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_packings_lot_id_lots")),
        sa.ForeignKeyConstraint(["child_id"], ["containers.id"], name=op.f("fk_packings_child_id_containers")),
        sa.ForeignKeyConstraint(["packed_location_id"], ["locations.id"],
                                name=op.f("fk_packings_packed_location_id_locations")),
        sa.ForeignKeyConstraint(["unpacked_location_id"], ["locations.id"],
                                name=op.f("fk_packings_unpacked_location_id_locations")),
        sa.ForeignKeyConstraint(["pack_event_id"], ["events.id"], name=op.f("fk_packings_pack_event_id_events")),
        sa.ForeignKeyConstraint(["unpack_event_id"], ["events.id"], name=op.f("fk_packings_unpack_event_id_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packings")),
    )
    op.create_index(op.f("ix_packings_lot_id"), "packings", ["lot_id"])
    op.create_index(op.f("ix_packings_child_id"), "packings", ["child_id"])
    op.create_index("ix_packings_container_packed", "packings", ["container_id", "packed_at"])


def _add_columns() -> None:
    for table in ("vendors", "customers"):
        _add_fk_column(table, "party_id", "parties")
        op.create_index(op.f(f"ix_{table}_party_id"), table, ["party_id"], unique=True)
    for column, target in (("location_id", "locations"), ("tlc_source_id", "locations"), ("event_id", "events")):
        _add_fk_column("lots", column, target)
    op.add_column("lots", sa.Column("tlc_source_ref", sa.String(ID), nullable=True))
    for column in ("production_date", "harvest_date", "pack_date", "best_before"):
        op.add_column("lots", sa.Column(column, sa.Date(), nullable=True))
    op.add_column("lots", sa.Column("country_of_origin", sa.String(2), nullable=True))
    _add_fk_column("production_orders", "location_id", "locations")
    _add_fk_column("production_orders", "event_id", "events")
    _add_fk_column("consumptions", "event_id", "events")
    _add_fk_column("outputs", "event_id", "events")
    _add_fk_column("returns", "location_id", "locations")
    _add_fk_column("returns", "event_id", "events")


def _widen() -> None:
    if _sqlite():
        return
    for table, columns in _WIDENED.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.String(ID), existing_type=sa.String(64),
                            existing_nullable=_NULLABLE.get(table, {}).get(column, True))


def _rebuilt_line_tables() -> None:
    """Shipments (customer may be empty) and receipts (vendor may be empty), with their new columns."""
    with op.batch_alter_table("shipments") as batch:
        batch.drop_constraint("uq_shipments_code_lot_id", type_="unique")
        batch.alter_column("customer_id", existing_type=sa.Integer(), nullable=True)
        for column, target in (("ship_from_id", "locations"), ("ship_to_id", "locations"),
                               ("carrier_id", "parties"), ("container_id", "containers"), ("event_id", "events")):
            batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch.create_foreign_key(_fk("shipments", column, target), target, [column], ["id"])
        batch.create_index(op.f("ix_shipments_ship_to_id"), ["ship_to_id"])
        batch.create_index(op.f("ix_shipments_container_id"), ["container_id"])
    with op.batch_alter_table("receipts") as batch:
        batch.drop_constraint("uq_receipts_code_lot_id", type_="unique")
        batch.alter_column("vendor_id", existing_type=sa.Integer(), nullable=True)
        for column, target in (("location_id", "locations"), ("ship_from_id", "locations"),
                               ("shipment_id", "shipments"), ("container_id", "containers"), ("event_id", "events")):
            batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch.create_foreign_key(_fk("receipts", column, target), target, [column], ["id"])
        batch.create_index(op.f("ix_receipts_shipment_id"), ["shipment_id"])
        batch.create_index(op.f("ix_receipts_container_id"), ["container_id"])
    # A line is (document, lot, container): the same lot may come on two pallets of one shipment.
    for table in ("shipments", "receipts"):
        op.create_index(f"uq_{table}_line", table, ["code", "lot_id", sa.text("coalesce(container_id, 0)")],
                        unique=True)


def _parties_from_vendors_and_customers() -> None:
    parties = sa.table("parties", sa.column("code"), sa.column("name"), sa.column("address"),
                       sa.column("own"), sa.column("carrier"), sa.column("id"))
    for name in ("vendors", "customers"):
        role = sa.table(name, sa.column("code"), sa.column("name"), sa.column("address"), sa.column("party_id"))
        op.execute(parties.insert().from_select(
            ["code", "name", "address", "own", "carrier"],
            sa.select(role.c.code, role.c.name, role.c.address, sa.false(), sa.false())
            .where(~sa.exists().where(parties.c.code == role.c.code)),
        ))
        op.execute(role.update().values(
            party_id=sa.select(parties.c.id).where(parties.c.code == role.c.code).scalar_subquery()))


def upgrade() -> None:
    _create_tables()
    _add_columns()
    _widen()
    _rebuilt_line_tables()
    _parties_from_vendors_and_customers()


def downgrade() -> None:
    raise NotImplementedError("The supply-chain schema cannot be downgraded; restore a backup instead.")
