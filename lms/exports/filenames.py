"""File names for downloads: safe on any file system, Vietnamese kept, with an ASCII fallback header."""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def safe_filename(text: str) -> str:
    """Letters (Vietnamese included), digits, spaces and - _ . only; separators, controls and
    direction marks become '-', runs collapse, and no name starts or ends with a dot or dash."""
    text = unicodedata.normalize("NFC", text)
    cleaned = "".join(ch if ch.isalnum() or ch in " -_." else "-" for ch in text)
    cleaned = re.sub(r"-{2,}", "-", re.sub(r" {2,}", " ", cleaned))
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    return cleaned.strip(" .-")[:150] or "file"


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback (đ -> d, accents dropped) and the UTF-8 name (RFC 5987/6266)."""
    name = safe_filename(filename.rsplit(".", 1)[0]) + ("." + safe_filename(filename.rsplit(".", 1)[1])
                                                           if "." in filename else "")
    return f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def ascii_fallback(name: str) -> str:
    """'Đặng Đức.pdf' -> 'Dang Duc.pdf' for clients that ignore the UTF-8 name."""
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", name) if not unicodedata.combining(ch))
    return stripped.replace("Đ", "D").replace("đ", "d").encode("ascii", "ignore").decode("ascii") or "file"
