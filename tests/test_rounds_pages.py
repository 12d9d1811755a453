"""Round pages: a head sees only their subtree (page, filters, exports, report); figures; order; actions."""
import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms.extensions import db
from lms.models import RoundMember
from lms.rounds.membership import open_round
from tests.cert_helpers import pass_quiz
from tests.conftest import login_as, post_form
from tests.factories import make_unit, make_user
from tests.quiz_helpers import read_all


@pytest.fixture
def org(ctx, course, clock):
    so = make_unit("SO", "Sở Tài nguyên và Môi trường")
    p1 = make_unit("P1", "Phòng Quản lý đất đai", parent=so)
    b1 = make_unit("B1", "Chi nhánh Đông Sơn", parent=p1)
    p2 = make_unit("P2", "Thanh tra Sở", parent=so)
    db.session.commit()
    people = {
        "head": make_user("Phạm Văn Cường", unit=p1, roles=("unit_head",), head_of=(p1,)),
        "a": make_user("Nguyễn Văn An", unit=p1),
        "b": make_user("Đỗ Thị Bình", unit=b1),
        "outsider": make_user("Lê Văn Khoa", unit=p2),
        "hr": make_user("Lê Thị Thu Hà", unit=so, roles=("hr",)),
        "admin": make_user("Nguyễn Đức Anh", unit=so, roles=("admin",)),
    }
    round_ = open_round(course, name="Đợt 1 năm 2024", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                        unit_ids=[so.id], by=people["admin"])
    return {"units": {"so": so, "p1": p1, "b1": b1, "p2": p2}, "people": people, "round": round_}


def url(org, suffix="", **query):
    path = f"/rounds/{org['round'].id}{suffix}"
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


def test_head_sees_rate_and_only_their_subtree(client, org, course):
    pass_quiz(org["people"]["a"], course)  # no commitment yet: passed, not certified
    login_as(client, org["people"]["head"])
    response = client.get("/rounds")
    assert response.status_code == 302 and response.headers["Location"].endswith(url(org))
    page = client.get(url(org)).get_data(as_text=True)
    assert "Phòng Quản lý đất đai" in page and "Nguyễn Văn An" in page and "Đỗ Thị Bình" in page
    assert "Lê Văn Khoa" not in page and "Thanh tra Sở" not in page
    assert client.get(url(org, unit=org["units"]["p2"].id)).status_code == 403
    assert client.get(url(org, unit=org["units"]["so"].id)).status_code == 403
    assert client.get(url(org, unit=org["units"]["b1"].id)).status_code == 200
    for suffix in ("/export.csv", "/export.xlsx", "/report.pdf"):
        assert client.get(url(org, suffix, unit=org["units"]["p2"].id)).status_code == 403


def test_a_round_outside_the_heads_units_is_not_found(client, org, course):
    other = open_round(course, name="Đợt riêng", starts_on=date(2024, 6, 1), deadline=date(2024, 6, 30),
                       unit_ids=[org["units"]["p2"].id], by=None)
    login_as(client, org["people"]["head"])
    assert client.get(f"/rounds/{other.id}").status_code == 404
    assert client.get(f"/rounds/{other.id}/export.csv").status_code == 404
    login_as(client, org["people"]["hr"])
    assert client.get(f"/rounds/{other.id}").status_code == 200


def test_staff_cannot_see_rounds(client, org):
    login_as(client, org["people"]["a"])
    assert client.get("/rounds").status_code == 403
    assert client.get(url(org)).status_code == 403
    assert client.get(url(org, "/export.csv")).status_code == 403


def test_counts_rates_and_overdue(client, org, course, clock):
    from lms.rounds.dashboard import overview

    read_all(org["people"]["b"], course)
    pass_quiz(org["people"]["a"], course)
    from lms.certificates.services import sign_commitment

    a = org["people"]["a"]
    sign_commitment(a, course, agreed=True, typed_name=a.full_name, ip_address=None, user_agent=None)
    result = overview(org["round"], org["units"]["p1"])
    assert result.tally.counts["certified"] == 1 and result.tally.counts["reading"] == 1
    assert result.tally.counts["not_started"] == 1 and result.tally.must_complete == 3
    assert result.tally.rate_bp == 3333
    names = [(row.unit.code, row.own_only, row.tally.total) for row in result.units]
    assert names == [("P1", True, 2), ("B1", False, 1)]
    # After the deadline everyone not certified is overdue.
    late = overview(org["round"], org["units"]["p1"], today=date(2024, 7, 1))
    assert late.tally.counts["overdue"] == 2 and late.tally.counts["certified"] == 1
    login_as(client, org["people"]["head"])
    page = client.get(url(org)).get_data(as_text=True)
    assert "33,33%" in page


def test_list_is_in_vietnamese_name_order_and_filters(client, org):
    p1 = org["units"]["p1"]
    for name in ("Nguyễn Văn Ân", "Lê Văn An", "Trần Thị Ánh", "Đỗ Văn An", "Vũ Minh Anh", "Hà Văn Dũng",
                 "Bùi Văn Đào", "Nguyễn Văn Ánh"):
        make_user(name, unit=p1)
    from lms.rounds.membership import refresh_round_memberships

    refresh_round_memberships()
    db.session.commit()
    login_as(client, org["people"]["head"])
    page = client.get(url(org, unit=p1.id)).get_data(as_text=True)
    order = ["Đỗ Văn An", "Lê Văn An", "Nguyễn Văn An", "Vũ Minh Anh", "Nguyễn Văn Ánh", "Trần Thị Ánh",
             "Nguyễn Văn Ân"]
    positions = [page.index(f">{name}") for name in order]
    assert positions == sorted(positions)
    found = client.get(url(org, q="DUNG")).get_data(as_text=True)  # accent- and case-insensitive
    assert "Hà Văn Dũng" in found and "Nguyễn Văn An" not in found
    filtered = client.get(url(org, status="certified")).get_data(as_text=True)
    assert "Nguyễn Văn An" not in filtered


def test_csv_and_xlsx_exports_follow_scope_and_neutralise_formulas(client, org):
    make_user("=HYPERLINK(\"http://x\",\"y\")", unit=org["units"]["b1"])
    from lms.rounds.membership import refresh_round_memberships

    refresh_round_memberships()
    db.session.commit()
    login_as(client, org["people"]["head"])
    response = client.get(url(org, "/export.csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    names = [row[0] for row in rows[1:]]
    assert "Lê Văn Khoa" not in names and "Nguyễn Văn An" in names
    assert "'=HYPERLINK(\"http://x\",\"y\")" in names
    book = load_workbook(io.BytesIO(client.get(url(org, "/export.xlsx")).get_data()))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value and "HYPERLINK" in str(cell.value)]
    assert cells and all(cell.data_type == "s" for cell in cells)
    values = [row[0].value for row in book.active.iter_rows()]
    assert "Lê Văn Khoa" not in values and "Đỗ Thị Bình" in values


def test_report_pdf_prints_the_units_figures(client, org, tmp_path):
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    login_as(client, org["people"]["head"])
    response = client.get(url(org, "/report.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.get_data())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for expected in ("PHÒNG QUẢN LÝ ĐẤT ĐAI", "BÁO CÁO", "Đợt 1 năm 2024", "/BC-P1", "Nơi nhận",
                     "Nguyễn Văn An", "Đỗ Thị Bình", "Chi nhánh Đông Sơn", "Phạm Văn Cường"):
        assert expected in flat, expected
    assert "Lê Văn Khoa" not in flat


def test_exemption_by_hr_with_a_reason(client, org):
    person = org["people"]["a"]
    target = url(org, f"/members/{person.id}/exemption")
    login_as(client, org["people"]["head"])
    assert post_form(client, target, {"reason": "Nghỉ ốm"}, page=url(org)).status_code == 403
    login_as(client, org["people"]["hr"])
    response = post_form(client, target, {"reason": "  "}, page=url(org), follow_redirects=True)
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(RoundMember.exempt_reason).where(RoundMember.user_id == person.id)) is None
    post_form(client, target, {"reason": "Nghỉ thai sản"}, page=url(org))
    member = db.session.scalar(select(RoundMember).where(RoundMember.user_id == person.id))
    assert member.exempt_reason == "Nghỉ thai sản"
    page = client.get(url(org, status="exempt")).get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Nghỉ thai sản" in page
    post_form(client, target, {"clear": "1"}, page=url(org))
    db.session.refresh(member)
    assert member.exempt_reason is None


def test_admin_opens_a_round_with_the_form(client, org, course):
    login_as(client, org["people"]["admin"])
    bad = post_form(client, "/rounds/new", {"course": course.id, "name": "Đợt 2", "starts_on": "2024-07-01",
                                            "deadline": "2024-06-01", "units": [org["units"]["p2"].id]})
    assert bad.status_code == 200
    response = post_form(client, "/rounds/new", {"course": course.id, "name": "Đợt 2", "starts_on": "2024-07-01",
                                                 "deadline": "2024-07-31", "units": [org["units"]["p2"].id]})
    assert response.status_code == 302
    login_as(client, org["people"]["hr"])
    assert client.get("/rounds/new").status_code == 403


def test_analysis_is_for_hr_and_admin(client, org, course):
    pass_quiz(org["people"]["a"], course)
    login_as(client, org["people"]["admin"])
    page = client.get(url(org, "/analysis"))
    assert page.status_code == 200
    login_as(client, org["people"]["head"])
    assert client.get(url(org, "/analysis")).status_code == 403


def test_analysis_is_kept_as_a_snapshot_and_recomputed_when_old_or_asked(client, org, course, clock):
    from lms.models import AnalysisSnapshot
    from lms.rounds import insights

    pass_quiz(org["people"]["a"], course)
    focus = org["units"]["so"]
    first = insights.cached(org["round"], focus)
    assert first.questions and first.mastery.rows
    assert insights.decode(insights.encode(first), first.computed_at) == first
    pass_quiz(org["people"]["b"], course)
    clock.advance(minutes=5)
    assert insights.cached(org["round"], focus).computed_at == first.computed_at  # still fresh
    clock.advance(minutes=11)
    later = insights.cached(org["round"], focus)
    assert later.computed_at > first.computed_at
    assert sum(q.uses for q in later.questions) > sum(q.uses for q in first.questions)
    assert db.session.query(AnalysisSnapshot).count() == 1
    login_as(client, org["people"]["admin"])
    response = post_form(client, url(org, "/analysis", unit=focus.id), page=url(org, "/analysis"))
    assert response.status_code == 302
    login_as(client, org["people"]["head"])
    assert post_form(client, url(org, "/analysis"), page=url(org)).status_code == 403


@pytest.mark.parametrize("today", [date(2024, 6, 10), date(2024, 7, 10)])
def test_status_filters_agree_with_the_status_shown(org, course, today):
    from lms.models import STATUSES
    from lms.rounds import dashboard
    from lms.rounds.membership import set_exemption

    pass_quiz(org["people"]["a"], course)
    read_all(org["people"]["b"], course)
    set_exemption(org["round"], org["people"]["outsider"].id, "Nghỉ phép dài hạn", org["people"]["admin"])
    focus = org["units"]["so"]
    everyone = list(dashboard.people_rows(org["round"], focus, today=today))
    for status in (*STATUSES, "unfinished"):
        expected = {p.user_id for p in everyone if p.status == status
                    or status == "unfinished" and p.status not in ("certified", "exempt")}
        found = {p.user_id for p in dashboard.people_rows(org["round"], focus, status=status, today=today)}
        assert found == expected, status
        assert dashboard.people_page(org["round"], focus, status=status, today=today)[1] == len(expected)


def test_rounds_command_line(app, org, course, tmp_path):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["rounds", "list"])
    assert listed.exit_code == 0 and "Đợt 1 năm 2024" in listed.output and "0/" in listed.output
    make_user("Người Mới Đến", unit=org["units"]["p2"])
    refreshed = runner.invoke(args=["rounds", "refresh"])
    assert refreshed.exit_code == 0 and refreshed.output.startswith("1 joined")
    assert runner.invoke(args=["rounds", "analyse"]).exit_code == 0
    out = tmp_path / "bc.pdf"
    made = runner.invoke(args=["rounds", "report", str(org["round"].id), "--unit", "P1", "--out", str(out)])
    assert made.exit_code == 0 and out.read_bytes().startswith(b"%PDF")
    assert runner.invoke(args=["rounds", "report", "999", "--out", str(out)]).exit_code == 1
    assert runner.invoke(args=["rounds", "report", str(org["round"].id), "--unit", "NOPE", "--out", str(out)]
                         ).exit_code == 1


def test_a_long_list_is_left_to_the_spreadsheet(client, org, monkeypatch):
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    from lms.rounds import report

    monkeypatch.setattr(report, "PENDING_LISTED_UP_TO", 2)
    data = report.report_data(org["round"], org["units"]["so"])
    assert not data.pending_listed and data.pending == () and data.not_finished > 2
    login_as(client, org["people"]["hr"])
    pdf = client.get(url(org, "/report.pdf")).get_data()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    assert f"Có {data.not_finished} người chưa hoàn thành; danh sách chi tiết" in flat
    assert "Nguyễn Văn An" not in flat


def test_admin_deletes_a_round_opened_by_mistake(client, org, course):
    spare = open_round(course, name="Đợt nhầm", starts_on=date(2024, 6, 3), deadline=date(2024, 6, 30),
                       unit_ids=[org["units"]["p2"].id], by=None)
    login_as(client, org["people"]["hr"])
    assert post_form(client, f"/rounds/{spare.id}/delete", page=url(org)).status_code == 403
    login_as(client, org["people"]["admin"])
    response = post_form(client, f"/rounds/{spare.id}/delete", page=url(org))
    assert response.status_code == 302 and client.get(f"/rounds/{spare.id}").status_code == 404
