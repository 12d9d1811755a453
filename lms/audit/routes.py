"""The audit log page for administrators: newest first, filtered by action, actor, dates and target."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from lms.audit import services
from lms.audit.actions import ACTION_LABELS
from lms.audit.forms import AuditFilterForm
from lms.views_common import roles_required

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
FILTER_KEYS = ("action", "actor", "date_from", "date_to", "q")


@bp.get("")
@roles_required("admin")
def index():
    """Events newest first, 50 a page; a filter that cannot be read is explained, not guessed at."""
    form = AuditFilterForm(request.args, meta={"csrf": False})
    context = {"form": form, "labels": ACTION_LABELS, "details": services.detail_pairs}
    if not form.validate():
        return render_template("audit/index.html", rows=[], total=0, page=1, pages=1, args={}, invalid=True,
                               **context), 400
    chosen = services.AuditFilter(action=form.action.data or None, actor=form.actor.data or "",
                                  date_from=form.date_from.data, date_to=form.date_to.data, query=form.q.data or "")
    rows, total, page, pages = services.list_events(chosen, request.args.get("page", 1, type=int))
    args = {key: value for key, value in request.args.items() if key in FILTER_KEYS and value}
    return render_template("audit/index.html", rows=rows, total=total, page=page, pages=pages, args=args,
                           invalid=False, **context)
