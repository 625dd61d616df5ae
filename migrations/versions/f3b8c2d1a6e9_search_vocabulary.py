"""search vocabulary: the words a mistyped query is corrected towards

search_word holds every word of four letters or more written in a search document
(shop/services/search.py). It starts empty: `flask shop reindex-search --if-stale` (which
`make run` calls) rebuilds the documents in their new layout (pinyin, single characters, the
whole name marked) and fills it. On PostgreSQL the column sorts by code point (collation "C"),
so "words starting with x" is a range of its unique index, as on SQLite.

Revision ID: f3b8c2d1a6e9
Revises: f6b2d8a41c57
Create Date: 2026-12-03 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f3b8c2d1a6e9'
down_revision = 'f6b2d8a41c57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_word',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('word', sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql'),
                  nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_word')),
        sa.UniqueConstraint('word', name=op.f('uq_search_word_word')),
    )


def downgrade():
    op.drop_table('search_word')
