"""Horizontal bar chart of completion per unit: the unit's name above its bar, the figures beside it."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from lms.charts.svg import (
    ACCENT,
    INK,
    MUTED,
    TRACK,
    frame,
    number_text,
    percent_floor,
    percent_text,
    text,
    text_width,
    tip,
    wrap,
)

WIDTH = 420
PAD = 8
NAME_SIZE = 15
VALUE_SIZE = 14
LINE = 19
BAR = 16
ROW_GAP = 12


@dataclass(frozen=True)
class Bar:
    """One unit: who must complete (total) and who has (done)."""

    label: str
    done: int
    total: int


def _figures(bar: Bar) -> str:
    return f"{percent_text(percent_floor(bar.done, bar.total))} · {number_text(bar.done)}/{number_text(bar.total)}"


def completion_bars(bars: Sequence[Bar], title: str, description: str | None = None) -> Markup:
    """An SVG bar per unit, in the order given. Long names wrap onto two lines, then end in '…'
    with the full name in the row's tooltip; the figures are printed, not left to the bar's length."""
    for bar in bars:
        if bar.done < 0 or bar.total < 0 or bar.done > bar.total:
            raise ValueError(f"impossible completion {bar.done}/{bar.total} for {bar.label!r}")
    summary = description or "; ".join(
        _("%(unit)s: %(percent)s (%(done)s of %(total)s)", unit=bar.label,
          percent=percent_text(percent_floor(bar.done, bar.total)), done=number_text(bar.done),
          total=number_text(bar.total)) for bar in bars)
    if not bars:
        body = [text(WIDTH / 2, 34, _("No units to show."), anchor="middle", fill=MUTED)]
        return frame("bars", WIDTH, 56, title, summary or _("No units to show."), body)
    figures = [_figures(bar) if bar.total else _("nobody to complete") for bar in bars]
    # The bars share one scale, so the figures column is as wide as the widest figure needs.
    track_width = WIDTH - 2 * PAD - 10 - max(text_width(f, VALUE_SIZE) for f in figures)
    body, y = [], PAD
    for bar, figure in zip(bars, figures, strict=True):
        lines = wrap(bar.label, WIDTH - 2 * PAD, NAME_SIZE)
        share = percent_floor(bar.done, bar.total)
        row = [tip(_("%(unit)s: %(percent)s (%(done)s of %(total)s)", unit=bar.label, percent=percent_text(share),
                     done=number_text(bar.done), total=number_text(bar.total)))]
        for line in lines:
            y += LINE
            row.append(text(PAD, y - 4, line, NAME_SIZE))
        y += 4
        row.append(f'<rect x="{PAD}" y="{y}" width="{track_width:.1f}" height="{BAR}" rx="3" fill="{TRACK}"/>')
        filled = track_width * (bar.done / bar.total if bar.total else 0)
        if filled > 0:
            row.append(f'<rect x="{PAD}" y="{y}" width="{filled:.1f}" height="{BAR}" rx="3" fill="{ACCENT}"/>')
        row.append(text(PAD + track_width + 8, y + BAR - 3, figure, VALUE_SIZE,
                        fill=INK if bar.total else MUTED, weight="600" if bar.total else None))
        y += BAR + ROW_GAP
        body.append("<g>" + "".join(row) + "</g>")
    return frame("bars", WIDTH, y + PAD - ROW_GAP / 2, title, summary, body)
