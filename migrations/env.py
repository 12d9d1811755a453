import logging
from logging.config import fileConfig

from flask import current_app

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)  # keep the app's loggers
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def _sqlite_foreign_keys(connection, enabled):
    """Switch SQLite's foreign-key enforcement on the connection, outside any transaction.

    Batch migrations rebuild a table by copying it and dropping the original; with enforcement on,
    that DROP deletes or refuses the rows of every table referring to it. SQLite ignores the PRAGMA
    inside a transaction, so it goes to the driver connection (which begins none by itself).
    """
    if connection.in_transaction():
        connection.rollback()
    raw = connection.connection.driver_connection
    raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
    if raw.execute("PRAGMA foreign_keys").fetchone()[0] != int(enabled):
        raise RuntimeError("could not switch SQLite foreign keys " + ("on" if enabled else "off"))


def _check_foreign_keys(ctx, step, heads, run_args):
    """Fail the migration step, inside its own transaction, if it left a reference pointing nowhere."""
    rows = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if rows:
        found = "; ".join(f"{table} row {rowid} -> {parent}" for table, rowid, parent, _fk in rows[:10])
        raise RuntimeError(
            f"{'upgrade' if step.is_upgrade else 'downgrade'} {step.up_revision_id or 'base'}: "
            f"{len(rows)} row(s) refer to rows that do not exist ({found}); nothing of this step was applied"
        )


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    def render_item(type_, obj, autogen_context):
        # Migrations must not import the app: write the app's UTC column type as a plain DateTime.
        if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
            return "sa.DateTime(timezone=True)"
        return False

    conf_args = current_app.extensions['migrate'].configure_args
    conf_args.setdefault("render_item", render_item)
    conf_args.setdefault("compare_type", True)
    # SQLite alters a table by copying it: generated migrations must use batch operations.
    conf_args.setdefault("render_as_batch", True)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        options = dict(conf_args)
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Off for the table copies, checked after each step, on again at the end.
            _sqlite_foreign_keys(connection, False)
            callbacks = options.get("on_version_apply") or []
            callbacks = list(callbacks) if isinstance(callbacks, (list, tuple)) else [callbacks]
            options["on_version_apply"] = [*callbacks, _check_foreign_keys]
        try:
            context.configure(
                connection=connection,
                target_metadata=get_metadata(),
                **options
            )

            with context.begin_transaction():
                context.run_migrations()
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, True)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
