"""The plant floor: storage places, holds, pick lists, proposals, picks, overrides, scans

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-02 00:47:59.216130
"""
import sqlalchemy as sa
from alembic import op

import workbench.plant.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('floor_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_floor_settings'))
    )
    op.create_table('storage_places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=255), nullable=False),
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_storage_places')),
    sa.UniqueConstraint('code', name=op.f('uq_storage_places_code'))
    )
    op.create_table('override_reasons',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_override_reasons'))
    )
    op.create_table('item_rules',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('pick_rule', sa.String(length=4), nullable=True),
    sa.Column('date_ai', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_rules_item_id_items')),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_item_rules'))
    )
    op.create_table('lot_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('placed_by', sa.String(length=64), nullable=False),
    sa.Column('placed_at', workbench.plant.types.UTCDateTime(), nullable=False),
    sa.Column('released_by', sa.String(length=64), nullable=True),
    sa.Column('released_at', workbench.plant.types.UTCDateTime(), nullable=True),
    sa.Column('release_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_lot_holds_lot_id_lots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_holds'))
    )
    with op.batch_alter_table('lot_holds', schema=None) as batch_op:
        batch_op.create_index('ix_lot_holds_lot_released', ['lot_id', 'released_at'], unique=False)

    op.create_table('lot_places',
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('sscc', sa.String(length=18), nullable=True),
    sa.Column('produced_at', workbench.plant.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['storage_places.id'], name=op.f('fk_lot_places_location_id_storage_places')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_lot_places_lot_id_lots')),
    sa.PrimaryKeyConstraint('lot_id', name=op.f('pk_lot_places'))
    )
    with op.batch_alter_table('lot_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_places_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_places_sscc'), ['sscc'], unique=False)

    op.create_table('pick_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=255), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('shipment_code', sa.String(length=64), nullable=True),
    sa.Column('order_ref', sa.String(length=64), nullable=True),
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', workbench.plant.types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('closed_at', workbench.plant.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_pick_lists_customer_id_customers')),
    sa.ForeignKeyConstraint(['order_id'], ['production_orders.id'], name=op.f('fk_pick_lists_order_id_production_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_lists')),
    sa.UniqueConstraint('code', name=op.f('uq_pick_lists_code'))
    )
    with op.batch_alter_table('pick_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pick_lists_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pick_lists_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pick_lists_status'), ['status'], unique=False)

    op.create_table('pick_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pick_list_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', workbench.plant.types.Quantity(), nullable=False),
    sa.Column('rule', sa.String(length=4), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_pick_lines_item_id_items')),
    sa.ForeignKeyConstraint(['pick_list_id'], ['pick_lists.id'], name=op.f('fk_pick_lines_pick_list_id_pick_lists')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_lines')),
    sa.UniqueConstraint('pick_list_id', 'line_no', name=op.f('uq_pick_lines_pick_list_id_line_no'))
    )
    with op.batch_alter_table('pick_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pick_lines_pick_list_id'), ['pick_list_id'], unique=False)

    op.create_table('scan_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pick_list_id', sa.Integer(), nullable=False),
    sa.Column('scanned_at', workbench.plant.types.UTCDateTime(), nullable=False),
    sa.Column('scanned_by', sa.String(length=64), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_scan_events_lot_id_lots')),
    sa.ForeignKeyConstraint(['pick_list_id'], ['pick_lists.id'], name=op.f('fk_scan_events_pick_list_id_pick_lists')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scan_events'))
    )
    with op.batch_alter_table('scan_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scan_events_pick_list_id'), ['pick_list_id'], unique=False)

    op.create_table('pick_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pick_line_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('quantity', workbench.plant.types.Quantity(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('proposed', sa.Text(), nullable=False),
    sa.Column('made_by', sa.String(length=64), nullable=False),
    sa.Column('made_at', workbench.plant.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_pick_overrides_lot_id_lots')),
    sa.ForeignKeyConstraint(['pick_line_id'], ['pick_lines.id'], name=op.f('fk_pick_overrides_pick_line_id_pick_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_overrides'))
    )
    with op.batch_alter_table('pick_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pick_overrides_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pick_overrides_made_at'), ['made_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pick_overrides_pick_line_id'), ['pick_line_id'], unique=False)

    op.create_table('pick_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pick_line_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('quantity', workbench.plant.types.Quantity(), nullable=False),
    sa.Column('why', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_pick_proposals_lot_id_lots')),
    sa.ForeignKeyConstraint(['pick_line_id'], ['pick_lines.id'], name=op.f('fk_pick_proposals_pick_line_id_pick_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_proposals'))
    )
    with op.batch_alter_table('pick_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pick_proposals_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pick_proposals_pick_line_id'), ['pick_line_id'], unique=False)

    op.create_table('picks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pick_line_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('quantity', workbench.plant.types.Quantity(), nullable=False),
    sa.Column('picked_by', sa.String(length=64), nullable=False),
    sa.Column('picked_at', workbench.plant.types.UTCDateTime(), nullable=False),
    sa.Column('scanned', sa.Text(), nullable=True),
    sa.Column('override_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_picks_lot_id_lots')),
    sa.ForeignKeyConstraint(['override_id'], ['pick_overrides.id'], name=op.f('fk_picks_override_id_pick_overrides')),
    sa.ForeignKeyConstraint(['pick_line_id'], ['pick_lines.id'], name=op.f('fk_picks_pick_line_id_pick_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_picks'))
    )
    with op.batch_alter_table('picks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_picks_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_picks_pick_line_id'), ['pick_line_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('picks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_picks_pick_line_id'))
        batch_op.drop_index(batch_op.f('ix_picks_lot_id'))

    op.drop_table('picks')
    with op.batch_alter_table('pick_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pick_proposals_pick_line_id'))
        batch_op.drop_index(batch_op.f('ix_pick_proposals_lot_id'))

    op.drop_table('pick_proposals')
    with op.batch_alter_table('pick_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pick_overrides_pick_line_id'))
        batch_op.drop_index(batch_op.f('ix_pick_overrides_made_at'))
        batch_op.drop_index(batch_op.f('ix_pick_overrides_lot_id'))

    op.drop_table('pick_overrides')
    with op.batch_alter_table('scan_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scan_events_pick_list_id'))

    op.drop_table('scan_events')
    with op.batch_alter_table('pick_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pick_lines_pick_list_id'))

    op.drop_table('pick_lines')
    with op.batch_alter_table('pick_lists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pick_lists_status'))
        batch_op.drop_index(batch_op.f('ix_pick_lists_order_id'))
        batch_op.drop_index(batch_op.f('ix_pick_lists_customer_id'))

    op.drop_table('pick_lists')
    with op.batch_alter_table('lot_places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_places_sscc'))
        batch_op.drop_index(batch_op.f('ix_lot_places_location_id'))

    op.drop_table('lot_places')
    with op.batch_alter_table('lot_holds', schema=None) as batch_op:
        batch_op.drop_index('ix_lot_holds_lot_released')

    op.drop_table('lot_holds')
    op.drop_table('item_rules')
    op.drop_table('override_reasons')
    op.drop_table('storage_places')
    op.drop_table('floor_settings')
