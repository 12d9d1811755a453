"""Read the application's source: no eval or exec, no SQL built from strings, no unsafe loaders or shells,
and HTML marked safe only where a sanitiser or an escaping builder made it."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for p in (ROOT / "lms").rglob("*.py"))
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "execfile", "input"}
FORBIDDEN_ATTRIBUTES = {("os", "system"), ("os", "popen"), ("pickle", "loads"), ("pickle", "load"),
                        ("marshal", "loads"), ("shelve", "open")}
SQL_SINKS = {"exec_driver_sql", "execute", "executescript"}  # plus SQLAlchemy's own text() and literal_column()
SQLALCHEMY_SINKS = {"text", "literal_column"}
# Each place that marks a string as safe HTML, and why it may: everything else goes through autoescaping.
MARKUP_ALLOWED = {"lms/markdown.py": "nh3 allow-list sanitiser", "lms/charts/svg.py": "built from escape() parts"}


def _calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _int_only(value: ast.FormattedValue) -> bool:
    """`{int(x)}`: a number, as SQLite's PRAGMA needs (it takes no bound parameters); nothing can be injected."""
    inner = value.value
    return isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "int"


def _built_string(node: ast.expr) -> bool:
    """An f-string, a concatenation, a %-format or a .format(): SQL made from pieces at run time."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) and not _int_only(v) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return True
    return isinstance(node, ast.Call) and _name(node.func) in {"format", "join", "replace"}


def _where(path: Path, node: ast.AST) -> str:
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    return f"{shown}:{node.lineno}"


def test_the_scan_sees_the_application():
    assert len(SOURCES) > 50 and any(p.name == "services.py" for p in SOURCES)


def dangerous_calls(paths) -> list[str]:
    found = []
    for path in paths:
        for call in _calls(path):
            if isinstance(call.func, ast.Name) and call.func.id in FORBIDDEN_CALLS:
                found.append(f"{_where(path, call)} {call.func.id}()")
            if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) and (
                    call.func.value.id, call.func.attr) in FORBIDDEN_ATTRIBUTES:
                found.append(f"{_where(path, call)} {call.func.value.id}.{call.func.attr}()")
            if any(k.arg == "shell" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                   for k in call.keywords):
                found.append(f"{_where(path, call)} shell=")
    return found


def test_no_eval_exec_or_shell():
    found = dangerous_calls(SOURCES)
    assert not found, "\n".join(found)


def _sqlalchemy_names(path: Path) -> set[str]:
    """Names under which this module uses SQLAlchemy's text() and literal_column()."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            names |= {alias.asname or alias.name for alias in node.names if alias.name in SQLALCHEMY_SINKS}
    return names


def _is_sql_sink(call: ast.Call, sqlalchemy_names: set[str]) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr in SQL_SINKS or (func.attr in SQLALCHEMY_SINKS and isinstance(func.value, ast.Name)
                                          and func.value.id in {"sa", "sqlalchemy"})
    return isinstance(func, ast.Name) and func.id in sqlalchemy_names


def built_sql(paths) -> list[str]:
    found = []
    for path in paths:
        names = _sqlalchemy_names(path)
        for call in _calls(path):
            if _is_sql_sink(call, names) and call.args and _built_string(call.args[0]):
                found.append(f"{_where(path, call)} {_name(call.func)}(<built string>)")
    return found


def test_no_sql_built_from_strings():
    found = built_sql(SOURCES)
    assert not found, "\n".join(found)


BAD_MODULE = """
import os
from sqlalchemy import text as sql_text
def f(db, name, n):
    eval(name)
    os.system(name)
    db.session.execute(sql_text(f"SELECT * FROM users WHERE name = '{name}'"))
    db.session.execute("DELETE FROM t WHERE id = " + name)
    db.session.execute(sql_text("SELECT %s" % name))
    db.session.execute(sql_text("SELECT {}".format(name)))
    db.session.execute(f"PRAGMA page_size={int(n)}")  # allowed: only an integer
"""


def test_the_scans_find_what_they_look_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(BAD_MODULE, encoding="utf-8")
    assert [line.split(" ", 1)[1] for line in dangerous_calls([bad])] == ["eval()", "os.system()"]
    assert sorted(int(line.split(":")[1].split()[0]) for line in built_sql([bad])) == [7, 8, 9, 10]


def test_yaml_is_read_with_safe_loaders_only():
    found = []
    for path in SOURCES:
        for call in _calls(path):
            if isinstance(call.func, ast.Attribute) and call.func.attr in {"load", "load_all"} and isinstance(
                    call.func.value, ast.Name) and call.func.value.id == "yaml":
                loader = next((k.value for k in call.keywords if k.arg == "Loader"), None)
                name = _name(loader) if loader is not None else ""
                if not name or name in {"Loader", "UnsafeLoader", "FullLoader"}:
                    found.append(f"{_where(path, call)} yaml.{call.func.attr} with {name or 'the default'} loader")
    assert not found, "\n".join(found)


def test_the_custom_yaml_loader_is_a_safe_loader():
    from yaml.constructor import FullConstructor, SafeConstructor

    from lms.content import yamlines

    loaders = [v for v in vars(yamlines).values() if isinstance(v, type) and v.__module__ == yamlines.__name__
               and hasattr(v, "construct_document")]
    assert loaders
    for loader in loaders:  # the safe constructor, and not the full or unsafe ones built on it
        assert issubclass(loader, SafeConstructor) and not issubclass(loader, FullConstructor), loader


def test_markup_is_made_only_where_it_is_sanitised():
    found = []
    for path in SOURCES:
        for call in _calls(path):
            if _name(call.func) == "Markup" and call.args and not isinstance(call.args[0], ast.Constant):
                relative = str(path.relative_to(ROOT))
                if relative not in MARKUP_ALLOWED:
                    found.append(f"{_where(path, call)} Markup(...) of a computed value")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("pattern, why", [
    (r"\|\s*safe\b", "|safe turns off escaping"),
    (r"{%-?\s*autoescape\s+false", "autoescape false"),
    (r"\bMarkup\b", "Markup in a template"),
])
def test_templates_never_turn_escaping_off(pattern, why):
    found = [f"{p.relative_to(ROOT)}: {why}" for p in TEMPLATES if re.search(pattern, p.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)


def test_autoescaping_is_on_for_every_template(app):
    for path in TEMPLATES:
        name = str(path.relative_to(ROOT / "templates"))
        assert app.jinja_env.autoescape(name) if callable(app.jinja_env.autoescape) else app.jinja_env.autoescape
