"""Admin pages: check and load courses."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, flash, render_template
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from lms.admin import bp, services
from lms.db_setup import begin_write
from lms.extensions import db
from lms.views_common import roles_required


def _bank() -> Path:
    return Path(current_app.config["QUESTION_BANK_DIR"])


@bp.get("/content")
@roles_required("admin")
def content():
    """Courses in the database and the question-bank folders on disk."""
    return render_template("admin/content.html", courses=services.loaded_courses(), checks=None,
                           reports=None, form=FlaskForm())


@bp.post("/content/check")
@roles_required("admin")
def content_check():
    """Check the bank and list every problem with its file and line."""
    checks = services.check_bank(_bank())
    return render_template("admin/content.html", courses=services.loaded_courses(), checks=checks,
                           reports=None, form=FlaskForm())


@bp.post("/content/sync")
@roles_required("admin")
def content_sync():
    """Load the bank; nothing is written when any folder has a problem."""
    begin_write()
    checks, reports = services.sync_bank(_bank())
    if reports:
        db.session.commit()
        flash(_("Courses loaded from the question bank."), "success")
    else:
        db.session.rollback()
        flash(_("Nothing was loaded: fix the problems listed below first."), "error")
    return render_template("admin/content.html", courses=services.loaded_courses(), checks=checks,
                           reports=reports, form=FlaskForm()), 200 if reports else 422
