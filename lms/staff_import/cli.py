"""`flask --app app staff import FILE [--dry-run] [--sync] [--passwords-out FILE]`.

Prints the preview (counts, then every problem with its row); a file-level problem exits 1. Without
--dry-run the valid rows are applied (rows with errors are skipped and listed). With --dry-run the
exit status is 1 when any row has an error, so a script can check a file before a real run.
"""
from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.exports.sheets import neutralise
from lms.sheets import MAX_BYTES
from lms.staff_import.apply import ApplyResult, ImportRefused, PlanChanged, apply_import
from lms.staff_import.plan import ImportPlan
from lms.staff_import.preview import build_plan

staff_cli = AppGroup("staff", help="Manage staff from HR's spreadsheet.")


def _summary(counts: dict[str, int]) -> str:
    return _("New: %(new)d, updated: %(updated)d, moved: %(moved)d, reactivated: %(reactivated)d, "
             "unchanged: %(unchanged)d, deactivated: %(deactivated)d; rows with errors: %(errors)d, "
             "with warnings: %(warnings)d.", **counts)


def _print_plan(plan: ImportPlan) -> None:
    for problem in plan.file_problems:
        click.echo(_("Error: %(message)s", message=problem.message), err=True)
    for note in plan.notes:
        click.echo(_("Note: %(message)s", message=note.message))
    if not plan.can_apply:
        return
    click.echo(_summary(plan.counts()))
    for row in plan.rows:
        for problem in row.problems:
            label = _("error") if problem.is_error else _("warning")
            click.echo(f"{label}: {problem}")
    for leaving in plan.deactivations:
        click.echo(_("Deactivate: %(code)s %(name)s (%(unit)s)", code=leaving.employee_code,
                     name=leaving.full_name, unit=leaving.unit))


def _write_passwords(result: ApplyResult, path: str | None) -> None:
    rows = [(a.employee_code, a.full_name, a.email, a.unit, a.password) for a in result.created]
    if not rows:
        return
    heading = ("employee_code", "full_name", "email", "unit", "password")
    if path is None:
        click.echo(_("Initial passwords of the new accounts (shown only now):"))
        for row in rows:
            click.echo("\t".join(row))
        return
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(heading)
        # Names come from the uploaded list; one starting with @, + or - would run as a formula in Excel.
        writer.writerows([neutralise(value or "") for value in row] for row in rows)
    click.echo(_("Initial passwords of %(num)d new accounts written to %(path)s.", num=len(rows), path=path))


@staff_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--dry-run", is_flag=True, help="Only print the preview; change nothing.")
@click.option("--sync", is_flag=True, help="Also deactivate active staff who are not in the file.")
@click.option("--passwords-out", type=click.Path(dir_okay=False), default=None,
              help="Write the new accounts' initial passwords to this CSV file (created, never overwritten).")
@click.option("--lang", type=click.Choice(("vi", "en")), default=None, help="Language of the messages.")
def import_staff(file: str, dry_run: bool, sync: bool, passwords_out: str | None, lang: str | None) -> None:
    """Import staff from an .xlsx or .csv file (employee code, full name, email, unit, job title, role)."""
    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        path = Path(file)
        if passwords_out and Path(passwords_out).exists():
            click.echo(_("Error: %(path)s already exists; choose a new file for the passwords.", path=passwords_out),
                       err=True)
            sys.exit(1)
        if path.stat().st_size > MAX_BYTES:
            click.echo(_("Error: the file is larger than %(limit)d MB.", limit=MAX_BYTES // (1024 * 1024)), err=True)
            sys.exit(1)
        data = path.read_bytes()
        plan = build_plan(data, path.name, sync=sync, importer=None)
        _print_plan(plan)
        if not plan.can_apply:
            sys.exit(1)
        if dry_run:
            click.echo(_("Dry run: nothing was changed."))
            sys.exit(1 if plan.counts()["errors"] else 0)
        if not plan.has_changes:
            click.echo(_("Nothing to change."))
            return
        try:
            result = apply_import(data, path.name, sync=sync, importer=None, expected_fingerprint=plan.fingerprint())
        except (PlanChanged, ImportRefused):
            click.echo(_("Error: staff records changed while the file was being checked; nothing was applied. "
                         "Run the command again."), err=True)
            sys.exit(1)
        click.echo(_("Applied. %(summary)s", summary=_summary(result.counts)))
        _write_passwords(result, passwords_out)
