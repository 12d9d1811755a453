"""Server-side SVG charts: well-formed, escaped, accessible, and sane with no data or with 300 units."""
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from flask import session

from lms.charts import Bar, HeatColumn, HeatRow, completion_bars, heat_map, progress_line
from lms.charts.heatmap import _luminance, colour, text_colour
from lms.charts.lines import nice_step
from lms.charts.svg import wrap
from lms.stats import ProgressPoint

NS = {"s": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & "quoted" \' onload="x'
LONG = (
    "Chi nhánh Văn phòng Đăng ký đất đai huyện Như Xuân, phụ trách các xã miền núi phía Tây của tỉnh Thanh Hóa "
    "và các huyện giáp ranh với tỉnh Nghệ An"
)


@pytest.fixture
def page(ctx):
    """A request in Vietnamese, as the dashboards render."""
    with ctx.test_request_context():
        session["lang"] = "vi"
        yield


def parse(markup) -> ET.Element:
    root = ET.fromstring(str(markup))  # noqa: S314 - our own output, parsed to prove it is well-formed
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    title, desc = root.find("s:title", NS), root.find("s:desc", NS)
    assert root[0] is title and title.text and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    for element in root.iter():
        assert element.tag not in {f"{SVG}script", f"{SVG}foreignObject", f"{SVG}image"}
        assert not any(name.startswith("on") or "href" in name for name in element.attrib)
    return root


def texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def tips(root) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}title")]


def test_labels_are_escaped_everywhere(page):
    charts = [
        completion_bars([Bar(EVIL, 1, 2)], EVIL, None),
        heat_map([HeatColumn(EVIL, EVIL)], [HeatRow(EVIL, [50.0], [3])], EVIL),
        progress_line([ProgressPoint(date(2024, 6, 3), 1, 1)], EVIL, target=2),
    ]
    for chart in charts:
        assert "<script" not in str(chart) and 'onload="x' not in str(chart)
        root = parse(chart)
        assert root.find("s:title", NS).text == EVIL  # the text survives, as text


def test_control_characters_cannot_break_the_xml(page):
    root = parse(completion_bars([Bar("Phòng\x00 Một\x0b\x1f", 1, 1)], "Tỉ lệ\x07"))
    assert texts(root)[0] == "Phòng Một"


def test_bars_show_figures_and_proportional_lengths(page):
    root = parse(completion_bars([Bar("Văn phòng Sở", 43, 50), Bar("Thanh tra Sở", 1000, 1000),
                                  Bar("Phòng mới", 0, 0)], "Hoàn thành theo đơn vị"))
    labels = texts(root)
    assert "86% · 43/50" in labels and "100% · 1.000/1.000" in labels  # Vietnamese number format
    assert "nobody to complete" in labels or "không có ai phải hoàn thành" in labels
    track, fill = [float(r.get("width")) for r in root.iter(f"{SVG}rect")][:2]
    assert fill / track == pytest.approx(0.86, abs=0.002)
    desc = root.find("s:desc", NS).text
    assert "Văn phòng Sở" in desc and "43" in desc  # the whole chart in words for a screen reader


def test_percent_is_rounded_down(page):
    labels = texts(parse(completion_bars([Bar("Phòng", 996, 1000)], "t")))
    assert "99% · 996/1.000" in labels


def test_impossible_bars_are_refused(page):
    with pytest.raises(ValueError, match="impossible"):
        completion_bars([Bar("Phòng", 5, 4)], "t")


def test_long_names_wrap_then_truncate_with_the_full_name_in_the_tooltip(page):
    root = parse(completion_bars([Bar(LONG, 3, 4)], "t"))
    lines = texts(root)[:2]
    assert len(lines) == 2 and lines[1].endswith("…") and LONG.startswith(lines[0])
    assert any(LONG in tip for tip in tips(root))
    assert wrap("Ngắn", 100, 10) == ["Ngắn"]
    # 'a' is counted 0.54 em: 10 of them at 10 px need 54 px
    assert wrap("a" * 25, 54, 10) == ["a" * 10, "a" * 9 + "…"]
    assert wrap("Phòng Một", 1000, 10, 1) == ["Phòng Một"] and wrap("", 50, 10) == [""]


def test_capitals_take_more_room_than_small_letters(page):
    small = wrap("phòng quản lý đất đai và các chi nhánh trực thuộc", 200, 13)
    capitals = wrap("PHÒNG QUẢN LÝ ĐẤT ĐAI VÀ CÁC CHI NHÁNH TRỰC THUỘC", 200, 13)
    assert len(capitals[0]) < len(small[0])


def test_three_hundred_units(page):
    bars = [Bar(f"{LONG} số {i}", i % 51, 50) for i in range(300)]
    root = parse(completion_bars(bars, "300 đơn vị"))
    groups = root.findall("s:g", NS)
    assert len(groups) == 300
    assert all(f"số {i}" in g.find("s:title", NS).text for i, g in enumerate(groups))
    height = float(root.get("viewBox").split()[3])
    last_text_y = max(float(t.get("y")) for t in root.iter(f"{SVG}text"))
    assert last_text_y < height  # nothing falls off the bottom
    columns = [HeatColumn(k, f"Mục {k}") for k in ("basis", "1a", "1b-1", "1b-2", "1b-3", "1b-4", "1c", "2-1", "2-2")]
    rows = [HeatRow(f"{LONG} số {i}", [(i * 7 + j) % 101 for j in range(9)]) for i in range(300)]
    heat = parse(heat_map(columns, rows, "Mức nắm vững"))
    assert len(heat.findall("s:g/s:rect", NS)) == 300 * 9


def test_nothing_to_show(page):
    for chart in (completion_bars([], "Trống"), heat_map([], [], "Trống"), progress_line([], "Trống"),
                  heat_map([HeatColumn("1a")], [], "Trống")):
        root = parse(chart)
        assert len(texts(root)) == 1  # one message, no axes or empty frames


def test_heat_map_prints_every_value(page):
    columns = [HeatColumn("1a", "Mục 1.a"), HeatColumn("1b-1", "Mục 1.b, ý thứ nhất")]
    root = parse(heat_map(columns, [HeatRow("Phòng Một", [58.33, None], [12, 0]),
                                    HeatRow("Phòng Hai", [100.0, 0.0])], "Mức nắm vững"))
    labels = texts(root)
    assert ["58%", "–", "100%", "0%"] == [t for t in labels if t.endswith("%") or t == "–"][:4]
    assert "Mục 1.b, ý thứ nhất" in tips(root)
    assert any("Phòng Một, 1a: 58%" in tip and "12" in tip for tip in tips(root))
    assert root.find("s:defs/s:linearGradient", NS) is not None  # the legend's scale


def test_heat_map_rows_must_match_columns(page):
    with pytest.raises(ValueError, match="one value per column"):
        heat_map([HeatColumn("1a")], [HeatRow("Phòng", [1.0, 2.0])], "t")


def test_colour_scale_is_ordered_and_every_cell_is_readable():
    lightness = [_luminance(colour(p)) for p in range(0, 101, 5)]
    assert lightness == sorted(lightness)  # darker means lower, for any colour vision and in greyscale
    for p in range(101):
        fill = colour(p)
        lum, ink = _luminance(fill), _luminance(text_colour(fill))
        contrast = (max(lum, ink) + 0.05) / (min(lum, ink) + 0.05)
        assert contrast >= 4.5, (p, fill)


def test_progress_line_with_target_and_deadline(page):
    start = date(2024, 6, 3)
    points = [ProgressPoint(start + timedelta(days=d), 5, 5 * (d + 1)) for d in range(30)]
    root = parse(progress_line(points, "Tiến độ", target=200, deadline=start + timedelta(days=20)))
    labels = texts(root)
    assert "Chỉ tiêu: 200" in labels or "Target: 200" in labels
    assert "150" in labels and "03/06" in labels  # the last point's value, a Vietnamese short date
    assert len(root.findall("s:circle", NS)) == 30
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 2  # the target and the deadline
    target_y = float(dashed[0].get("y1"))
    last_y = float(root.findall("s:circle", NS)[-1].get("cy"))
    assert target_y < last_y  # 200 is drawn above 150
    assert "150" in root.find("s:desc", NS).text


def test_progress_line_single_day_and_ids_unique(page):
    one = progress_line([ProgressPoint(date(2024, 6, 3), 0, 0)], "Một ngày")
    two = progress_line([ProgressPoint(date(2024, 6, 3), 0, 0)], "Một ngày")
    assert parse(one).get("aria-labelledby") != parse(two).get("aria-labelledby")


@pytest.mark.parametrize(("top", "step"), [(1, 1), (4, 1), (7, 2), (150, 50), (180, 50), (50000, 10000)])
def test_gridline_steps(top, step):
    assert nice_step(top) == step
