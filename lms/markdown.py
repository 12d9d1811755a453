"""Lesson Markdown to safe HTML: no raw HTML in, an allow-list sanitiser on the way out."""
from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "strong", "em", "code", "pre", "a",
         "table", "thead", "tbody", "tr", "th", "td", "hr", "br"}


@lru_cache(maxsize=256)
def render_markdown(text: str) -> Markup:
    """Render Markdown to sanitised HTML; headings start at h2 because the page owns h1."""
    html = _md.render(text).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(html, tags=_TAGS, attributes={"a": {"href", "title"}},
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    return Markup(clean)  # nosec B704  # noqa: S704 - sanitised by nh3 just above
