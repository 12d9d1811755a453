"""Completion, commitment, issue once, serials, verification states, downloads, HR list, ZIP, revocation."""
import hashlib
import io
import threading
import unicodedata
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import clock
from lms.certificates import services
from lms.certificates.issue import completion
from lms.extensions import db
from lms.models import Certificate, CertificateFile, Commitment, User, VerificationLog
from tests.cert_helpers import pass_quiz
from tests.conftest import COURSE_KEY, csrf_token, login_as
from tests.factories import make_unit, make_user
from tests.quiz_helpers import Clock, read_all


@pytest.fixture
def unit(ctx):
    return make_unit("QLDD", "Phòng Quản lý đất đai", parent=make_unit("SO", "Sở Tài nguyên và Môi trường"))


def _sign(user, course, name=None):
    return services.sign_commitment(user, course, agreed=True, typed_name=name or user.full_name,
                                    ip_address="10.0.0.7", user_agent="pytest")


def test_the_commitment_completes_the_course_and_issues_once(ctx, course, unit):
    user = make_user("Nguyễn Văn An", unit=unit)
    attempt = pass_quiz(user, course)
    assert completion(user, course).may_sign and db.session.query(Certificate).count() == 0
    certificate = _sign(user, course, unicodedata.normalize("NFD", "nguyễn  văn AN"))
    assert certificate is not None and certificate.status == "valid"
    assert certificate.full_name == "Nguyễn Văn An" and certificate.unit_name == "Phòng Quản lý đất đai"
    assert certificate.score_bp == attempt.score_bp == 10000 and certificate.attempt_id == attempt.id
    assert len(certificate.code) >= 32 and certificate.serial.endswith("/QTMXH-00001")
    stored = db.session.get(CertificateFile, certificate.id).pdf
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256 and stored.startswith(b"%PDF")
    commitment = db.session.scalar(select(Commitment))
    assert commitment.ip_address == "10.0.0.7" and commitment.text == course.commitment_text
    with pytest.raises(services.CertificateError) as error:
        _sign(user, course)
    assert error.value.reason == "already_signed"
    assert db.session.query(Certificate).count() == 1


@pytest.mark.parametrize("agreed, name, reason",
                         [(False, None, "not_agreed"), (True, "Nguyễn Văn Anh", "name_mismatch")])
def test_commitment_needs_the_box_and_the_same_name(ctx, course, agreed, name, reason):
    user = make_user("Nguyễn Văn An")
    pass_quiz(user, course)
    with pytest.raises(services.CertificateError) as error:
        services.sign_commitment(user, course, agreed=agreed, typed_name=name or user.full_name,
                                 ip_address=None, user_agent=None)
    assert error.value.reason == reason
    assert db.session.query(Commitment).count() == 0


def test_commitment_needs_a_passed_quiz(ctx, course):
    user = make_user()
    read_all(user, course)
    with pytest.raises(services.CertificateError) as error:
        _sign(user, course)
    assert error.value.reason == "not_passed"


def test_without_a_commitment_passing_issues_in_the_same_transaction(ctx, course):
    course.commitment_required = False
    db.session.commit()
    user = make_user()
    pass_quiz(user, course)
    assert db.session.scalar(select(func.count(Certificate.id)).where(Certificate.user_id == user.id)) == 1


def test_serials_are_unique_under_parallel_completions(app, ctx, course):
    users = [make_user() for _ in range(6)]
    for user in users:
        pass_quiz(user, course)
    ids = [u.id for u in users]
    course_id = course.id
    barrier = threading.Barrier(len(ids))
    errors = []

    def sign(user_id):
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                from lms.models import Course
                barrier.wait()
                _sign(user, db.session.get(Course, course_id))
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.rollback()
    serials = db.session.scalars(select(Certificate.serial)).all()
    assert len(serials) == len(set(serials)) == 6
    assert sorted(int(s.rsplit("-", 1)[1]) for s in serials) == [1, 2, 3, 4, 5, 6]


def _certified(course, unit=None, name="Lê Thị Bình"):
    user = make_user(name, unit=unit)
    pass_quiz(user, course)
    return user, _sign(user, course)


def test_verification_states(client, course, unit, monkeypatch):
    user, certificate = _certified(course, unit)
    page = client.get(f"/verify/{certificate.code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Giấy chứng nhận hợp lệ" in html and "Lê Thị Bình" in html
    assert user.email is None or user.email not in html
    assert user.employee_code not in html
    fake = Clock(clock.now() + timedelta(days=365 * 3))
    monkeypatch.setattr(clock, "now", fake)
    assert "đã hết hạn" in client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    monkeypatch.undo()
    certificate.status = "superseded"
    db.session.commit()
    assert "đã được thay thế" in client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    certificate.status = "valid"
    db.session.commit()
    services.revoke(certificate, make_user(roles=("hr",)), "Cấp nhầm")
    assert "đã bị thu hồi" in client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    codes = ("x" * 32, "..%2E%2E%5Cetc", certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B"), "a")
    unknown = [client.get(f"/verify/{code}") for code in codes]
    assert all(r.status_code == 404 for r in unknown)
    mains = {r.get_data(as_text=True).split("<main", 1)[1].split("</main>")[0] for r in unknown}
    assert len(mains) == 1 and "Không tìm thấy giấy chứng nhận với mã này." in mains.pop()
    logged = db.session.scalars(select(VerificationLog.result).order_by(VerificationLog.id)).all()
    assert logged[:4] == ["valid", "expired", "superseded", "revoked"] and logged[4:] == ["unknown"] * 4


def test_verification_is_rate_limited(client, course, app):
    app.config["VERIFY_RATE_LIMIT"] = "5 per minute"
    try:
        responses = [client.get(f"/verify/{'z' * 30}{i:02d}") for i in range(7)]
    finally:
        app.config["VERIFY_RATE_LIMIT"] = "30 per minute"
    assert [r.status_code for r in responses] == [404] * 5 + [429, 429]
    page = responses[-1].get_data(as_text=True)
    assert 'class="site-header"' in page and "Retry-After" in responses[-1].headers  # the app's own page


def test_downloads(client, course, unit):
    user, certificate = _certified(course, unit, "Đặng Thị Ánh")
    login_as(client, user)
    response = client.get(f"/certificates/{certificate.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition and "attachment" in disposition
    assert "%2F" not in disposition and "/" not in disposition.split("filename*")[1]
    assert response.data == db.session.get(CertificateFile, certificate.id).pdf
    assert client.get(f"/certificates/{certificate.id}/pdf").data == response.data  # stored bytes, not re-rendered
    assert "Tải giấy chứng nhận (PDF)" in client.get("/courses").get_data(as_text=True)
    login_as(client, make_user())
    assert client.get(f"/certificates/{certificate.id}/pdf").status_code == 404
    login_as(client, make_user(roles=("hr",)))
    assert client.get(f"/certificates/{certificate.id}/pdf").status_code == 200


def test_hr_list_filters_and_search(client, course, unit):
    other_unit = make_unit("TTDL", "Trung tâm Dữ liệu", parent=unit.parent)
    _certified(course, unit, "Nguyễn Văn An")
    _, second = _certified(course, other_unit, "Trần Thị Bích")
    login_as(client, make_user(roles=("hr",)))
    html = client.get("/certificates").get_data(as_text=True)
    assert "Nguyễn Văn An" in html and "Trần Thị Bích" in html and "2 giấy chứng nhận" in html
    found = client.get("/certificates", query_string={"q": "nguyen van an"}).get_data(as_text=True)
    assert "Nguyễn Văn An" in found and "Trần Thị Bích" not in found
    by_unit = client.get("/certificates", query_string={"unit": other_unit.id}).get_data(as_text=True)
    assert "Trần Thị Bích" in by_unit and "Nguyễn Văn An" not in by_unit
    services.revoke(second, make_user(roles=("hr",)), "Cấp nhầm người")
    revoked = client.get("/certificates", query_string={"status": "revoked"}).get_data(as_text=True)
    assert "Trần Thị Bích" in revoked and "Nguyễn Văn An" not in revoked and "Cấp nhầm người" in revoked
    future = client.get("/certificates", query_string={"date_from": "2999-01-01"}).get_data(as_text=True)
    assert "Không có giấy chứng nhận nào phù hợp." in future
    assert client.get("/certificates", query_string={"date_from": "not-a-date"}).status_code == 400


@pytest.mark.parametrize("role", ["staff", "unit_head"])
def test_only_hr_and_admin_reach_the_list(client, course, unit, role):
    user = make_user(roles=(role,) if role != "staff" else (), head_of=(unit,) if role == "unit_head" else ())
    login_as(client, user)
    assert client.get("/certificates").status_code == 403
    assert client.get("/certificates/export.zip").status_code == 403


def test_zip_of_the_current_filter(client, course, unit):
    other_unit = make_unit("TTDL", "Trung tâm Dữ liệu", parent=unit.parent)
    _, first = _certified(course, unit, "Nguyễn Văn An")
    _, second = _certified(course, unit, "Nguyễn Văn An")  # same name: serials keep the files apart
    _certified(course, other_unit, "Trần Thị Bích")
    login_as(client, make_user(roles=("hr",)))
    response = client.get("/certificates/export.zip", query_string={"unit": unit.id})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(n.startswith("Nguyễn Văn An - ") and n.endswith(".pdf") for n in names)
    assert archive.testzip() is None
    stored = {db.session.get(CertificateFile, c.id).pdf for c in (first, second)}
    assert {archive.read(n) for n in names} == stored


def test_revoke_needs_a_reason_and_hr(client, course, unit):
    _, certificate = _certified(course, unit)
    hr = make_user(roles=("hr",))
    login_as(client, hr)
    token = csrf_token(client.get("/certificates").get_data(as_text=True))
    client.post(f"/certificates/{certificate.id}/revoke", data={"csrf_token": token, "reason": "  "})
    db.session.refresh(certificate)
    assert certificate.status == "valid"
    client.post(f"/certificates/{certificate.id}/revoke", data={"csrf_token": token, "reason": "Cấp nhầm"})
    db.session.refresh(certificate)
    assert certificate.status == "revoked" and certificate.revoked_by_id == hr.id
    assert certificate.revoke_reason == "Cấp nhầm"
    staff = make_user()
    login_as(client, staff)
    token = csrf_token(client.get("/courses").get_data(as_text=True))
    refused = client.post(f"/certificates/{certificate.id}/revoke", data={"csrf_token": token, "reason": "x"})
    assert refused.status_code == 403


def test_commitment_page_flow(client, course, unit):
    user = make_user("Phan Văn Đức", unit=unit)
    pass_quiz(user, course)
    login_as(client, user)
    html = client.get("/courses").get_data(as_text=True)
    assert "Ký cam kết" in html
    page = client.get(f"/courses/{COURSE_KEY}/commitment").get_data(as_text=True)
    assert course.commitment_text in page
    wrong = client.post(f"/courses/{COURSE_KEY}/commitment",
                        data={"csrf_token": csrf_token(page), "agree": "y", "full_name": "Phan Văn Đúc"})
    assert "không khớp" in wrong.get_data(as_text=True)
    done = client.post(f"/courses/{COURSE_KEY}/commitment",
                       data={"csrf_token": csrf_token(page), "agree": "y", "full_name": "phan văn đức"},
                       follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "Giấy chứng nhận của bạn đã sẵn sàng." in text and "Tải giấy chứng nhận (PDF)" in text


def test_export_cli(ctx, course, unit, tmp_path):
    _certified(course, unit, "Nguyễn Văn An")
    _certified(course, make_unit("KHAC", "Đơn vị khác"), "Hồ Thị Cúc")
    out = tmp_path / "out.zip"
    result = ctx.test_cli_runner().invoke(args=["certificates", "export", "--unit", "QLDD", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert len(names) == 1 and names[0].startswith("Nguyễn Văn An")
    bad = ctx.test_cli_runner().invoke(args=["certificates", "export", "--unit", "NOPE", "--out", str(out)])
    assert bad.exit_code == 1


def test_download_names_are_safe(client, course, unit):
    user, certificate = _certified(course, unit, "Đặng Đức")
    certificate.full_name = "Đặng Đức ../../etc/passwd a\\b\u202e"
    db.session.commit()
    login_as(client, user)
    disposition = client.get(f"/certificates/{certificate.id}/pdf").headers["Content-Disposition"]
    fallback = disposition.split('filename="')[1].split('"')[0]
    assert fallback.startswith("Giay chung nhan - Dang Duc") and fallback.endswith(".pdf")
    assert "/" not in fallback and "\\" not in fallback and ".." not in fallback
    assert "%E2%80%AE" not in disposition and "%2F" not in disposition and "%5C" not in disposition


def test_unit_heads_do_not_download_their_staffs_certificates(client, course, unit):
    _, certificate = _certified(course, unit)
    login_as(client, make_user(roles=("unit_head",), head_of=(unit,), unit=unit))
    assert client.get(f"/certificates/{certificate.id}/pdf").status_code == 404


def test_odd_list_parameters_and_next_values(client, course, unit):
    _, certificate = _certified(course, unit)
    login_as(client, make_user(roles=("hr",)))
    for query in ({"endpoint": "x"}, {"_method": "POST"}, {"_anchor": "x", "_external": "1"}):
        assert client.get("/certificates", query_string=query).status_code == 200
    token = csrf_token(client.get("/certificates").get_data(as_text=True))
    response = client.post(f"/certificates/{certificate.id}/revoke",
                           data={"csrf_token": token, "reason": "Cấp nhầm", "next": "/certificates\r\nX: y"})
    assert response.status_code == 302 and response.headers["Location"] == "/certificates"
