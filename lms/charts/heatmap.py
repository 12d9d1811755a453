"""Heat map of percent correct, units × clauses: the value printed in every cell, a colour-blind-safe scale.

Colours follow viridis (dark purple → blue → green → yellow), which stays ordered for the common
colour-vision deficiencies and in greyscale; each cell's text is black or white, whichever
contrasts more with its colour. Empty cells are pale grey with a dash.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from lms.charts.svg import (
    GRID,
    MUTED,
    frame,
    new_id,
    number_text,
    percent_text,
    text,
    tip,
    truncate,
    wrap,
)

VIRIDIS = ((0.0, (68, 1, 84)), (0.25, (59, 82, 139)), (0.5, (33, 145, 140)), (0.75, (94, 201, 98)),
           (1.0, (253, 231, 37)))
EMPTY = "#f1f2f4"
LABEL_WIDTH = 184
CELL_W, CELL_H = 56, 36
HEADER_H = 40
LEGEND_H = 52
LEGEND_W = 220
PAD = 8
SIZE = 13


@dataclass(frozen=True)
class HeatColumn:
    """A column: a short heading (a clause key such as '1b-3') and the full name for its tooltip."""

    short: str
    full: str = ""


@dataclass(frozen=True)
class HeatRow:
    """A row: a unit's name, a percent (0–100) or None per column, and optionally how many answers."""

    label: str
    values: Sequence[float | None]
    counts: Sequence[int] | None = None


def colour(percent: float) -> str:
    """The viridis colour of a percent, as #rrggbb."""
    t = min(max(percent / 100, 0.0), 1.0)
    for (t0, c0), (t1, c1) in zip(VIRIDIS, VIRIDIS[1:], strict=False):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            return "#" + "".join(f"{round(a + (b - a) * f):02x}" for a, b in zip(c0, c1, strict=True))
    return "#fde725"


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def text_colour(fill: str) -> str:
    """Black or white, whichever has the higher contrast ratio against the fill (WCAG formula)."""
    lum = _luminance(fill)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def _cell_text(value: float) -> str:
    return percent_text(round(value) / 100)


def _row_summary(columns: Sequence[HeatColumn], row: HeatRow) -> str:
    return ", ".join(f"{column.short} {_cell_text(value) if value is not None else '–'}"
                     for column, value in zip(columns, row.values, strict=True))


def heat_map(columns: Sequence[HeatColumn], rows: Sequence[HeatRow], title: str,
             description: str | None = None) -> Markup:
    """The table as an SVG heat map; rows and columns in the order given."""
    for row in rows:
        if len(row.values) != len(columns) or (row.counts is not None and len(row.counts) != len(columns)):
            raise ValueError(f"row {row.label!r} does not have one value per column")
    width = PAD * 2 + LABEL_WIDTH + max(CELL_W * len(columns), LEGEND_W + 20)
    if not rows or not columns:
        message = _("No answers to show yet.")
        return frame("heatmap", max(width, 320), 60, title, description or message,
                     [text(max(width, 320) / 2, 36, message, anchor="middle", fill=MUTED)])
    summary = description or " ".join(f"{row.label}: {_row_summary(columns, row)}." for row in rows)
    left = PAD + LABEL_WIDTH
    body = []
    for i, column in enumerate(columns):
        x = left + CELL_W * i + CELL_W / 2
        lines = wrap(column.short, CELL_W - 4, SIZE - 1)
        parts = [text(x, HEADER_H - 8 - 14 * (len(lines) - 1 - n), line, SIZE - 1, anchor="middle", weight="600")
                 for n, line in enumerate(lines)]
        body.append(f"<g>{tip(column.full or column.short)}{''.join(parts)}</g>")
    for r, row in enumerate(rows):
        y = HEADER_H + CELL_H * r
        lines = wrap(row.label, LABEL_WIDTH - 8, SIZE)
        first = y + CELL_H / 2 + 5 - 8 * (len(lines) - 1)
        label = "".join(text(PAD, first + 16 * n, line, SIZE) for n, line in enumerate(lines))
        body.append(f"<g>{tip(row.label)}{label}</g>")
        for c, value in enumerate(row.values):
            x = left + CELL_W * c
            count = row.counts[c] if row.counts is not None else None
            answers = "" if count is None else " " + _("(%(count)s answers)", count=number_text(count))
            if value is None:
                cell = (f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" fill="{EMPTY}" stroke="#fff"/>'
                        + text(x + CELL_W / 2, y + CELL_H / 2 + 5, "–", SIZE, anchor="middle", fill=MUTED))
                name = _("%(unit)s, %(clause)s: no answers", unit=row.label, clause=columns[c].short)
            else:
                fill = colour(value)
                cell = (f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" fill="{fill}" stroke="#fff"/>'
                        + text(x + CELL_W / 2, y + CELL_H / 2 + 5, _cell_text(value), SIZE, anchor="middle",
                               fill=text_colour(fill), weight="600"))
                name = f"{row.label}, {columns[c].short}: {_cell_text(value)}{answers}"
            body.append(f"<g>{tip(name)}{cell}</g>")
    body.append(_legend(left, HEADER_H + CELL_H * len(rows) + 14))
    height = HEADER_H + CELL_H * len(rows) + LEGEND_H
    return frame("heatmap", width, height, title, summary, body)


def _legend(x: float, y: float) -> str:
    """The continuous scale as a gradient bar, with 0, 25, 50, 75 and 100 % written under it."""
    gradient = new_id("scale")
    stops = "".join(f'<stop offset="{p}%" stop-color="{colour(p)}"/>' for p in range(0, 101, 10))
    parts = [f'<defs><linearGradient id="{gradient}">{stops}</linearGradient></defs>',
             text(x - 8, y + 15, truncate(_("Percent correct"), LABEL_WIDTH - 8, SIZE - 1), SIZE - 1,
                  anchor="end", fill=MUTED),
             f'<rect x="{x}" y="{y}" width="{LEGEND_W}" height="18" fill="url(#{gradient})" stroke="{GRID}"/>']
    for p in range(0, 101, 25):
        tick = x + LEGEND_W * p / 100
        parts.append(f'<line x1="{tick}" y1="{y + 18}" x2="{tick}" y2="{y + 22}" stroke="{MUTED}"/>')
        parts.append(text(tick, y + 34, percent_text(p / 100), 10, anchor="middle", fill=MUTED))
    return "".join(parts)
