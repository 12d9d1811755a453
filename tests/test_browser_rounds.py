"""A unit head's journey in a real browser: the unit's rate, who is missing, the Excel list, the report."""
from datetime import date

import pytest
from openpyxl import load_workbook

from lms.extensions import db
from lms.rounds.membership import open_round
from tests.browser import browser_page, live_server, require_chromium
from tests.cert_helpers import pass_quiz
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_unit_head_sees_rate_missing_people_exports_and_prints(app, course, tmp_path, viewport):
    require_chromium()
    so = make_unit("SO", "Sở Tài nguyên và Môi trường")
    unit = make_unit("QLDD", "Phòng Quản lý đất đai", parent=so)
    other = make_unit("TT", "Thanh tra Sở", parent=so)
    db.session.commit()
    make_user("Phạm Văn Cường", code="NV-HEAD", unit=unit, roles=("unit_head",), head_of=(unit,))
    done = make_user("Nguyễn Thị Hoa", unit=unit)
    make_user("Đỗ Minh Quân", unit=unit)
    make_user("Lê Văn Khoa", unit=other)
    today = date.today()
    open_round(course, name="Đợt kiểm thử", starts_on=today.replace(day=1), deadline=date(today.year + 1, 1, 31),
               unit_ids=[so.id], by=None)
    pass_quiz(done, course)
    from lms.certificates.services import sign_commitment

    sign_commitment(done, course, agreed=True, typed_name=done.full_name, ip_address=None, user_agent=None)
    with live_server(app) as base, browser_page(viewport) as page:
        page.goto(f"{base}/login")
        page.get_by_label("Mã cán bộ hoặc email").fill("NV-HEAD")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{base}/courses")
        page.locator("main a[href='/rounds']").click()
        page.wait_for_url(f"{base}/rounds/*")
        main = page.inner_text("main")
        assert "Phòng Quản lý đất đai" in main and "33,33%" in main
        assert "Lê Văn Khoa" not in main
        # Nothing wider than the screen but the scrollable tables.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1

        page.locator("select#status").select_option("unfinished")
        page.locator("form[role=search] button[type=submit]").click()
        page.wait_for_url("**status=unfinished**")
        people = page.inner_text("#people table")
        assert "Phạm Văn Cường" in people and "Đỗ Minh Quân" in people and "Nguyễn Thị Hoa" not in people

        with page.expect_download() as info:
            page.locator("a[href*='/export.xlsx']").click()
        saved = tmp_path / "list.xlsx"
        info.value.save_as(saved)
        assert info.value.suggested_filename.endswith(".xlsx")
        names = [row[0].value for row in load_workbook(saved).active.iter_rows()]
        assert "Đỗ Minh Quân" in names and "Nguyễn Thị Hoa" not in names and "Lê Văn Khoa" not in names

        with page.expect_download() as info:
            page.locator("a[href*='/report.pdf']").click()
        report = tmp_path / "report.pdf"
        info.value.save_as(report)
        assert report.read_bytes().startswith(b"%PDF")
