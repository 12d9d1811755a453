"""A streamed download response for a spreadsheet export: the route passes the columns and the rows' generator."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from flask import Response, stream_with_context

from lms.exports.filenames import content_disposition
from lms.exports.sheets import Column, export


def sheet_response(kind: str, columns: Sequence[Column], rows: Iterable[Sequence | Mapping], filename: str, *,
                   title: str | None = None, sheet_name: str = "Danh sách") -> Response:
    """CSV or XLSX sent while it is written; the rows are read inside the request's context.

    filename may omit the extension; Vietnamese names keep their letters (with an ASCII fallback).
    """
    content_type, chunks = export(kind, columns, rows, title=title, sheet_name=sheet_name)
    if not filename.lower().endswith(f".{kind}"):
        filename = f"{filename}.{kind}"
    response = Response(stream_with_context(chunks), content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"  # lists of people: never kept by a shared cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
