"""The learning path: my courses, lessons, marking them read, progress from SQL aggregates."""
from sqlalchemy import func, select

from lms.extensions import db
from lms.learn import services
from lms.models import Lesson, LessonRead
from tests.conftest import COURSE_KEY, csrf_token, login_as
from tests.factories import make_user

COURSE_URL = f"/courses/{COURSE_KEY}"


def _read(client, lesson_key):
    page = client.get(f"{COURSE_URL}/lessons/{lesson_key}")
    return client.post(f"{COURSE_URL}/lessons/{lesson_key}/read",
                       data={"csrf_token": csrf_token(page.get_data(as_text=True))})


def test_my_courses_shows_progress(client, course):
    user = make_user()
    login_as(client, user)
    html = client.get("/courses").get_data(as_text=True)
    assert course.title in html
    assert "Đã đọc 0/9 bài" in html and 'aria-valuenow="0"' in html
    _read(client, "basis")
    _read(client, "1a")
    html = client.get("/courses").get_data(as_text=True)
    assert "Đã đọc 2/9 bài" in html and 'aria-valuenow="2"' in html
    assert "Chưa làm — hãy đọc hết các bài học trước" in html


def test_lesson_page_shows_its_clause_and_neighbours(client, course):
    login_as(client, make_user())
    html = client.get(f"{COURSE_URL}/lessons/1b-3").get_data(as_text=True)
    assert "Mục 1.b, ý thứ ba" in html
    assert "Thực hiện biện pháp tự quản lý, bảo mật tài khoản mạng xã hội" in html
    assert f'href="{COURSE_URL}/lessons/1b-2"' in html and 'rel="prev"' in html
    assert f'href="{COURSE_URL}/lessons/1b-4"' in html and 'rel="next"' in html
    assert "Bài 5 trên 9" in html
    assert "Tôi đã đọc và hiểu" in html
    first = client.get(f"{COURSE_URL}/lessons/basis").get_data(as_text=True)
    assert 'rel="prev"' not in first


def test_marking_read_records_once_and_moves_on(client, course):
    user = make_user()
    login_as(client, user)
    response = _read(client, "1c")
    assert response.status_code == 302 and response.headers["Location"].endswith("/lessons/2-1")
    _read(client, "1c")
    assert db.session.scalar(select(func.count(LessonRead.id)).where(LessonRead.user_id == user.id)) == 1
    html = client.get(f"{COURSE_URL}/lessons/1c").get_data(as_text=True)
    assert "Bạn đã xác nhận đọc bài học này." in html and "Tôi đã đọc và hiểu" not in html


def test_the_last_lesson_returns_to_the_course(client, course):
    login_as(client, make_user())
    response = _read(client, "2-2")
    assert response.headers["Location"] == COURSE_URL


def test_reading_every_lesson_completes_the_reading_part(client, course):
    user = make_user()
    login_as(client, user)
    for lesson in course.lessons:
        _read(client, lesson.key)
    progress = services.course_progress(user)[0]
    assert progress.lessons_done and progress.percent == 90  # the quiz is the last step
    assert "Chưa làm — bạn đã đọc xong các bài học" in client.get("/courses").get_data(as_text=True)


def test_progress_is_per_person(client, course):
    reader, other = make_user(), make_user()
    services.mark_read(reader, course.lessons[0])
    db.session.commit()
    assert services.course_progress(reader)[0].lessons_read == 1
    assert services.course_progress(other)[0].lessons_read == 0


def test_retired_lessons_leave_the_path(client, course):
    user = make_user()
    services.mark_read(user, course.lessons[-1])
    last = course.lessons[-1]
    from lms import clock

    last.retired_at = clock.now()
    db.session.commit()
    progress = services.course_progress(user)[0]
    assert (progress.lessons_read, progress.lessons_total) == (0, 8)
    login_as(client, user)
    assert client.get(f"{COURSE_URL}/lessons/{last.key}").status_code == 404


def test_lesson_markdown_is_sanitised(client, course):
    lesson = db.session.scalar(select(Lesson).where(Lesson.key == "1a"))
    lesson.body_md = "Xin chào <script>alert(1)</script> [x](javascript:alert(1)) **đậm**"
    db.session.commit()
    login_as(client, make_user())
    html = client.get(f"{COURSE_URL}/lessons/1a").get_data(as_text=True)
    assert "<script>alert" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>đậm</strong>" in html


def test_progress_query_count_does_not_grow_with_courses_or_lessons(client, course):
    from sqlalchemy import event

    user = make_user()
    db.session.refresh(user)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        services.course_progress(user)
        services.course_lessons(course, user)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    # One query each, plus one look-up each of the person's current round cycle.
    assert len(statements) == 4


def test_many_people_marking_lessons_at_once_never_hit_a_locked_database(app, course):
    import threading

    from tests.factories import make_user as new_user

    users = [new_user() for _ in range(8)]
    ids = [u.get_id() for u in users]
    keys = [lesson.key for lesson in course.lessons]
    statuses: list[int] = []
    barrier = threading.Barrier(len(ids))

    def reader(session_id: str) -> None:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
        app.config["WTF_CSRF_ENABLED"] = False
        barrier.wait()
        for key in keys:
            statuses.append(client.post(f"{COURSE_URL}/lessons/{key}/read").status_code)

    threads = [threading.Thread(target=reader, args=(i,)) for i in ids]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert statuses.count(302) == len(ids) * len(keys), sorted(set(statuses))
    db.session.rollback()
    assert db.session.scalar(select(func.count(LessonRead.id))) == len(ids) * len(keys)


def test_my_courses_looks_up_the_round_cycles_once(client, course):
    from sqlalchemy import event

    user = make_user()
    db.session.refresh(user)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        view = services.my_courses_view(user)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert set(view) == {"progress", "history", "certificates", "signed"}
    assert len(statements) == 5 and sum("round_members" in s for s in statements) == 1
