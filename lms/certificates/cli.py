"""`flask --app app certificates export [--unit CODE] --out FILE.zip`."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from lms.certificates import services
from lms.exports.zipstream import stream_zip
from lms.extensions import db
from lms.models import Unit

certificates_cli = AppGroup("certificates", help="Export issued certificates.")


@certificates_cli.command("export")
@click.option("--unit", "unit_code", default=None, help="Only this unit and the units below it (unit code).")
@click.option("--status", type=click.Choice(services.STATUSES), default=None, help="Only certificates in this state.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="ZIP file to write.")
def export(unit_code: str | None, status: str | None, out: str) -> None:
    """Write the stored PDFs into a ZIP, one certificate in memory at a time."""
    unit = None
    if unit_code:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            click.echo(f"Error: no unit with code {unit_code}.", err=True)
            sys.exit(1)
    chosen = services.CertificateFilter(unit=unit, status=status)
    services.record_export(None, chosen, file_name=out)
    query = services.filtered_query(None, chosen)
    count = 0
    with open(out, "wb") as handle:
        for chunk in stream_zip(services.export_entries(query)):
            handle.write(chunk)
            count += 1
    click.echo(f"{max(count - 1, 0)} certificate(s) written to {out}")
