"""The actions the audit log records: stable keys stored in the database, and how the page names them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Keys are stored; never rename one (old rows would lose their label), only add.
ACTION_LABELS = {
    "login.success": _l("Logged in"),
    "login.failure": _l("Failed login"),
    "password.reset": _l("Password reset"),
    "import.apply": _l("Staff import applied"),
    "content.sync": _l("Course content loaded"),
    "role.grant": _l("Role granted"),
    "role.revoke": _l("Role taken away"),
    "unit_head.add": _l("Unit head added"),
    "unit_head.remove": _l("Unit head removed"),
    "certificate.issue": _l("Certificate issued"),
    "certificate.download": _l("Certificate downloaded"),
    "certificate.revoke": _l("Certificate revoked"),
    "certificate.verify": _l("Certificate verified"),
    "round.open": _l("Round opened"),
    "round.delete": _l("Round deleted"),
    "round.exempt": _l("Exemption set or lifted"),
}
ACTIONS = tuple(ACTION_LABELS)
