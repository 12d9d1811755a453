"""Admin pages for the unit tree and its heads."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from lms.extensions import db
from lms.models import Unit
from lms.org import bp, services
from lms.org.forms import EditUnitForm, HeadForm, UnitForm
from lms.views_common import roles_required


def _message(reason: str) -> str:
    return {
        "required": _("Code and name are required."),
        "code_taken": _("Another unit already uses this code."),
        "no_parent": _("Choose the unit this one belongs to."),
        "one_department": _("The department already exists: choose the unit this one belongs to."),
        "cycle": _("A unit cannot be moved under itself or one of its own units."),
        "has_staff": _("Staff still work in this unit or below it; move them first."),
        "no_person": _("No one has this employee code."),
    }.get(reason, _("This action is not allowed here."))


def _parent_choices(exclude: Unit | None = None) -> list[SelectChoice]:
    rows = services.unit_tree()
    return [SelectChoice(0, "—")] + [
        SelectChoice(r.unit.id, "— " * r.depth + r.unit.name) for r in rows
        if r.unit.active and (exclude is None or not r.unit.path.startswith(exclude.path))]


@bp.route("", methods=["GET", "POST"])
@roles_required("admin")
def index():
    """The tree with staff counts and heads, and a form to add a unit."""
    form = UnitForm()
    form.parent.choices = _parent_choices()
    if form.validate_on_submit():
        try:
            unit = services.create_unit(form.code.data, form.name.data, form.short_name.data, form.parent.data or None)
        except services.UnitError as error:
            flash(_message(error.reason), "error")
        else:
            flash(_("Unit %(name)s added.", name=unit.name), "success")
            return redirect(url_for("org.index"))
    return render_template("admin/units.html", rows=services.unit_tree(), form=form)


@bp.route("/<int(max=2147483647):unit_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit(unit_id: int):
    """Rename, move or retire a unit; add and remove its heads."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    form = EditUnitForm(obj=unit)
    form.parent.choices = _parent_choices(exclude=unit)
    if not form.is_submitted():
        form.parent.data = unit.parent_id or 0
    if form.validate_on_submit():
        try:
            services.update_unit(unit_id, name=form.name.data, short_name=form.short_name.data,
                                 parent_id=form.parent.data or None, active=form.active.data)
        except services.UnitError as error:
            flash(_message(error.reason), "error")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("org.edit", unit_id=unit_id))
    return render_template("admin/unit.html", unit=unit, form=form, head_form=HeadForm(),
                           heads=services.heads_of(unit_id), remove_form=FlaskForm())


@bp.post("/<int(max=2147483647):unit_id>/heads")
@roles_required("admin")
def add_head(unit_id: int):
    form = HeadForm()
    if form.validate_on_submit():
        try:
            user = services.add_head(unit_id, form.employee_code.data)
        except services.UnitError as error:
            if error.reason == "not_found":
                abort(404)
            flash(_message(error.reason), "error")
        else:
            flash(_("%(name)s now heads this unit.", name=user.full_name), "success")
    return redirect(url_for("org.edit", unit_id=unit_id))


@bp.post("/<int(max=2147483647):unit_id>/heads/<int(max=2147483647):user_id>/remove")
@roles_required("admin")
def remove_head(unit_id: int, user_id: int):
    try:
        services.remove_head(unit_id, user_id)
    except services.UnitError:
        abort(404)
    flash(_("Head removed."), "success")
    return redirect(url_for("org.edit", unit_id=unit_id))
