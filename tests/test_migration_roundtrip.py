"""Migrations down and up again on a populated SQLite database keep every row of every table they keep.

SQLite alters a table by copying it (batch mode); the copy must run with foreign keys off, or
dropping the original deletes or refuses the rows that refer to it. Whatever migrations exist are
covered: the revisions come from Alembic's script directory.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from lms.extensions import db
from tests.populated_db import app_on, build_populated, copy_database, revisions, table_counts, table_names

REVISIONS = revisions()
# Rows a downgrade deletes on purpose: {revision whose downgrade deletes them: {table: SQL condition}}.
# 0004's downgrade drops renewal cycles; the old schema allowed one read and one commitment per person.
DOCUMENTED_LOSS = {"0004": {"lesson_reads": "cycle <> 0", "commitments": "cycle <> 0"}}


@pytest.fixture(scope="module")
def populated(app, tmp_path_factory) -> Path:
    """One populated database at head, copied by each test (`app`: the session's INSTANCE_PATH is set)."""
    path = tmp_path_factory.mktemp("populated") / "populated.sqlite3"
    build_populated(path)
    return path


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]


def _rows(path: Path, table: str, columns: list[str], where: str | None = None) -> list[tuple]:
    """The table's rows on COLUMNS, in one deterministic order."""
    listed = ", ".join(f'"{c}"' for c in columns)
    condition = f" WHERE {where}" if where else ""
    with sqlite3.connect(path) as connection:
        rows = connection.execute(f'SELECT {listed} FROM "{table}"{condition} ORDER BY {listed}').fetchall()  # noqa: S608 - names from the schema
    connection.close()
    return rows


def _kept_condition(table: str, applied: list[str]) -> str | None:
    """The rows of TABLE that survive when only APPLIED migrations remain (None: all of them)."""
    lost = [condition for revision, tables in DOCUMENTED_LOSS.items() if revision not in applied
            for name, condition in tables.items() if name == table]
    return " AND ".join(f"NOT ({condition})" for condition in lost) or None


def _common_columns(original: Path, current: Path, tables: list[str]) -> dict[str, list[str]]:
    """For each table, the columns it has in both databases (a downgrade may drop some)."""
    with sqlite3.connect(original) as before, sqlite3.connect(current) as after:
        common = {t: [c for c in _columns(before, t) if c in _columns(after, t)] for t in tables}
    before.close()
    after.close()
    return common


def _assert_rows_kept(original: Path, current: Path, applied: list[str], columns: dict[str, list[str]]) -> None:
    """Every row of ORIGINAL is in CURRENT with the same values on COLUMNS (minus documented loss)."""
    for table, common in columns.items():
        expected = _rows(original, table, common, _kept_condition(table, applied))
        found = _rows(current, table, common)
        assert len(found) == len(expected), f"{table}: {len(found)} rows instead of {len(expected)}"
        assert found == expected, f"{table}: rows changed"


def _integrity(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()


def test_the_populated_database_has_rows_in_every_table_and_a_renewal_cycle(populated):
    empty = [name for name, count in table_counts(populated).items() if count == 0]
    assert empty == [], f"populate these tables in tests/populated_db.py: {empty}"
    for table, condition in DOCUMENTED_LOSS["0004"].items():
        assert _rows(populated, table, ["id"], condition), f"no {table} of a renewal cycle to lose"


def test_migrations_use_batch_mode(app):
    assert app.extensions["migrate"].configure_args["render_as_batch"] is True


@pytest.mark.parametrize("target", REVISIONS[:-1])
def test_down_to_each_revision_and_up_again_keeps_every_row(populated, tmp_path, target):
    path = tmp_path / "roundtrip.sqlite3"
    copy_database(populated, path)
    at_head = table_names(populated)
    application = app_on(path)
    with application.app_context():
        downgrade(revision=target)
        applied = REVISIONS[:REVISIONS.index(target) + 1]
        kept = [t for t in table_names(path) if t != "alembic_version"]
        assert set(kept) < set(at_head)
        # Values of columns dropped on the way down come back as their defaults; the rest must not change.
        columns = _common_columns(populated, path, kept)
        _assert_rows_kept(populated, path, applied, columns)
        _integrity(path)

        upgrade()
        assert table_names(path) == at_head
        _assert_rows_kept(populated, path, applied, columns)
        recreated = [t for t in at_head if t not in kept and t != "alembic_version"]
        assert all(table_counts(path)[t] == 0 for t in recreated)  # dropped on the way down, so empty
        _integrity(path)
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                    db.metadata) == []
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_a_step_that_leaves_a_dangling_reference_is_rolled_back(populated, tmp_path, capfd):
    path = tmp_path / "dangling.sqlite3"
    copy_database(populated, path)
    previous = REVISIONS[-2]
    application = app_on(path)
    with application.app_context():
        downgrade(revision=previous)
        db.engine.dispose()
        with sqlite3.connect(path) as connection:  # foreign keys are off on a plain connection
            connection.execute("UPDATE lesson_reads SET user_id = 999999 WHERE id = (SELECT min(id) FROM lesson_reads)")
        connection.close()
        before = table_names(path)
        capfd.readouterr()
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits 1
            upgrade()
        assert "1 row(s) refer to rows that do not exist (lesson_reads row" in "".join(capfd.readouterr())
        assert table_names(path) == before  # the head step's changes were rolled back
        with sqlite3.connect(path) as connection:
            assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(previous,)]
        connection.close()
        with db.engine.connect() as connection:  # enforcement is back on for the app's connections
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
