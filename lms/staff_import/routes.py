"""Staff import pages for HR and admins: upload, preview every row, apply, see the new accounts once."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.sheets import MAX_BYTES
from lms.sheets.writer import write_csv, write_xlsx
from lms.staff_import.apply import ImportRefused, PlanChanged, apply_import
from lms.staff_import.columns import ALIASES, REQUIRED, TEMPLATE_HEADINGS
from lms.staff_import.forms import ApplyForm, UploadForm
from lms.staff_import.preview import build_plan, check_file
from lms.staff_import.uploads import delete_upload, load_upload, store_upload
from lms.views_common import roles_required

bp = Blueprint("staff_import", __name__, url_prefix="/people/import")

PAGE_SIZE = 200
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _expired():
    flash(_("This upload has expired or has already been applied. Upload the file again."), "error")
    return redirect(url_for("staff_import.upload"))


@bp.route("", methods=["GET", "POST"])
@roles_required("hr", "admin")
def upload():
    """The upload form; a readable file is kept on the server and its preview opens."""
    form = UploadForm()
    problems = []
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.read(MAX_BYTES + 1)
        # Only the name: some browsers send the whole client path ("C:\\fakepath\\danh sach.xlsx").
        filename = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
        problems = check_file(data, filename)
        if not problems:
            token = store_upload(data, filename, user_id=current_user.id, sync=form.sync.data)
            return redirect(url_for("staff_import.preview", token=token))
    return render_template("staff_import/upload.html", form=form, problems=problems, aliases=ALIASES,
                           headings=TEMPLATE_HEADINGS, required=REQUIRED)


@bp.get("/template.<any(csv, xlsx):kind>")
@roles_required("hr", "admin")
def template(kind: str):
    """An empty staff list with the expected headings (the workbook's columns are formatted as text)."""
    headings = list(TEMPLATE_HEADINGS.values())
    if kind == "csv":
        body, mimetype = write_csv(headings), "text/csv; charset=utf-8"
    else:
        body, mimetype = write_xlsx(headings, sheet_title="Danh sách cán bộ", widths=(16, 30, 30, 30, 24, 14)), _XLSX
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename=danh-sach-can-bo.{kind}"})


@bp.get("/<token>")
@roles_required("hr", "admin")
def preview(token: str):
    """Every row with its problems next to the cell, and what applying would change."""
    stored = load_upload(token, user_id=current_user.id)
    if stored is None:
        return _expired()
    plan = build_plan(stored.data, stored.filename, sync=stored.sync, importer=current_user)
    only_problems = request.args.get("show") == "problems"
    rows = [row for row in plan.rows if row.problems] if only_problems else plan.rows
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return render_template("staff_import/preview.html", plan=plan, stored=stored, counts=plan.counts(),
                           rows=rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], page=page, pages=pages,
                           only_problems=only_problems, form=ApplyForm(fingerprint=plan.fingerprint()))


@bp.post("/<token>/apply")
@roles_required("hr", "admin")
def apply(token: str):
    """Apply exactly what the preview showed, or nothing; the new accounts' passwords are shown this once."""
    stored = load_upload(token, user_id=current_user.id)
    if stored is None:
        return _expired()
    form = ApplyForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please go back, reload the page and try again."), "error")
        return redirect(url_for("staff_import.preview", token=token))
    try:
        result = apply_import(stored.data, stored.filename, sync=stored.sync, importer=current_user,
                              expected_fingerprint=form.fingerprint.data)
    except PlanChanged:
        flash(_("Staff records changed after this preview was made, so nothing was applied. Check the preview "
                "again below, then apply it."), "error")
        return redirect(url_for("staff_import.preview", token=token))
    except ImportRefused as refused:
        for problem in refused.problems:
            flash(problem.message, "error")
        return redirect(url_for("staff_import.upload"))
    delete_upload(token)
    return render_template("staff_import/result.html", result=result, filename=stored.filename)
