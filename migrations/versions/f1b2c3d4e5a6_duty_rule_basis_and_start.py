"""duty rules: whether the rate applies to the excess or the whole value, and the day a rule starts

Revision ID: f1b2c3d4e5a6
Revises: e5d1a7c30b42
Create Date: 2026-12-03 15:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'f1b2c3d4e5a6'
down_revision = 'e5d1a7c30b42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('duty_rule') as batch:
        batch.add_column(sa.Column('basis', sa.String(8), nullable=False, server_default='excess'))
        batch.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch.create_check_constraint(op.f('ck_duty_rule_basis_known'), "basis IN ('excess','full')")


def downgrade():
    with op.batch_alter_table('duty_rule') as batch:
        batch.drop_constraint('ck_duty_rule_basis_known', type_='check')
        batch.drop_column('valid_from')
        batch.drop_column('basis')
