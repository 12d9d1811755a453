"""Commitments, certificates (with their rendered PDF kept once), serial counters, verification log."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from lms import clock
from lms.extensions import db
from lms.models.base import UTCDateTime, utcnow
from lms.models.content import Course
from lms.models.user import User

VALID, REVOKED, SUPERSEDED, EXPIRED = "valid", "revoked", "superseded", "expired"


class Commitment(db.Model):
    """The signed cam kết: the text agreed to, the name typed again, when and from where."""

    __tablename__ = "commitments"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    typed_name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    # 0, or the renewing round whose cycle this commitment belongs to (lms.rounds.cycle).
    cycle: Mapped[int] = mapped_column(default=0, server_default="0")


class SerialCounter(db.Model):
    """The last serial number used per course and year; incremented under a row lock."""

    __tablename__ = "serial_counters"
    __table_args__ = (UniqueConstraint("course_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    year: Mapped[int] = mapped_column()
    last: Mapped[int] = mapped_column(default=0)


class Certificate(db.Model):
    """An issued certificate: a frozen snapshot, a serial, an unguessable verification code, a status."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("course_id", "serial"),
        # One valid certificate per person and course: a double completion cannot issue two.
        Index("uq_certificates_one_valid", "user_id", "course_id", unique=True,
              sqlite_where=text("status = 'valid'"), postgresql_where=text("status = 'valid'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(60))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"))
    status: Mapped[str] = mapped_column(String(20), default=VALID, index=True)
    # Snapshot at issue: later changes to the person, unit or course never change a certificate.
    full_name: Mapped[str] = mapped_column(String(200))
    name_search: Mapped[str] = mapped_column(String(200), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    unit_name: Mapped[str] = mapped_column(String(255), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    course_title: Mapped[str] = mapped_column(String(300))
    score_bp: Mapped[int] = mapped_column()
    passed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_size: Mapped[int] = mapped_column()
    # 0, or the renewing round this certificate was earned in; a later cycle's certificate supersedes it.
    cycle: Mapped[int] = mapped_column(default=0, server_default="0")

    course: Mapped[Course] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    file: Mapped[CertificateFile] = relationship(back_populates="certificate", uselist=False)

    @property
    def effective_status(self) -> str:
        """valid, expired, revoked or superseded, as of now (local date)."""
        if self.status != VALID:
            return self.status
        from lms.text import to_local

        if self.expires_on is not None and to_local(clock.now()).date() > self.expires_on:
            return EXPIRED
        return VALID


class CertificateFile(db.Model):
    """The PDF bytes, rendered once at issue and never again; kept apart so lists stay light."""

    __tablename__ = "certificate_files"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), primary_key=True)
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))

    certificate: Mapped[Certificate] = relationship(back_populates="file")


class VerificationLog(db.Model):
    """Every look-up of a verification code, found or not."""

    __tablename__ = "verification_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    result: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
