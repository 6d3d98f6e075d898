"""Roster lists typed or sent as a file: one person per line, every line checked."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from services.errors import DomainError, ErrorCode
from services.validation import check_name, check_title

MAX_ROSTER_ROWS = 2000
MAX_ROSTER_BYTES = 1_000_000


@dataclass(frozen=True)
class RosterEntry:
    full_name: str
    school: str | None
    subject: str | None


_SEPARATORS = re.compile(r"\s*[;\t|]\s*")
_COMMA = re.compile(r"\s*,\s*")


def _fields(line: str, commas: bool) -> list[str]:
    """Name, school, subject of one line ("" where left out)."""
    if _SEPARATORS.search(line) or not commas:
        return [*_SEPARATORS.split(line), "", ""][:3]
    parts = _COMMA.split(line)
    if len(parts) > 3:  # «Иванова Анна, МБОУ СОШ № 5, г. Омск, математика»: a comma in the school
        return [parts[0], ", ".join(parts[1:-1]), parts[-1]]
    return [*parts, "", ""][:3]


def parse_roster(text: str, first_line: int = 1, *, commas: bool = True) -> list[RosterEntry]:
    """One person per line: «Фамилия Имя Отчество; школа; предмет» (school, subject optional).

    Fields are separated by `;`, a tab or `|`; a line with none of them may use commas
    («Иванова Анна, Школа 5, математика»). Every line is checked; any bad line rejects all,
    with its number and the reason's parameters, so nothing is half-imported.
    """
    if len(text.encode("utf-8")) > MAX_ROSTER_BYTES:
        raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=MAX_ROSTER_ROWS)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DomainError(ErrorCode.ROSTER_EMPTY)
    if len(lines) > MAX_ROSTER_ROWS:
        raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=MAX_ROSTER_ROWS)
    return [
        _entry(number, _fields(line.strip(), commas))
        for number, line in enumerate(lines, start=first_line)
    ]


def _entry(number: int, parts: list[str]) -> RosterEntry:
    """One person from the fields of line `number` (name, school, subject; "" left out)."""
    parts = [*parts, "", ""][:3]
    try:
        name = check_name(parts[0])
        school = check_name(parts[1]) if parts[1].strip() else None
        subject = check_title(parts[2]) if parts[2].strip() else None
    except DomainError as exc:
        raise DomainError(
            ErrorCode.ROSTER_BAD_LINE,
            line=number,
            reason=exc.code,
            reason_params=dict(exc.params),
        ) from exc
    return RosterEntry(name, school, subject)


_HEADER_WORDS = {"фио", "ф.и.о.", "ф. и. о.", "full name", "name", "имя", "фамилия имя отчество"}


_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
"""Zip (XLSX, DOCX, ODS), old Office (XLS, DOC), PDF and pictures: sent as a list by mistake."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
"""Characters no text file has: control codes other than tab and line ends, and the mark of
a byte that is no character of the encoding."""


def _text_of(data: bytes) -> str:
    """The file's text, or ROSTER_NOT_TEXT for anything that is not a CSV or text file."""
    if data.startswith(_BINARY_MAGIC):
        raise DomainError(ErrorCode.ROSTER_NOT_TEXT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")
    if _CONTROL.search(text):
        raise DomainError(ErrorCode.ROSTER_NOT_TEXT)
    return text


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The file's rows with the number of the line each starts on. A quote opened and never
    closed (the cell would swallow the lines after it) refuses the file at that line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if any("\n" in cell or "\r" in cell for cell in row):
                raise DomainError(
                    ErrorCode.ROSTER_BAD_LINE, line=start, reason=ErrorCode.ROSTER_BAD_QUOTES
                )
            rows.append((start, [cell.strip() for cell in row]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DomainError(
            ErrorCode.ROSTER_BAD_LINE, line=start, reason=ErrorCode.ROSTER_BAD_QUOTES
        ) from exc
    return rows


def parse_roster_file(data: bytes) -> list[RosterEntry]:
    """A roster sent as a file: CSV or plain text, as Excel or Google Sheets save it.

    UTF-8 (with or without BOM) or Windows-1251 (Russian Excel's CSV); fields separated by
    `;`, a comma, a tab or `|`, quoted as CSV quotes them; a header row is skipped. The
    rules and limits of `parse_roster` apply to every row, named by its line in the file. A
    file that is no text (a workbook, a PDF, a picture) is refused as such, and so is a
    malformed one (a quote never closed): nothing is added.
    """
    if len(data) > MAX_ROSTER_BYTES:
        raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=MAX_ROSTER_ROWS)
    text = _text_of(data)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DomainError(ErrorCode.ROSTER_EMPTY)
    sample = "\n".join(lines[:50])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        delimiter = ";"
    rows = [(number, row) for number, row in _rows(text, delimiter) if any(row)]
    if len(rows) > MAX_ROSTER_ROWS:
        raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=MAX_ROSTER_ROWS)
    if rows and rows[0][1] and rows[0][1][0].casefold() in _HEADER_WORDS:
        rows = rows[1:]
    if not rows:
        raise DomainError(ErrorCode.ROSTER_EMPTY)
    return [_entry(number, row) for number, row in rows]
