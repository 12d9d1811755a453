"""Login and logout."""
from flask import Blueprint

bp = Blueprint("auth", __name__)


@bp.record_once
def _init_throttle(state) -> None:
    from lms.auth import throttle

    throttle.init_app(state.app)


from lms.auth import routes  # noqa: E402,F401  (routes register themselves on bp)
