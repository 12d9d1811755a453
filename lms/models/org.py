"""The organisation: a department and its units and branches, as a tree."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.base import UTCDateTime, utcnow

UNIT_KINDS = ("department", "unit", "branch")


class Unit(db.Model):
    """A node of the organisation tree; `path` ("/1/4/9/") makes subtree queries one LIKE."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str | None] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20), default="unit")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(String(500), default="/", index=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id", back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.position")

    @property
    def depth(self) -> int:
        """0 for the department, 1 for its units, 2 for branches."""
        return max(self.path.count("/") - 2, 0)

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


def department() -> Unit | None:
    """The top of the tree (there is one department); None before the organisation exists."""
    from sqlalchemy import select

    return db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1))
