"""The data bank of members (002 Annex 4 §5.1; issue 18, item 4) as an XLSX workbook: a
sheet with one row per person — name, place of work, subject, associations, education,
speciality, total and teaching experience, year of birth and age, the category with the date
and number of its order, awards, titles, how complete — then a sheet of the year-end
reports' courses (title, direction, hours, form, provider, date finished) and contests.
Numbers are numbers, dates are dates, the header row is frozen and carries an autofilter,
people's text goes through the formula guard (`documents.cells`). Labels in the reader's
language. Its first three columns are the roster's (ФИО, Школа, Предмет): the file goes back
in as a roster (services.roster.xlsx)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

# openpyxl ships no type information (types-openpyxl is not a dependency).
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from documents import cells
from documents.i18n import translations
from documents.overview_xlsx import print_setup
from models import Category, CourseForm
from services.databank import DataBank, Entry
from services.deadlines import school_year_label
from services.surveys.yearend import DIRECTIONS


def N_(message: str) -> str:
    """Mark a label for extraction; it is translated in the reader's language below."""
    return message


DATE_FORMAT = "DD.MM.YYYY"
SHEET_TITLE_MAX = 31
BANK = N_("Data bank")
COURSES = N_("Courses and contests")
# (msgid, width) of the bank's columns, in order; the first three are the roster's.
COLUMNS: tuple[tuple[str, int], ...] = (
    (N_("Full name"), 32),
    (N_("School"), 30),
    (N_("Subject"), 20),
    (N_("Associations"), 30),
    (N_("Education"), 30),
    (N_("Speciality"), 24),
    (N_("Total experience, years"), 10),
    (N_("Teaching experience, years"), 10),
    (N_("Year of birth"), 10),
    (N_("Age"), 8),
    (N_("Qualification category"), 20),
    (N_("Order date"), 12),
    (N_("Order number"), 12),
    (N_("Awards"), 40),
    (N_("Titles"), 30),
    (N_("Data bank, %"), 10),
)
DATE_COLUMN = 12  # the order's date
COURSE_COLUMNS: tuple[tuple[str, int], ...] = (
    (N_("Full name"), 32),
    (N_("School year"), 11),
    (N_("Course"), 40),
    (N_("Direction"), 30),
    (N_("Hours"), 8),
    (N_("Form"), 14),
    (N_("Provider"), 30),
    (N_("Finished"), 12),
)
CONTEST_COLUMNS: tuple[tuple[str, int], ...] = (
    (N_("Full name"), 32),
    (N_("School year"), 11),
    (N_("Contest"), 40),
    (N_("Result"), 30),
)
CATEGORIES = {
    Category.NONE: N_("no category"),
    Category.FIRST: N_("first category"),
    Category.HIGHEST: N_("highest category"),
    Category.METHODIST: N_("teacher-methodologist"),
    Category.MENTOR: N_("teacher-mentor"),
}
FORMS = {CourseForm.IN_PERSON: N_("full-time"), CourseForm.DISTANCE: N_("distance learning")}


def _header(
    sheet: Any,
    columns: tuple[tuple[str, int], ...],
    gettext: Callable[[str], str],
    row: int = 1,
) -> None:
    for n, (msgid, width) in enumerate(columns, start=1):
        cell = sheet.cell(row, n, gettext(msgid))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(n)].width = max(
            width, sheet.column_dimensions[get_column_letter(n)].width or 0
        )


def _text(value: str | None) -> str | None:
    return None if value is None else cells.text(value)


def _row(entry: Entry, gettext: Callable[[str], str]) -> list[Any]:
    return [
        cells.text(entry.full_name),
        _text(entry.school),
        _text(entry.subject),
        cells.text("; ".join(entry.associations)),
        _text(entry.education),
        _text(entry.speciality),
        entry.total_experience_years,
        entry.teaching_experience_years,
        entry.birth_year,
        entry.age,
        gettext(CATEGORIES[entry.category]) if entry.category else None,
        entry.order_date,
        _text(entry.order_number),
        _text(entry.awards),
        _text(entry.titles),
        entry.percent,
    ]


def xlsx_bytes(bank: DataBank, locale: str) -> bytes:
    gettext = translations(locale).gettext
    directions = {code: gettext(label) for code, label in DIRECTIONS}
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = gettext(BANK)[:SHEET_TITLE_MAX]
    _header(sheet, COLUMNS, gettext)
    # Row numbers are counted here: openpyxl's `max_row` scans every cell (quadratic per row).
    for line, entry in enumerate(bank.entries, start=2):
        sheet.append(_row(entry, gettext))
        sheet.cell(line, DATE_COLUMN).number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{1 + len(bank.entries)}"
    print_setup(sheet)
    # The courses, then (below a blank row) the contests, of the year-end reports.
    second = book.create_sheet(gettext(COURSES)[:SHEET_TITLE_MAX])
    _header(second, COURSE_COLUMNS, gettext)
    for line, c in enumerate(bank.courses, start=2):
        second.append(
            [
                cells.text(c.full_name),
                school_year_label(c.school_year),
                cells.text(c.title),
                directions.get(c.direction, c.direction),
                c.hours,
                gettext(FORMS[c.form]),
                cells.text(c.provider),
                c.finished_on,
            ]
        )
        second.cell(line, 8).number_format = DATE_FORMAT
    last = 1 + len(bank.courses)
    second.freeze_panes = "A2"
    second.auto_filter.ref = f"A1:{get_column_letter(len(COURSE_COLUMNS))}{last}"
    start = last + 2
    _header(second, CONTEST_COLUMNS, gettext, row=start)
    for number, k in enumerate(bank.contests, start=start + 1):
        second.cell(number, 1, cells.text(k.full_name))
        second.cell(number, 2, school_year_label(k.school_year))
        second.cell(number, 3, cells.text(k.contest))
        second.cell(number, 4, _text(k.result) or None)
    print_setup(second)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
