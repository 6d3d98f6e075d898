"""Needs monitoring (issue 18, item 3) as documents: a PNG of the directions and formats of
support (two bar charts, one above the other), and one school's page as DOCX — its teachers'
needs and their attendance — in the house style (A4, Times New Roman 14, margins
3/1.5/2/2 cm). A group under 3 answers of an anonymous survey says «недостаточно ответов»
instead of figures. Labels in the reader's language."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt

from documents.chart import bar_chart_png
from documents.i18n import translations
from documents.protocol import PAGE_HEIGHT, PAGE_WIDTH, UNSAFE, docx_styles, set_margins
from documents.stable_zip import restamp
from services.deadlines import school_year_label
from services.needs import Breakdown, Group, SchoolSummary, Share


def N_(message: str) -> str:
    """Mark a label for extraction; it is translated in the reader's language below."""
    return message


DIRECTIONS = N_("Directions of support")
FORMATS = N_("Preferred formats")
NOT_ENOUGH = N_("not enough answers")
NOTHING = N_("no answers yet")
TITLE = N_("Teachers' professional needs: a school's summary")
OPTION, COUNT, SHARE = N_("Option"), N_("Answers"), N_("%")
SERVICE_LINE = N_("Methodological service: {names}")
YEAR_LINE = N_("School year: {year}")
TEACHERS_LINE = N_("Teachers in the associations: {n}")
ATTENDANCE_LINE = N_("Their attendance at the meetings held this school year: {value}")
ANSWERS_LINE = N_("Needs survey answers: {value}")
MADE_LINE = N_("Made on {day}")
TABLE_SIZE = 11


def _clean(text: str) -> str:
    return UNSAFE.sub("", text)


def chart_png(found: Breakdown | Group, locale: str) -> bytes:
    """The directions above the formats, each bar with its count and share; a hidden or
    empty whole says so in place of bars."""
    from PIL import Image

    gettext = translations(locale).gettext
    group = found.total if isinstance(found, Breakdown) else found
    parts = []
    for msgid, shares in ((DIRECTIONS, group.directions), (FORMATS, group.formats)):
        title = gettext(msgid)
        if group.hidden:
            title = f"{title}: {gettext(NOT_ENOUGH)}"
        elif not shares:
            title = f"{title}: {gettext(NOTHING)}"
        parts.append(
            bar_chart_png(
                title,
                [s.label for s in shares],
                [s.count for s in shares],
                percents=[float(s.percent) for s in shares],
                answered=None if group.hidden else group.answers,
            )
        )
    images = [Image.open(io.BytesIO(p)).convert("RGB") for p in parts]
    whole = Image.new("RGB", (max(i.width for i in images), sum(i.height for i in images)), "white")
    top = 0
    for image in images:
        whole.paste(image, (0, top))
        top += image.height
    out = io.BytesIO()
    whole.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _table(document: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = (11.5, 2.5, 2.5)
    table = document.add_table(rows=1 + len(rows), cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    lines = list(table.rows)
    lines[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for n, (line, values) in enumerate(zip(lines, [header, *rows], strict=True)):
        for cell, value, width in zip(line.cells, values, widths, strict=True):
            cell.width = Cm(width)
            run = cell.paragraphs[0].add_run(_clean(value))
            run.font.size = Pt(TABLE_SIZE)
            run.bold = n == 0 or None


def _shares(shares: Sequence[Share]) -> list[list[str]]:
    return [[s.label, str(s.count), f"{s.percent}"] for s in shares]


def docx_bytes(summary: SchoolSummary, locale: str, made: datetime) -> bytes:
    """One page: the school, the services and the school year, its teachers and their
    attendance, then the directions and formats they asked for (or «недостаточно ответов»)."""
    locale = "en" if locale == "en" else "ru"
    gettext = translations(locale).gettext
    language = "en-GB" if locale == "en" else "ru-RU"
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(PAGE_WIDTH), Cm(PAGE_HEIGHT)
    set_margins(section)
    docx_styles(document, language)

    def paragraph(text: str, *, bold: bool = False, center: bool = False) -> None:
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
        p.add_run(_clean(text)).bold = bold or None

    t: Callable[[str], str] = gettext
    paragraph(t(TITLE), bold=True, center=True)
    paragraph(summary.school, bold=True, center=True)
    paragraph(t(SERVICE_LINE).format(names=", ".join(summary.services)))
    paragraph(t(YEAR_LINE).format(year=school_year_label(summary.school_year)))
    paragraph(t(TEACHERS_LINE).format(n=summary.teachers))
    attendance = summary.attendance_percent
    paragraph(t(ATTENDANCE_LINE).format(value="—" if attendance is None else f"{attendance} %"))
    needs = summary.needs
    if needs.hidden:
        paragraph(t(ANSWERS_LINE).format(value=t(NOT_ENOUGH)))
    elif not needs.answers:
        paragraph(t(ANSWERS_LINE).format(value=t(NOTHING)))
    else:
        paragraph(t(ANSWERS_LINE).format(value=needs.answers))
        header = [t(OPTION), t(COUNT), t(SHARE)]
        for msgid, shares in ((DIRECTIONS, needs.directions), (FORMATS, needs.formats)):
            paragraph(t(msgid), bold=True)
            _table(document, header, _shares(shares))
    paragraph("")
    paragraph(t(MADE_LINE).format(day=f"{made:%d.%m.%Y}"))

    stamp = datetime.combine(made.date(), time(12), tzinfo=UTC)
    props = document.core_properties
    props.title = t(TITLE)
    props.language = language
    props.created = stamp
    props.modified = stamp
    buffer = io.BytesIO()
    document.save(buffer)
    return restamp(buffer.getvalue(), stamp)
