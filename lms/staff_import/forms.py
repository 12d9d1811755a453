"""Forms of the staff import: the upload, and the apply button that carries the previewed plan's fingerprint."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SubmitField
from wtforms.validators import DataRequired, Length


class UploadForm(FlaskForm):
    file = FileField(_l("Staff list (.xlsx or .csv)"), validators=[FileRequired(_l("Choose a file to upload."))])
    sync = BooleanField(_l("Sync: also deactivate active staff who are not in the file"))
    submit = SubmitField(_l("Preview the import"))


class ApplyForm(FlaskForm):
    fingerprint = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
    submit = SubmitField(_l("Apply the import"))
