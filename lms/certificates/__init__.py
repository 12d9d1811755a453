"""Certificates: commitment, issue on completion, downloads, HR list and export, public verification."""
from flask import Blueprint

bp = Blueprint("certificates", __name__)

from lms.certificates import routes  # noqa: E402,F401  (routes register themselves on bp)
