"""Keeping an uploaded staff file on the server between its preview and its apply.

Each upload is stored under the instance folder by a random token with who uploaded it and when;
only that person can use it, for an hour; it is deleted once applied. Nothing of it goes into the
session cookie, so the file's size does not matter there and nobody can swap the file between
preview and apply.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

LIFETIME_SECONDS = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    user_id: int
    filename: str
    sync: bool
    created: float
    data: bytes


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "staff-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(token: str) -> tuple[Path, Path]:
    folder = _folder()
    return folder / f"{token}.data", folder / f"{token}.json"


def _write_private(path: Path, content: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def purge_expired(now: float | None = None) -> None:
    """Delete uploads older than their lifetime (previews that were never applied)."""
    now = now if now is not None else time.time()
    for meta in _folder().glob("*.json"):
        try:
            created = json.loads(meta.read_text(encoding="utf-8"))["created"]
        except (OSError, ValueError, KeyError, TypeError):
            created = 0
        if now - created > LIFETIME_SECONDS:
            delete_upload(meta.stem)


def store_upload(data: bytes, filename: str, *, user_id: int, sync: bool) -> str:
    """Keep the file for its preview and apply; returns the token that names it."""
    purge_expired()
    token = secrets.token_urlsafe(24)
    data_path, meta_path = _paths(token)
    _write_private(data_path, data)
    meta = {"user_id": user_id, "filename": filename, "sync": sync, "created": time.time()}
    _write_private(meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    return token


def load_upload(token: str, *, user_id: int, now: float | None = None) -> StoredUpload | None:
    """The upload this person made under this token, unless it expired or was applied."""
    if not _TOKEN.match(token or ""):
        return None
    data_path, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = data_path.read_bytes()
    except (OSError, ValueError):
        return None
    now = now if now is not None else time.time()
    if meta.get("user_id") != user_id or now - float(meta.get("created", 0)) > LIFETIME_SECONDS:
        return None
    return StoredUpload(token, user_id, str(meta.get("filename", "")), bool(meta.get("sync")),
                        float(meta["created"]), data)


def delete_upload(token: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    for path in _paths(token):
        path.unlink(missing_ok=True)
