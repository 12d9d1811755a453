"""Migrations build exactly the models' schema, on SQLite and on PostgreSQL alike."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from lms.extensions import db


def _differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_gives_the_models_schema(ctx):
    # The session database was built by `upgrade()` from empty (see conftest).
    assert _differences() == []


def test_downgrade_to_base_and_back(ctx):
    db.session.remove()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert _differences() == []
    assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
