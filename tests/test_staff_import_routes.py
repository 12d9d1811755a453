"""Staff import pages: upload, preview, apply, result, templates; who may use them."""
import io
import re

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import User
from lms.sheets import read_sheet
from lms.staff_import.columns import find_header
from tests.conftest import csrf_token, login_as
from tests.factories import make_user
from tests.import_helpers import HEADINGS, make_org, xlsx_bytes

WITH_ROLE = HEADINGS + ["Vai trò"]
GOOD = [HEADINGS, ["NV1", "Nguyễn Văn An", "an@stnmt.vn", "QLDD", "Chuyên viên"],
        ["NV2", "Lê Thị Bình", "binh@stnmt.vn", "KHONG-CO", ""]]


@pytest.fixture
def org(ctx):
    units = make_org()
    people = {
        "hr": make_user("Nhân Sự", code="HR01", unit=units["root"], roles=("hr",)),
        "admin": make_user("Quản Trị", code="AD01", unit=units["root"], roles=("admin",)),
        "head": make_user("Trưởng Phòng", code="TP01", unit=units["land"], roles=("unit_head",),
                          head_of=(units["land"],)),
        "staff": make_user("Cán Bộ", code="CB01", unit=units["land"]),
    }
    return units, people


def sign_in(client, user):
    login_as(client, user)
    with client.session_transaction() as session:
        session["lang"] = "en"


def upload(client, data, filename="staff.xlsx", sync=False):
    token = csrf_token(client.get("/people/import").get_data(as_text=True))
    form = {"csrf_token": token, "file": (io.BytesIO(data), filename)}
    if sync:
        form["sync"] = "y"
    return client.post("/people/import", data=form, content_type="multipart/form-data")


def preview_url(response):
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert re.fullmatch(r"/people/import/[A-Za-z0-9_-]{32}", location)
    return location


def apply(client, url, page=None):
    page = page or client.get(url).get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]{64})"', page).group(1)
    return client.post(url + "/apply", data={"csrf_token": csrf_token(page), "fingerprint": fingerprint})


def person(code):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.employee_code == code))


def test_upload_preview_apply_and_result(client, org):
    sign_in(client, org[1]["hr"])
    form = client.get("/people/import").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and "/people/import/template.xlsx" in form
    url = preview_url(upload(client, xlsx_bytes(GOOD)))
    page = client.get(url).get_data(as_text=True)
    assert "staff.xlsx" in page and "Rows with errors" in page
    assert "No unit has the code or name “KHONG-CO”" in page
    assert "1 row with errors will be skipped" in page
    only = client.get(url + "?show=problems").get_data(as_text=True)
    assert "KHONG-CO" in only and "Nguyễn Văn An" not in only
    result = apply(client, url, page)
    text = result.get_data(as_text=True)
    assert result.status_code == 200 and "Import applied" in text and "Initial passwords" in text
    password = re.search(r'<code class="password">([^<]+)</code>', text).group(1)
    assert person("NV1").unit.code == "QLDD" and person("NV2") is None
    assert password not in (person("NV1").password_hash or "")
    assert result.headers["Cache-Control"] == "no-store"
    # The upload is gone: the preview and a second apply lead back to the upload form.
    again = client.get(url)
    assert again.status_code == 302 and again.headers["Location"] == "/people/import"


def test_login_with_the_initial_password(client, org):
    sign_in(client, org[1]["admin"])
    text = apply(client, preview_url(upload(client, xlsx_bytes(GOOD[:2])))).get_data(as_text=True)
    password = re.search(r'<code class="password">([^<]+)</code>', text).group(1)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/courses").get_data(as_text=True))})
    login_page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": csrf_token(login_page), "identifier": "NV1",
                                           "password": password})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]


def test_nothing_is_applied_when_staff_changed_after_the_preview(client, org):
    units, people = org
    sign_in(client, people["hr"])
    url = preview_url(upload(client, xlsx_bytes(GOOD)))
    page = client.get(url).get_data(as_text=True)
    make_user("Người Khác", code="NV9", unit=units["land"], email="an@stnmt.vn")
    response = apply(client, url, page)
    assert response.status_code == 302 and response.headers["Location"] == url
    assert person("NV1") is None
    fresh = client.get(url).get_data(as_text=True)
    assert "Staff records changed after this preview was made" in fresh
    assert "This email already belongs to Người Khác (NV9)" in fresh


def test_hr_cannot_grant_admin_through_the_pages(client, org):
    sign_in(client, org[1]["hr"])
    rows = [WITH_ROLE, ["NV1", "Nguyễn Văn An", "", "QLDD", "", "admin"], ["NV2", "Lê Bình", "", "QLDD", "", ""]]
    url = preview_url(upload(client, xlsx_bytes(rows)))
    page = client.get(url).get_data(as_text=True)
    assert "Only an administrator may give or take away the admin role" in page
    apply(client, url, page)
    assert person("NV1") is None and person("NV2").roles == {"staff"}
    assert not db.session.scalar(select(User).join(User.role_rows).where(User.employee_code == "NV1"))


def test_sync_mode_shows_who_would_be_deactivated(client, org):
    units, people = org
    make_user("Đã Nghỉ Việc", code="NV8", unit=units["land"])
    sign_in(client, people["admin"])
    url = preview_url(upload(client, xlsx_bytes(GOOD[:2]), sync=True))
    page = client.get(url).get_data(as_text=True)
    assert "Sync mode" in page and "To be deactivated" in page and "Đã Nghỉ Việc" in page
    assert "Quản Trị" not in page.split("To be deactivated")[1]  # never the importer
    apply(client, url, page)
    assert not person("NV8").active and person("AD01").active and person("NV1").active


def test_unreadable_files_stay_on_the_upload_form(client, org):
    sign_in(client, org[1]["hr"])
    response = upload(client, b"%PDF-1.4 not a list", "staff.pdf")
    assert response.status_code == 200
    assert "Upload an Excel workbook (.xlsx) or a CSV file (.csv)." in response.get_data(as_text=True)
    missing = upload(client, xlsx_bytes([["Mã CB", "Họ tên"], ["NV1", "An"]]))
    assert "The file has no column for: Unit." in missing.get_data(as_text=True)
    big = upload(client, b"a" * (10 * 1024 * 1024 + 5), "big.csv")
    assert "larger than 10 MB" in big.get_data(as_text=True)


def test_an_upload_belongs_to_its_uploader_for_an_hour(client, org, monkeypatch):
    units, people = org
    sign_in(client, people["hr"])
    url = preview_url(upload(client, xlsx_bytes(GOOD)))
    sign_in(client, people["admin"])
    assert client.get(url).headers["Location"] == "/people/import"
    sign_in(client, people["hr"])
    assert client.get(url).status_code == 200
    monkeypatch.setattr("lms.staff_import.uploads.LIFETIME_SECONDS", -1)
    assert client.get(url).headers["Location"] == "/people/import"


@pytest.mark.parametrize("role", ["staff", "head"])
def test_staff_and_unit_heads_are_refused(client, org, role):
    units, people = org
    sign_in(client, people["hr"])
    url = preview_url(upload(client, xlsx_bytes(GOOD)))
    sign_in(client, people[role])
    assert client.get("/people/import").status_code == 403
    assert client.get(url).status_code == 403
    assert client.get("/people/import/template.csv").status_code == 403
    client.application.config["WTF_CSRF_ENABLED"] = False
    try:
        assert client.post(url + "/apply", data={"fingerprint": "0" * 64}).status_code == 403
    finally:
        client.application.config["WTF_CSRF_ENABLED"] = True
    assert person("NV1") is None


def test_templates_download_and_read_back(client, org):
    sign_in(client, org[1]["hr"])
    for kind in ("csv", "xlsx"):
        response = client.get(f"/people/import/template.{kind}")
        assert response.status_code == 200
        assert f"filename=danh-sach-can-bo.{kind}" in response.headers["Content-Disposition"]
        header, problems = find_header(read_sheet(response.data, f"t.{kind}").rows)
        assert header is not None and len(header.columns) == 6 and not problems
    assert client.get("/people/import/template.csv").data.startswith("\ufeff".encode())


def test_the_staff_list_links_to_the_import_for_hr_only(client, org):
    sign_in(client, org[1]["hr"])
    assert "/people/import" in client.get("/people").get_data(as_text=True)
    sign_in(client, org[1]["head"])
    assert "/people/import" not in client.get("/people").get_data(as_text=True)


def test_uploads_are_private_files_that_expire(ctx):
    import os
    import time
    from pathlib import Path

    from lms.staff_import import uploads

    token = uploads.store_upload(b"data", "a.csv", user_id=7, sync=True)
    stored = uploads.load_upload(token, user_id=7)
    assert stored.data == b"data" and stored.sync and stored.filename == "a.csv"
    folder = Path(ctx.instance_path) / "staff-imports"
    assert os.stat(folder / f"{token}.data").st_mode & 0o077 == 0
    assert uploads.load_upload(token, user_id=8) is None
    for bad in ("../../secret_key", "x" * 31, token + "/", ""):
        assert uploads.load_upload(bad, user_id=7) is None
    assert uploads.load_upload(token, user_id=7, now=time.time() + 3601) is None
    uploads.purge_expired(now=time.time() + 3601)
    assert not (folder / f"{token}.data").exists() and not (folder / f"{token}.json").exists()


def test_only_the_file_name_is_kept(client, org):
    sign_in(client, org[1]["hr"])
    url = preview_url(upload(client, xlsx_bytes(GOOD), filename="C:/fakepath/danh sach.xlsx"))
    page = client.get(url).get_data(as_text=True)
    assert "danh sach.xlsx" in page and "fakepath" not in page
