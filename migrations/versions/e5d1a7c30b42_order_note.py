"""order notes: what staff write on an order for each other

Revision ID: e5d1a7c30b42
Revises: c3a1f0d2e4b6
Create Date: 2026-12-03 08:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e5d1a7c30b42'
down_revision = 'c3a1f0d2e4b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'order_note',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('length(body) BETWEEN 1 AND 2000', name=op.f('ck_order_note_body_length')),
        sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_order_note_order_id_order'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_order_note_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_order_note')),
    )
    with op.batch_alter_table('order_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_note_order_id'), ['order_id'], unique=False)


def downgrade():
    with op.batch_alter_table('order_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_note_order_id'))
    op.drop_table('order_note')
