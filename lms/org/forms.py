"""Forms for units and unit heads."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from lms.text import nfc


class UnitForm(FlaskForm):
    code = StringField(_l("Code"), filters=[nfc], validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), filters=[nfc], validators=[DataRequired(), Length(max=255)])
    short_name = StringField(_l("Short name"), filters=[nfc], validators=[Optional(), Length(max=80)])
    parent = SelectField(_l("Part of"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Add the unit"))


class EditUnitForm(FlaskForm):
    name = StringField(_l("Name"), filters=[nfc], validators=[DataRequired(), Length(max=255)])
    short_name = StringField(_l("Short name"), filters=[nfc], validators=[Optional(), Length(max=80)])
    parent = SelectField(_l("Part of"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("In use"))
    submit = SubmitField(_l("Save"))


class HeadForm(FlaskForm):
    employee_code = StringField(_l("Employee code"), filters=[nfc], validators=[DataRequired(), Length(max=40)])
    submit = SubmitField(_l("Add as head"))
