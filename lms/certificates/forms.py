"""Forms: the commitment, HR's filter and revocation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from lms.text import nfc


class CommitmentForm(FlaskForm):
    agree = BooleanField(_l("I have read the commitment above and undertake to carry it out."))
    full_name = StringField(_l("Type your full name"), filters=[nfc], validators=[DataRequired(), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    submit = SubmitField(_l("Sign the commitment"))


class FilterForm(FlaskForm):
    q = StringField(_l("Name or serial number"), filters=[nfc], validators=[Optional(), Length(max=200)])
    unit = SelectField(_l("Unit"), coerce=int, validators=[Optional()], default=0)
    date_from = DateField(_l("Issued from"), validators=[Optional()])
    date_to = DateField(_l("Issued until"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()], choices=[
        SelectChoice("", _l("Any status")), SelectChoice("valid", _l("Valid")), SelectChoice("expired", _l("Expired")),
        SelectChoice("revoked", _l("Revoked")), SelectChoice("superseded", _l("Superseded"))])


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason for revoking"), filters=[nfc], validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Revoke"))
