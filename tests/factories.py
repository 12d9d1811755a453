"""Small helpers that create rows for tests."""
from __future__ import annotations

import itertools

from lms.auth.services import create_user
from lms.extensions import db
from lms.models import Unit

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_unit(code: str | None = None, name: str | None = None, parent: Unit | None = None,
              kind: str | None = None) -> Unit:
    n = next(_counter)
    unit = Unit(code=code or f"U{n}", name=name or f"Phòng thử nghiệm {n}",
                kind=kind or ("branch" if parent and parent.parent_id else "unit" if parent else "department"),
                parent=parent)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    db.session.flush()
    return unit


def make_user(name: str | None = None, *, code: str | None = None, roles: tuple[str, ...] = (),
              unit: Unit | None = None, head_of: tuple[Unit, ...] = (), email: str | None = None,
              password: str | None = PASSWORD, active: bool = True):
    n = next(_counter)
    user = create_user(employee_code=code or f"NV{n:05d}", full_name=name or f"Nguyễn Văn Thử {n}",
                       email=email, unit=unit, password=password, roles=roles, head_of=head_of,
                       job_title="Chuyên viên")
    user.active = active
    db.session.commit()
    return user
