"""`flask --app app backup OUT` and `flask --app app restore IN`: the SQLite database, online and checked."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from lms.extensions import db
from lms.ops.backup import backup, restore
from lms.ops.sqlite_files import BackupError, DatabaseSummary

POSTGRES_HINT = ("the database is PostgreSQL: back it up with `pg_dump -Fc` and restore it with `pg_restore "
                 "--clean --if-exists`, as the README's \"Backup and restore\" section shows.")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _database_file() -> Path:
    """The configured SQLite file; exits with a message for PostgreSQL or an in-memory database."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        _fail(POSTGRES_HINT)
    name = url.database or ""
    if name in ("", ":memory:") or name.startswith("file:"):
        _fail(f"the database ({url}) is not a plain SQLite file; there is nothing to back up or restore.")
    return Path(name)


def _revisions() -> list[str]:
    """The code's migrations, first to head."""
    from alembic.script import ScriptDirectory

    migrate = current_app.extensions["migrate"]
    script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def _describe(summary: DatabaseSummary, head: str) -> str:
    state = "the code's latest" if summary.revision == head else f"the code's latest is {head}"
    return (f"{_size(summary.size)}, {len(summary.tables)} tables, {summary.rows:,} rows, "
            f"schema revision {summary.revision} ({state})")


def _table_lines(summary: DatabaseSummary) -> None:
    for name, count in summary.tables.items():
        click.echo(f"  {name:<28}{count:>10,}")


def _release_connections() -> None:
    """This process lets go of the database, so the in-use check sees only other processes."""
    db.session.remove()
    db.engine.dispose()


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace OUT if it exists.")
@with_appcontext
def backup_command(out: Path, overwrite: bool) -> None:
    """Write a checked copy of the SQLite database to OUT while the app keeps running."""
    database = _database_file()
    try:
        summary = backup(database, out, overwrite=overwrite)
    except BackupError as exc:
        _fail(str(exc))
    click.echo(f"Backup of {database} written to {summary.path}: {_describe(summary, _revisions()[-1])}.")
    click.echo("Integrity check: ok. Rows per table:")
    _table_lines(summary)


@click.command("restore")
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--safety-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to save the current database first (default: beside it).")
@with_appcontext
def restore_command(source: Path, yes: bool, safety_dir: Path | None) -> None:
    """Replace the SQLite database with the backup IN (stop the app first); the current one is saved first."""
    database = _database_file()
    revisions = _revisions()
    if not yes:
        click.confirm(f"Replace the content of {database} with {source}? (The application must be stopped.)",
                      abort=True)
    _release_connections()
    try:
        result = restore(source, database, revisions=revisions, head_tables=db.metadata.tables,
                         safety_folder=safety_dir)
    except BackupError as exc:
        _fail(str(exc))
    if result.safety is not None:
        click.echo(f"The database as it was is saved in {result.safety.path}: {_describe(result.safety, result.head)}.")
    click.echo(f"Restored {source} into {database}: {_describe(result.restored, result.head)}.")
    click.echo("Integrity check: ok. Rows per table:")
    _table_lines(result.restored)
    if result.needs_upgrade:
        click.echo(f"The backup's schema ({result.restored.revision}) is older than the code's ({result.head}): "
                   "run `flask --app app db upgrade` before starting the application.")
