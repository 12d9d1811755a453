"""All models, imported in one place so Alembic and the app see the whole schema."""
from lms.models.attempt import FINISHED, OPEN, Attempt, AttemptQuestion
from lms.models.audit import AuditEvent
from lms.models.certificate import (
    EXPIRED,
    REVOKED,
    SUPERSEDED,
    VALID,
    Certificate,
    CertificateFile,
    Commitment,
    SerialCounter,
    VerificationLog,
)
from lms.models.content import (
    BlueprintItem,
    Clause,
    Course,
    Lesson,
    Option,
    Question,
    QuestionVersion,
    question_version_clauses,
)
from lms.models.org import Unit
from lms.models.progress import LessonRead
from lms.models.round import (
    CERTIFIED,
    EXEMPT,
    FAILED,
    NOT_STARTED,
    OVERDUE,
    PASSED,
    READING,
    STAGES,
    STATUSES,
    AnalysisSnapshot,
    Round,
    RoundMember,
    RoundUnit,
)
from lms.models.user import ROLES, UnitHead, User, UserRole

__all__ = [
    "FINISHED", "OPEN", "Attempt", "AttemptQuestion", "AuditEvent",
    "EXPIRED", "REVOKED", "SUPERSEDED", "VALID", "Certificate", "CertificateFile", "Commitment",
    "SerialCounter", "VerificationLog",
    "BlueprintItem", "Clause", "Course", "Lesson", "LessonRead", "Option", "Question",
    "QuestionVersion", "ROLES", "CERTIFIED", "EXEMPT", "FAILED", "NOT_STARTED", "OVERDUE", "PASSED", "READING",
    "STAGES", "STATUSES", "AnalysisSnapshot", "Round", "RoundMember", "RoundUnit", "Unit", "UnitHead", "User",
    "UserRole",
    "question_version_clauses",
]
