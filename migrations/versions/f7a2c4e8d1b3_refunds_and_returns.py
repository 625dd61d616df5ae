"""refunds and returns: a row per refund, buyers' return requests and their lines; orders may be
partially_refunded or returned

Revision ID: f7a2c4e8d1b3
Revises: d15c0a7e9b21
Create Date: 2026-12-03 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f7a2c4e8d1b3'
down_revision = 'd15c0a7e9b21'
branch_labels = None
depends_on = None

OLD_ORDER_STATUSES = ('pending_payment', 'confirmed', 'paid', 'picking', 'packed', 'shipped', 'delivered',
                      'cancelled', 'refunded')
ORDER_STATUSES = OLD_ORDER_STATUSES + ('partially_refunded', 'returned')


def _one_of(column, values):
    return "{} IN ({})".format(column, ",".join(f"'{value}'" for value in values))


def upgrade():
    op.create_table(
        'return_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('staff_message', sa.String(length=1000), nullable=False),
        sa.Column('customs_reference', sa.String(length=200), nullable=False),
        sa.Column('request_key', sa.String(length=64), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('received_by', sa.Integer(), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of('status', ('requested', 'approved', 'refused', 'received')),
                           name=op.f('ck_return_request_status_known')),
        sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_return_request_order_id_order')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_return_request_user_id_user')),
        sa.ForeignKeyConstraint(['decided_by'], ['user.id'], name=op.f('fk_return_request_decided_by_user')),
        sa.ForeignKeyConstraint(['received_by'], ['user.id'], name=op.f('fk_return_request_received_by_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_return_request')),
        sa.UniqueConstraint('request_key', name=op.f('uq_return_request_request_key')),
    )
    with op.batch_alter_table('return_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_request_order_id'), ['order_id'], unique=False)
    op.create_table(
        'return_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('return_id', sa.Integer(), nullable=False),
        sa.Column('order_line_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('condition', sa.String(length=16), nullable=True),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_return_line_quantity_positive')),
        sa.CheckConstraint("condition IS NULL OR condition IN ('saleable','damaged')",
                           name=op.f('ck_return_line_condition_known')),
        sa.ForeignKeyConstraint(['return_id'], ['return_request.id'], name=op.f('fk_return_line_return_id_return_request'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['order_line_id'], ['order_line.id'],
                                name=op.f('fk_return_line_order_line_id_order_line')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_return_line')),
    )
    with op.batch_alter_table('return_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_line_return_id'), ['return_id'], unique=False)
    op.create_table(
        'refund',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('payment_id', sa.Integer(), nullable=True),
        sa.Column('return_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('amount_cny', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('goods_cny', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('tax_cny', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('lines', sa.JSON(), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False),
        sa.Column('reference', sa.String(length=120), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('request_key', sa.String(length=64), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('amount > 0 AND amount_cny >= 0 AND goods_cny >= 0 AND tax_cny >= 0',
                           name=op.f('ck_refund_amounts_valid')),
        sa.CheckConstraint("kind IN ('full','lines','amount')", name=op.f('ck_refund_kind_known')),
        sa.CheckConstraint(_one_of('status', ('pending', 'succeeded', 'failed')), name=op.f('ck_refund_status_known')),
        sa.CheckConstraint(_one_of('method', ('stripe', 'cash', 'bank_transfer', 'other')),
                           name=op.f('ck_refund_method_known')),
        sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_refund_order_id_order')),
        sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_refund_payment_id_payment')),
        sa.ForeignKeyConstraint(['return_id'], ['return_request.id'], name=op.f('fk_refund_return_id_return_request')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_refund_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_refund')),
        sa.UniqueConstraint('request_key', name=op.f('uq_refund_request_key')),
    )
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_order_id'), ['order_id'], unique=False)
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_order_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_order_status_known'), _one_of('status', ORDER_STATUSES))


def downgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_order_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_order_status_known'), _one_of('status', OLD_ORDER_STATUSES))
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_order_id'))
    op.drop_table('refund')
    with op.batch_alter_table('return_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_line_return_id'))
    op.drop_table('return_line')
    with op.batch_alter_table('return_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_request_order_id'))
    op.drop_table('return_request')
