"""The quiz in a real browser: fail, review, go back to a lesson, retry, pass; and without JavaScript."""
import re

import pytest

from lms.extensions import db
from lms.models import Attempt
from tests.browser import browser_page, live_server, require_chromium
from tests.factories import PASSWORD, make_user
from tests.quiz_helpers import read_all, right_answers, wrong_answers

pytestmark = pytest.mark.browser


def _login(page, base, code):
    page.goto(f"{base}/login")
    page.get_by_label("Mã cán bộ hoặc email").fill(code)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/courses")


def _attempt_from_url(page) -> Attempt:
    attempt_id = int(re.search(r"/attempts/(\d+)", page.url).group(1))
    db.session.rollback()
    return db.session.get(Attempt, attempt_id)


def _pick(page, answers):
    for position, indexes in answers.items():
        for index in indexes:
            page.locator(f'input[name="q{position}"][value="{index}"]').check()


def test_fail_review_retry_pass(app, course):
    require_chromium()
    user = make_user("Phạm Thị Quỳnh", code="NV-QUIZ")
    read_all(user, course)
    with live_server(app) as base, browser_page({"width": 412, "height": 900}) as page:
        page.on("dialog", lambda dialog: dialog.accept())
        _login(page, base, "NV-QUIZ")
        page.get_by_role("link", name="Làm bài kiểm tra").click()
        assert "12 câu hỏi" in page.inner_text("main")
        page.get_by_role("button", name="Bắt đầu làm bài").click()
        page.wait_for_url(re.compile(r"/attempts/\d+$"))
        attempt = _attempt_from_url(page)

        wrong = wrong_answers(attempt)
        _pick(page, wrong)
        page.wait_for_function("document.getElementById('quiz-progress').textContent.includes('12/12')")
        page.locator("#q12 .save-state.saved").wait_for()
        page.reload()  # a dropped connection or a reload loses nothing that was saved
        for position, indexes in wrong.items():
            assert page.locator(f'input[name="q{position}"][value="{indexes[0]}"]').is_checked()

        page.get_by_role("button", name="Nộp bài").click()
        page.wait_for_url(re.compile(r"/review$"))
        assert "Chưa đạt — 0%" in page.inner_text("h2#score-heading")
        assert page.get_by_role("link", name="Đọc lại bài học").count() == len(course.clauses)
        page.get_by_role("link", name="Đọc lại bài học").first.click()
        assert "/lessons/" in page.url
        page.go_back()

        page.get_by_role("button", name="Làm lại").click()
        page.wait_for_url(re.compile(r"/attempts/\d+$"))
        second = _attempt_from_url(page)
        assert second.id != attempt.id
        _pick(page, right_answers(second))
        page.get_by_role("button", name="Nộp bài").click()
        page.wait_for_url(re.compile(r"/review$"))
        assert "Đạt — 100%" in page.inner_text("h2#score-heading")

        page.get_by_role("link", name="Khóa học của tôi").first.click()
        main = page.inner_text("main")
        assert "Tiến độ: 10/10 bước" in main and "Đạt" in main


def test_the_quiz_works_without_javascript(app, course):
    require_chromium()
    user = make_user(code="NV-NOJS")
    read_all(user, course)
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            _login(page, base, "NV-NOJS")
            page.goto(f"{base}/courses/quy-tac-ung-xu-mxh-2024/quiz")
            page.get_by_role("button", name="Bắt đầu làm bài").click()
            attempt = _attempt_from_url(page)
            answers = right_answers(attempt)
            _pick(page, {p: answers[p] for p in range(1, 7)})
            page.get_by_role("button", name="Lưu câu trả lời").click()
            assert "Đã lưu câu trả lời của bạn." in page.inner_text(".flashes")
            assert "Đã trả lời 6/12 câu" in page.inner_text("#quiz-progress")
            _pick(page, {p: answers[p] for p in range(7, 13)})
            page.get_by_role("button", name="Nộp bài").click()
            page.wait_for_url(re.compile(r"/review$"))
            assert "Đạt — 100%" in page.inner_text("h2#score-heading")
        finally:
            browser.close()
