"""Column headings: Vietnamese or English, any case, accents or not, NFC or NFD, notes and markers around them."""
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.sheets import TEXT, Cell, SheetRow
from lms.staff_import.columns import ALIASES, field_for_heading, find_header, heading_key
from lms.staff_import.problems import CODE, EMAIL, NAME, ROLE, TITLE, UNIT

SPOKEN = {
    CODE: ["Mã nhân viên", "Mã cán bộ", "Mã CB", "MÃ NHÂN VIÊN", "Employee code", "employee_code", "Mã số (*)"],
    NAME: ["Họ và tên", "Họ tên", "HỌ VÀ TÊN", "Full name", "Ho va ten"],
    EMAIL: ["Email", "E-mail", "Thư điện tử", "Địa chỉ email"],
    UNIT: ["Đơn vị", "Mã đơn vị", "Unit", "Đơn vị công tác", "Phòng ban"],
    TITLE: ["Chức vụ", "Chức danh", "Job title", "Chức vụ/Chức danh"],
    ROLE: ["Vai trò", "Role", "Quyền"],
}


@pytest.mark.parametrize("field, heading", [(f, h) for f, hs in SPOKEN.items() for h in hs])
def test_headings_people_write(field, heading):
    assert field_for_heading(heading) == field
    assert field_for_heading(unicodedata.normalize("NFD", heading)) == field


@pytest.mark.parametrize("heading", ["STT", "Ngày sinh", "Số điện thoại", "Ghi chú", "Tên", "Họ", ""])
def test_other_headings_are_not_fields(heading):
    assert field_for_heading(heading) is None


def _accented(alias: str) -> st.SearchStrategy[str]:
    """Spellings of an alias as people type it: case, surrounding blanks and punctuation, NFC or NFD."""
    words = alias.split(" ")
    return st.builds(
        lambda case, sep, edge, form: unicodedata.normalize(form, edge[0] + sep.join(
            w.upper() if case == "upper" else w.title() if case == "title" else w for w in words) + edge[1]),
        st.sampled_from(["lower", "upper", "title"]), st.sampled_from([" ", "  ", "_", " - ", "."]),
        st.sampled_from([("", ""), (" ", " "), ("", " (*)"), ("", ":"), ("* ", ""), ("", " [bắt buộc]")]),
        st.sampled_from(["NFC", "NFD"]),
    )


@given(st.sampled_from([(f, a) for f, aliases in ALIASES.items() for a in aliases]).flatmap(
    lambda pair: st.tuples(st.just(pair[0]), _accented(pair[1]))))
def test_any_spelling_of_an_alias_maps_to_its_field(pair):
    field, heading = pair
    assert field_for_heading(heading) == field


@given(st.text(min_size=0, max_size=30))
def test_heading_key_is_plain_ascii_words(text):
    key = heading_key(text)
    assert key == key.strip() and "  " not in key
    assert all(ch.isascii() and (ch.isalnum() or ch == " ") for ch in key)


def _row(number, *texts):
    return SheetRow(number, tuple(Cell(TEXT, t) for t in texts))


def test_the_heading_row_may_follow_a_title():
    rows = [_row(1, "DANH SÁCH CÁN BỘ NĂM 2024"), _row(3, "STT", "Mã CB", "Họ và tên", "Đơn vị", "Ngày sinh"),
            _row(4, "1", "NV1", "An", "QLDD", "01/01/1990")]
    header, notes = find_header(rows)
    assert header.row == 3 and header.columns == {CODE: 1, NAME: 2, UNIT: 3}
    assert header.ignored == ["STT", "Ngày sinh"] and {n.code for n in notes} == {"heading_row", "ignored_columns"}


def test_missing_columns_are_named():
    header, problems = find_header([_row(1, "Mã CB", "Email")])
    assert header is None and [p.code for p in problems] == ["missing_columns"]
    assert [str(label) for label in problems[0].params["columns"]] == ["Full name", "Unit"]


def test_no_alias_names_two_fields():
    keys = [heading_key(alias) for aliases in ALIASES.values() for alias in aliases]
    assert len(keys) == len(set(keys))
