"""plant schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 07:45:16.837817
"""
import sqlalchemy as sa
from alembic import op

import workbench.plant.types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('code', name=op.f('uq_customers_code'))
    )
    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('gtin', sa.String(length=14), nullable=True),
    sa.Column('shelf_life_days', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items')),
    sa.UniqueConstraint('code', name=op.f('uq_items_code'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_items_gtin'), ['gtin'], unique=False)

    op.create_table('vendors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendors')),
    sa.UniqueConstraint('code', name=op.f('uq_vendors_code'))
    )
    op.create_table('lots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('vendor_lot', sa.String(length=64), nullable=True),
    sa.Column('quantity', workbench.plant.types.Quantity(), nullable=False),
    sa.Column('created_at', workbench.plant.types.UTCDateTime(), nullable=True),
    sa.Column('expires_at', workbench.plant.types.UTCDateTime(), nullable=True),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_lots_item_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lots')),
    sa.UniqueConstraint('item_id', 'code', name=op.f('uq_lots_item_id_code'))
    )
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lots_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_lots_vendor_lot'), ['vendor_lot'], unique=False)

    op.create_table('production_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('started_at', workbench.plant.types.UTCDateTime(), nullable=True),
    sa.Column('finished_at', workbench.plant.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_production_orders_item_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_production_orders')),
    sa.UniqueConstraint('code', name=op.f('uq_production_orders_code'))
    )
    with op.batch_alter_table('production_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_production_orders_item_id'), ['item_id'], unique=False)

    op.create_table('consumptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('quantity', workbench.plant.types.Quantity(), nullable=False),
    sa.Column('consumed_at', workbench.plant.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_consumptions_lot_id_lots')),
    sa.ForeignKeyConstraint(['order_id'], ['production_orders.id'], name=op.f('fk_consumptions_order_id_production_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consumptions'))
    )
    with op.batch_alter_table('consumptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consumptions_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consumptions_order_id'), ['order_id'], unique=False)

    op.create_table('lot_edges',
    sa.Column('parent_lot_id', sa.Integer(), nullable=False),
    sa.Column('child_lot_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('quantity', workbench.plant.types.Quantity(), nullable=False),
    sa.ForeignKeyConstraint(['child_lot_id'], ['lots.id'], name=op.f('fk_lot_edges_child_lot_id_lots')),
    sa.ForeignKeyConstraint(['order_id'], ['production_orders.id'], name=op.f('fk_lot_edges_order_id_production_orders')),
    sa.ForeignKeyConstraint(['parent_lot_id'], ['lots.id'], name=op.f('fk_lot_edges_parent_lot_id_lots')),
    sa.PrimaryKeyConstraint('parent_lot_id', 'child_lot_id', 'order_id', name=op.f('pk_lot_edges'))
    )
    with op.batch_alter_table('lot_edges', schema=None) as batch_op:
        batch_op.create_index('ix_lot_edges_child_parent', ['child_lot_id', 'parent_lot_id'], unique=False)

    op.create_table('operations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=64), nullable=False),
    sa.Column('machine', sa.String(length=64), nullable=True),
    sa.Column('operator', sa.String(length=64), nullable=True),
    sa.Column('started_at', workbench.plant.types.UTCDateTime(), nullable=True),
    sa.Column('finished_at', workbench.plant.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['production_orders.id'], name=op.f('fk_operations_order_id_production_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operations')),
    sa.UniqueConstraint('order_id', 'step', name=op.f('uq_operations_order_id_step'))
    )
    with op.batch_alter_table('operations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operations_machine'), ['machine'], unique=False)
        batch_op.create_index(batch_op.f('ix_operations_operator'), ['operator'], unique=False)

    op.create_table('outputs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('quantity', workbench.plant.types.Quantity(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_outputs_lot_id_lots')),
    sa.ForeignKeyConstraint(['order_id'], ['production_orders.id'], name=op.f('fk_outputs_order_id_production_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outputs')),
    sa.UniqueConstraint('lot_id', name=op.f('uq_outputs_lot_id'))
    )
    with op.batch_alter_table('outputs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outputs_order_id'), ['order_id'], unique=False)

    op.create_table('receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('received_at', workbench.plant.types.UTCDateTime(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('po', sa.String(length=64), nullable=True),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('vendor_lot', sa.String(length=64), nullable=True),
    sa.Column('quantity', workbench.plant.types.Quantity(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_receipts_lot_id_lots')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_receipts_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts')),
    sa.UniqueConstraint('code', 'lot_id', name=op.f('uq_receipts_code_lot_id'))
    )
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipts_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipts_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipts_po'), ['po'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipts_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rma', sa.String(length=64), nullable=False),
    sa.Column('received_at', workbench.plant.types.UTCDateTime(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('quantity', workbench.plant.types.Quantity(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_returns_customer_id_customers')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_returns_lot_id_lots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_returns')),
    sa.UniqueConstraint('rma', 'lot_id', name=op.f('uq_returns_rma_lot_id'))
    )
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_returns_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_returns_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_returns_rma'), ['rma'], unique=False)

    op.create_table('shipments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('shipped_at', workbench.plant.types.UTCDateTime(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('order_ref', sa.String(length=64), nullable=True),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('quantity', workbench.plant.types.Quantity(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_shipments_customer_id_customers')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_shipments_lot_id_lots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments')),
    sa.UniqueConstraint('code', 'lot_id', name=op.f('uq_shipments_code_lot_id'))
    )
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipments_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipments_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipments_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipments_order_ref'), ['order_ref'], unique=False)

    op.create_table('supplier_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', workbench.plant.types.UTCDateTime(), nullable=False),
    sa.Column('due_at', workbench.plant.types.UTCDateTime(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_supplier_actions_lot_id_lots')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_supplier_actions_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_actions')),
    sa.UniqueConstraint('code', name=op.f('uq_supplier_actions_code'))
    )
    with op.batch_alter_table('supplier_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_actions_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_actions_vendor_id'), ['vendor_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('supplier_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_actions_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_supplier_actions_lot_id'))

    op.drop_table('supplier_actions')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipments_order_ref'))
        batch_op.drop_index(batch_op.f('ix_shipments_lot_id'))
        batch_op.drop_index(batch_op.f('ix_shipments_customer_id'))
        batch_op.drop_index(batch_op.f('ix_shipments_code'))

    op.drop_table('shipments')
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_returns_rma'))
        batch_op.drop_index(batch_op.f('ix_returns_lot_id'))
        batch_op.drop_index(batch_op.f('ix_returns_customer_id'))

    op.drop_table('returns')
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipts_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_receipts_po'))
        batch_op.drop_index(batch_op.f('ix_receipts_lot_id'))
        batch_op.drop_index(batch_op.f('ix_receipts_code'))

    op.drop_table('receipts')
    with op.batch_alter_table('outputs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outputs_order_id'))

    op.drop_table('outputs')
    with op.batch_alter_table('operations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operations_operator'))
        batch_op.drop_index(batch_op.f('ix_operations_machine'))

    op.drop_table('operations')
    with op.batch_alter_table('lot_edges', schema=None) as batch_op:
        batch_op.drop_index('ix_lot_edges_child_parent')

    op.drop_table('lot_edges')
    with op.batch_alter_table('consumptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consumptions_order_id'))
        batch_op.drop_index(batch_op.f('ix_consumptions_lot_id'))

    op.drop_table('consumptions')
    with op.batch_alter_table('production_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_production_orders_item_id'))

    op.drop_table('production_orders')
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lots_vendor_lot'))
        batch_op.drop_index(batch_op.f('ix_lots_code'))

    op.drop_table('lots')
    op.drop_table('vendors')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_items_gtin'))

    op.drop_table('items')
    op.drop_table('customers')
