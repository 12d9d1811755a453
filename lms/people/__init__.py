"""The staff directory: HR and admins see everyone, unit heads their own units and below."""
from flask import Blueprint

bp = Blueprint("people", __name__)

from lms.people import routes  # noqa: E402,F401  (routes register themselves on bp)
