"""The audit page's filter form (read from the query string)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from lms.audit.actions import ACTION_LABELS
from lms.text import nfc

# Dates outside these years are typing mistakes, and year 1 or 9999 cannot be turned into UTC.
FIRST_YEAR, LAST_YEAR = 2000, 2999


def _plausible(form, field) -> None:
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(_l("Enter a date between the years %(first)d and %(last)d.",
                                 first=FIRST_YEAR, last=LAST_YEAR))


class AuditFilterForm(FlaskForm):
    action = SelectField(_l("Action"), validators=[Optional()], default="",
                         choices=[SelectChoice("", _l("Any action"))]
                         + [SelectChoice(key, label) for key, label in ACTION_LABELS.items()])
    actor = StringField(_l("Done by (employee code)"), filters=[nfc], validators=[Optional(), Length(max=60)])
    date_from = DateField(_l("From (date)"), validators=[Optional(), _plausible])
    date_to = DateField(_l("Until (date)"), validators=[Optional(), _plausible])
    q = StringField(_l("Target contains"), filters=[nfc], validators=[Optional(), Length(max=200)])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
