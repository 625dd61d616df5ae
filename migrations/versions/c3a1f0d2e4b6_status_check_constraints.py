"""status check constraints: payments and shipments hold only the statuses the shop knows

Orders and lots already refuse an unknown status (ck_order_status_known,
ck_lot_customs_status_known); payment.status and shipment.status now do too. The lists are
the vocabularies of shop/domain (PaymentStatus, ShipmentStatus), spelled out here so the
migration keeps meaning what it meant when written. Batch mode rebuilds the tables on SQLite,
which cannot add a constraint to an existing table; PostgreSQL adds it in place.

Revision ID: c3a1f0d2e4b6
Revises: b2c7e1f04a93
Create Date: 2026-12-03 07:20:00

"""
from alembic import op


revision = 'c3a1f0d2e4b6'
down_revision = 'b2c7e1f04a93'
branch_labels = None
depends_on = None

PAYMENT_STATUSES = (
    'created', 'requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'failed',
    'succeeded', 'canceled', 'refund_pending', 'refunded', 'refund_failed',
)
SHIPMENT_STATUSES = ('pending', 'picking', 'packed', 'shipped', 'delivered', 'cancelled')


def _one_of(values):
    return "status IN ({})".format(",".join(f"'{value}'" for value in values))


def upgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_payment_status_known'), _one_of(PAYMENT_STATUSES))
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_shipment_status_known'), _one_of(SHIPMENT_STATUSES))


def downgrade():
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_shipment_status_known'), type_='check')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_payment_status_known'), type_='check')
