"""Forms for opening a round and exempting a member."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.text import nfc


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RoundForm(FlaskForm):
    course = SelectField(_l("Course"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Name of the round"), filters=[nfc], validators=[DataRequired(), Length(max=200)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired(message=_l("Enter a date."))])
    deadline = DateField(_l("Deadline"), validators=[DataRequired(message=_l("Enter a date."))])
    renews = BooleanField(_l("Start afresh: everyone reads, passes and signs again; new certificates supersede "
                             "those of earlier rounds"))
    units = MultiCheckboxField(_l("Target units (with everything below them)"), coerce=int,
                               validators=[DataRequired(message=_l("Choose at least one unit."))])
    submit = SubmitField(_l("Open the round"))


class ExemptionForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the exemption"), filters=[nfc], validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Exempt"))
