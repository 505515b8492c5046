"""EPCIS identities: the GS1 event hash of every imported event; the identifier a lot first came with.

Revision ID: 0005
Revises: 0006
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_hashes",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=100), nullable=False),
        sa.Column("given_id", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_event_hashes_event_id_events"),
        sa.PrimaryKeyConstraint("event_id", name="pk_event_hashes"),
        sa.UniqueConstraint("hash", name="uq_event_hashes_hash"),
    )
    op.create_index("ix_event_hashes_given_id", "event_hashes", ["given_id"])
    op.create_table(
        "lot_identifiers",
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name="fk_lot_identifiers_lot_id_lots"),
        sa.PrimaryKeyConstraint("lot_id", name="pk_lot_identifiers"),
    )
    op.create_index("ix_lot_identifiers_identifier", "lot_identifiers", ["identifier"])


def downgrade() -> None:
    op.drop_index("ix_lot_identifiers_identifier", table_name="lot_identifiers")
    op.drop_table("lot_identifiers")
    op.drop_index("ix_event_hashes_given_id", table_name="event_hashes")
    op.drop_table("event_hashes")
