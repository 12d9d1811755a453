"""Quiz pages: rules and history, the attempt sheet with autosave, finishing, the review."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms import clock
from lms.quiz import bp, services
from lms.quiz.review import build_review, build_sheet
from lms.quiz.services import QuizError
from lms.views_common import course_or_404

HTTP_STATUS = {"not_found": 404, "closed": 409, "time_up": 409, "bad_question": 400, "bad_option": 400}


def error_message(error: QuizError) -> str:
    """A sentence for the person; never a detail of the answers."""
    from lms.i18n import date_time

    messages = {
        "lessons_unread": _("Read every lesson before taking the quiz."),
        "already_passed": _("You have already passed this quiz."),
        "no_questions": _("This course has no quiz."),
        "max_attempts": _("You have used every attempt this course allows."),
        "cooldown": _("You can try again from %(time)s.", time=date_time(error.until)),
        "closed": _("This attempt is already finished."),
        "time_up": _("Time is up: the attempt was submitted with the answers saved in time."),
        "bad_question": _("That answer does not belong to this quiz."),
        "bad_option": _("That answer does not belong to this quiz."),
        "not_found": _("The page you asked for does not exist."),
        "unavailable": _("The quiz is not available at the moment. Please try again later."),
    }
    return messages.get(error.reason, _("This action is not allowed here."))


def _attempt_or_404(attempt_id: int):
    attempt = services.load_attempt(current_user.id, attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def _answers_from_form() -> dict[int, list[int]]:
    """Answers posted by the sheet: `shown` lists the question positions on the page, `q<n>` the picks."""
    answers = {}
    try:
        for position in {int(p) for p in request.form.getlist("shown")}:
            answers[position] = [int(v) for v in request.form.getlist(f"q{position}")]
    except ValueError:
        raise QuizError("bad_option") from None
    return answers


@bp.get("/courses/<course_key>/quiz")
@login_required
def landing(course_key: str):
    """The rules, the person's attempts, and the start or resume button."""
    course = course_or_404(course_key)
    status = services.quiz_status(current_user, course)
    if status.open_attempt is not None:
        closed = services.close_if_due(current_user.id, status.open_attempt)
        if not closed.is_open:
            status = services.quiz_status(current_user, course)
    return render_template("quiz/landing.html", course=course, status=status,
                           attempts_left=services.attempts_left(course, status), form=FlaskForm())


@bp.post("/courses/<course_key>/quiz/start")
@login_required
def start(course_key: str):
    course = course_or_404(course_key)
    try:
        attempt = services.start_attempt(current_user, course)
    except QuizError as error:
        flash(error_message(error), "error")
        return redirect(url_for("quiz.landing", course_key=course.key))
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int(max=2147483647):attempt_id>")
@login_required
def attempt(attempt_id: int):
    """The sheet of an open attempt; a finished or expired one goes to its review."""
    attempt = services.close_if_due(current_user.id, _attempt_or_404(attempt_id))
    if not attempt.is_open:
        if attempt.finish_reason == "timeout":
            flash(error_message(QuizError("time_up")), "info")
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    sheet = build_sheet(attempt)
    return render_template("quiz/attempt.html", attempt=attempt, course=attempt.course, sheet=sheet,
                           answered=sum(q.answered for q in sheet), form=FlaskForm(),
                           now_iso=clock.now().isoformat())


@bp.post("/attempts/<int(max=2147483647):attempt_id>/answer")
@login_required
def answer(attempt_id: int):
    """Autosave one question as it is picked (JSON); says only what was saved, never if it is right."""
    try:
        position = int(request.form.get("question", ""))
        options = [int(v) for v in request.form.getlist("option")]
    except ValueError:
        return jsonify(ok=False, error=error_message(QuizError("bad_option"))), 400
    try:
        saved = services.save_answers(current_user.id, attempt_id, {position: options})
    except QuizError as error:
        return jsonify(ok=False, error=error_message(error), closed=error.reason in {"closed", "time_up"}), \
            HTTP_STATUS.get(error.reason, 400)
    return jsonify(ok=True, answered=saved.answered, total=saved.total)


@bp.post("/attempts/<int(max=2147483647):attempt_id>/save")
@login_required
def save(attempt_id: int):
    """Save every answer on the sheet (the form's own submit, for browsers without JavaScript)."""
    try:
        services.save_answers(current_user.id, attempt_id, _answers_from_form())
    except QuizError as error:
        if error.reason == "not_found":
            abort(404)
        flash(error_message(error), "error")
        if error.reason in {"closed", "time_up"}:
            return redirect(url_for("quiz.review", attempt_id=attempt_id))
        return redirect(url_for("quiz.attempt", attempt_id=attempt_id))
    flash(_("Your answers are saved."), "success")
    return redirect(url_for("quiz.attempt", attempt_id=attempt_id))


@bp.post("/attempts/<int(max=2147483647):attempt_id>/finish")
@login_required
def finish(attempt_id: int):
    """Save what the sheet carries, then finish and score once; repeating it leads to the same review."""
    try:
        answers = _answers_from_form()
        if answers:
            services.save_answers(current_user.id, attempt_id, answers)
    except QuizError as error:
        if error.reason == "not_found":
            abort(404)
        if error.reason not in {"closed", "time_up"}:
            flash(error_message(error), "error")
            return redirect(url_for("quiz.attempt", attempt_id=attempt_id))
    try:
        services.finish_attempt(current_user.id, attempt_id)
    except QuizError:
        abort(404)
    return redirect(url_for("quiz.review", attempt_id=attempt_id))


@bp.get("/attempts/<int(max=2147483647):attempt_id>/review")
@login_required
def review(attempt_id: int):
    """Score, per-clause breakdown with links to lessons, and the answers as the policy allows."""
    attempt = _attempt_or_404(attempt_id)
    if attempt.is_open:
        return redirect(url_for("quiz.attempt", attempt_id=attempt.id))
    status = services.quiz_status(current_user, attempt.course)
    return render_template("quiz/review.html", review=build_review(attempt), course=attempt.course,
                           status=status, form=FlaskForm())
