"""A ZIP archive written as it is sent: one entry in memory at a time, whatever the count."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime


class _Sink(io.RawIOBase):
    """An unseekable file that hands back what was written since the last take()."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_zip(entries: Iterable[tuple[str, datetime, Callable[[], bytes]]]) -> Iterator[bytes]:
    """Yield the archive in pieces; each entry's bytes are loaded only when its turn comes.

    PDFs are already compressed, so entries are stored, not deflated. Names may be Vietnamese
    (UTF-8 flag set by zipfile).
    """
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, when, load in entries:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.external_attr = 0o644 << 16
            archive.writestr(info, load())
            yield sink.take()
    yield sink.take()
