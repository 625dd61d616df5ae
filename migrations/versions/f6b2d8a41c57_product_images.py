"""product images: merchants' photos of their listings and the worker's renditions

Revision ID: f6b2d8a41c57
Revises: f7a2c4e6b813
Create Date: 2026-12-03 15:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f6b2d8a41c57'
down_revision = 'f7a2c4e6b813'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'product_image',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=20), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('byte_size', sa.Integer(), nullable=False),
        sa.Column('alt', sa.JSON(), nullable=False),
        sa.Column('renditions', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('width > 0 AND height > 0', name=op.f('ck_product_image_size_positive')),
        sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_product_image_product_id_product'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_product_image')),
        sa.UniqueConstraint('key', name=op.f('uq_product_image_key')),
    )
    with op.batch_alter_table('product_image', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_image_product_id'), ['product_id'], unique=False)


def downgrade():
    with op.batch_alter_table('product_image', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_image_product_id'))
    op.drop_table('product_image')
