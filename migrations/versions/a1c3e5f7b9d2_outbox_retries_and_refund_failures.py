"""outbox messages rendered at delivery, with attempts; failed refunds kept visible

outbox_message gains template and params (rendered after commit), attempts, last_error and
next_attempt_at; payment gains refund_attempts, refund_error and refund_retry_at.

Revision ID: a1c3e5f7b9d2
Revises: 5e4c1a9b7d20
Create Date: 2026-12-03 07:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a1c3e5f7b9d2'
down_revision = '5e4c1a9b7d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refund_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('refund_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('refund_retry_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_column('refund_retry_at')
        batch_op.drop_column('refund_error')
        batch_op.drop_column('refund_attempts')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('last_error')
        batch_op.drop_column('attempts')
        batch_op.drop_column('params')
        batch_op.drop_column('template')
