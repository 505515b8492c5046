"""An index for an item's lots, newest first

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_lots_item_created", "lots", ["item_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_lots_item_created", table_name="lots")
