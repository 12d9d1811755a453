"""The admin content page: check the bank and load it from the browser."""
import shutil

import pytest

from lms.models import Course
from tests.conftest import BANK, COURSE_KEY, csrf_token, login_as
from tests.factories import make_user


@pytest.fixture
def admin(ctx):
    return make_user(roles=("admin",))


def _post(client, url):
    token = csrf_token(client.get("/admin/content").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token})


def test_check_then_load(client, admin):
    login_as(client, admin)
    assert "Chưa có khóa học nào được nạp." in client.get("/admin/content").get_data(as_text=True)
    checked = _post(client, "/admin/content/check").get_data(as_text=True)
    assert COURSE_KEY in checked and "Không có lỗi" in checked
    assert Course.query.count() == 0
    loaded = _post(client, "/admin/content/sync")
    assert loaded.status_code == 200
    html = loaded.get_data(as_text=True)
    assert "Đã nạp nội dung khóa học" in html and "Quy tắc ứng xử trên mạng xã hội" in html
    assert Course.query.count() == 1


def test_a_broken_bank_loads_nothing_and_lists_problems(client, admin, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(BANK / COURSE_KEY, bank / COURSE_KEY)
    (bank / COURSE_KEY / "questions" / "1a.yaml").write_text("- key: 1a-x\n  type: single\n", encoding="utf-8")
    client.application.config["QUESTION_BANK_DIR"] = str(bank)
    try:
        login_as(client, admin)
        response = _post(client, "/admin/content/sync")
    finally:
        client.application.config["QUESTION_BANK_DIR"] = str(BANK)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "1a.yaml:1" in html and "Chưa nạp gì" in html
    assert Course.query.count() == 0
