"""The migration history builds the schema the models describe, on every backend."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shop.extensions import db

# Alembic reads the schema on connections of its own: give it the committed database.
pytestmark = pytest.mark.committed


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_object": __import__("importlib").import_module("tests.integration.migration_filter").include,
        })
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_flask_db_check_reports_no_changes(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
