"""Command-line interface: `flask --app app content|users|demo …`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from lms.db_setup import refresh_statistics
from lms.extensions import db

content_cli = AppGroup("content", help="Check and load courses from question_bank/.")
users_cli = AppGroup("users", help="Manage accounts.")


def _folders(path: str | None) -> list[Path]:
    """Course folders at PATH (default: the configured bank); exit with a message when there are none."""
    from lms.content.loader import course_folders

    bank = Path(path) if path else Path(current_app.config["QUESTION_BANK_DIR"])
    folders = course_folders(bank)
    if not folders:
        click.echo(f"{bank}:1: no course folder (with course.yaml) found", err=True)
        sys.exit(1)
    return folders


@content_cli.command("check")
@click.argument("path", required=False)
def content_check(path: str | None) -> None:
    """Validate PATH (a course folder or the whole bank); print `file:line: problem` for each problem."""
    from lms.content.loader import load_course

    total = 0
    for folder in _folders(path):
        course, problems = load_course(folder)
        for problem in problems:
            click.echo(str(problem))
        total += len(problems)
        if course is not None and not problems:
            click.echo(f"{folder.name}: OK — {len(course.clauses)} clauses, {len(course.lessons)} lessons, "
                       f"{len(course.questions)} questions", err=True)
    if total:
        click.echo(f"{total} problem(s) found.", err=True)
        sys.exit(1)


@content_cli.command("sync")
@click.argument("path", required=False)
def content_sync(path: str | None) -> None:
    """Load PATH into the database (idempotent); refuses to load a bank with problems."""
    from lms.content.importer import sync_course
    from lms.content.loader import load_course

    specs = []
    for folder in _folders(path):
        course, problems = load_course(folder)
        if problems or course is None:
            for problem in problems:
                click.echo(str(problem), err=True)
            click.echo(f"{folder.name}: not loaded — fix the problems above first.", err=True)
            sys.exit(1)
        specs.append(course)
    from lms.admin.services import record_sync

    reports = [sync_course(spec) for spec in specs]
    for report in reports:
        click.echo(report.summary())
    record_sync(reports)
    db.session.commit()


@users_cli.command("create-admin")
@click.option("--code", prompt="Employee code", help="Employee code used to log in.")
@click.option("--name", prompt="Full name", help="Full name as it should appear on certificates.")
@click.option("--email", default="", help="Email (optional; can also be used to log in).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 12 characters.")
def create_admin(code: str, name: str, email: str, password: str) -> None:
    """Create an administrator account (who also holds the HR role)."""
    from lms.audit import record
    from lms.auth.services import AccountError, create_user

    try:
        user = create_user(employee_code=code, full_name=name, email=email or None, password=password,
                           roles=("admin", "hr"))
    except AccountError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    record("role.grant", target=user, details={"roles": ["admin", "hr"], "new_account": True})
    db.session.commit()
    click.echo(f"Administrator {user.full_name} ({user.employee_code}) created.")


@users_cli.command("set-password")
@click.argument("code")
@click.option("--generate", is_flag=True, help="Make up a random password and print it.")
@click.option("--password", default=None, help="The new password (asked for when neither option is given).")
def set_password(code: str, generate: bool, password: str | None) -> None:
    """Give an account a new password and log it out everywhere (a forgotten or lost password)."""
    from lms.auth.services import AccountError, find_login_user, reset_password

    user = find_login_user(code)
    if user is None:
        click.echo(f"Error: no account with the code or email {code}.", err=True)
        sys.exit(1)
    if not generate and password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        chosen = reset_password(user, None if generate else password)
    except AccountError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"New password for {user.full_name} ({user.employee_code}): {chosen}" if generate
               else f"Password changed for {user.full_name} ({user.employee_code}).")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def demo(if_empty: bool) -> None:
    """Fill the database with a realistic demo department (needs the course loaded first)."""
    from lms.demo.seed import DemoError, seed_demo
    from lms.models import User

    if db.session.scalar(select(func.count(User.id))):
        if if_empty:
            click.echo("Database already has users; demo data not added.")
            return
        click.echo("Error: the database already has users; demo data goes only into an empty database.", err=True)
        sys.exit(1)
    try:
        summary = seed_demo()
    except DemoError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    refresh_statistics()
    click.echo(summary)


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo)
    from lms.certificates.cli import certificates_cli

    app.cli.add_command(certificates_cli)
    from lms.staff_import.cli import staff_cli

    app.cli.add_command(staff_cli)
    from lms.rounds.cli import rounds_cli

    app.cli.add_command(rounds_cli)
    from lms.ops.cli import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
