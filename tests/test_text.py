"""Vietnamese text rules: NFC, collation, name order, search folding, Decree 30 dates."""
import unicodedata
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from lms.text import (
    ALPHABET,
    clean_name,
    collation_key,
    fold,
    name_sort_key,
    same_name,
    split_name,
    to_local,
    vi_date,
)

VI_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"


def test_alphabet_order_is_vietnamese():
    letters = list(VI_LETTERS)
    shuffled = sorted(reversed(letters), key=collation_key)
    assert shuffled == letters


def test_tone_order_none_huyen_hoi_nga_sac_nang():
    words = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(reversed(words), key=collation_key) == words


def test_base_letter_beats_tone():
    # All forms of 'a' come before any 'ă', whatever the tones: letters first, tones second.
    assert sorted(["ăn", "ạn", "ấn", "án"], key=collation_key) == ["án", "ạn", "ăn", "ấn"]
    assert sorted(["đa", "dạ", "dà"], key=collation_key) == ["dà", "dạ", "đa"]


def test_nfd_and_nfc_collate_the_same():
    name = "Nguyễn Thị Hồng"
    assert collation_key(unicodedata.normalize("NFD", name)) == collation_key(name)


def test_case_is_a_late_difference():
    assert sorted(["an", "An", "ăn"], key=collation_key) == ["an", "An", "ăn"]


def test_people_sort_by_given_name_then_family_and_middle():
    names = [
        "Trần Văn Bình", "Nguyễn Thị Ánh", "Lê Văn An", "Đỗ Minh Anh", "Nguyễn Văn An",
        "Phạm Thị Ấn", "Bùi Thị Ân", "Hoàng Đức", "Ngô Văn Dũng", "Vũ Thị Đào",
    ]
    expected = [
        "Lê Văn An", "Nguyễn Văn An", "Đỗ Minh Anh", "Nguyễn Thị Ánh", "Bùi Thị Ân", "Phạm Thị Ấn",
        "Trần Văn Bình", "Ngô Văn Dũng", "Vũ Thị Đào", "Hoàng Đức",
    ]
    assert sorted(names, key=name_sort_key) == expected


def test_plain_sorted_gets_it_wrong_which_is_why_keys_exist():
    assert sorted(["Đào", "Dung", "Em"]) != sorted(["Đào", "Dung", "Em"], key=collation_key)
    assert sorted(["Đào", "Dung", "Em"], key=collation_key) == ["Dung", "Đào", "Em"]


def test_split_name():
    assert split_name(" Nguyễn  Thị   Hồng ") == ("Nguyễn Thị", "Hồng")
    assert split_name("Hồng") == ("", "Hồng")


def test_fold_for_search():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold(unicodedata.normalize("NFD", "Lê Thị Ánh")) == "le thi anh"
    assert fold("ĐẶNG") == "dang"


def test_clean_name_and_same_name():
    nfd = unicodedata.normalize("NFD", "  Nguyễn   Thị Hồng ")
    assert clean_name(nfd) == "Nguyễn Thị Hồng"
    assert len(clean_name(nfd)) == 15
    assert same_name("nguyễn thị hồng", nfd)
    assert not same_name("Nguyễn Thị Hông", "Nguyễn Thị Hồng")


def test_decree_30_dates():
    assert vi_date(date(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"
    assert vi_date(date(2024, 1, 9)) == "ngày 09 tháng 01 năm 2024"
    assert vi_date(date(2024, 3, 12)) == "ngày 12 tháng 3 năm 2024"
    assert vi_date(date(2024, 12, 31)) == "ngày 31 tháng 12 năm 2024"


def test_dates_are_shown_in_ho_chi_minh_time():
    late_evening_utc = datetime(2024, 2, 4, 18, 30, tzinfo=UTC)
    assert to_local(late_evening_utc).hour == 1
    assert vi_date(late_evening_utc) == "ngày 05 tháng 02 năm 2024"


words = st.text(alphabet=ALPHABET + "ÁÀẢÃẠáàảãạéèẻẽẹôốồổỗộơớờởỡợưứừửữự ", min_size=0, max_size=12)


@given(words, words)
def test_collation_is_a_total_order_consistent_with_nfc(a, b):
    ka, kb = collation_key(a), collation_key(b)
    if clean_name(a) == clean_name(b):
        assert ka == kb
    assert (ka < kb) + (ka > kb) + (ka == kb) == 1
    assert collation_key(unicodedata.normalize("NFD", a)) == ka


@given(words, words, words)
def test_collation_is_transitive(a, b, c):
    x, y, z = sorted([a, b, c], key=collation_key)
    assert collation_key(x) <= collation_key(y) <= collation_key(z)


@given(words)
def test_a_word_sorts_before_its_extensions(word):
    word = word.replace(" ", "")
    assert collation_key(word) < collation_key(word + "a")


@given(words)
def test_fold_is_ascii_lowercase_for_vietnamese(text):
    folded = fold(text)
    assert folded == folded.lower()
    assert all(ord(ch) < 128 for ch in folded)
