"""The plan's calendar table as an XLSX workbook, and back.

Export (`plan_bytes`, `template_bytes`): one sheet, the header row in the form's wording (the
association's language), a row per plan row: the number and the date are real number and
date cells. The template is the same sheet without rows, with the form's nine directions and
the kinds of row offered as lists (typing one's own direction is allowed).

Import (`read_sheet`): a file of at most `MAX_BYTES` whose first row holds exactly the
template's columns (in Russian or English) is read into `services.plans.ImportSheet`; the
cells are checked by `services.plans.preview_import`. A file that is not a workbook, a zip
that unpacks to more than `MAX_UNPACKED`, or other columns are refused with nothing read.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

# openpyxl ships no type information (types-openpyxl is not a dependency).
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from documents import cells
from documents.i18n import LOCALES, translations
from models import PlanRowKind
from services import plans
from services.errors import DomainError, ErrorCode

MAX_BYTES = 1_000_000  # the file as sent: 1 MB, the limit the refusal states
MAX_UNPACKED = 20_000_000  # its parts unpacked: a "zip bomb" is refused before reading
TEMPLATE_ROWS = 150  # rows the template's lists reach
DATE_FORMAT = "DD.MM.YYYY"
WIDTHS = {"number": 6, "direction": 40, "topic": 50, "day": 14, "venue": 30}
LISTS_SHEET = "lists"


def N_(message: str) -> str:
    return message


SHEET_TITLE = N_("Plan")
_SPLIT = re.compile(r"[;\n]+")


def _gettext(locale: str) -> Any:
    return translations(locale).gettext


def headers(locale: str) -> list[str]:
    gettext = _gettext(locale)
    return [gettext(plans.COLUMNS[key]) for key in plans.COLUMN_KEYS]


def _sheet(locale: str) -> tuple[Workbook, Any]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _gettext(locale)(SHEET_TITLE)[:31]
    sheet.append(headers(locale))
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for n, key in enumerate(plans.COLUMN_KEYS):
        sheet.column_dimensions[chr(ord("A") + n)].width = WIDTHS.get(key, 24)
    sheet.freeze_panes = "A2"
    return book, sheet


def _responsible(row: plans.PlanRowContent, locale: str) -> str:
    note = _gettext(locale)(plans.NOT_ON_ROSTER)
    return "; ".join(r.name if r.on_roster else f"{r.name} ({note})" for r in row.responsible)


def plan_bytes(content: plans.PlanContent) -> bytes:
    """The plan's table: № as a number, the date as a date cell."""
    book, sheet = _sheet(content.locale)
    gettext = _gettext(content.locale)
    # Row numbers are counted here: openpyxl's `max_row` scans every cell (quadratic per row).
    for line, row in enumerate(content.rows, start=2):
        sheet.append(
            [
                row.position,
                cells.text(row.direction),
                cells.text(row.topic),
                row.day,
                cells.text(row.venue or ""),
                cells.text(_responsible(row, content.locale)),
                gettext(plans.KINDS[row.kind]),
            ]
        )
        sheet.cell(line, 4).number_format = DATE_FORMAT
        for column in range(1, len(plans.COLUMN_KEYS) + 1):
            sheet.cell(line, column).alignment = Alignment(wrap_text=True, vertical="top")
    return _save(book)


def template_bytes(locale: str) -> bytes:
    """An empty table to fill in: the directions and the kinds offered as lists."""
    book, sheet = _sheet(locale)
    gettext = _gettext(locale)
    lists = book.create_sheet(LISTS_SHEET)
    for n, direction in enumerate(plans.DIRECTIONS, start=1):
        lists.cell(n, 1, direction)
    kinds = [gettext(label) for label in plans.KINDS.values()]
    for n, kind in enumerate(kinds, start=1):
        lists.cell(n, 2, kind)
    lists.sheet_state = "hidden"
    last = TEMPLATE_ROWS + 1
    direction = DataValidation(
        type="list", formula1=f"={LISTS_SHEET}!$A$1:$A${len(plans.DIRECTIONS)}"
    )
    direction.showErrorMessage = False  # the chair's own direction is allowed
    kind = DataValidation(type="list", formula1=f"={LISTS_SHEET}!$B$1:$B${len(kinds)}")
    sheet.add_data_validation(direction)
    sheet.add_data_validation(kind)
    direction.add(f"B2:B{last}")
    kind.add(f"G2:G{last}")
    for line in range(2, last + 1):
        sheet.cell(line, 4).number_format = DATE_FORMAT
    return _save(book)


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- import


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def _known_headers() -> list[set[str]]:
    """Per column, the header in every language, compared without case and extra spaces."""
    return [
        {" ".join(_gettext(locale)(plans.COLUMNS[key]).split()).casefold() for locale in LOCALES}
        for key in plans.COLUMN_KEYS
    ]


def _kinds() -> dict[str, PlanRowKind]:
    return {
        _gettext(locale)(label).casefold(): kind
        for locale in LOCALES
        for kind, label in plans.KINDS.items()
    }


def _notes() -> list[str]:
    return [f"({_gettext(locale)(plans.NOT_ON_ROSTER)})".casefold() for locale in LOCALES]


def _name(text: str, notes: list[str]) -> str:
    """A name exported with «(не в составе)» after it comes back without the note."""
    for note in notes:
        if text.casefold().endswith(note):
            return text[: -len(note)].strip()
    return text


def _open(data: bytes) -> Any:
    if len(data) > MAX_BYTES:
        raise DomainError(ErrorCode.FILE_TOO_BIG, max_mb=MAX_BYTES // 1_000_000)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise DomainError(ErrorCode.PLAN_XLSX_UNREADABLE)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DomainError:
        raise
    except Exception:  # not a zip, not a workbook, a broken part: openpyxl raises many kinds
        raise DomainError(ErrorCode.PLAN_XLSX_UNREADABLE) from None
    return book


def read_sheet(data: bytes) -> plans.ImportSheet:
    """The filled template's rows as raw cells (the first sheet; empty lines skipped)."""
    book = _open(data)
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [_clean(v) for v in next(lines, ())]
        while header and not header[-1]:
            header.pop()
        known = _known_headers()
        if len(header) != len(known) or any(
            " ".join(text.split()).casefold() not in names
            for text, names in zip(header, known, strict=True)
        ):
            raise DomainError(
                ErrorCode.PLAN_XLSX_COLUMNS,
                expected=list(plans.COLUMN_KEYS),
                found=[text or "—" for text in header],
            )
        kinds, notes = _kinds(), _notes()
        rows: list[plans.ImportedRow] = []
        for number, values in enumerate(lines, start=2):
            cells = list(values[: len(known)]) + [None] * (len(known) - len(values))
            if any(_clean(v) for v in values[len(known) :]):
                raise DomainError(
                    ErrorCode.PLAN_XLSX_COLUMNS,
                    expected=list(plans.COLUMN_KEYS),
                    found=[*header, "…"],
                )
            if not any(_clean(v) for v in cells[1:]):
                continue
            rows.append(_row(number, cells, kinds, notes))
            if len(rows) > plans.ROWS_MAX:
                break
    finally:
        book.close()
    if not rows:
        raise DomainError(ErrorCode.PLAN_XLSX_EMPTY)
    return plans.ImportSheet(tuple(rows))


def _row(
    number: int, cells: list[Any], kinds: dict[str, PlanRowKind], notes: list[str]
) -> plans.ImportedRow:
    _, direction, topic, day, venue, responsible, kind = cells
    if isinstance(day, datetime):
        day = day.date()
    elif not isinstance(day, date):
        day = _clean(day) or None
    kind_text = _clean(kind)
    return plans.ImportedRow(
        line=number,
        direction=_clean(direction),
        topic=topic.strip() if isinstance(topic, str) else _clean(topic),
        day=day,
        venue=_clean(venue),
        responsible=tuple(
            _name(" ".join(part.split()), notes)
            for part in _SPLIT.split(responsible if isinstance(responsible, str) else "")
            if part.strip()
        ),
        kind=kinds.get(kind_text.casefold()) if kind_text else PlanRowKind.OTHER,
        kind_text=kind_text,
    )
