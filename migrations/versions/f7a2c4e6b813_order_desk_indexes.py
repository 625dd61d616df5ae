"""order desk indexes: orders by destination, shipments by line, order lines by product

The desk narrows 100,000 orders by destination country, express line and merchant; the merchant portal
finds the orders holding its products. Without these the database reads every row for each.

Revision ID: f7a2c4e6b813
Revises: f7c2b9d41e60
Create Date: 2026-12-03 15:50:00

"""
from alembic import op


revision = 'f7a2c4e6b813'
down_revision = 'f7c2b9d41e60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_ship_country'), ['ship_country'], unique=False)
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_line_id'), ['line_id'], unique=False)
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_line_product_id'), ['product_id'], unique=False)


def downgrade():
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_line_product_id'))
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_line_id'))
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_ship_country'))
