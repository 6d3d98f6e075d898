"""Roster lists typed or sent as a file: one person per line, every line checked."""

from __future__ import annotations

import csv
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
    entries: list[RosterEntry] = []
    for number, line in enumerate(lines, start=first_line):
        parts = _fields(line.strip(), commas)
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
        entries.append(RosterEntry(name, school, subject))
    return entries


_HEADER_WORDS = {"фио", "ф.и.о.", "ф. и. о.", "full name", "name", "имя", "фамилия имя отчество"}


def parse_roster_file(data: bytes) -> list[RosterEntry]:
    """A roster sent as a file: CSV or plain text, as Excel or Google Sheets save it.

    UTF-8 (with or without BOM) or Windows-1251 (Russian Excel's CSV); fields separated by
    `;`, a comma, a tab or `|`, quoted as CSV quotes them; a header row is skipped. The
    rules and limits of `parse_roster` apply to every row.
    """
    if len(data) > MAX_ROSTER_BYTES:
        raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=MAX_ROSTER_ROWS)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DomainError(ErrorCode.ROSTER_EMPTY)
    sample = "\n".join(lines[:50])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        delimiter = ";"
    rows = [
        [cell.replace(";", ",").strip() for cell in row]
        for row in csv.reader(lines, delimiter=delimiter)
    ]
    header = bool(rows and rows[0] and rows[0][0].casefold() in _HEADER_WORDS)
    body = rows[1:] if header else rows
    return parse_roster(
        "\n".join("; ".join(row[:3]) for row in body if any(row)),
        first_line=2 if header else 1,
        commas=False,  # the file's own delimiter has split the fields already
    )
