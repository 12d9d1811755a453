"""Certificate pages: the commitment, downloads, HR's list, ZIP export and revocation, public verification."""
from __future__ import annotations

from io import BytesIO

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from lms.certificates import bp, services
from lms.certificates.forms import CommitmentForm, FilterForm, RevokeForm
from lms.certificates.issue import completion
from lms.exports.filenames import content_disposition
from lms.exports.zipstream import stream_zip
from lms.extensions import db, limiter
from lms.models import Certificate, Unit
from lms.people.services import can_see_unit, visible_units
from lms.views_common import course_or_404, is_safe_next, roles_required

FILTER_KEYS = ("q", "unit", "status", "date_from", "date_to")


def _message(reason: str) -> str:
    messages = {
        "not_agreed": _("Tick the box to confirm your commitment."),
        "name_mismatch": _("The name you typed does not match your name in the staff list."),
        "already_signed": _("You have already signed this commitment."),
        "not_passed": _("Pass the quiz before signing the commitment."),
        "reason_required": _("Give a reason for revoking."),
        "not_valid": _("Only a valid certificate can be revoked."),
    }
    return messages.get(reason, _("This action is not allowed here."))


@bp.route("/courses/<course_key>/commitment", methods=["GET", "POST"])
@login_required
def commitment(course_key: str):
    """Sign the cam kết: tick the box and type your full name again."""
    course = course_or_404(course_key)
    if not course.commitment_required:
        abort(404)
    state = completion(current_user, course)
    form = CommitmentForm()
    if form.validate_on_submit():
        try:
            certificate = services.sign_commitment(
                current_user, course, agreed=form.agree.data, typed_name=form.full_name.data,
                ip_address=request.remote_addr, user_agent=request.user_agent.string)
        except services.CertificateError as error:
            flash(_message(error.reason), "error")
        else:
            flash(_("Your commitment is signed.") + (" " + _("Your certificate is ready.") if certificate else ""),
                  "success")
            return redirect(url_for("learn.my_courses"))
    return render_template("certificates/commitment.html", course=course, state=state, form=form)


def _pdf_response(certificate: Certificate) -> Response:
    response = send_file(BytesIO(services.pdf_bytes(certificate)), mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(services.download_name(certificate))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/certificates/<int(max=2147483647):certificate_id>/pdf")
@login_required
def download(certificate_id: int):
    """The stored PDF, exactly as issued; someone else's certificate is a 404 unless HR or admin."""
    certificate = services.visible_certificate(current_user, certificate_id)
    if certificate is None:
        abort(404)
    services.record_download(certificate)
    return _pdf_response(certificate)


def _filter_from_request(form: FilterForm) -> services.CertificateFilter:
    unit = None
    if form.unit.data:
        unit = db.session.get(Unit, form.unit.data)
        if unit is None or not can_see_unit(current_user, unit):
            abort(403)
    return services.CertificateFilter(unit=unit, date_from=form.date_from.data, date_to=form.date_to.data,
                                      status=form.status.data or None, query=form.q.data or "")


def _filter_form() -> FilterForm:
    form = FilterForm(request.args, meta={"csrf": False})
    form.unit.choices = [SelectChoice(0, _("All units"))] + [
        SelectChoice(u.id, "— " * u.depth + u.name) for u in visible_units(current_user)]
    if request.args and not form.validate():
        abort(400)
    return form


@bp.get("/certificates")
@roles_required("hr", "admin")
def index():
    """Every certificate within reach, filtered by unit (with sub-units), dates, status and name."""
    form = _filter_form()
    rows, total, page, pages = services.list_certificates(current_user, _filter_from_request(form),
                                                         request.args.get("page", 1, type=int))
    args = {k: v for k, v in request.args.items() if k in FILTER_KEYS and v}
    return render_template("certificates/list.html", form=form, rows=rows, total=total, page=page, pages=pages,
                           args=args, revoke_form=RevokeForm())


@bp.get("/certificates/export.zip")
@roles_required("hr", "admin")
def export_zip():
    """A ZIP of the current filter, streamed: certificates are read one at a time as the archive goes out."""
    chosen = _filter_from_request(_filter_form())
    services.record_export(current_user, chosen, file_name="giay-chung-nhan.zip")
    query = services.filtered_query(current_user, chosen)
    headers = {"Content-Disposition": "attachment; filename=\"giay-chung-nhan.zip\"", "Cache-Control": "no-store"}
    body = stream_with_context(stream_zip(services.export_entries(query)))
    return Response(body, mimetype="application/zip", headers=headers)


@bp.post("/certificates/<int(max=2147483647):certificate_id>/revoke")
@roles_required("hr", "admin")
def revoke(certificate_id: int):
    certificate = services.visible_certificate(current_user, certificate_id)
    if certificate is None:
        abort(404)
    form = RevokeForm()
    try:
        if not form.validate_on_submit():
            raise services.CertificateError("reason_required")
        services.revoke(certificate, current_user, form.reason.data)
    except services.CertificateError as error:
        flash(_message(error.reason), "error")
    else:
        flash(_("Certificate %(serial)s is revoked.", serial=certificate.serial), "success")
    back = request.form.get("next") or ""
    return redirect(back if is_safe_next(back) and back.startswith("/certificates") else url_for("certificates.index"))


@bp.get("/verify/<code>")
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"])
def verify(code: str):
    """Public: is this certificate genuine? Minimal personal data; one page for every unknown code."""
    certificate = services.verify(code, request.remote_addr, request.user_agent.string)
    if certificate is None:
        return render_template("certificates/verify.html", certificate=None, form=FlaskForm()), 404
    return render_template("certificates/verify.html", certificate=certificate, status=certificate.effective_status)
