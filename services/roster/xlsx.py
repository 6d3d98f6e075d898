"""A roster sent as an XLSX workbook (issue 18, item 4): the first sheet, its first non-empty
row naming the columns — «ФИО» (required), «Школа» / «Место работы», «Предмет» — in any
order; other columns are ignored, so the data bank's export goes back in as it is.

Every row is checked and any error refuses the whole file, named by its row and column:
a bad name, school or subject, a formula (values only: a formula is never evaluated, and a
text that starts with «=» is text), the same person twice (name and school). A file that is
no workbook, a zip that unpacks past `MAX_UNPACKED` (a zip bomb), over 1 MB or 2,000 rows
is refused before any row is read.

The sheet's declared size (`<dimension ref="A1:XFD20000"/>`) is never trusted: only the first
`MAX_COLUMNS` columns are read, and a sheet whose rows go past `MAX_SHEET_ROWS` (empty rows
included) is refused as too big without reading further."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from typing import Any

from services.errors import DomainError, ErrorCode
from services.roster.adding import name_key
from services.roster.parsing import MAX_ROSTER_BYTES, MAX_ROSTER_ROWS, RosterEntry
from services.schools import normalize_school
from services.validation import check_name, check_title

MAX_UNPACKED = 20_000_000  # bytes: the workbook's XML; a 1 MB roster unpacks to far less
MAX_COLUMNS = 50  # columns read per row; the header's columns must be among them
MAX_SHEET_ROWS = 10 * MAX_ROSTER_ROWS  # the sheet's rows, empty ones included
NAME, SCHOOL, SUBJECT = "name", "school", "subject"
# Header words per column (case, «ё», spaces and a trailing colon do not matter).
HEADERS: dict[str, frozenset[str]] = {
    NAME: frozenset(
        {"фио", "ф.и.о.", "ф. и. о.", "фамилия имя отчество", "full name", "name", "участник"}
    ),
    SCHOOL: frozenset(
        {"школа", "место работы", "оо", "образовательная организация", "school", "place of work"}
    ),
    SUBJECT: frozenset({"предмет", "subject"}),
}


def _header_key(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    word = " ".join(value.casefold().replace("ё", "е").split()).rstrip(":").strip()
    for key, words in HEADERS.items():
        if word in words:
            return key
    return None


def _text(value: Any) -> str:
    """A cell's value as text: numbers without a needless «.0», dates as DD.MM.YYYY."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def _open(data: bytes) -> Any:
    """The first sheet, read-only, formulas as formulas (never evaluated)."""
    if len(data) > MAX_ROSTER_BYTES:
        raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=MAX_ROSTER_ROWS)
    if not data.startswith(b"PK\x03\x04"):
        raise DomainError(ErrorCode.ROSTER_NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DomainError(ErrorCode.ROSTER_NOT_XLSX) from exc
    if unpacked > MAX_UNPACKED:
        raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=MAX_ROSTER_ROWS)
    # openpyxl ships no type information; imported here: only when a workbook comes.
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        # Its declared dimension may say 16,384 columns and a million rows for a few cells:
        # every row would be padded to it. Read what is there, within our own bounds.
        sheet.reset_dimensions()
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise DomainError(ErrorCode.ROSTER_NOT_XLSX) from exc
    return sheet


def _cells(sheet: Any) -> list[tuple[int, list[Any]]]:
    """The non-empty rows with their numbers in the sheet (as Excel shows them)."""
    rows: list[tuple[int, list[Any]]] = []
    try:
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if number > MAX_SHEET_ROWS:  # stop here: the rows up to a far one are generated
                raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=MAX_ROSTER_ROWS)
            cells = list(row)
            if any(_text(getattr(c, "value", None)) for c in cells):
                rows.append((number, cells))
                if len(rows) > MAX_ROSTER_ROWS + 1:  # the header and the limit
                    raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=MAX_ROSTER_ROWS)
    except DomainError:
        raise
    except Exception as exc:  # a damaged sheet found while reading it
        raise DomainError(ErrorCode.ROSTER_NOT_XLSX) from exc
    return rows


def _columns(header: list[Any]) -> dict[str, tuple[int, str]]:
    """Column key → (its index, its header as written)."""
    found: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(header):
        key = _header_key(getattr(cell, "value", None))
        if key is None:
            continue
        if key in found:
            raise DomainError(ErrorCode.ROSTER_COLUMNS)
        found[key] = (index, str(cell.value).strip())
    if NAME not in found:
        raise DomainError(ErrorCode.ROSTER_COLUMNS)
    return found


def _value(row: int, cells: list[Any], column: tuple[int, str] | None) -> str:
    if column is None or column[0] >= len(cells):
        return ""
    cell = cells[column[0]]
    if getattr(cell, "data_type", None) == "f":
        raise DomainError(
            ErrorCode.ROSTER_BAD_CELL, row=row, column=column[1], reason=ErrorCode.ROSTER_FORMULA
        )
    return _text(cell.value)


def parse_roster_xlsx(data: bytes) -> list[RosterEntry]:
    """The people of a roster workbook, every row checked; any error refuses all."""
    rows = _cells(_open(data))
    if not rows:
        raise DomainError(ErrorCode.ROSTER_EMPTY)
    columns = _columns(rows[0][1])
    entries: list[RosterEntry] = []
    seen: dict[str, list[tuple[str | None, int]]] = {}  # name → (school, row) so far
    for number, cells in rows[1:]:
        texts = {key: _value(number, cells, columns.get(key)) for key in HEADERS}
        checked: dict[str, str | None] = {}
        for key, check in ((NAME, check_name), (SCHOOL, check_name), (SUBJECT, check_title)):
            if key != NAME and not texts[key]:
                checked[key] = None
                continue
            try:
                checked[key] = check(texts[key])
            except DomainError as exc:
                raise DomainError(
                    ErrorCode.ROSTER_BAD_CELL,
                    row=number,
                    column=columns[key][1],
                    reason=exc.code,
                    reason_params=dict(exc.params),
                ) from exc
        name = checked[NAME] or ""
        school = checked[SCHOOL]
        school_key = normalize_school(school) if school else None
        for other, first in seen.get(name_key(name), []):
            if other is None or school_key is None or other == school_key:
                raise DomainError(ErrorCode.ROSTER_DUPLICATE, row=number, first=first)
        seen.setdefault(name_key(name), []).append((school_key, number))
        entries.append(RosterEntry(name, school, checked[SUBJECT]))
    if not entries:
        raise DomainError(ErrorCode.ROSTER_EMPTY)
    return entries
