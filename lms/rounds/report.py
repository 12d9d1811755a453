"""The round report (báo cáo kết quả quán triệt) for the department or one unit: figures gathered by
SQL aggregates, laid out by the leaf PDF module."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, select

from lms.extensions import db
from lms.models import (
    CERTIFIED,
    EXEMPT,
    FAILED,
    NOT_STARTED,
    OVERDUE,
    PASSED,
    READING,
    Commitment,
    Round,
    RoundMember,
    Unit,
    UnitHead,
    User,
)
from lms.pdf import fonts
from lms.pdf.report import render_report
from lms.pdf.report_data import PendingPerson, ReportData, Signatory, UnitRow
from lms.rounds.dashboard import members_query, overview, people_rows
from lms.rounds.membership import local_today

# Official documents are written in Vietnamese whatever the interface language.
STATUS_WORDS = {
    NOT_STARTED: "Chưa bắt đầu", READING: "Đang học", FAILED: "Chưa đạt bài kiểm tra",
    PASSED: "Đã đạt, chưa ký cam kết", CERTIFIED: "Đã được cấp giấy chứng nhận", OVERDUE: "Quá hạn",
    EXEMPT: "Được miễn",
}


def _head_signatory(unit: Unit) -> Signatory:
    """The unit's head signs a unit report; their title in capitals as Decree 30 prints it."""
    head = db.session.scalar(select(User).join(UnitHead, UnitHead.user_id == User.id)
                             .where(UnitHead.unit_id == unit.id, User.active.is_(True))
                             .order_by(UnitHead.id).limit(1))
    if head is None:
        return Signatory(capacity="", title="THỦ TRƯỞNG ĐƠN VỊ", name="(ký, ghi rõ họ tên)")
    return Signatory(capacity="", title=(head.job_title or "Thủ trưởng đơn vị").upper(), name=head.full_name)


def _exemptions(round_: Round, focus: Unit) -> tuple[tuple[str, int], ...]:
    rows = db.session.execute(
        members_query(round_, focus, RoundMember.exempt_reason, func.count())
        .where(RoundMember.exempt_reason.is_not(None)).group_by(RoundMember.exempt_reason)
        .order_by(func.count().desc(), RoundMember.exempt_reason))
    return tuple((reason, count) for reason, count in rows)


def _commitments(round_: Round, focus: Unit) -> int:
    return db.session.scalar(
        members_query(round_, focus, func.count(Commitment.id))
        .join(Commitment, and_(Commitment.user_id == RoundMember.user_id, Commitment.course_id == round_.course_id,
                               Commitment.cycle == round_.cycle))) or 0


PENDING_LISTED_UP_TO = 1000  # beyond that, the report gives the count and the spreadsheet carries the names


def _split_symbol(directive: dict) -> tuple[str, str]:
    """("STNMT", "DLTT") from the directive's symbol "STNMT-DLTT": the issuer and the drafting unit."""
    parts = [part for part in str(directive.get("symbol") or "").split("-") if part]
    return (parts[0] if parts else "", parts[-1] if len(parts) > 1 else "")


def _consistent_snapshot() -> None:
    """Every query of the report sees one state of the database (PostgreSQL reads each statement's own
    committed data by default; a certificate issued meanwhile would make the figures disagree)."""
    if db.engine.dialect.name == "postgresql":
        db.session.rollback()
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def report_data(round_: Round, focus: Unit, today: date | None = None) -> ReportData:
    """Everything the report prints for the focus unit and everything below it."""
    _consistent_snapshot()
    today = today or local_today()
    directive = round_.course.directive or {}
    result = overview(round_, focus, today)
    issuer_code, drafter_code = _split_symbol(directive)
    if focus.parent_id is None:
        managing, issuing = directive.get("managing_body", ""), directive.get("issuer", "")
        reporter = directive.get("issuer_name") or focus.name
        signer = directive.get("signatory") or {}
        signatory = Signatory(capacity=signer.get("capacity", ""), title=signer.get("title") or "THỦ TRƯỞNG CƠ QUAN",
                              name=signer.get("name") or "(ký, ghi rõ họ tên)")
        recipients = ("Cơ quan cấp trên (để b/c);", "Lãnh đạo cơ quan (để b/c);", "Các đơn vị trực thuộc;")
        symbol = f"BC-{issuer_code or focus.short_name or focus.code}"
        archive = ", ".join(filter(None, ("VT", drafter_code)))
    else:
        managing, issuing, reporter = directive.get("issuer", "") or focus.name.upper(), focus.name.upper(), focus.name
        signatory = _head_signatory(focus)
        recipients = ("Lãnh đạo cơ quan (để b/c);", "Bộ phận tổ chức cán bộ (để t/h);")
        symbol, archive = f"BC-{focus.code}", f"VT, {focus.short_name or focus.code}"
    listed = result.tally.not_finished <= PENDING_LISTED_UP_TO
    pending = tuple(
        PendingPerson(full_name=p.full_name, unit_name=p.unit_name, status=STATUS_WORDS[p.status])
        for p in people_rows(round_, focus, status="unfinished", today=today)) if listed else ()
    counts = result.tally.counts
    several = len(result.units) > 1
    return ReportData(
        managing_body=managing or issuing, issuing_body=issuing or focus.name.upper(), reporter=reporter,
        document_symbol=symbol, place=directive.get("place") or reporter, issued_on=today,
        course_title=round_.course.title, round_name=round_.name, starts_on=round_.starts_on,
        deadline=round_.deadline, must_complete=result.tally.must_complete, certified=result.tally.certified,
        status_counts=tuple((STATUS_WORDS[s], counts[s]) for s in STATUS_WORDS if counts[s]),
        exemptions=_exemptions(round_, focus), commitments_signed=_commitments(round_, focus),
        units=tuple(UnitRow(unit_name=row.unit.name + (" (cán bộ trực thuộc)" if row.own_only and several else ""),
                            must_complete=row.tally.must_complete, certified=row.tally.certified)
                    for row in result.units),
        pending=pending, pending_listed=listed, signatory=signatory, recipients=recipients, archive=archive,
    )


def report_pdf(round_: Round, focus: Unit, font_dir: str | None = None) -> bytes:
    """The report as PDF bytes, in the fonts every certificate uses."""
    return render_report(report_data(round_, focus), fonts.prepared(font_dir))
