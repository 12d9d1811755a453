"""Administration: loading course content from question_bank/."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from lms.admin import routes  # noqa: E402,F401  (routes register themselves on bp)
