"""The annual analysis as DOCX, in the layout of 000 Приложение 2 (and the table after the
plan in Приложение 1): A4, Times New Roman 14, margins 3 / 1.5 / 2 / 2 cm (the protocol's
`docx_styles` and `set_margins`), every heading of the form in its order and wording
(`documents.analysis_words`), tables with their header row repeated on every page, «нет
данных» where the bot has none, the chair's sections as written, and «Приложение к анализу»
with the needs survey, plan against held and a PNG chart of attendance per meeting.
The same analysis gives the same bytes (`restamp`). CPU work: call it through
`asyncio.to_thread`."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt
from docx.table import Table

from documents import analysis_words as W
from documents.chart import columns_png
from documents.i18n import translations
from documents.protocol import PAGE_HEIGHT, PAGE_WIDTH, UNSAFE, docx_styles, set_margins
from documents.stable_zip import restamp
from services import analysis, surveys

TABLE_SIZE = 11
WIDTH = 16.5  # cm between the margins


def _clean(text: str | None) -> str:
    return UNSAFE.sub("", text or "")


class Writer:
    def __init__(self, document: DocxDocument, gettext: Callable[[str], str], year: str) -> None:
        self.document = document
        self.gettext = gettext
        self.year = year

    def t(self, msgid: str, **values: object) -> str:
        return (
            self.gettext(msgid) % {"year": self.year, **values}
            if values or "%(" in msgid
            else self.gettext(msgid)
        )

    def paragraph(
        self,
        text: str,
        *,
        bold: bool = False,
        align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    ) -> None:
        for line in _clean(text).split("\n"):
            paragraph = self.document.add_paragraph()
            paragraph.alignment = align
            if line:
                paragraph.add_run(line).bold = bold or None

    def heading(self, msgid: str, **values: object) -> None:
        self.paragraph(self.t(msgid, **values), bold=True)

    def chair(self, sections: Mapping[str, str], key: str) -> None:
        text = sections.get(key)
        if text:
            self.paragraph(text)
        else:
            self.paragraph(self.t(W.CHAIR_WRITES))

    def no_data(self) -> None:
        self.paragraph(self.t(W.NO_DATA))

    def table(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
    ) -> Table:
        table: Table = self.document.add_table(rows=1 + len(rows), cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for n, width in enumerate(widths):
            table.columns[n].width = Cm(width)
        lines = list(table.rows)
        self._row(lines[0].cells, header, widths, bold=True)
        lines[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for line, values in zip(lines[1:], rows, strict=True):
            self._row(line.cells, values, widths)
        return table

    def _row(
        self,
        cells: Sequence[Any],
        values: Sequence[str],
        widths: Sequence[float],
        *,
        bold: bool = False,
    ) -> None:
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = Cm(width)
            run = cell.paragraphs[0].add_run(_clean(value))
            run.font.size = Pt(TABLE_SIZE)
            run.bold = bold or None


def pct(value: int | None) -> str:
    return "—" if value is None else f"{value} %"


def tenths(value: int) -> str:
    return f"{value // 10},{value % 10}"


def _surveys(w: Writer, figures: Sequence[analysis.SurveyFigures]) -> None:
    if not figures:
        w.no_data()
        return
    for survey in figures:
        w.paragraph(f"«{survey.title}»")
        w.paragraph(
            w.t(
                W.ANSWERED,
                respondents=survey.respondents,
                recipients=survey.recipients,
                percent=pct(survey.percent),
            )
        )
        if not survey.shown:
            w.paragraph(w.t(W.HIDDEN))
            continue
        for q in survey.questions:
            if q.average_tenths is not None:
                w.paragraph(f"{q.text} — {w.t(W.AVERAGE, value=tenths(q.average_tenths))}")
            else:
                w.paragraph(q.text)
                for o in q.options:
                    w.paragraph(f"– {o.option}: {o.count} ({pct(o.percent)})")


def _attendance(w: Writer, table: analysis.AttendanceTable) -> None:
    if not table.days:
        w.no_data()
        return
    width = (WIDTH - 4.5) / len(table.days)
    header = [w.t(W.SCHOOL), *(d.strftime("%d.%m.%Y") for d in table.days)]

    def cell(c: analysis.Cell) -> str:
        return "—" if c.roster == 0 else f"{c.present}/{c.roster} ({pct(c.percent)})"

    rows = [[row.school or "—", *(cell(c) for c in row.cells)] for row in table.rows]
    rows.append([w.t(W.TOTAL), *(cell(c) for c in table.totals)])
    w.paragraph(w.t(W.MEETING_DATES))
    w.table(header, rows, [4.5, *([width] * len(table.days))])


def docx_bytes(
    found: analysis.Analysis, sections: Mapping[str, str], measures: bool | None = None
) -> bytes:
    locale = "en" if found.locale == "en" else "ru"
    gettext = translations(locale).gettext
    language = "en-GB" if locale == "en" else "ru-RU"
    document = Document()
    first = document.sections[0]
    first.page_width, first.page_height = Cm(PAGE_WIDTH), Cm(PAGE_HEIGHT)
    set_margins(first)
    docx_styles(document, language)
    w = Writer(document, gettext, found.year_label)
    center = WD_ALIGN_PARAGRAPH.CENTER
    no_data = w.t(W.NO_DATA)

    # The table after the plan (Приложение 1).
    w.paragraph(found.association, bold=True, align=center)
    w.paragraph(f"{w.t(W.THEME)}: {found.theme or no_data}")
    w.paragraph(f"{w.t(W.GOAL)}: {found.goal or no_data}")
    w.paragraph(f"{w.t(W.TASKS)}:")
    tasks = found.tasks or (no_data,)
    events = sections.get("tasks", "")
    w.table(
        [w.t(c) for c in W.TASKS_COLUMNS],
        [[str(n), task, events if n == 1 else "", "", ""] for n, task in enumerate(tasks, 1)],
        [1.0, 4.5, 5.0, 3.0, 3.0],
    )
    w.heading(W.TASKS_CONCLUSIONS)
    w.chair(sections, "tasks_conclusions")
    w.heading(W.MAIN_QUESTIONS)
    if found.questions:
        for q in found.questions:
            w.paragraph(f"{q.day:%d.%m.%Y}, № {q.number}: {q.position}. {q.title}")
    else:
        w.no_data()
    document.add_page_break()  # type: ignore[no-untyped-call]

    # The analysis (Приложение 2), every heading in the form's order.
    w.paragraph(w.t(W.TITLE), bold=True, align=center)
    w.paragraph(found.association, align=center)
    w.heading(W.ATTENDANCE)
    _attendance(w, found.attendance)
    w.heading(W.ATTENDANCE_CONCLUSIONS)
    w.chair(sections, "attendance")
    w.heading(W.FORMAT)
    if found.formats.held:
        for form, count in found.formats.by_form:
            w.paragraph(f"– {w.t(W.FORM_NAMES[form.value])}: {count}")
        for kind in found.formats.by_kind:
            w.paragraph(f"– {w.t(W.KIND_NAMES[kind.key])}: {kind.count}")
    else:
        w.no_data()
    w.heading(W.EFFECTIVENESS)
    _surveys(w, found.effectiveness)
    w.heading(W.UNREALISED)
    for row in found.unrealised:
        day = row.day.strftime("%d.%m.%Y") if row.day else ""
        w.paragraph(f"– {day} {row.topic}".replace("  ", " "))
    w.chair(sections, "unrealised")
    w.heading(W.QUALIFICATION)
    courses = found.courses
    w.heading(W.DIRECTIONS)
    if courses.reported:
        labels = dict(surveys.DIRECTIONS)
        w.table(
            [w.t(c) for c in W.DIRECTION_COLUMNS],
            [
                [str(n), gettext(labels[r.key]), str(r.people), pct(r.percent)]
                for n, r in enumerate(courses.directions, 1)
            ],
            [1.0, 10.0, 3.0, 2.5],
        )
    else:
        w.no_data()
    w.heading(W.FORMS)
    if courses.reported:
        names = {"in_person": W.FORM_IN_PERSON, "distance": W.FORM_DISTANCE}
        for r in courses.forms:
            w.paragraph(f"- {w.t(names[r.key])} – {r.people} ({pct(r.percent)})")
    else:
        w.no_data()
    w.heading(W.EXPERIENCE)
    if found.experience.reported:
        w.table(
            [w.t(c) for c in W.EXPERIENCE_COLUMNS],
            [
                [f"{n}.", w.t(W.VENUES[r.key]), str(r.people), pct(r.percent)]
                for n, r in enumerate(found.experience.rows, 1)
            ],
            [1.0, 10.0, 3.0, 2.5],
        )
    else:
        w.no_data()
    w.heading(W.MASTERY)
    if found.contests:
        w.paragraph(w.t(W.CONTESTS))
        for c in found.contests:
            w.paragraph(f"– {c.person}: {c.contest}" + (f" — {c.result}" if c.result else ""))
    if found.open_lessons:
        w.paragraph(w.t(W.OPEN_LESSONS))
        for c in found.open_lessons:
            w.paragraph(f"– {c.person}: {c.contest}")
    w.chair(sections, "mastery")
    w.heading(W.GIFTED)
    w.chair(sections, "gifted")
    w.heading(W.CONTENT)
    w.chair(sections, "content")
    w.heading(W.SATISFACTION)
    _surveys(w, found.satisfaction)
    w.heading(W.DEFICITS)
    d = found.diagnostics
    people = w.t(W.PEOPLE)
    known = d.reported > 0

    def yes_no(value: bool | None) -> str:
        return no_data if value is None else w.t(W.YES if value else W.NO)

    values = [
        f"{d.federal} {people}" if known else no_data,
        f"{d.regional} {people}" if known else no_data,
        f"{d.route_cnppm} {people}" if known else no_data,
        f"{d.route_school} {people}" if known else no_data,
        yes_no(d.needs_survey),
        yes_no(d.measures if d.measures is not None else measures),
    ]
    documents_text = sections.get("documents", "")
    w.table(
        [w.t(c) for c in W.DEFICIT_COLUMNS],
        [
            [w.t(label), documents_text if n == 0 else "", value]
            for n, (label, value) in enumerate(zip(W.DEFICIT_ROWS, values, strict=True))
        ],
        [9.0, 4.5, 3.0],
    )
    w.heading(W.PARTNERSHIP)
    w.chair(sections, "partnership")
    w.heading(W.OPENNESS)
    w.chair(sections, "openness")
    w.heading(W.CONCLUSION)
    w.chair(sections, "conclusion")
    w.heading(W.RECOMMENDATIONS)
    w.chair(sections, "recommendations")
    w.heading(W.PROPOSALS, next=f"{found.school_year + 1}/{found.school_year + 2}")
    w.chair(sections, "proposals")

    # «Приложение к анализу»: what the form does not have.
    document.add_page_break()  # type: ignore[no-untyped-call]
    w.paragraph(w.t(W.APPENDIX), bold=True, align=center)
    w.heading(W.NEEDS)
    _surveys(w, found.needs)
    w.paragraph(w.t(W.PLAN_HELD, held=found.held, planned=found.planned))
    if found.attendance.days:
        w.heading(W.CHART)
        png = columns_png(
            w.t(W.CHART),
            [d.strftime("%d.%m") for d in found.attendance.days],
            [c.present for c in found.attendance.totals],
        )
        document.add_picture(io.BytesIO(png), width=Cm(15))

    made = datetime.combine(
        min(found.day, date(found.school_year + 1, 8, 31)), time(12), tzinfo=UTC
    )
    props = document.core_properties
    props.title = w.t(W.TITLE)
    props.author = found.association
    props.last_modified_by = found.association
    props.language = language
    props.created = made
    props.modified = made
    buffer = io.BytesIO()
    document.save(buffer)
    return restamp(buffer.getvalue(), made)


def file_stem(found: analysis.Analysis) -> str:
    """`analysis_2026-2027`: ASCII, safe as a file name anywhere."""
    return f"analysis_{found.school_year}-{found.school_year + 1}"
