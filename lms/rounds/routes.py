"""Round pages: the list, opening a round, a unit's dashboard and exemptions."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from lms.charts import Bar, HeatColumn, HeatRow, completion_bars, heat_map, progress_line
from lms.exports.filenames import content_disposition, safe_filename
from lms.exports.response import sheet_response
from lms.exports.sheets import Column
from lms.extensions import db
from lms.learn.services import active_courses
from lms.models import STATUSES, Round, User
from lms.people.services import visible_units
from lms.rounds import dashboard, insights, membership
from lms.rounds.forms import ExemptionForm, RoundForm
from lms.rounds.labels import flag_label, status_label
from lms.rounds.report import report_pdf
from lms.views_common import is_safe_next, roles_required

bp = Blueprint("rounds", __name__, url_prefix="/rounds")
VIEWERS = ("admin", "hr", "unit_head")


def _message(reason: str) -> str:
    return {
        "name_required": _("Give the round a name."),
        "deadline_before_start": _("The deadline cannot be before the start."),
        "deadline_past": _("The deadline has already passed."),
        "units_required": _("Choose at least one unit that is in use."),
        "reason_required": _("Give the reason for the exemption."),
        "not_member": _("This person is not part of the round."),
        "name_taken": _("This course already has a round with this name."),
        "nothing_to_renew": _("There is no earlier round of this course to start afresh from."),
        "renewal_overlaps": _("A round that starts afresh must begin after every earlier round of the course "
                              "has ended."),
        "start_too_early": _("The start cannot be more than a year ago."),
        "round_in_use": _("This round already has exemptions or work done in it; it stays on record."),
    }.get(reason, _("This action is not allowed here."))


def visible_round(round_id: int, rounds: list[Round] | None = None) -> Round:
    """The round if the viewer may see it (among `rounds`, when already looked up), else 404: a head
    never learns of other units' rounds."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_ not in (dashboard.visible_rounds(current_user) if rounds is None else rounds):
        abort(404)
    return round_


def focus_unit():
    """The unit asked for in ?unit=, or the viewer's default; 403 for a unit outside their scope."""
    unit_id = request.args.get("unit", type=int)
    if unit_id is not None and not 0 < unit_id < 2**31:
        abort(404)
    focus = dashboard.resolve_focus(current_user, unit_id)
    if focus is None:
        abort(403 if unit_id else 404)
    return focus


def filters() -> dict:
    """The list filters from the query string, only the known ones."""
    status = request.args.get("status") or None
    if status not in (*STATUSES, "unfinished", None):
        status = None
    return {"status": status, "q": (request.args.get("q") or "").strip()[:100] or None}


@bp.get("")
@roles_required(*VIEWERS)
def index():
    """Go to the current round's dashboard; list the rounds when there is none yet."""
    rounds = dashboard.visible_rounds(current_user)
    current = dashboard.current_round(rounds)
    if current is not None and request.args.get("all") is None:
        return redirect(url_for("rounds.show", round_id=current.id))
    return render_template("rounds/index.html", rounds=rounds, current=current)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("admin")
def new():
    """Open a course for target units with a start and a deadline."""
    form = RoundForm()
    form.course.choices = [(c.id, c.title) for c in active_courses()]
    units = visible_units(current_user)
    form.units.choices = [(u.id, "— " * u.depth + u.name) for u in units]
    if form.validate_on_submit():
        course = next(c for c in active_courses() if c.id == form.course.data)
        try:
            round_ = membership.open_round(course, name=form.name.data, starts_on=form.starts_on.data,
                                           deadline=form.deadline.data, unit_ids=form.units.data, by=current_user,
                                           renews=form.renews.data)
        except membership.RoundError as error:
            flash(_message(error.reason), "error")
        else:
            flash(_("Round %(name)s opened.", name=round_.name), "success")
            return redirect(url_for("rounds.show", round_id=round_.id))
    return render_template("rounds/new.html", form=form)


@bp.get("/<int(max=2147483647):round_id>")
@roles_required(*VIEWERS)
def show(round_id: int):
    """A unit's completion in the round: rate, counts per status, sub-units, the people."""
    rounds = dashboard.visible_rounds(current_user)
    round_ = visible_round(round_id, rounds)
    focus = focus_unit()
    chosen = filters()
    result = dashboard.overview(round_, focus)
    rows, total, page = dashboard.people_page(round_, focus, page=request.args.get("page", 1, type=int), **chosen)
    chart = completion_bars(
        [Bar(label=_("%(unit)s (own staff)", unit=row.unit.name) if row.own_only and len(result.units) > 1
             else row.unit.name, done=row.tally.certified, total=row.tally.must_complete)
         for row in result.units if row.tally.must_complete],
        title=_("Certified, by unit")) if len(result.units) > 1 else None
    return render_template(
        "rounds/show.html", round=round_, overview=result, rows=rows, total=total, page=page, chart=chart,
        pages=max((total + dashboard.PAGE_SIZE - 1) // dashboard.PAGE_SIZE, 1), filters=chosen,
        rounds=rounds, crumbs=dashboard.breadcrumbs(current_user, focus),
        units=visible_units(current_user),
        statuses=STATUSES, exemption_form=ExemptionForm())


@bp.post("/<int(max=2147483647):round_id>/delete")
@roles_required("admin")
def delete(round_id: int):
    """Delete a round opened by mistake (refused once it is in use)."""
    round_ = visible_round(round_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    name = round_.name
    try:
        membership.delete_round(round_)
    except membership.RoundError as error:
        flash(_message(error.reason), "error")
        return redirect(url_for("rounds.show", round_id=round_id))
    flash(_("Round %(name)s deleted.", name=name), "success")
    return redirect(url_for("rounds.index", all=1))


@bp.post("/<int(max=2147483647):round_id>/members/<int(max=2147483647):user_id>/exemption")
@roles_required("admin", "hr")
def exemption(round_id: int, user_id: int):
    """Exempt a member with a reason, or (with an empty reason and clear=1) lift the exemption."""
    round_ = visible_round(round_id)
    form = ExemptionForm()
    if not form.validate_on_submit():
        abort(400)
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    clear = request.form.get("clear") == "1"
    try:
        membership.set_exemption(round_, user_id, None if clear else (form.reason.data or ""), current_user)
    except membership.RoundError as error:
        flash(_message(error.reason), "error")
    else:
        flash(_("Exemption lifted for %(name)s.", name=person.full_name) if clear
              else _("%(name)s is exempt from this round.", name=person.full_name), "success")
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else url_for("rounds.show", round_id=round_.id))


@bp.get("/pick")
@roles_required(*VIEWERS)
def pick():
    """The round chosen in the selector (a plain GET form, so it works without JavaScript)."""
    round_id = request.args.get("round", type=int)
    if round_id is None or not 0 < round_id < 2**31:
        abort(404)
    return redirect(url_for("rounds.show", round_id=visible_round(round_id).id))


@bp.get("/<int(max=2147483647):round_id>/report.pdf")
@roles_required(*VIEWERS)
def report(round_id: int):
    """The unit's (or the department's) report for the round, as a Decree 30 style PDF."""
    round_ = visible_round(round_id)
    focus = focus_unit()
    pdf = report_pdf(round_, focus, current_app.config.get("PDF_FONT_DIR") or None)
    name = safe_filename(f"Báo cáo quán triệt - {focus.name} - {round_.name}") + ".pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": content_disposition(name)})


@bp.app_template_global("status_label")
def _status_label(status: str) -> str:
    return status_label(status)


@bp.app_template_global("flag_label")
def _flag_label(flag: str) -> str:
    return flag_label(flag)


@bp.get("/<int(max=2147483647):round_id>/export.<any(csv, xlsx):fmt>")
@roles_required(*VIEWERS)
def export(round_id: int, fmt: str):
    """The people of the unit (with the page's filters) as a spreadsheet, streamed row by row."""
    round_ = visible_round(round_id)
    focus = focus_unit()
    chosen = filters()
    columns = [Column(_("Full name"), "full_name", 28), Column(_("Employee code"), "employee_code", 14),
               Column(_("Unit"), "unit_name", 36), Column(_("Job title"), "job_title", 22),
               Column(_("Status"), "status", 20), Column(_("In the round since"), "joined_on", 14),
               Column(_("Reason for the exemption"), "exempt_reason", 30)]
    rows = ({"full_name": p.full_name, "employee_code": p.employee_code, "unit_name": p.unit_name,
             "job_title": p.job_title or "", "status": status_label(p.status), "joined_on": p.joined_on,
             "exempt_reason": p.exempt_reason or ""}
            for p in dashboard.people_rows(round_, focus, **chosen))
    return sheet_response(fmt, columns, rows, safe_filename(f"{round_.name} - {focus.name}"),
                          title=f"{round_.name} — {focus.name}")


@bp.get("/<int(max=2147483647):round_id>/analysis")
@roles_required("admin", "hr")
def analysis(round_id: int):
    """Progress through the round, clause mastery by unit and question statistics, for the focus unit."""
    round_ = visible_round(round_id)
    focus = focus_unit()
    result = insights.cached(round_, focus)
    target = dashboard.must_complete(round_, focus)
    charts = {
        "progress": progress_line(result.progress, _("Certified so far, day by day"), target=target,
                                  deadline=round_.deadline),
        "mastery": heat_map(
            [HeatColumn(short=c.key, full=f"{c.label}: {c.title}") for c in result.mastery.clauses],
            [HeatRow(label=_("%(unit)s (own staff)", unit=r.name) if r.own_only else r.name,
                     values=[t.percent for t in r.cells], counts=[t.count for t in r.cells])
             for r in result.mastery.rows],
            title=_("Percent correct by unit and clause")),
    }
    return render_template("rounds/analysis.html", round=round_, focus=focus, analysis=result, target=target,
                           crumbs=dashboard.breadcrumbs(current_user, focus), charts=charts)


@bp.post("/<int(max=2147483647):round_id>/analysis")
@roles_required("admin", "hr")
def refresh_analysis(round_id: int):
    """Recompute the analysis now instead of waiting for the snapshot to age."""
    round_ = visible_round(round_id)
    focus = focus_unit()
    insights.cached(round_, focus, refresh=True)
    flash(_("The figures have been recalculated."), "success")
    return redirect(url_for("rounds.analysis", round_id=round_.id, unit=focus.id))
