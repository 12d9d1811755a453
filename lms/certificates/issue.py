"""Completion and issue: a course is complete when every lesson is read, the quiz passed and, if
asked, the commitment signed; completing issues the certificate once, in the caller's transaction."""
from __future__ import annotations

import calendar
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from lms import clock
from lms.audit import record
from lms.extensions import db
from lms.models import (
    REVOKED,
    SUPERSEDED,
    VALID,
    Attempt,
    Certificate,
    CertificateFile,
    Commitment,
    Course,
    SerialCounter,
    User,
)
from lms.models.progress import lesson_counts
from lms.pdf import fonts, signing
from lms.pdf.certificate import CertificateText, render_certificate
from lms.rounds import progress
from lms.rounds.cycle import current_cycle
from lms.text import fold, to_local, vi_percent


@dataclass(frozen=True)
class Completion:
    """Where a person stands on the way to a certificate."""

    lessons_read: int
    lessons_total: int
    passed_attempt: Attempt | None
    commitment: Commitment | None
    commitment_required: bool
    certificate: Certificate | None
    cycle: int = 0

    @property
    def lessons_done(self) -> bool:
        return self.lessons_read >= self.lessons_total > 0

    @property
    def may_sign(self) -> bool:
        return self.commitment_required and self.commitment is None and self.passed_attempt is not None

    @property
    def complete(self) -> bool:
        return self.lessons_done and self.passed_attempt is not None and (
            self.commitment is not None or not self.commitment_required)


def completion(user: User, course: Course, cycle: int | None = None) -> Completion:
    """The person's progress towards the certificate in the current (or given) cycle."""
    cycle = current_cycle(user.id, course.id) if cycle is None else cycle
    read, total = lesson_counts(user.id, course.id, cycle)
    passed = db.session.scalar(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.course_id == course.id, Attempt.cycle == cycle,
                              Attempt.passed.is_(True))
        .order_by(Attempt.number).limit(1))
    commitment = db.session.scalar(
        select(Commitment).where(Commitment.user_id == user.id, Commitment.course_id == course.id,
                                 Commitment.cycle == cycle))
    certificate = db.session.scalar(
        select(Certificate).where(Certificate.user_id == user.id, Certificate.course_id == course.id,
                                  Certificate.cycle == cycle)
        .order_by(Certificate.issued_at.desc()).limit(1))
    return Completion(read, total, passed, commitment, course.commitment_required, certificate, cycle)


def next_serial(course: Course, year: int) -> str:
    """The course's next serial for the year, e.g. 2024/QTMXH-00012; row-locked, so never repeated."""
    bump = (update(SerialCounter).where(SerialCounter.course_id == course.id, SerialCounter.year == year)
            .values(last=SerialCounter.last + 1).returning(SerialCounter.last))
    number = db.session.scalar(bump)
    if number is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(SerialCounter).values(course_id=course.id, year=year, last=1))
            number = 1
        except IntegrityError:  # another transaction created the counter first
            number = db.session.scalar(bump)
    pattern = (course.certificate or {}).get("serial_format") or "{year}/{seq:05d}"
    return pattern.format(year=year, seq=number)


def _expiry(issued: date, months: int) -> date | None:
    """Same day `months` later (the month's last day when shorter); None when it never expires."""
    if not months:
        return None
    index = issued.month - 1 + months
    year, month = issued.year + index // 12, index % 12 + 1
    return date(year, month, min(issued.day, calendar.monthrange(year, month)[1]))


def render(certificate: Certificate, course: Course) -> bytes:
    """The PDF for a certificate's snapshot (signed when a signing key is configured)."""
    directive = course.directive or {}
    signatory = (course.certificate or {}).get("signatory") or directive.get("signatory") or {}
    text = CertificateText(
        managing_body=directive.get("managing_body", ""), issuer=directive.get("issuer", ""),
        title=(course.certificate or {}).get("title") or "GIẤY CHỨNG NHẬN",
        full_name=certificate.full_name, unit_name=certificate.unit_name, job_title=certificate.job_title,
        course_title=certificate.course_title, directive_subject=directive.get("subject", ""),
        score_line=f"Kết quả bài kiểm tra: {vi_percent(certificate.score_bp)} — Đạt",
        place=directive.get("place", ""), issued_on=certificate.issued_on, expires_on=certificate.expires_on,
        signatory_capacity=signatory.get("capacity", ""), signatory_title=signatory.get("title", ""),
        signatory_name=signatory.get("name", ""), serial=certificate.serial,
        verify_url=f"{current_app.config['BASE_URL']}/verify/{certificate.code}",
    )
    pdf = render_certificate(text, fonts.prepared(current_app.config.get("PDF_FONT_DIR") or None))
    return signing.sign_if_configured(pdf, current_app.config, reason=f"{text.title} {certificate.serial}")


def issue_if_complete(user: User, course: Course, cycle: int | None = None) -> Certificate | None:
    """Issue the certificate if the course is now complete and none was issued in this cycle (the
    current one unless the caller knows it already); a valid certificate of an earlier cycle becomes
    superseded by it. The caller commits."""
    # Lock the person's row (PostgreSQL; SQLite writers already hold the database lock) so that two
    # steps finishing at once — the last lesson and the pass — are judged one after the other.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    cycle = current_cycle(user.id, course.id) if cycle is None else cycle
    read, total = lesson_counts(user.id, course.id, cycle)
    if read < total or not total:  # the usual case after one more lesson read: nothing more to look up
        return None
    state = completion(user, course, cycle)
    if not state.complete or state.certificate is not None and state.certificate.status in {VALID, REVOKED}:
        return None
    now = clock.now()
    issued_on = to_local(now).date()
    attempt = state.passed_attempt
    certificate = Certificate(
        serial=next_serial(course, issued_on.year), code=secrets.token_urlsafe(24), user_id=user.id,
        course_id=course.id, attempt_id=attempt.id, status=VALID, full_name=user.full_name,
        name_search=fold(user.full_name), unit_id=user.unit_id, unit_name=user.unit.name if user.unit else "",
        job_title=user.job_title or "", course_title=course.title, score_bp=attempt.score_bp,
        passed_at=attempt.finished_at, issued_at=now, issued_on=issued_on,
        expires_on=_expiry(issued_on, int((course.certificate or {}).get("validity_months") or 0)),
        pdf_sha256="", pdf_size=0, cycle=cycle,
    )
    pdf = render(certificate, course)
    certificate.pdf_sha256, certificate.pdf_size = hashlib.sha256(pdf).hexdigest(), len(pdf)
    # Only one valid certificate per person and course: the earlier cycle's one steps aside first.
    previous = list(db.session.scalars(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.course_id == course.id, Certificate.status == VALID)))
    for old in previous:
        old.status = SUPERSEDED
    db.session.flush()
    db.session.add(certificate)
    db.session.flush()
    for old in previous:
        old.superseded_by_id = certificate.id
    db.session.add(CertificateFile(certificate_id=certificate.id, pdf=pdf))
    record("certificate.issue", actor=user, target=certificate,
           details={"course": course.key, "cycle": cycle, "superseded": [old.id for old in previous]})
    progress.touch(user.id, course.id, cycle)
    return certificate
