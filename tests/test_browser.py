"""Journeys in a real browser: log in and read a lesson, on a desktop and on a phone."""
import pytest

from tests.browser import browser_page, live_server, require_chromium
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_staff_logs_in_and_reads_a_lesson(app, course, viewport):
    require_chromium()
    make_user("Nguyễn Thị Hồng", code="NV-BROWSER")
    with live_server(app) as base, browser_page(viewport) as page:
        page.goto(f"{base}/courses")
        assert "/login" in page.url
        page.get_by_label("Mã cán bộ hoặc email").fill("NV-BROWSER")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{base}/courses")
        assert "Xin chào, Nguyễn Thị Hồng." in page.content()
        assert "Đã đọc 0/9 bài" in page.inner_text("main")

        page.get_by_role("link", name="Bắt đầu học").click()
        page.get_by_role("link", name="Căn cứ và mục đích của văn bản").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Căn cứ và mục đích của văn bản"
        assert "Phần mở đầu" in page.inner_text(".clause-box")
        assert "Công văn số 664/PTTH&TTĐT" in page.inner_text(".lesson-body")

        page.get_by_role("button", name="Tôi đã đọc và hiểu").click()
        page.wait_for_url(f"{base}/courses/quy-tac-ung-xu-mxh-2024/lessons/1a")
        assert "Đã ghi nhận bạn đọc xong: Căn cứ và mục đích của văn bản" in page.inner_text(".flashes")
        page.get_by_role("link", name="Bài trước").click()
        assert "Bạn đã xác nhận đọc bài học này." in page.inner_text("main")

        page.get_by_role("link", name="Khóa học của tôi").first.click()
        assert "Đã đọc 1/9 bài" in page.inner_text("main")
        # Nothing on the page came from outside this server.
        assert all(r.startswith(base) for r in page.evaluate("performance.getEntries().map(e => e.name)")
                   if r.startswith("http"))


def test_keyboard_user_can_skip_to_content_and_log_in(app, course):
    require_chromium()
    make_user(code="NV-KEYS")
    with live_server(app) as base, browser_page() as page:
        page.goto(f"{base}/login")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent").strip() == "Bỏ qua, đến nội dung chính"
        page.locator("#identifier").focus()
        page.keyboard.type("NV-KEYS")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/courses")
