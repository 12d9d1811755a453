"""Spotting Vietnamese typed in the legacy TCVN3 (.VnTime) and VNI encodings, and what it was meant to say.

Old spreadsheets were typed with 8-bit Vietnamese fonts: the file stores Latin-1 characters and
the font drew them as Vietnamese. Read as Unicode, "Nguyễn Văn" comes out as "NguyÔn V¨n" (TCVN3)
or "Nguyeãn Vaên" (VNI). The detector decodes a text both ways and counts the words that were not
Vietnamese syllables before decoding and are afterwards; text holding any real Unicode Vietnamese
letter, combining mark or non-Latin-1 character is never legacy text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

TCVN3 = "tcvn3"
VNI = "vni"

# TCVN 5712:1993 "ABC" (.VnTime): each Latin-1 character stands for one Vietnamese letter.
_TCVN3 = dict(zip(
    "µ¸¶·¹" "¨»¾¼½Æ" "©ÇÊÈÉË" "®ÌÐÎÏÑ" "ªÒÕÓÔÖ" "×ÝØÜÞ" "ßãáâä" "«åèæçé" "¬êíëìî" "ïóñòô" "\xadõøö÷ù" "úýûüþ"
    "¡¢§£¤¥¦",
    "àáảãạ" "ăằắẳẵặ" "âầấẩẫậ" "đèéẻẽẹ" "êềếểễệ" "ìíỉĩị" "òóỏõọ" "ôồốổỗộ" "ơờớởỡợ" "ùúủũụ" "ưừứửữự" "ỳýỷỹỵ"
    "ĂÂĐÊÔƠƯ",
    strict=True,
))

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_TONES = (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)

# VNI Windows: a base letter followed by a character carrying its marks, plus a few letters of their own.
_VNI_TONE = dict(zip("ùøûõïÙØÛÕÏ", _TONES * 2, strict=True))
_VNI_CIRCUMFLEX = dict(zip("âáàåãäÂÁÀÅÃÄ", ("",) + _TONES + ("",) + _TONES, strict=True))
_VNI_BREVE = dict(zip("êéèúüëÊÉÈÚÜË", ("",) + _TONES + ("",) + _TONES, strict=True))
_VNI_LETTERS = dict(zip("ôöíìæóòîñÔÖÍÌÆÓÒÎÑ", "ơưíìỉĩịỵđƠƯÍÌỈĨỊỴĐ", strict=True))
_VOWELS = set("aeiouyăâêôơư")

# Syllable shapes: initial consonant, vowel group, final consonant. Groups ending in a glide take no final.
_INITIALS = ("ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch",
             "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")
_PALATAL_GROUPS = {"a", "ê", "i", "y", "oa", "uê", "uy"}  # the only ones before -nh and -ch ("anh", "ích")
_OPEN_GROUPS = {"a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uơ", "uy"}
# Groups that never end a syllable: a final consonant must follow ("ăn", "tiến", "xoong", "muốn").
_NEED_FINAL = {"ă", "â", "iê", "yê", "oă", "oo", "uâ", "uô", "ươ", "uyê"}
_CLOSED_GROUPS = {"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui", "ưa",
                  "ưi", "ưu", "iêu", "yêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyu"}
_MODIFIED = {("a", _BREVE): "ă", ("a", _CIRCUMFLEX): "â", ("e", _CIRCUMFLEX): "ê", ("o", _CIRCUMFLEX): "ô",
             ("o", _HORN): "ơ", ("u", _HORN): "ư"}
_LETTERS = set("abcdđeghiklmnopqrstuvxyăâêôơư")
_EDGE_PUNCTUATION = "()[]{}\"'.,;:!?"


@dataclass(frozen=True)
class LegacyText:
    """Text that looks typed in a legacy encoding, and what it most likely says."""

    encoding: str  # TCVN3 or VNI
    decoded: str

    @property
    def label(self) -> str:
        return "TCVN3 (.VnTime)" if self.encoding == TCVN3 else "VNI"


def decode_tcvn3(text: str) -> str:
    """Read Latin-1 characters as TCVN3 letters."""
    return unicodedata.normalize("NFC", "".join(_TCVN3.get(ch, ch) for ch in text))


def decode_vni(text: str) -> str:
    """Read VNI sequences (base letter + mark character) as Vietnamese letters."""
    letters: list[list[str]] = []  # each: [base, mark, mark...]
    for ch in text:
        previous = letters[-1] if letters else None
        # A mark character has the case of its letter ("eã", "EÃ"): "yÕn" is not VNI but TCVN3's "yến".
        base = _base_of(previous) if previous and previous[0].isupper() == ch.isupper() else ""
        if ch in _VNI_TONE and base in _VOWELS and not _has_tone(previous):
            previous.append(_VNI_TONE[ch])
        elif ch in _VNI_CIRCUMFLEX and base in ("a", "e", "o") and len(previous) == 1:
            previous.extend(m for m in (_CIRCUMFLEX, _VNI_CIRCUMFLEX[ch]) if m)
        elif ch in _VNI_BREVE and base == "a" and len(previous) == 1:
            previous.extend(m for m in (_BREVE, _VNI_BREVE[ch]) if m)
        else:
            letters.append([_VNI_LETTERS.get(ch, ch)])
    return unicodedata.normalize("NFC", "".join("".join(parts) for parts in letters))


def _base_of(parts: list[str]) -> str:
    """The letter a VNI mark would attach to, lower case, with the marks it already has folded in."""
    letter = unicodedata.normalize("NFD", parts[0].lower())
    base = letter[0]
    for mark in letter[1:] + "".join(parts[1:]):
        base = _MODIFIED.get((base, mark), base)
    return base


def _has_tone(parts: list[str]) -> bool:
    return any(mark in _TONES for mark in unicodedata.normalize("NFD", "".join(parts)))


def _syllable_letters(word: str) -> str | None:
    """Lower-case base letters (ă â ê ô ơ ư đ kept) of a word, or None if it cannot be Vietnamese."""
    letters = []
    tones = 0
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            if not letters or letters[-1] not in _VOWELS:
                return None  # "ñ" is not a toned n
            tones += 1
        elif unicodedata.combining(ch):
            if not letters or (letters[-1], ch) not in _MODIFIED:
                return None
            letters[-1] = _MODIFIED[(letters[-1], ch)]
        elif ch in _LETTERS:
            letters.append(ch)
        else:
            return None
    return "".join(letters) if letters and tones <= 1 else None


@lru_cache(maxsize=8192)  # names and titles repeat the same few thousand syllables
def is_vietnamese_syllable(word: str) -> bool:
    """Whether a word has the shape of a Vietnamese syllable (initial, vowel group, final), at most one tone."""
    letters = _syllable_letters(word)
    if letters is None:
        return False
    for initial in _INITIALS:
        if not letters.startswith(initial):
            continue
        rest = letters[len(initial):]
        if rest in _OPEN_GROUPS or rest in _CLOSED_GROUPS:
            return True
        for final in _FINALS:
            group = rest[:-len(final)]
            if not rest.endswith(final) or (final in ("nh", "ch") and group not in _PALATAL_GROUPS):
                continue
            if group in _OPEN_GROUPS or group in _NEED_FINAL:
                return True
    return False


def _is_word(token: str) -> bool:
    """A token made of Vietnamese syllables (joined by hyphens), or plain ASCII (codes, English words)."""
    token = token.strip(_EDGE_PUNCTUATION)
    if not token or token.isascii():
        return True
    return all(is_vietnamese_syllable(part) for part in token.split("-") if part)


def _beyond_latin1(ch: str) -> bool:
    """Characters legacy fonts never produce: anything past Latin-1 (ă đ ơ ư, toned vowels…) and combining marks."""
    code = ord(ch)
    return code > 0xFF or unicodedata.combining(ch) != 0


def _evidence(original: str, decoded: str) -> int:
    """Words that turn from non-Vietnamese into Vietnamese syllables, minus words that decoding breaks."""
    score = 0
    for before, after in zip(original.split(), decoded.split(), strict=False):
        if before == after:
            continue
        if _is_word(after) and not _is_word(before):
            score += 2  # must outweigh a single contrary word
        elif not _is_word(after):
            score -= 1
    return score


_CANDIDATE = re.compile(r"[\u00a1-\u00ff]")


@lru_cache(maxsize=4096)  # a column of job titles or unit names holds the same texts again and again
def detect_legacy(text: str | None) -> LegacyText | None:
    """What a cell typed in TCVN3 or VNI most likely says, or None for ordinary (Unicode) text."""
    if not text or not _CANDIDATE.search(text) or any(_beyond_latin1(ch) for ch in text):
        return None
    best: LegacyText | None = None
    best_score = 0
    # VNI first: on a tie it wins, because its marks only ever follow a vowel ("Leâ" is "Lê" far more
    # often than the TCVN3 reading "Leõ").
    for encoding, decode in ((VNI, decode_vni), (TCVN3, decode_tcvn3)):
        decoded = decode(text)
        score = _evidence(text, decoded)
        if score > best_score:
            best, best_score = LegacyText(encoding, decoded), score
    return best
