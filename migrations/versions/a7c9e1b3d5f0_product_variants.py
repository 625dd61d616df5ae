"""product variants: a product offered in several SKUs that differ by one or two options

Revision ID: a7c9e1b3d5f0
Revises: f1b2c3d4e5a6
Create Date: 2026-12-03 15:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a7c9e1b3d5f0'
down_revision = 'f1b2c3d4e5a6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'variant_group',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(40), nullable=False),
        sa.Column('option_kinds', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_variant_group_merchant_id_merchant')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_variant_group')),
        sa.UniqueConstraint('merchant_id', 'code', name='uq_variant_group_merchant_code'),
    )
    with op.batch_alter_table('variant_group') as batch:
        batch.create_index(batch.f('ix_variant_group_merchant_id'), ['merchant_id'], unique=False)
    with op.batch_alter_table('product') as batch:
        batch.add_column(sa.Column('variant_group_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('option_values', sa.JSON(), nullable=True))
        batch.create_index(batch.f('ix_product_variant_group_id'), ['variant_group_id'], unique=False)
        batch.create_foreign_key(batch.f('fk_product_variant_group_id_variant_group'), 'variant_group',
                                 ['variant_group_id'], ['id'])


def downgrade():
    with op.batch_alter_table('product') as batch:
        batch.drop_constraint('fk_product_variant_group_id_variant_group', type_='foreignkey')
        batch.drop_index('ix_product_variant_group_id')
        batch.drop_column('option_values')
        batch.drop_column('variant_group_id')
    with op.batch_alter_table('variant_group') as batch:
        batch.drop_index('ix_variant_group_merchant_id')
    op.drop_table('variant_group')
