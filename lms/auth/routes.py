"""Login and logout pages."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth import bp
from lms.auth.audit_events import record_login_failure, record_login_success
from lms.auth.forms import LoginForm
from lms.auth.services import authenticate, end_all_sessions, find_login_user
from lms.auth.throttle import account_key, login_throttle, minutes
from lms.extensions import db
from lms.views_common import is_safe_next


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on success start a fresh session and go to `next` if it is local."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.my_courses"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        throttle = login_throttle()
        named = find_login_user(form.identifier.data)
        account = account_key(form.identifier.data, named.id if named else None)
        wait = throttle.retry_after(account, request.remote_addr)
        if wait or not throttle.claim(account):
            wait = wait or throttle.retry_after(account, request.remote_addr) or 1
            # The password is not even checked: a throttled guess learns nothing, whether or not the account exists.
            current_app.logger.warning("login throttled for address %s", request.remote_addr)
            flash(ngettext("Too many failed logins. Please try again in %(num)d minute.",
                           "Too many failed logins. Please try again in %(num)d minutes.", minutes(wait)), "error")
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait)}
        user = authenticate(form.identifier.data, form.password.data)
        if user is None:
            throttle.failed(request.remote_addr)
            record_login_failure(form.identifier.data)
            flash(_("Wrong employee code, email or password."), "error")
        else:
            throttle.succeeded(account)
            record_login_success(user)
            lang = session.get("lang")
            session.clear()  # a new session id's worth of state: no fixation
            if lang:
                session["lang"] = lang
            login_user(user, remember=form.remember.data)
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("learn.my_courses"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """End the session everywhere: copies of the session cookie and the remember-me cookie stop working."""
    lang = session.get("lang")
    end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    session["_remember"] = "clear"  # Flask-Login deletes the remember-me cookie on the way out
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
