"""search indexes: FTS5 trigram tables on SQLite, pg_trgm GIN index on PostgreSQL

Both index search_document.body (see shop/services/search.py). On SQLite the virtual table
search_fts reads its text from search_document, search_fts_names holds the name part of each
document (for ranking), and triggers keep both in step; PostgreSQL keeps its GIN index itself.
migrations/env.py leaves search_fts* and ix_search_trgm* out of autogenerate, since they are
not models.

Revision ID: 5e4c1a9b7d20
Revises: 272243771c91
Create Date: 2026-11-29 14:00:00

"""
from alembic import op


revision = '5e4c1a9b7d20'
down_revision = '272243771c91'
branch_labels = None
depends_on = None

# The name is what precedes the first unit separator (char 31) of a document's body.
NAME_OF = "substr({row}.body, 1, instr({row}.body, char(31)) - 1)"
SQLITE_UP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
           body, content='search_document', content_rowid='id', tokenize='trigram')""",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_names USING fts5(name, tokenize='trigram')",
    f"""CREATE TRIGGER IF NOT EXISTS search_fts_after_insert AFTER INSERT ON search_document BEGIN
           INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body);
           INSERT INTO search_fts_names(rowid, name) VALUES (new.id, {NAME_OF.format(row='new')});
       END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_after_delete AFTER DELETE ON search_document BEGIN
           INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);
           DELETE FROM search_fts_names WHERE rowid = old.id;
       END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_fts_after_update AFTER UPDATE ON search_document BEGIN
           INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);
           DELETE FROM search_fts_names WHERE rowid = old.id;
           INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body);
           INSERT INTO search_fts_names(rowid, name) VALUES (new.id, {NAME_OF.format(row='new')});
       END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    f"INSERT INTO search_fts_names(rowid, name) SELECT id, {NAME_OF.format(row='search_document')} "
    "FROM search_document",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_fts_after_update",
    "DROP TRIGGER IF EXISTS search_fts_after_delete",
    "DROP TRIGGER IF EXISTS search_fts_after_insert",
    "DROP TABLE IF EXISTS search_fts_names",
    "DROP TABLE IF EXISTS search_fts",
]


def _trgm_schema(bind) -> str:
    """Where pg_trgm lives: made in `public` when missing, so that dropping a test run's schema
    never takes the extension (and other runs' indexes) with it."""
    has_public = bind.exec_driver_sql("SELECT 1 FROM pg_namespace WHERE nspname = 'public'").first()
    bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm" + (" WITH SCHEMA public" if has_public else ""))
    return bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'").scalar_one()


# Documents are numbered product_id * 4 + the language's place (shop/services/search.py), so an
# index alone tells which product matched. Rows written before that are renumbered, through
# negative ids so that no two rows ever share one.
RENUMBER = [
    "DELETE FROM search_document WHERE lang NOT IN ('en', 'zh', 'ru', 'ur')",
    "UPDATE search_document SET id = -(product_id * 4 + CASE lang WHEN 'en' THEN 0 WHEN 'zh' THEN 1 "
    "WHEN 'ru' THEN 2 ELSE 3 END)",
    "UPDATE search_document SET id = -id",
]


def upgrade():
    bind = op.get_bind()
    for statement in RENUMBER:
        op.execute(statement)
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        schema = _trgm_schema(bind).replace('"', '""')
        op.execute(f'CREATE INDEX IF NOT EXISTS ix_search_trgm_body ON search_document '
                   f'USING gin (body "{schema}".gin_trgm_ops)')


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_trgm_body")
