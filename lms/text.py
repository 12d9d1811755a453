"""Vietnamese text rules: NFC, collation keys for names, accent-insensitive search keys, dates.

Collation follows the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư
v x y, with f j w z in their Latin places) at the first level, tones (none, huyền, hỏi, ngã,
sắc, nặng) at the second and case at the third — the order ICU's 'vi' tailoring gives. It is
written here because ICU bindings need a compiler and system libraries to install.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_BASE_FOR_MODIFIED = {
    ("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư",
}
# Tone marks in Vietnamese order: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_RANK = {ch: 0x30 + i for i, ch in enumerate(ALPHABET)}
_DIGIT_RANK = {str(d): 0x20 + d for d in range(10)}
_SPACE = 0x04
_LEVEL_SEPARATOR = 0x01
_WHITESPACE = re.compile(r"\s+")


def nfc(value: str | None) -> str:
    """NFC-normalise and trim; None becomes ''."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", value).strip()


def clean_name(value: str | None) -> str:
    """A person's or unit's name as stored: NFC, single spaces, no surrounding blanks."""
    return _WHITESPACE.sub(" ", nfc(value))


def _letters(text: str):
    """Yield (primary letter or char, tone 0-5, is_upper) for each base character of the text."""
    decomposed = unicodedata.normalize("NFD", text)
    i = 0
    while i < len(decomposed):
        ch = decomposed[i]
        i += 1
        marks = []
        while i < len(decomposed) and unicodedata.combining(decomposed[i]):
            marks.append(decomposed[i])
            i += 1
        lower = ch.lower()
        tone = 0
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif (lower, mark) in _BASE_FOR_MODIFIED:
                lower = _BASE_FOR_MODIFIED[(lower, mark)]
        yield lower, tone, ch != ch.lower()


def collation_key(text: str) -> bytes:
    """Byte key that sorts Vietnamese text correctly under plain byte comparison (SQL or Python)."""
    primary = bytearray()
    secondary = bytearray()
    tertiary = bytearray()
    for letter, tone, upper in _letters(clean_name(text)):
        if letter.isspace():
            primary.append(_SPACE)
            continue
        if letter in _LETTER_RANK:
            primary.append(_LETTER_RANK[letter])
        elif letter in _DIGIT_RANK:
            primary.append(_DIGIT_RANK[letter])
        elif letter.isalnum():
            # Other scripts after the alphabet, in code point order (3 bytes, all >= 0x02).
            code = ord(letter)
            primary.extend((0xF0, 0x02 + (code >> 14) % 0xF0, 0x02 + (code >> 7) % 0x7F, 0x02 + code % 0x7F))
        else:
            continue  # punctuation is ignored, as in ICU's default "shifted" handling of names
        secondary.append(0x02 + tone)
        tertiary.append(0x03 if upper else 0x02)
    return bytes(primary) + bytes([_LEVEL_SEPARATOR]) + bytes(secondary) + bytes([_LEVEL_SEPARATOR]) + bytes(tertiary)


def split_name(full_name: str) -> tuple[str, str]:
    """Split 'Nguyễn Thị Hồng' into ('Nguyễn Thị', 'Hồng'): family and middle names, given name."""
    words = clean_name(full_name).split(" ")
    if len(words) == 1:
        return "", words[0]
    return " ".join(words[:-1]), words[-1]


def name_sort_key(full_name: str) -> bytes:
    """Sort key for people: by given name, then by family and middle name (Vietnamese order)."""
    family_middle, given = split_name(full_name)
    return collation_key(given) + b"\x00" + collation_key(family_middle)


def fold(text: str | None) -> str:
    """Accent-insensitive, case-insensitive form for search: 'Nguyễn Văn Đức' -> 'nguyen van duc'."""
    decomposed = unicodedata.normalize("NFD", clean_name(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D").casefold()


def same_name(a: str, b: str) -> bool:
    """Whether two typed names are the same after NFC, spacing and case folding."""
    return clean_name(a).casefold() == clean_name(b).casefold()


def vi_date(value: date | datetime) -> str:
    """Decree 30 date: 'ngày 05 tháng 02 năm 2024', 'ngày 12 tháng 3 năm 2024'.

    Days below 10 take a leading zero; months take one only for January and February.
    """
    if isinstance(value, datetime):
        value = to_local(value).date()
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def vi_percent(basis_points: int) -> str:
    """A score in hundredths of a percent written the Vietnamese way: 9167 -> '91,67%', 10000 -> '100%'."""
    whole, hundredths = divmod(basis_points, 100)
    return f"{whole}%" if not hundredths else f"{whole},{hundredths:02d}".rstrip("0") + "%"


def vi_number(value: int) -> str:
    """A whole number with Vietnamese thousands dots: 1234567 -> '1.234.567', -1234 -> '-1.234'."""
    return group_digits(value, ".")


def group_digits(value: int, separator: str) -> str:
    """A whole number with the given thousands separator: (1234567, ".") -> '1.234.567'.

    Pages print hundreds of counts; Babel's general pattern formatting costs ~30 µs a number.
    """
    return f"{value:,d}".replace(",", separator)


def share_bp(part: int, whole: int) -> int | None:
    """part/whole in hundredths of a percent, half rounded up; None when whole is 0.

    Never 100% unless part == whole, and never 0% unless part == 0, so a rate never hides the
    last person missing or the first one done.
    """
    if whole <= 0:
        return None
    basis_points = (part * 20000 + whole) // (2 * whole)
    if part < whole:
        basis_points = min(basis_points, 9999)
    if part > 0:
        basis_points = max(basis_points, 1)
    return basis_points


def to_local(value: datetime) -> datetime:
    """A stored UTC time shown in Asia/Ho_Chi_Minh."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(LOCAL_TZ)
