"""Languages and formats: Vietnamese by default, English on request; times in Asia/Ho_Chi_Minh."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, session
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale

from lms.extensions import babel
from lms.text import group_digits, to_local, vi_date


def select_locale() -> str:
    """The language chosen in this session, else Vietnamese."""
    chosen = session.get("lang")
    return chosen if chosen in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def long_date(value: date | datetime | None) -> str:
    """'ngày 05 tháng 02 năm 2024' in Vietnamese, 'February 5, 2024' in English."""
    if value is None:
        return ""
    if str(get_locale()) == "vi":
        return vi_date(value)
    if isinstance(value, datetime):
        value = to_local(value).date()
    return format_date(value, "long")


def date_time(value: datetime | None) -> str:
    """A stored UTC time shown in local time: '14:05, ngày 05 tháng 02 năm 2024'."""
    if value is None:
        return ""
    if str(get_locale()) == "vi":
        return f"{to_local(value):%H:%M}, {vi_date(value)}"
    return format_datetime(value, "medium")


def score(basis_points: int | None) -> str:
    """A score stored in hundredths of a percent, shown as '83,33%' (vi) or '83.33%' (en)."""
    if basis_points is None:
        return ""
    return format_percent(basis_points / 10000, "#,##0.##%")


def group_symbol() -> str:
    """The page language's thousands separator ("." in Vietnamese, "," in English)."""
    return get_locale().number_symbols["latn"]["group"]


def number(value: int | float) -> str:
    """A count as '50.000' (vi) or '50,000' (en); whole numbers take a fast path."""
    if isinstance(value, int) and not isinstance(value, bool):
        return group_digits(value, group_symbol())
    return format_decimal(value)


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and register the formatting filters used by templates."""
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["date_time"] = date_time
    app.jinja_env.filters["percent"] = lambda v: format_percent(v, "#,##0%")
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["decimal2"] = lambda v: format_decimal(v, "0.00")  # 0,78 (vi) / 0.78 (en)
    app.jinja_env.filters["score"] = score
