"""tracking: operator tokens per express line, and the carrier events of each shipment

Revision ID: f7c2b9d41e68
Revises: f7a2c4e8d1b3
Create Date: 2026-12-03 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f7c2b9d41e68'
down_revision = 'f7a2c4e8d1b3'
branch_labels = None
depends_on = None

CARRIER_STATUSES = ('in_transit', 'arrived_hub', 'customs_cleared', 'out_for_delivery', 'delivered', 'failed',
                    'returned')


def upgrade():
    op.create_table(
        'operator_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('line_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_operator_token_created_by_user')),
        sa.ForeignKeyConstraint(['line_id'], ['express_line.id'],
                                name=op.f('fk_operator_token_line_id_express_line')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_operator_token_token_hash')),
    )
    with op.batch_alter_table('operator_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_token_line_id'), ['line_id'], unique=False)
    op.create_table(
        'shipment_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shipment_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('place', sa.String(length=120), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"status IN ({','.join(repr(s) for s in CARRIER_STATUSES)})",
                           name=op.f('ck_shipment_event_status_known')),
        sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], name=op.f('fk_shipment_event_shipment_id_shipment'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['token_id'], ['operator_token.id'],
                                name=op.f('fk_shipment_event_token_id_operator_token')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_shipment_event_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_event')),
        sa.UniqueConstraint('shipment_id', 'status', 'at', name='uq_shipment_event_status_at'),
    )
    with op.batch_alter_table('shipment_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_event_shipment_id'), ['shipment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('shipment_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_event_shipment_id'))
    op.drop_table('shipment_event')
    with op.batch_alter_table('operator_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operator_token_line_id'))
    op.drop_table('operator_token')
