"""The quiz: randomised attempts drawn from every clause, scored on the server, reviewed."""
from flask import Blueprint

bp = Blueprint("quiz", __name__)

from lms.quiz import routes  # noqa: E402,F401  (routes register themselves on bp)
