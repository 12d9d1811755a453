"""Passwords: scrypt outside the test suite's fast setting, at least 12 characters for every new one,
generated ones long and random, and nothing that tells whether an account exists."""
from __future__ import annotations

import re

import pytest

from lms.auth.services import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    check_new_password,
    hash_password,
    new_password,
    reset_password,
)
from lms.config import Config
from tests.conftest import csrf_token
from tests.factories import make_user


def test_the_app_hashes_with_scrypt_unless_told_otherwise(app, ctx, monkeypatch):
    assert "PASSWORD_HASH_METHOD" not in vars(Config())  # production and development: the default
    monkeypatch.delitem(app.config, "PASSWORD_HASH_METHOD")
    stored = hash_password("một mật khẩu đủ dài")
    assert stored.startswith("scrypt:") and "một mật khẩu" not in stored


@pytest.mark.parametrize("password", ["", "short", "x" * (MIN_PASSWORD_LENGTH - 1), "mật khẩu 11"])
def test_new_passwords_need_twelve_characters(ctx, password):
    with pytest.raises(AccountError):
        check_new_password(password)
    with pytest.raises(AccountError):
        make_user(password=password or "x")
    with pytest.raises(AccountError):
        reset_password(make_user(), password or "x")


def test_generated_passwords_are_long_and_different():
    generated = {new_password() for _ in range(200)}
    assert len(generated) == 200
    assert all(len(p) >= MIN_PASSWORD_LENGTH and len(p.replace("-", "")) >= 16 for p in generated)


def test_a_wrong_password_and_an_unknown_account_look_the_same(client, ctx):
    make_user(code="NV-REAL")
    pages = []
    for identifier in ("NV-REAL", "NV-NOBODY"):
        page = client.get("/login").get_data(as_text=True)
        response = client.post("/login", data={"csrf_token": csrf_token(page), "identifier": identifier,
                                               "password": "wrong password here"})
        body = response.get_data(as_text=True)
        main = body.split("<main", 1)[1].split("</main>", 1)[0].replace(identifier, "IDENTIFIER")
        pages.append((response.status_code, re.sub(r'name="csrf_token"[^>]*>', "", main)))
    assert pages[0] == pages[1]
