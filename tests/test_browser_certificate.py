"""From a passed quiz to a downloaded certificate whose QR address says "valid", in a real browser."""
import re

import pytest

from lms.extensions import db
from lms.models import Certificate
from tests.browser import browser_page, live_server, require_chromium
from tests.cert_helpers import pass_quiz
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_sign_download_and_verify(app, course, tmp_path):
    require_chromium()
    user = make_user("Hoàng Thị Thu Trang", code="NV-CERT")
    pass_quiz(user, course)
    with live_server(app) as base, browser_page() as page:
        page.goto(f"{base}/login")
        page.get_by_label("Mã cán bộ hoặc email").fill("NV-CERT")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{base}/courses")
        page.get_by_role("link", name="Ký cam kết").first.click()
        assert course.commitment_text in page.inner_text("main")
        page.get_by_label("Tôi đã đọc nội dung cam kết trên và cam kết thực hiện.").check()
        page.get_by_label("Nhập họ và tên của bạn").fill("hoàng thị thu trang")
        page.get_by_role("button", name="Ký cam kết").click()
        page.wait_for_url(f"{base}/courses")
        assert "Giấy chứng nhận của bạn đã sẵn sàng." in page.inner_text(".flashes")

        with page.expect_download() as info:
            page.get_by_role("link", name="Tải giấy chứng nhận (PDF)").click()
        download = info.value
        assert re.fullmatch(r"Giấy chứng nhận - Hoàng Thị Thu Trang - \d{4}-QTMXH-\d{5}\.pdf",
                            download.suggested_filename)
        saved = tmp_path / "cert.pdf"
        download.save_as(saved)
        db.session.rollback()
        certificate = db.session.query(Certificate).filter_by(user_id=user.id).one()
        assert saved.read_bytes() == certificate.file.pdf

        page.goto(f"{base}/verify/{certificate.code}")
        assert "Giấy chứng nhận hợp lệ" in page.inner_text("main")
        assert "Hoàng Thị Thu Trang" in page.inner_text("main")
