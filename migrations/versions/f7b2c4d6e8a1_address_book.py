"""address book: a default address, and when each was last used

Revision ID: f7b2c4d6e8a1
Revises: f7c2b9d41e68
Create Date: 2026-12-03 15:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'f7b2c4d6e8a1'
down_revision = 'f7c2b9d41e68'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('address') as batch:
        batch.add_column(sa.Column('is_default', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('address') as batch:
        batch.drop_column('last_used_at')
        batch.drop_column('is_default')
