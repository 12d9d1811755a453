"""Signing the commitment, finding, listing, revoking and verifying certificates."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from lms import clock
from lms.audit import Target, record, record_now
from lms.certificates.issue import completion, issue_if_complete
from lms.db_setup import begin_write
from lms.exports.filenames import safe_filename  # noqa: F401 - used by routes and the CLI too
from lms.extensions import db
from lms.models import (
    EXPIRED,
    REVOKED,
    SUPERSEDED,
    VALID,
    Certificate,
    CertificateFile,
    Commitment,
    Course,
    Unit,
    User,
    VerificationLog,
)
from lms.people.services import scope_condition
from lms.rounds import progress
from lms.text import clean_name, fold, nfc, same_name, to_local

PAGE_SIZE = 50
STATUSES = (VALID, EXPIRED, REVOKED, SUPERSEDED)
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class CertificateError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sign_commitment(user: User, course: Course, *, agreed: bool, typed_name: str, ip_address: str | None,
                    user_agent: str | None) -> Certificate | None:
    """Record the signed commitment and, the course now being complete, issue the certificate — one transaction."""
    if not agreed:
        raise CertificateError("not_agreed")
    if not same_name(typed_name, user.full_name):
        raise CertificateError("name_mismatch")
    begin_write()
    state = completion(user, course)
    if state.commitment is not None:
        db.session.rollback()
        raise CertificateError("already_signed")
    if state.passed_attempt is None:
        db.session.rollback()
        raise CertificateError("not_passed")
    db.session.add(Commitment(user_id=user.id, course_id=course.id, cycle=state.cycle, text=course.commitment_text,
                              typed_name=clean_name(typed_name), signed_at=clock.now(),
                              ip_address=(ip_address or "")[:64] or None, user_agent=(user_agent or "")[:300] or None))
    try:
        db.session.flush()
    except IntegrityError:  # a parallel request signed first
        db.session.rollback()
        raise CertificateError("already_signed") from None
    certificate = issue_if_complete(user, course, state.cycle)
    db.session.commit()
    return certificate


def visible_certificate(viewer: User, certificate_id: int) -> Certificate | None:
    """HR and admins see every certificate; everyone else only their own."""
    stmt = select(Certificate).where(Certificate.id == certificate_id)
    if not viewer.has_role("hr", "admin"):
        stmt = stmt.where(Certificate.user_id == viewer.id)
    return db.session.scalar(stmt)


def pdf_bytes(certificate: Certificate) -> bytes:
    return db.session.scalar(select(CertificateFile.pdf).where(CertificateFile.certificate_id == certificate.id))


def download_name(certificate: Certificate) -> str:
    """'Giấy chứng nhận - Nguyễn Văn An - 2026-QTMXH-00012.pdf', every part made safe for a file system."""
    return safe_filename(f"Giấy chứng nhận - {certificate.full_name} - {certificate.serial}") + ".pdf"


@dataclass(frozen=True)
class CertificateFilter:
    unit: Unit | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None
    query: str = ""


def _conditions(viewer: User | None, f: CertificateFilter) -> list:
    """SQL conditions for the filter within the viewer's reach (None: the whole department, for the CLI)."""
    conditions = []
    scope = scope_condition(viewer) if viewer is not None else None
    if scope is not None:
        conditions.append(scope)
    if f.unit is not None:
        conditions.append(Unit.path.startswith(f.unit.path, autoescape=True))
    if f.date_from:
        conditions.append(Certificate.issued_on >= f.date_from)
    if f.date_to:
        conditions.append(Certificate.issued_on <= f.date_to)
    today = to_local(clock.now()).date()
    if f.status == VALID:
        conditions += [Certificate.status == VALID,
                       or_(Certificate.expires_on.is_(None), Certificate.expires_on >= today)]
    elif f.status == EXPIRED:
        conditions += [Certificate.status == VALID, Certificate.expires_on < today]
    elif f.status in (REVOKED, SUPERSEDED):
        conditions.append(Certificate.status == f.status)
    query = nfc(f.query)
    if query:
        conditions.append(or_(Certificate.name_search.contains(fold(query), autoescape=True),
                              Certificate.serial == query))
    return conditions


def filtered_query(viewer: User | None, f: CertificateFilter):
    """Certificates matching the filter within the viewer's reach, newest first."""
    return (select(Certificate).outerjoin(Unit, Unit.id == Certificate.unit_id)
            .where(and_(True, *_conditions(viewer, f)))
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))


def list_certificates(viewer: User, f: CertificateFilter, page: int = 1) -> tuple[list[Certificate], int, int, int]:
    """One page of certificates, the total, the page number and the page count."""
    count = (select(func.count(Certificate.id)).outerjoin(Unit, Unit.id == Certificate.unit_id)
             .where(and_(True, *_conditions(viewer, f))))
    total = db.session.scalar(count) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(filtered_query(viewer, f).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return list(rows), total, page, pages


def export_entries(query):
    """(file name, local time, loader) per certificate of the query; each PDF is read only when written."""
    rows = db.session.execute(query.with_only_columns(Certificate.id, Certificate.full_name, Certificate.serial,
                                                      Certificate.issued_at)).all()
    for certificate_id, full_name, serial, issued_at in rows:

        def load(certificate_id: int = certificate_id) -> bytes:
            return db.session.scalar(
                select(CertificateFile.pdf).where(CertificateFile.certificate_id == certificate_id))

        yield safe_filename(f"{full_name} - {serial}") + ".pdf", to_local(issued_at).replace(tzinfo=None), load


def record_download(certificate: Certificate) -> None:
    """Audit one PDF download (by whoever is logged in) on its own: a download writes nothing else."""
    record_now("certificate.download", target=certificate)


def record_export(viewer: User | None, f: CertificateFilter, *, file_name: str) -> int:
    """Audit a ZIP export as one event — the filter and how many certificates it holds — and commit it."""
    begin_write()
    query = filtered_query(viewer, f).order_by(None)
    count = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    chosen = {"unit": f.unit.code if f.unit else None, "status": f.status, "date_from": f.date_from,
              "date_to": f.date_to, "query": f.query or None}
    record("certificate.download", actor=viewer, target=Target("zip", None, file_name),
           details={"filter": {k: v for k, v in chosen.items() if v is not None}, "count": count})
    db.session.commit()
    return count


def revoke(certificate: Certificate, by: User, reason: str) -> None:
    """Revoke with a reason and who did it; a revoked certificate stays on record and says so."""
    reason = clean_name(reason)
    if not reason:
        raise CertificateError("reason_required")
    if certificate.status != VALID:
        raise CertificateError("not_valid")
    begin_write()
    row = db.session.get(Certificate, certificate.id, with_for_update=True)
    if row.status != VALID:
        db.session.rollback()
        raise CertificateError("not_valid")
    row.status, row.revoked_at, row.revoked_by_id, row.revoke_reason = REVOKED, clock.now(), by.id, reason
    record("certificate.revoke", actor=by, target=row, details={"reason": reason})
    db.session.flush()
    progress.touch(row.user_id, row.course_id, row.cycle)
    db.session.commit()


def verify(code: str, ip_address: str | None, user_agent: str | None) -> Certificate | None:
    """Look a code up and log the look-up; malformed codes are simply not found."""
    begin_write()
    certificate = None
    if CODE_PATTERN.match(code or ""):
        certificate = db.session.scalar(select(Certificate).where(Certificate.code == code))
    result = certificate.effective_status if certificate else "unknown"
    db.session.add(VerificationLog(certificate_id=certificate.id if certificate else None, result=result,
                                   at=clock.now(), ip_address=(ip_address or "")[:64] or None,
                                   user_agent=(user_agent or "")[:300] or None))
    # The result and which certificate; never the code looked up (it is the certificate's secret).
    record("certificate.verify", target=certificate, details={"result": result})
    db.session.commit()
    return certificate

