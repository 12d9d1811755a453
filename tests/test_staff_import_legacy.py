"""Detecting Vietnamese typed in TCVN3 (.VnTime) or VNI: real-looking samples, and no false alarms on Unicode text."""
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.sheets.legacy import TCVN3, VNI, decode_tcvn3, decode_vni, detect_legacy, is_vietnamese_syllable

# Encoders written independently from the decoders, straight from the published tables.
_TCVN3_LOWER = {
    "a": "a µ ¸ ¶ · ¹", "ă": "¨ » ¾ ¼ ½ Æ", "â": "© Ç Ê È É Ë", "e": "e Ì Ð Î Ï Ñ", "ê": "ª Ò Õ Ó Ô Ö",
    "i": "i × Ý Ø Ü Þ", "o": "o ß ã á â ä", "ô": "« å è æ ç é", "ơ": "¬ ê í ë ì î", "u": "u ï ó ñ ò ô",
    "ư": "\xad õ ø ö ÷ ù", "y": "y ú ý û ü þ",
}
_TONE_ORDER = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, huyền, sắc, hỏi, ngã, nặng
_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRCUMFLEX = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}
_MODIFIED = {"ă": ("a", "\u0306"), "â": ("a", "\u0302"), "ê": ("e", "\u0302"), "ô": ("o", "\u0302"),
             "ơ": ("o", "\u031b"), "ư": ("u", "\u031b")}


def _split(ch):
    """('ô', '\u0301') for 'ố': the letter with its vowel marks, and its tone."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = next((m for m in decomposed if m in _TONE_ORDER[1:]), "")
    return unicodedata.normalize("NFC", decomposed.replace(tone, "") if tone else decomposed), tone


def encode_tcvn3(text):
    out = []
    for ch in unicodedata.normalize("NFC", text):
        letter, tone = _split(ch.lower())
        if ch == "đ":
            out.append("®")
        elif ch in "ĂÂĐÊÔƠƯ":
            out.append("¡¢§£¤¥¦"["ĂÂĐÊÔƠƯ".index(ch)])
        elif letter in _TCVN3_LOWER and (ch.islower() or not tone):
            forms = _TCVN3_LOWER[letter].split(" ")
            out.append(forms[_TONE_ORDER.index(tone)] if tone or letter not in "aeiouy" else ch)
        else:
            out.append(ch)
    return "".join(out)


def encode_vni(text):
    out = []
    for ch in unicodedata.normalize("NFC", text):
        upper = ch != ch.lower()
        letter, tone = _split(ch.lower())
        if letter == "đ":
            piece = "ñ"
        elif letter == "i" and tone:
            piece = _VNI_I[tone]
        elif letter == "y" and tone == "\u0323":
            piece = "î"
        elif letter in ("â", "ê", "ô"):
            piece = _MODIFIED[letter][0] + _VNI_CIRCUMFLEX[tone]
        elif letter == "ă":
            piece = "a" + _VNI_BREVE[tone]
        elif letter in ("ơ", "ư"):
            piece = {"ơ": "ô", "ư": "ö"}[letter] + _VNI_TONE.get(tone, "")
        elif letter in "aeouy" and tone:
            piece = letter + _VNI_TONE[tone]
        else:
            piece = ch.lower()
        out.append(piece.upper() if upper else piece)
    return "".join(out)


TCVN3_SAMPLES = [
    ("NguyÔn V¨n An", "Nguyễn Văn An"),
    ("TrÇn ThÞ Thu Hµ", "Trần Thị Thu Hà"),
    ("Lª V¨n Hïng", "Lê Văn Hùng"),
    ("Phã Tr\xadëng phßng", "Phó Trưởng phòng"),
    ("Phßng Qu¶n lý ®Êt ®ai", "Phòng Quản lý đất đai"),
    ("Chuyªn viªn chÝnh", "Chuyên viên chính"),
    ("Hoµng ThÞ Mai", "Hoàng Thị Mai"),
]
VNI_SAMPLES = [
    ("Nguyeãn Vaên An", "Nguyễn Văn An"),
    ("Ñoã Minh Quaân", "Đỗ Minh Quân"),
    ("Buøi Thò Ngoïc AÙnh", "Bùi Thị Ngọc Ánh"),
    ("Tröôûng phoøng", "Trưởng phòng"),
    ("NGUYEÃN VAÊN AN", "NGUYỄN VĂN AN"),
    ("Giaùm ñoác Trung taâm", "Giám đốc Trung tâm"),
]
CLEAN = ["Nguyễn Văn An", "Lê Hà", "Tô Hà", "Hoà", "Lê Thúy", "Lý Tú", "Phòng Quản lý đất đai", "Chuyên viên",
         "José Müller", "François Dupont", "Zoë Renée", "Søren Ågård", "Café", "Ñoño", "NV-00123", "an@stnmt.vn",
         "Trưởng phòng", "Chi cục trưởng", "Cán sự", "Người lao động"]


@pytest.mark.parametrize("typed, meant", TCVN3_SAMPLES)
def test_tcvn3_samples(typed, meant):
    assert detect_legacy(typed).encoding == TCVN3 and detect_legacy(typed).decoded == meant
    assert encode_tcvn3(meant) == typed


@pytest.mark.parametrize("typed, meant", VNI_SAMPLES)
def test_vni_samples(typed, meant):
    assert detect_legacy(typed).encoding == VNI and detect_legacy(typed).decoded == meant
    assert encode_vni(meant) == typed


@pytest.mark.parametrize("text", CLEAN + [unicodedata.normalize("NFD", t) for t in CLEAN])
def test_ordinary_text_in_nfc_or_nfd_is_not_legacy(text):
    assert detect_legacy(text) is None


def test_decoders_leave_ascii_alone():
    assert decode_tcvn3("Nguyen Van An 123") == decode_vni("Nguyen Van An 123") == "Nguyen Van An 123"


def test_syllable_shapes():
    for word in ("nguyễn", "khuya", "quyết", "nghiêng", "giữ", "Ánh", "xoong", "tuấn", "đặng"):
        assert is_vietnamese_syllable(word), word
    for word in ("nguyôn", "vaên", "müller", "caùc", "thỳy", "ab", "ngng", "mừờng"):
        assert not is_vietnamese_syllable(word), word


# Names built from real parts, so that the property tests exercise the whole alphabet and tone set.
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Trịnh", "Đinh", "Lương", "Tô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Quốc", "Xuân", "Thanh", "Kim", "Bảo", "Gia", "Khánh"]
GIVEN = ["An", "Anh", "Ánh", "Bình", "Cường", "Dũng", "Hà", "Hằng", "Hồng", "Hùng", "Huyền", "Khoa", "Lan", "Linh",
         "Mai", "Nga", "Nhung", "Phương", "Quân", "Quyết", "Sơn", "Thắng", "Thảo", "Thủy", "Trang", "Tuấn", "Uyên",
         "Việt", "Yến", "Ỷ", "Ẩn", "Ước"]
names = st.builds(lambda f, m, g: f"{f} {' '.join(m)} {g}", st.sampled_from(FAMILY),
                  st.lists(st.sampled_from(MIDDLE), min_size=0, max_size=2), st.sampled_from(GIVEN))


def _some_word_is_not_vietnamese(text):
    return any(not is_vietnamese_syllable(word) for word in text.split() if not word.isascii())


@settings(max_examples=300)
@given(names, st.sampled_from(["NFC", "NFD"]), st.booleans())
def test_no_false_alarm_on_unicode_names(name, form, upper):
    text = name.upper() if upper else name
    assert detect_legacy(unicodedata.normalize(form, text)) is None


@settings(max_examples=300)
@given(names)
def test_vni_names_are_detected_and_decoded(name):
    typed = encode_vni(name)
    found = detect_legacy(typed)
    if found is not None:
        assert found.encoding == VNI and found.decoded == name
    # Missed only when every word typed also reads as Vietnamese: "Hoà" is VNI for "Hồ", and a real name too.
    assert (found is not None) == _some_word_is_not_vietnamese(typed)


@settings(max_examples=300)
@given(names)
def test_tcvn3_names_are_decoded_correctly_whenever_detected(name):
    # .VnTime has no capital toned vowels (those came from .VnTimeH), so only the lower-case form round-trips.
    meant = name.lower()
    typed = encode_tcvn3(meant)
    found = detect_legacy(typed)
    if found is not None:
        assert found.encoding == TCVN3 and found.decoded == meant
    # Missed only when every word typed also reads as Vietnamese ("Tó" for "Tú").
    assert (found is not None) == _some_word_is_not_vietnamese(typed)
