"""Reading responses as a browser would: security headers, inline script, event handlers, injected tags."""
from __future__ import annotations

from html.parser import HTMLParser

# Directives the Content-Security-Policy must hold, and sources that would let injected script run.
REQUIRED_CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:", "blob:"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
NEVER_EXPECTED = {"iframe", "frame", "object", "embed", "base", "applet"}


def csp_directives(header: str) -> dict[str, set[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = set(words[1:])
    return directives


def csp_problems(header: str | None) -> list[str]:
    if not header:
        return ["no Content-Security-Policy"]
    directives = csp_directives(header)
    problems = [f"CSP {name} is {sorted(directives.get(name, ()))}, expected {sorted(sources)}"
                for name, sources in REQUIRED_CSP.items() if directives.get(name) != sources]
    for name in ("script-src", "default-src", "style-src", "object-src"):
        if directives.get(name, set()) & UNSAFE_SOURCES:
            problems.append(f"CSP {name} allows {sorted(directives[name] & UNSAFE_SOURCES)}")
    return problems


def header_problems(response, *, signed_in: bool) -> list[str]:
    """What is missing from a response's headers; private responses must not be stored by any cache."""
    headers = response.headers
    problems = csp_problems(headers.get("Content-Security-Policy"))
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if headers.get("X-Frame-Options") != "DENY":
        problems.append("X-Frame-Options is not DENY")
    if headers.get("Referrer-Policy") not in {"same-origin", "no-referrer"}:
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    private = signed_in or response.mimetype == "application/pdf"
    if private and "no-store" not in headers.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {headers.get('Cache-Control')!r}, expected no-store")
    return problems


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and not dict(attrs).get("src"):
            self.problems.append("inline <script>")
        if tag in NEVER_EXPECTED or (tag == "meta" and "http-equiv" in dict(attrs)):
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…> inline style")
            if name in URL_ATTRIBUTES and value and "".join(value.split()).lower().startswith(
                    ("javascript:", "vbscript:", "data:text")):
                self.problems.append(f"<{tag} {name}={value!r}> script URL")

    handle_startendtag = handle_starttag


def html_problems(html: str) -> list[str]:
    """Inline script, event-handler attributes, script URLs, frames: what a CSP without inline script would
    block (so the page would break) or what an injection would have produced."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems


def is_html(response) -> bool:
    return response.mimetype == "text/html"
