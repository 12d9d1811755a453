"""What a spreadsheet read gives back: typed cells in numbered rows, notes about the file, refusals."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 100
# A workbook is a ZIP: refuse one whose contents unpack to far more than any staff list needs.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024

TEXT, NUMBER, DATE, FORMULA, BOOL, ERROR, EMPTY = "text", "number", "date", "formula", "bool", "error", "empty"


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as the spreadsheet stored it: its kind tells a typed number, a date or a formula from text."""

    kind: str
    value: object = None
    number_format: str = "General"

    @property
    def is_empty(self) -> bool:
        return self.kind == EMPTY or (self.kind == TEXT and not str(self.value).strip())

    def display(self) -> str:
        """The cell roughly as Excel shows it, for messages and the preview."""
        value = self.value
        if self.kind == EMPTY or value is None:
            return ""
        if self.kind == NUMBER:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return str(value)
        if self.kind == DATE:
            if isinstance(value, datetime):
                return f"{value:%d/%m/%Y %H:%M}" if (value.hour, value.minute) != (0, 0) else f"{value:%d/%m/%Y}"
            if isinstance(value, date):
                return f"{value:%d/%m/%Y}"
            if isinstance(value, time):
                return f"{value:%H:%M}"
            return str(value)
        if self.kind == BOOL:
            return "TRUE" if value else "FALSE"
        return str(value)


EMPTY_CELL = Cell(EMPTY)


@dataclass(frozen=True, slots=True)
class SheetRow:
    """A non-empty row and its number as the spreadsheet program shows it (1 for the first row)."""

    number: int
    cells: tuple[Cell, ...]

    def cell(self, index: int) -> Cell:
        return self.cells[index] if 0 <= index < len(self.cells) else EMPTY_CELL


@dataclass(frozen=True)
class Note:
    """Something about the whole file worth knowing before applying it (not a refusal)."""

    message: object  # a lazy translated string

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class Sheet:
    """The non-empty rows of the file's first worksheet, in order."""

    rows: list[SheetRow]
    kind: str  # "xlsx" or "csv"
    encoding: str | None = None
    delimiter: str | None = None
    sheet_name: str | None = None
    notes: list[Note] = field(default_factory=list)


class SheetError(ValueError):
    """A file that cannot be read as a staff list at all, with a message for the person who uploaded it."""

    def __init__(self, message) -> None:
        super().__init__()
        self.message = message  # translated when shown, in the language of whoever reads it

    def __str__(self) -> str:
        return str(self.message)


def too_big() -> SheetError:
    return SheetError(_l("The file is larger than %(limit)d MB. Split it into smaller files.",
                         limit=MAX_BYTES // (1024 * 1024)))


def too_many_rows() -> SheetError:
    return SheetError(_l("The file has more than %(limit)d rows. Split it into smaller files.", limit=MAX_ROWS))
