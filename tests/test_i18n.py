"""Translations: Vietnamese by default with every message translated, English on request."""
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import csrf_token, login_as
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "lms" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_template_lists_every_message_in_the_code(tmp_path):
    fresh = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-o", str(fresh), "--omit-header", "."],
                   cwd=ROOT, check=True, capture_output=True)
    missing = _ids(_catalog(fresh)) - _ids(_catalog(TRANSLATIONS / "messages.pot"))
    assert not missing, f"run `make i18n` and translate: {sorted(missing)}"


def test_vietnamese_catalogue_translates_every_message():
    template = _ids(_catalog(TRANSLATIONS / "messages.pot"))
    vi = _catalog(TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po")
    translated = {}
    for message in vi:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), f"untranslated: {key}"
        assert not message.fuzzy, f"fuzzy: {key}"
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(key)), key
        translated[key] = strings
    assert template <= set(translated), sorted(template - set(translated))


def test_english_catalogue_exists_for_every_message():
    template = _ids(_catalog(TRANSLATIONS / "messages.pot"))
    assert template <= _ids(_catalog(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"))


def test_switching_language(client):
    login_as(client, make_user())
    page = client.get("/courses").get_data(as_text=True)
    assert "Khóa học của tôi" in page and '<html lang="vi">' in page
    response = client.post("/language", data={"csrf_token": csrf_token(page), "lang": "en", "next": "/courses"})
    assert response.status_code == 302 and response.headers["Location"] == "/courses"
    english = client.get("/courses").get_data(as_text=True)
    assert "My courses" in english and '<html lang="en">' in english
    client.post("/language", data={"csrf_token": csrf_token(english), "lang": "vi", "next": "//evil.example"})
    assert "Khóa học của tôi" in client.get("/courses").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    page = client.get("/login").get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf_token(page), "lang": "fr"})
    assert '<html lang="vi">' in client.get("/login").get_data(as_text=True)


def test_language_survives_login(client):
    from tests.factories import PASSWORD

    make_user(code="NV-LANG")
    page = client.get("/login").get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf_token(page), "lang": "en", "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"csrf_token": csrf_token(page), "identifier": "NV-LANG", "password": PASSWORD})
    assert "My courses" in client.get("/courses").get_data(as_text=True)


def test_every_page_renders_in_english(client, course):
    from tests.cert_helpers import pass_quiz
    from tests.factories import make_unit

    unit = make_unit("EN", "English unit")
    admin = make_user("Trần Quản Trị", roles=("admin", "hr"), unit=unit)
    attempt = pass_quiz(admin, course)
    from lms.certificates import services as certificates

    certificate = certificates.sign_commitment(admin, course, agreed=True, typed_name=admin.full_name,
                                               ip_address=None, user_agent=None)
    login_as(client, admin)
    page = client.get("/courses").get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf_token(page), "lang": "en", "next": "/courses"})
    key = course.key
    for url in ("/courses", f"/courses/{key}", f"/courses/{key}/lessons/1a", f"/courses/{key}/quiz",
                f"/attempts/{attempt.id}/review", f"/courses/{key}/commitment", "/people", "/certificates",
                "/admin/content", "/admin/units", f"/admin/units/{unit.id}", f"/verify/{certificate.code}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.get_data(as_text=True), url
    assert "Pass mark: 80%." in client.get(f"/courses/{key}/quiz").get_data(as_text=True)
