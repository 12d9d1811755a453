"""Area chart of cumulative completions per day, with the target as a dashed line and the deadline marked."""
from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from flask_babel import gettext as _
from markupsafe import Markup

from lms.charts.svg import (
    ACCENT,
    GRID,
    MUTED,
    TARGET,
    frame,
    num,
    number_text,
    short_day,
    text,
    tip,
)

WIDTH, HEIGHT = 420, 250
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 30, 38
AXIS_SIZE = 13
MAX_X_LABELS = 6
MAX_MARKERS = 92  # beyond about a quarter of a year, one dot per day is noise


class DayCount(Protocol):
    """A point: a local day and how many had completed by its end (lms.stats.ProgressPoint fits)."""

    day: date
    cumulative: int


def nice_step(top: int, ticks: int = 5) -> int:
    """A round gridline step (1, 2, 5 × 10ⁿ) giving at most `ticks` intervals up to `top`."""
    raw = max(top / ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def progress_line(points: Sequence[DayCount], title: str, target: int | None = None,
                  deadline: date | None = None, description: str | None = None) -> Markup:
    """Cumulative completions over the days given (one point per day, in order)."""
    if not points:
        message = _("No days to show.")
        return frame("progress", WIDTH, 60, title, description or message,
                     [text(WIDTH / 2, 36, message, anchor="middle", fill=MUTED)])
    last = points[-1]
    summary = description or _("From %(start)s to %(end)s: %(count)s completed.", start=short_day(points[0].day),
                               end=short_day(last.day), count=number_text(last.cumulative))
    if target is not None and not description:
        summary += " " + _("Target: %(target)s.", target=number_text(target))
    step = nice_step(max(max(p.cumulative for p in points), target or 0, 1))
    top = max(step * math.ceil(max(max(p.cumulative for p in points), target or 0, 1) / step), step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_h

    def x_of(index: int) -> float:
        return LEFT + (plot_w * index / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y_of(value: float) -> float:
        return bottom - plot_h * value / top

    body = []
    for value in range(0, top + 1, step):
        y = y_of(value)
        body.append(f'<line x1="{LEFT}" y1="{num(y)}" x2="{WIDTH - RIGHT}" y2="{num(y)}" stroke="{GRID}"/>')
        body.append(text(LEFT - 6, y + 4, number_text(value), AXIS_SIZE, anchor="end", fill=MUTED))
    every = math.ceil(len(points) / MAX_X_LABELS)
    labelled = list(range(0, len(points), every))
    if labelled[-1] != len(points) - 1 and len(points) - 1 - labelled[-1] >= every / 2:
        labelled.append(len(points) - 1)
    for index in labelled:
        anchor = "start" if index == 0 and len(points) > 1 else "end" if index == len(points) - 1 > 0 else "middle"
        body.append(text(x_of(index), bottom + 18, short_day(points[index].day), AXIS_SIZE, anchor=anchor,
                         fill=MUTED))
    coords = [(x_of(i), y_of(p.cumulative)) for i, p in enumerate(points)]
    line = " ".join(f"{num(x)},{num(y)}" for x, y in coords)
    area = f"{num(coords[0][0])},{num(bottom)} {line} {num(coords[-1][0])},{num(bottom)}"
    body.append(f'<polygon points="{area}" fill="{ACCENT}" fill-opacity="0.15"/>')
    body.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2.5" '
                'stroke-linejoin="round"/>')
    if len(points) <= MAX_MARKERS:
        for (x, y), point in zip(coords, points, strict=True):
            body.append(f'<circle cx="{num(x)}" cy="{num(y)}" r="3" fill="{ACCENT}">'
                        f'{tip(f"{short_day(point.day)}: {number_text(point.cumulative)}")}</circle>')
    end_x, end_y = coords[-1]
    body.append(text(min(end_x, WIDTH - RIGHT), max(end_y - 8, 12), number_text(last.cumulative), 13,
                     anchor="end" if len(points) > 1 else "middle", weight="700"))
    if target is not None:
        y = y_of(target)
        body.append(f'<line x1="{LEFT}" y1="{num(y)}" x2="{WIDTH - RIGHT}" y2="{num(y)}" stroke="{TARGET}" '
                    'stroke-width="2" stroke-dasharray="6 4"/>')
        body.append(text(LEFT + 4, y - 5, _("Target: %(target)s", target=number_text(target)), AXIS_SIZE,
                         fill=TARGET, weight="600"))
    if deadline is not None and points[0].day <= deadline <= last.day:
        index = (deadline - points[0].day).days
        x = x_of(min(max(index, 0), len(points) - 1))
        body.append(f'<line x1="{num(x)}" y1="{TOP - 6}" x2="{num(x)}" y2="{bottom}" stroke="{MUTED}" '
                    'stroke-dasharray="2 3"/>')
        body.append(text(x, TOP - 10, _("Deadline"), AXIS_SIZE, anchor="end" if x > WIDTH / 2 else "start",
                         fill=MUTED))
    return frame("progress", WIDTH, HEIGHT, title, summary, body)
