"""product reorder point: fewer units available puts a listing in the merchant's daily digest

Revision ID: d4a7e2c91b35
Revises: a1c3e5f7b9d2
Create Date: 2026-12-03 07:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd4a7e2c91b35'
down_revision = 'a1c3e5f7b9d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('product') as batch:
        batch.add_column(sa.Column('reorder_point', sa.Integer(), nullable=False, server_default='0'))
        batch.create_check_constraint(op.f('ck_product_reorder_point_not_negative'), 'reorder_point >= 0')


def downgrade():
    with op.batch_alter_table('product') as batch:
        batch.drop_constraint('ck_product_reorder_point_not_negative', type_='check')
        batch.drop_column('reorder_point')
