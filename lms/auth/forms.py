"""Login form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from lms.text import nfc


class LoginForm(FlaskForm):
    """Employee code or email, and password."""

    identifier = StringField(_l("Employee code or email"), filters=[nfc],
                             validators=[DataRequired(), Length(max=254)],
                             render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))
