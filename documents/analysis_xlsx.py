"""The annual analysis as XLSX: one sheet per table, numbers as numbers (counts, percentages
as whole numbers, averages as decimals), headers in the association's language."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime, time

from openpyxl import Workbook  # type: ignore[import-untyped]

from documents import analysis_words as W
from documents import cells
from documents.i18n import translations
from documents.stable_zip import restamp
from services import analysis, surveys

Cell = str | int | float | None


def N_(message: str) -> str:
    return message


# Sheet titles and the headers the form's tables do not give (the association's language).
ATTENDANCE = N_("Attendance")
FORMATS = N_("Formats")
DIRECTIONS = N_("Directions")
FORMS = N_("Forms")
EXPERIENCE = N_("Experience")
DIAGNOSTICS = N_("Diagnostics")
SURVEYS = N_("Surveys")
UNREALISED = N_("Not held")
QUESTIONS = N_("Questions")
DATE = N_("Date")
PRESENT = N_("Present")
ROSTER = N_("On the roster")
FORM = N_("Form")
MEETINGS = N_("Meetings")
PEOPLE = N_("People")
SURVEY = N_("Survey")
QUESTION = N_("Question")
OPTION = N_("Option")
COUNT = N_("Count")
SHARE_OR_AVERAGE = N_("% or average")
POSITION = N_("No.")
TOPIC = N_("Topic")
PROTOCOL = N_("Protocol No.")


def _sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]
) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([cells.text(v) if isinstance(v, str) else v for v in row])


def xlsx_bytes(found: analysis.Analysis) -> bytes:
    gettext = translations("en" if found.locale == "en" else "ru").gettext
    book = Workbook()
    book.remove(book.active)
    table = found.attendance
    dates = [d.strftime("%d.%m.%Y") for d in table.days]
    rows: list[list[Cell]] = []
    for row in table.rows:
        for day, cell in zip(dates, row.cells, strict=True):
            if cell.roster:
                rows.append([row.school, day, cell.present, cell.roster, cell.percent])
    for day, cell in zip(dates, table.totals, strict=True):
        rows.append([gettext(W.TOTAL), day, cell.present, cell.roster, cell.percent])
    _sheet(
        book,
        gettext(ATTENDANCE),
        [gettext(W.SCHOOL), gettext(DATE), gettext(PRESENT), gettext(ROSTER), "%"],
        rows,
    )
    formats: list[list[Cell]] = [
        [gettext(W.FORM_NAMES[f.value]), n] for f, n in found.formats.by_form
    ]
    formats += [[gettext(W.KIND_NAMES[k.key]), k.count] for k in found.formats.by_kind]
    _sheet(book, gettext(FORMATS), [gettext(FORM), gettext(MEETINGS)], formats)
    labels = dict(surveys.DIRECTIONS)
    _sheet(
        book,
        gettext(DIRECTIONS),
        [gettext(c) for c in W.DIRECTION_COLUMNS],
        [
            [n, gettext(labels[r.key]), r.people, r.percent]
            for n, r in enumerate(found.courses.directions, 1)
        ],
    )
    names = {"in_person": W.FORM_IN_PERSON, "distance": W.FORM_DISTANCE}
    _sheet(
        book,
        gettext(FORMS),
        [gettext(FORM), gettext(PEOPLE), "%"],
        [[gettext(names[r.key]), r.people, r.percent] for r in found.courses.forms],
    )
    _sheet(
        book,
        gettext(EXPERIENCE),
        [gettext(c) for c in W.EXPERIENCE_COLUMNS],
        [
            [n, gettext(W.VENUES[r.key]), r.people, r.percent]
            for n, r in enumerate(found.experience.rows, 1)
        ],
    )
    d = found.diagnostics
    _sheet(
        book,
        gettext(DIAGNOSTICS),
        [gettext(W.DEFICIT_COLUMNS[0]), gettext(W.DEFICIT_COLUMNS[2])],
        [
            [gettext(label), value]
            for label, value in zip(
                W.DEFICIT_ROWS[:4],
                (d.federal, d.regional, d.route_cnppm, d.route_school),
                strict=True,
            )
        ],
    )
    survey_rows: list[list[Cell]] = []
    for s in (*found.satisfaction, *found.effectiveness):
        for q in s.questions:
            if q.average_tenths is not None:
                survey_rows.append([s.title, q.text, "", q.answered, q.average_tenths / 10])
            for o in q.options:
                survey_rows.append([s.title, q.text, o.option, o.count, o.percent])
    header = [SURVEY, QUESTION, OPTION, COUNT, SHARE_OR_AVERAGE]
    _sheet(book, gettext(SURVEYS), [gettext(h) for h in header], survey_rows)
    _sheet(
        book,
        gettext(UNREALISED),
        [gettext(POSITION), gettext(DATE), gettext(TOPIC)],
        [
            [r.position, r.day.strftime("%d.%m.%Y") if r.day else "", r.topic]
            for r in found.unrealised
        ],
    )
    _sheet(
        book,
        gettext(QUESTIONS),
        [gettext(PROTOCOL), gettext(DATE), gettext(POSITION), gettext(QUESTION)],
        [[q.number, q.day.strftime("%d.%m.%Y"), q.position, q.title] for q in found.questions],
    )
    made = datetime.combine(found.day, time(12), tzinfo=UTC)
    book.properties.created = made.replace(tzinfo=None)
    book.properties.modified = made.replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return restamp(out.getvalue(), made)
