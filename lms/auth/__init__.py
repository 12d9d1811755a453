"""Login and logout."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from lms.auth import routes  # noqa: E402,F401  (routes register themselves on bp)
