"""cash on delivery in the destination's money: currency, rate and amount fixed when placed

Revision ID: f7c2b9d41e60
Revises: f7b2c4d6e8a1
Create Date: 2026-12-03 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f7c2b9d41e60'
down_revision = 'f7b2c4d6e8a1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cod_currency', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('cod_rate', sa.Numeric(precision=18, scale=8), nullable=True))
        batch_op.add_column(sa.Column('cod_amount', sa.Numeric(precision=12, scale=2), nullable=True))


def downgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_column('cod_amount')
        batch_op.drop_column('cod_rate')
        batch_op.drop_column('cod_currency')
