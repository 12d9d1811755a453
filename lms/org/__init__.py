"""The organisation: admins keep the unit tree and its heads."""
from flask import Blueprint

bp = Blueprint("org", __name__, url_prefix="/admin/units")

from lms.org import routes  # noqa: E402,F401  (routes register themselves on bp)
