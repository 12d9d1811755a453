"""What a round report prints, as frozen data: checked, NFC-normalised, nothing looked up."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from lms.text import nfc, share_bp

DEFAULT_SUBJECT = "Kết quả quán triệt, tuyên truyền Quy tắc ứng xử trên mạng xã hội"


def _nfc(value):
    """NFC and trimmed for a string and every string inside a sequence; lists become tuples (frozen data)."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, tuple | list):
        return tuple(_nfc(item) for item in value)
    return value


def _normalise(instance) -> None:
    # Frozen dataclasses: object.__setattr__ is the documented way to set fields in __post_init__.
    for field in fields(instance):
        object.__setattr__(instance, field.name, _nfc(getattr(instance, field.name)))


def _require(instance, *names: str) -> None:
    for name in names:
        if not getattr(instance, name).strip():
            raise ValueError(f"{type(instance).__name__}.{name} must not be empty")


def _count(owner: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{owner} must be a whole number of people, not {value!r}")


@dataclass(frozen=True)
class Signatory:
    """The signature block: "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" / name, or "" / "TRƯỞNG PHÒNG" / name."""

    capacity: str  # KT., TM., Q., TL. line; "" when the head signs in person
    title: str
    name: str

    def __post_init__(self) -> None:
        _normalise(self)
        _require(self, "title", "name")


@dataclass(frozen=True)
class UnitRow:
    """One line of the per-unit table. depth 0 rows add up to the report's totals; deeper rows
    (branches under a unit) are shown indented and are already counted in the row above them."""

    unit_name: str
    must_complete: int
    certified: int
    depth: int = 0

    def __post_init__(self) -> None:
        _normalise(self)
        _require(self, "unit_name")
        _count(f"must_complete of {self.unit_name}", self.must_complete)
        _count(f"certified of {self.unit_name}", self.certified)
        if self.certified > self.must_complete:
            raise ValueError(f"{self.unit_name}: {self.certified} certified out of {self.must_complete}")
        if self.depth < 0:
            raise ValueError(f"{self.unit_name}: depth must be 0 or more")

    @property
    def not_finished(self) -> int:
        return self.must_complete - self.certified

    @property
    def rate_bp(self) -> int | None:
        return share_bp(self.certified, self.must_complete)


@dataclass(frozen=True)
class PendingPerson:
    """One person who must complete the round and has not yet; status is the label to print."""

    full_name: str
    unit_name: str
    status: str

    def __post_init__(self) -> None:
        _normalise(self)
        _require(self, "full_name", "status")


@dataclass(frozen=True)
class ReportData:
    """Everything printed on the report of one round, for the department or for one unit.

    For a unit report the department is the managing body and the unit the issuing body.
    status_counts and exemptions are (label, count) pairs printed in the given order. pending holds
    everyone who must complete and is not certified (must_complete - certified people), printed in
    the given order: sort it the Vietnamese way before. commitments_signed None leaves the sentence out.
    """

    managing_body: str  # "UBND TỈNH THANH HÓA"
    issuing_body: str  # "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    reporter: str  # the issuer as named in running text: "Sở Tài nguyên và Môi trường"
    document_symbol: str  # "BC-STNMT": printed "Số:          /BC-STNMT", the number left for the clerk
    place: str
    issued_on: date
    course_title: str
    round_name: str
    starts_on: date
    deadline: date
    must_complete: int
    certified: int
    status_counts: tuple[tuple[str, int], ...]
    exemptions: tuple[tuple[str, int], ...]  # (reason, people)
    commitments_signed: int | None
    units: tuple[UnitRow, ...]
    pending: tuple[PendingPerson, ...]
    signatory: Signatory
    recipients: tuple[str, ...]  # "UBND tỉnh (để b/c);" — the dash is added
    archive: str  # "VT, DLTT": printed "- Lưu: VT, DLTT."
    subject: str = DEFAULT_SUBJECT
    opening: str = ""  # e.g. "Thực hiện Văn bản số …"; a sentence naming the round when empty
    extra_sections: tuple[tuple[str, str], ...] = ()  # (heading, text): difficulties, recommendations…
    # False for a list too long to print (thousands): the report then gives the count and points to
    # the spreadsheet sent with it, and `pending` stays empty.
    pending_listed: bool = True

    def __post_init__(self) -> None:
        _normalise(self)
        _require(self, "managing_body", "issuing_body", "reporter", "document_symbol", "place", "course_title",
                 "round_name", "archive", "subject")
        _count("must_complete", self.must_complete)
        _count("certified", self.certified)
        if self.certified > self.must_complete:
            raise ValueError(f"{self.certified} certified out of {self.must_complete} who must complete")
        if self.commitments_signed is not None:
            _count("commitments_signed", self.commitments_signed)
        if self.deadline < self.starts_on:
            raise ValueError(f"the deadline {self.deadline} is before the start {self.starts_on}")
        for label, count in self.status_counts + self.exemptions:
            if not label.strip():
                raise ValueError("a status or exemption label is empty")
            _count(label, count)
        for heading, text in self.extra_sections:
            if not heading.strip() or not text.strip():
                raise ValueError("an extra section needs a heading and a text")
        for kind, items in (("units", self.units), ("pending", self.pending)):
            expected = UnitRow if kind == "units" else PendingPerson
            if not all(isinstance(item, expected) for item in items):
                raise ValueError(f"{kind} must be a tuple of {expected.__name__}")
        if not self.pending_listed and self.pending:
            raise ValueError("pending_listed is False: the list of those not yet complete must be empty")
        if self.pending_listed and len(self.pending) != self.not_finished:
            raise ValueError(f"the list of those not yet complete has {len(self.pending)} people; "
                             f"{self.must_complete} must complete and {self.certified} are certified, "
                             f"so it should have {self.not_finished}")
        if self.units and self.units[0].depth != 0:
            raise ValueError("the first unit row must have depth 0")
        top = [row for row in self.units if row.depth == 0]
        if top and (sum(r.must_complete for r in top), sum(r.certified for r in top)) != (
                self.must_complete, self.certified):
            raise ValueError(f"the top-level unit rows add up to {sum(r.must_complete for r in top)} who must "
                             f"complete and {sum(r.certified for r in top)} certified; the report says "
                             f"{self.must_complete} and {self.certified}")

    @property
    def not_finished(self) -> int:
        return self.must_complete - self.certified

    @property
    def rate_bp(self) -> int | None:
        return share_bp(self.certified, self.must_complete)

    @property
    def exempt(self) -> int:
        return sum(count for _label, count in self.exemptions)
