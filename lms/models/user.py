"""People, their roles and the units a unit head is responsible for."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.base import UTCDateTime, utcnow
from lms.models.org import Unit

ROLES = ("staff", "unit_head", "hr", "admin")


class User(UserMixin, db.Model):
    """A member of staff. The full name is stored as typed (NFC); sort and search keys derive from it."""

    __tablename__ = "users"
    # Lists of people are ordered by (name_sort_key, employee_code): one index serves every page.
    __table_args__ = (Index("ix_users_name_order", "name_sort_key", "employee_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_code: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_sort_key: Mapped[bytes] = mapped_column(LargeBinary)
    name_search: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    job_title: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped to invalidate every session of this user (logout everywhere, account disabled).
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit | None] = relationship()
    # Loaded on first use: most requests (saving an answer, say) never look at roles.
    role_rows: Mapped[list[UserRole]] = relationship(back_populates="user", cascade="all, delete-orphan")
    headed_units: Mapped[list[Unit]] = relationship(secondary="unit_heads")

    @property
    def roles(self) -> frozenset[str]:
        """The roles this person holds; everyone is at least staff."""
        return frozenset(r.role for r in self.role_rows) | {"staff"}

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of the given roles."""
        return bool(self.roles.intersection(roles))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """Session id carries the session version, so bumping it logs every session out."""
        return f"{self.id}.{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.employee_code}>"


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="role_rows")


class UnitHead(db.Model):
    """A unit a unit head answers for; the scope includes every unit below it."""

    __tablename__ = "unit_heads"
    __table_args__ = (UniqueConstraint("user_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
