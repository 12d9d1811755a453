"""Pages of the learning path."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms.certificates.issue import issue_if_complete
from lms.db_setup import begin_write
from lms.extensions import db
from lms.learn import bp, services
from lms.markdown import render_markdown
from lms.views_common import course_or_404


@bp.get("/")
@login_required
def home():
    return redirect(url_for("learn.my_courses"))


@bp.get("/courses")
@login_required
def my_courses():
    """Every active course with a progress bar."""
    return render_template("learn/my_courses.html", **services.my_courses_view(current_user))


@bp.get("/courses/<course_key>")
@login_required
def course(course_key: str):
    """A course's lessons with what has been read."""
    course = course_or_404(course_key)
    items = services.course_lessons(course, current_user)
    read = sum(item.read for item in items)
    return render_template("learn/course.html", course=course, items=items, read=read)


def _lesson_or_404(course_key: str, lesson_key: str):
    """The course, its lessons for the current user and the index of the asked one; 404 if absent."""
    course = course_or_404(course_key)
    items = services.course_lessons(course, current_user)
    index = next((i for i, item in enumerate(items) if item.lesson.key == lesson_key), None)
    if index is None:
        abort(404)
    return course, items, index


@bp.get("/courses/<course_key>/lessons/<lesson_key>")
@login_required
def lesson(course_key: str, lesson_key: str):
    """One lesson: the clause it teaches, the body, previous/next and the "read" button."""
    course, items, index = _lesson_or_404(course_key, lesson_key)
    return render_template(
        "learn/lesson.html", course=course, item=items[index], number=index + 1, total=len(items),
        previous=items[index - 1] if index > 0 else None,
        following=items[index + 1] if index + 1 < len(items) else None,
        body=render_markdown(items[index].lesson.body_md), form=FlaskForm(),
    )


@bp.post("/courses/<course_key>/lessons/<lesson_key>/read")
@login_required
def mark_read(course_key: str, lesson_key: str):
    """Record the read, then go on to the next lesson (or back to the course after the last)."""
    begin_write()  # take the write lock before reading what we will write (SQLite)
    course, items, index = _lesson_or_404(course_key, lesson_key)
    if services.mark_read(current_user, items[index].lesson):
        issue_if_complete(current_user, course)  # the last lesson may be what completes the course
    db.session.commit()
    flash(_("Marked as read: %(title)s", title=items[index].lesson.title), "success")
    if index + 1 < len(items):
        return redirect(url_for("learn.lesson", course_key=course.key, lesson_key=items[index + 1].lesson.key))
    return redirect(url_for("learn.course", course_key=course.key))
