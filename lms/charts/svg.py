"""SVG building blocks for the charts: escaped text, label wrapping, the accessible <svg> frame, formats."""
from __future__ import annotations

import itertools
import math
import re
import unicodedata
from datetime import date

from flask_babel import format_date, format_decimal, get_locale
from markupsafe import Markup, escape

from lms.text import group_digits

INK = "#1b1f24"
MUTED = "#4d5560"
GRID = "#d5d9df"
TRACK = "#e8ebef"
ACCENT = "#0b5cad"
TARGET = "#8a1c1c"

_ids = itertools.count(1)
# XML 1.0 forbids most control characters even when escaped; a stray one from an import would
# otherwise make the whole page's SVG unparsable.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACES = re.compile(r"\s+")


def new_id(kind: str) -> str:
    """An id unique in this process, so several charts on one page never share title ids."""
    return f"chart-{kind}-{next(_ids)}"


def clean(text: object) -> str:
    """Label text as drawn: NFC, no control characters, single spaces."""
    value = unicodedata.normalize("NFC", str(text if text is not None else ""))
    return _SPACES.sub(" ", _CONTROL.sub("", value)).strip()


def esc(text: object) -> str:
    """Cleaned and escaped for use as element text or a quoted attribute value."""
    return str(escape(clean(text)))


def num(value: float) -> str:
    """A coordinate: short, locale-free."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


_NARROW = set("fijlrtI.,:;'!|()[]-")
_WIDE = set("mwMW")


def text_width(content: str, size: float) -> float:
    """Roughly how wide a text is drawn in a common sans font: capitals and m/w wide, i/l/t narrow.

    Generous on purpose: an over-estimate wraps a little early, an under-estimate overlaps.
    """
    ems = 0.0
    for ch in clean(content):
        if ch == " ":
            ems += 0.3
        elif ch in _WIDE:
            ems += 0.86
        elif ch in _NARROW:
            ems += 0.32
        elif ch.isupper():
            ems += 0.68
        else:
            ems += 0.54
    return ems * size


def truncate(content: str, width: float, size: float) -> str:
    """The text, or as much as fits followed by '…'."""
    content = clean(content)
    if text_width(content, size) <= width:
        return content
    while content and text_width(content + "…", size) > width:
        content = content[:-1]
    return content.rstrip() + "…"


def wrap(content: str, width: float, size: float, max_lines: int = 2) -> list[str]:
    """Greedy word wrap into at most `max_lines` lines of `width`; what does not fit ends in '…'."""
    lines: list[str] = []
    line = ""
    for word in clean(content).split(" "):
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while text_width(word, size) > width:  # a word longer than a line is cut
            cut = len(word)
            while cut > 1 and text_width(word[:cut], size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line or not lines:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [truncate(" ".join(lines[max_lines - 1:]), width, size)]
    return lines


def text(x: float, y: float, content: str, size: float = 14, anchor: str = "start", fill: str = INK,
         weight: str | None = None, extra: str = "") -> str:
    """A <text> element; `content` is escaped here."""
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{num(x)}" y="{num(y)}" font-size="{num(size)}" text-anchor="{anchor}" '
            f'fill="{fill}"{bold}{extra}>{esc(content)}</text>')


def frame(kind: str, width: float, height: float, title: str, description: str, body: list[str]) -> Markup:
    """The whole <svg>: scalable (viewBox, width 100 %), announced as one image by its title and summary."""
    chart_id = new_id(kind)
    # Safe: every text and attribute value in the body went through esc(); numbers are formatted here.
    return Markup(  # nosec B704  # noqa: S704 - see the line above
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" viewBox="0 0 {num(width)} '
        f'{num(height)}" width="100%" preserveAspectRatio="xMinYMin meet" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="inherit">'
        f'<title id="{chart_id}-title">{esc(title)}</title><desc id="{chart_id}-desc">{esc(description)}</desc>'
        + "".join(body) + "</svg>"
    )


def tip(content: str) -> str:
    """A <title> child: the full text a pointer or a screen magnifier shows."""
    return f"<title>{esc(content)}</title>"


def percent_floor(done: int, total: int) -> float:
    """The completed share rounded down to a whole percent, so 99.6 % never reads as 100 %."""
    if total <= 0:
        return 0.0
    return math.floor(done * 100 / total) / 100


def percent_text(share: float) -> str:
    """0.86 -> '86%' in the page's language (whole percents, rounded half to even as Babel does)."""
    return f"{number_text(round(share * 100))}%"


def number_text(value: int) -> str:
    """50000 -> '50.000' (vi) or '50,000' (en), without Babel's general formatter (charts print hundreds)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return group_digits(value, get_locale().number_symbols["latn"]["group"])
    return format_decimal(value)


def short_day(day: date) -> str:
    """An axis date: '03/06' in Vietnamese, '3 Jun' in English."""
    return format_date(day, "dd/MM" if str(get_locale()) == "vi" else "d MMM")
