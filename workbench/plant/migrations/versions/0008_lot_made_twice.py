"""A lot may be made by more than one order: ``outputs.lot_id`` is no longer unique (an index instead)

EPCIS data often makes one lot in several TransformationEvents (a shift's runs, each with its own inputs, all under
one lot number). With one output per lot, the plant kept only the first run: the inputs of the others led to no lot,
so a recall of one of them missed the lot they went into. Every run is now an order with its output; lot-to-lot edges
come from each order's consumptions and outputs, as before.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outputs", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outputs_lot_id", type_="unique")
        batch_op.create_index("ix_outputs_lot_id", ["lot_id"], unique=False)


def downgrade() -> None:
    # Fails, as it should, on a plant that holds a lot made twice.
    with op.batch_alter_table("outputs", schema=None) as batch_op:
        batch_op.drop_index("ix_outputs_lot_id")
        batch_op.create_unique_constraint("uq_outputs_lot_id", ["lot_id"])
