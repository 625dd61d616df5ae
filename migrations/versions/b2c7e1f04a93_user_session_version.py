"""user session version: raising it ends every session of the account

Revision ID: b2c7e1f04a93
Revises: d4a7e2c91b35
Create Date: 2026-12-03 07:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b2c7e1f04a93'
down_revision = 'd4a7e2c91b35'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
