"""Learning path: my courses, lessons and marking them read."""
from flask import Blueprint

bp = Blueprint("learn", __name__)

from lms.learn import routes  # noqa: E402,F401  (routes register themselves on bp)
