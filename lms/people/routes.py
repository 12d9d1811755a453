"""Staff directory page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from lms.auth import services as auth_services
from lms.db_setup import begin_write
from lms.extensions import db
from lms.learn.services import active_courses
from lms.models import Unit, User
from lms.people import bp, services
from lms.views_common import roles_required


@bp.get("/people")
@roles_required("admin", "hr", "unit_head")
def people():
    """Staff the viewer may see, filtered by unit and an accent-insensitive name or code search."""
    unit = None
    unit_id = request.args.get("unit", type=int)
    if unit_id is not None and not 0 < unit_id < 2**31:
        abort(404)
    if unit_id:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            abort(404)
        if not services.can_see_unit(current_user, unit):
            abort(403)
    courses = active_courses()
    query = request.args.get("q", "")
    result = services.list_people(current_user, unit=unit, query=query,
                                  page=request.args.get("page", 1, type=int),
                                  course=courses[0] if courses else None)
    return render_template("people/list.html", result=result, units=services.visible_units(current_user),
                           unit=unit, query=query, course=courses[0] if courses else None)


@bp.post("/people/<int(max=2147483647):user_id>/password")
@roles_required("admin", "hr")
def reset_password(user_id: int):
    """Give a person a new random password, shown once; HR may not reset an administrator's."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    if person.has_role("admin") and not current_user.has_role("admin"):
        flash(_("Only an administrator may reset an administrator's password."), "error")
        return redirect(url_for("people.people", q=person.employee_code))
    begin_write()
    person = db.session.get(User, user_id)
    password = auth_services.reset_password(person)
    db.session.commit()
    return render_template("people/password.html", person=person, password=password)
