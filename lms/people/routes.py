"""Staff directory page."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from lms.extensions import db
from lms.learn.services import active_courses
from lms.models import Unit
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
