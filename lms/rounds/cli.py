"""`flask --app app rounds list | refresh | analyse | report`: rounds from the server's command line."""
from __future__ import annotations

import sys
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from lms.db_setup import begin_write
from lms.extensions import db
from lms.models import Round, Unit
from lms.models.org import department
from lms.rounds import insights
from lms.rounds.dashboard import overview
from lms.rounds.membership import local_today, refresh_round_memberships
from lms.rounds.report import report_pdf
from lms.text import vi_percent

rounds_cli = AppGroup("rounds", help="Rounds (đợt): membership, analysis snapshots and reports.")


def _department() -> Unit:
    unit = department()
    if unit is None:
        click.echo("Error: there is no organisation yet.", err=True)
        sys.exit(1)
    return unit


def _round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        click.echo(f"Error: no round {round_id} (see `flask --app app rounds list`).", err=True)
        sys.exit(1)
    return round_


@rounds_cli.command("list")
def list_rounds() -> None:
    """Every round with its dates and the department's completion rate."""
    department = _department()
    for round_ in db.session.scalars(select(Round).order_by(Round.starts_on, Round.id)):
        tally = overview(round_, department).tally
        rate = vi_percent(tally.rate_bp) if tally.rate_bp is not None else "—"
        click.echo(f"{round_.id}\t{round_.name}\t{round_.starts_on:%d/%m/%Y}–{round_.deadline:%d/%m/%Y}\t"
                   f"{tally.certified}/{tally.must_complete}\t{rate}")


@rounds_cli.command("refresh")
def refresh() -> None:
    """Bring open rounds' membership up to date with the staff list (imports and unit moves do it too)."""
    begin_write()
    change = refresh_round_memberships()
    db.session.commit()
    click.echo(f"{change.joined} joined, {change.left} left, {change.returned} came back")


@rounds_cli.command("analyse")
@click.option("--round", "round_id", type=int, default=None, help="Only this round (default: rounds in progress "
                                                                   "or ended in the last 30 days).")
def analyse(round_id: int | None) -> None:
    """Recompute the department-wide analysis snapshots, e.g. from cron, so no visitor waits for them."""
    department = _department()
    if round_id is not None:
        rounds = [_round(round_id)]
    else:
        today = local_today()
        rounds = list(db.session.scalars(select(Round).where(
            Round.starts_on <= today, Round.deadline >= today - timedelta(days=30))))
    for round_ in rounds:
        result = insights.cached(round_, department, refresh=True)
        click.echo(f"{round_.name}: {len(result.questions)} questions, {len(result.mastery.rows)} units analysed")


@rounds_cli.command("report")
@click.argument("round_id", type=int)
@click.option("--unit", "unit_code", default=None, help="The unit (code) reported on; default the department.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True), help="PDF file to write.")
def report(round_id: int, unit_code: str | None, out: str) -> None:
    """Write a round's report (báo cáo kết quả quán triệt) as a PDF."""
    round_ = _round(round_id)
    unit = _department()
    if unit_code:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            click.echo(f"Error: no unit with code {unit_code}.", err=True)
            sys.exit(1)
    with open(out, "wb") as handle:
        handle.write(report_pdf(round_, unit, current_app.config.get("PDF_FONT_DIR") or None))
    click.echo(f"Report for {unit.name} written to {out}")
