"""Certificate verification codes: drawn from the operating system's randomness (≥128 bits), never derived
from ids; the public page shows the minimum and answers every bad code the same way."""
from __future__ import annotations

import base64
import re
import secrets as real_secrets

import pytest

from lms.certificates import issue
from lms.certificates import services as certificates
from lms.extensions import db
from lms.models import VerificationLog
from tests.cert_helpers import pass_quiz
from tests.factories import make_unit, make_user
from tests.quiz_helpers import read_all, right_answers


def _certify(user, course):
    pass_quiz(user, course)
    return certificates.sign_commitment(user, course, agreed=True, typed_name=user.full_name,
                                        ip_address=None, user_agent=None)


def test_codes_come_from_secrets_with_at_least_128_bits(ctx, course, monkeypatch):
    drawn = []
    original = real_secrets.token_urlsafe

    def spy(nbytes=None):
        value = original(nbytes)
        drawn.append((nbytes, value))
        return value

    monkeypatch.setattr(issue.secrets, "token_urlsafe", spy)
    certificate = _certify(make_user(), course)
    assert len(drawn) == 1 and drawn[0][0] is not None and drawn[0][0] >= 16
    assert certificate.code == drawn[0][1]


def test_codes_are_unrelated_to_ids_serials_and_each_other(ctx, course):
    unit = make_unit("P1", "Phòng Một")
    issued = [_certify(make_user(unit=unit), course) for _ in range(4)]
    codes = [c.code for c in issued]
    assert len(set(codes)) == len(codes)
    for certificate in issued:
        raw = base64.urlsafe_b64decode(certificate.code + "=" * (-len(certificate.code) % 4))
        assert len(raw) * 8 >= 128 and re.fullmatch(r"[A-Za-z0-9_-]+", certificate.code)
        for derived in (str(certificate.id), certificate.serial, str(certificate.user_id),
                        certificate.serial.rsplit("-", 1)[1]):
            assert derived not in certificate.code or len(derived) < 3
    # No shared prefix beyond chance between certificates issued one after the other.
    assert all(a[:4] != b[:4] for a, b in zip(codes, codes[1:], strict=False))


def test_the_public_page_shows_only_what_a_verifier_needs(client, course, clock):
    from lms.quiz import services as quiz

    unit = make_unit("P1", "Phòng Quản lý đất đai")
    person = make_user("Lê Văn Khoa", code="NV-PRIVATE-77", unit=unit, email="khoa.le@example.gov.vn")
    person.job_title = "Chuyên viên chính phụ trách bí mật"
    db.session.commit()
    read_all(person, course)
    attempt = quiz.start_attempt(person, course)
    answers = right_answers(quiz.load_attempt(person.id, attempt.id))
    answers[1] = [(answers[1][0] + 1) % len(attempt.questions[0].option_order)]  # 11 of 12: 91.67%
    quiz.save_answers(person.id, attempt.id, answers)
    finished = quiz.finish_attempt(person.id, attempt.id)
    assert finished.passed and finished.score_bp == 9167
    certificate = certificates.sign_commitment(person, course, agreed=True, typed_name=person.full_name,
                                               ip_address="10.1.2.3", user_agent="pytest")
    certificates.revoke(certificate, make_user(roles=("hr",)), "Lý do nội bộ không công khai")
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    for shown in ("Lê Văn Khoa", "Phòng Quản lý đất đai", certificate.serial, "90–100%"):
        assert shown in main, shown
    for hidden in ("NV-PRIVATE-77", "khoa.le@example.gov.vn", "Chuyên viên chính", "91,67", "91.67",
                   "Lý do nội bộ", "10.1.2.3", f"/attempts/{finished.id}", f"/certificates/{certificate.id}"):
        assert hidden not in html, hidden


@pytest.mark.parametrize("code", ["", "a", "x" * 32, "x" * 65, "../../etc/passwd", "%00", "' OR '1'='1",
                                  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "<script>"])
def test_every_bad_code_gets_the_same_page_and_is_logged(client, ctx, code):
    from urllib.parse import quote

    reference = client.get("/verify/" + "q" * 32)
    response = client.get("/verify/" + quote(code, safe=""))
    if code == "" or "/" in code:  # not a code at all: the site's own 404, which tells nothing either
        assert response.status_code == 404
        return
    assert response.status_code == reference.status_code == 404
    main = response.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]
    expected = reference.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]
    assert main == expected
    assert db.session.query(VerificationLog).filter_by(result="unknown").count() == 2
