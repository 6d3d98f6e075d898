"""The annual plan as DOCX, in the form of 000 Приложение 1 «План работы профессионального
объединения педагогов»: the approval block («Утверждено на заседании … Протокол № … от …»),
the title, the fields in the form's order, then — in a landscape section — the
«Календарно-тематическое планирование» table grouped by the form's nine directions (then the
chair's own), an РМО's «График заседаний» (002 Annex 4 §3.2), and the head's signature.

Layout as the protocol's (`documents.protocol`): A4, Times New Roman 14, single spacing,
margins left 3 cm, right 1.5 cm, top and bottom 2 cm (the landscape section keeps the
binding margin on the left). The words are msgids whose Russian translations are the form's
wording (`tests/test_plan_documents.py` compares them with the form quoted from the seed).
Building a file is CPU work: call `docx_bytes` from async code through `asyncio.to_thread`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, time

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt
from docx.table import Table

from documents.i18n import translations
from documents.protocol import (
    PAGE_HEIGHT,
    PAGE_WIDTH,
    UNSAFE,
    docx_styles,
    set_margins,
)
from documents.stable_zip import restamp
from models import AssociationKind, PlanStatus
from services import plans

TABLE_SIZE = 12  # the calendar table's text, points (five columns on a landscape page)
BLANK_NUMBER, BLANK_DATE = "____", "____________"
# The calendar table's columns and their widths, cm (26.7 cm between the margins).
TABLE_COLUMNS = ("direction", "topic", "day", "venue", "responsible")
TABLE_WIDTHS = (6.0, 9.0, 3.2, 4.0, 4.5)


def N_(message: str) -> str:
    return message


TITLE = N_("Work plan of the professional association of teachers")
APPROVED_AT = N_("Approved at the meeting of")
# A council's plan «принимается на заседании Совета и утверждается его председателем»
# (002 Annex 2 §4.5): adopted at the meeting, then approved by the chair.
ADOPTED_AT = N_("Adopted at the meeting of")
APPROVED_BY_CHAIR = N_("Approved by the chair")
PROTOCOL = N_("Protocol No. %(number)s of %(date)s")
FOR_YEAR = N_("for the %(year)s school year")
CALENDAR = N_("Calendar and thematic planning for the %(year)s school year")
SCHEDULE = N_("Schedule of meetings")
SCHEDULE_COLUMNS = (N_("Meeting date"), N_("Meeting topic"), N_("Form of the meeting"))
HEAD = N_("Head of the professional association")


def _clean(text: str | None) -> str:
    return UNSAFE.sub("", text or "")


def _paragraph(
    document: DocxDocument,
    text: str,
    *,
    lead: str = "",
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
) -> None:
    """A paragraph per line of `text`; `lead` (a field's name) bold before the first."""
    for number, line in enumerate(_clean(text).split("\n")):
        paragraph = document.add_paragraph()
        paragraph.alignment = align
        if number == 0 and lead:
            paragraph.add_run(lead + (" " if line else "")).bold = True
        if line:
            paragraph.add_run(line).bold = bold or None


def _cell_text(table: Table, row: int, column: int, text: str, *, bold: bool = False) -> None:
    paragraph = table.cell(row, column).paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    run = paragraph.add_run(_clean(text))
    run.font.size = Pt(TABLE_SIZE)
    run.bold = bold or None


def _table(document: DocxDocument, header: list[str], widths: tuple[float, ...]) -> Table:
    table: Table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for n, (column, width) in enumerate(zip(table.columns, widths, strict=True)):
        column.width = Cm(width)
        table.cell(0, n).width = Cm(width)
        _cell_text(table, 0, n, header[n], bold=True)
    # The header row repeats on every page.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    return table


def _add_row(table: Table, values: list[str], widths: tuple[float, ...]) -> int:
    row = table.add_row()  # type: ignore[no-untyped-call]
    for n, width in enumerate(widths):
        row.cells[n].width = Cm(width)
    line = len(table.rows) - 1
    for n, value in enumerate(values):
        if value:
            _cell_text(table, line, n, value)
    return line


def _grouped(content: plans.PlanContent) -> list[tuple[str, list[plans.PlanRowContent]]]:
    """The form's nine directions in its order (each printed, as on the form), then the
    chair's own in the order they first appear."""
    groups: dict[str, list[plans.PlanRowContent]] = {d: [] for d in plans.DIRECTIONS}
    for row in content.rows:
        groups.setdefault(row.direction, []).append(row)
    return list(groups.items())


def _responsible(row: plans.PlanRowContent, gettext: Callable[[str], str]) -> str:
    note = gettext(plans.NOT_ON_ROSTER)
    return ", ".join(r.name if r.on_roster else f"{r.name} ({note})" for r in row.responsible)


def _calendar(
    document: DocxDocument, content: plans.PlanContent, gettext: Callable[[str], str]
) -> None:
    header = [gettext(plans.COLUMNS[key]) for key in TABLE_COLUMNS]
    table = _table(document, header, TABLE_WIDTHS)
    for direction, rows in _grouped(content):
        if not rows:
            _add_row(table, [direction, "", "", "", ""], TABLE_WIDTHS)
            continue
        first = None
        for row in rows:
            line = _add_row(
                table,
                [
                    direction if first is None else "",
                    row.topic,
                    row.day.strftime("%d.%m.%Y") if row.day else "",
                    row.venue or "",
                    _responsible(row, gettext),
                ],
                TABLE_WIDTHS,
            )
            first = line if first is None else first
        if first is not None and len(rows) > 1:
            table.cell(first, 0).merge(table.cell(first + len(rows) - 1, 0))


def _schedule(
    document: DocxDocument, content: plans.PlanContent, gettext: Callable[[str], str]
) -> None:
    document.add_paragraph()
    _paragraph(document, gettext(SCHEDULE), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    widths = (4.0, 16.0, 6.7)
    table = _table(document, [gettext(c) for c in SCHEDULE_COLUMNS], widths)
    for entry in content.schedule:
        _add_row(
            table,
            [
                entry.day.strftime("%d.%m.%Y") if entry.day else "",
                entry.topic,
                gettext(plans.KINDS[entry.kind]),
            ],
            widths,
        )


def docx_bytes(content: plans.PlanContent) -> bytes:
    locale = "en" if content.locale == "en" else "ru"
    gettext = translations(locale).gettext
    language = "en-GB" if locale == "en" else "ru-RU"
    document = Document()
    first = document.sections[0]
    first.page_width, first.page_height = Cm(PAGE_WIDTH), Cm(PAGE_HEIGHT)
    set_margins(first)
    docx_styles(document, language)
    year = content.year_label
    # «Утверждено на заседании (наименование) Протокол № от»: blanks until approved.
    right = WD_ALIGN_PARAGRAPH.RIGHT
    council = content.association_kind == AssociationKind.COUNCIL
    _paragraph(document, gettext(ADOPTED_AT if council else APPROVED_AT), align=right)
    _paragraph(document, content.association, align=right)
    number = str(content.protocol_number) if content.protocol_number else BLANK_NUMBER
    day = content.protocol_date.strftime("%d.%m.%Y") if content.protocol_date else BLANK_DATE
    _paragraph(document, gettext(PROTOCOL) % {"number": number, "date": day}, align=right)
    if council and content.status is PlanStatus.APPROVED:
        _paragraph(document, gettext(APPROVED_BY_CHAIR), align=right)
    document.add_paragraph()
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, gettext(TITLE), bold=True, align=center)
    _paragraph(document, content.association, align=center)
    _paragraph(document, gettext(FOR_YEAR) % {"year": year}, align=center)
    document.add_paragraph()
    for key, label in plans.FIELDS.items():
        _paragraph(document, getattr(content, key) or "", lead=gettext(label))
    landscape = document.add_section(WD_SECTION.NEW_PAGE)
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = Cm(PAGE_HEIGHT), Cm(PAGE_WIDTH)
    set_margins(landscape)
    _paragraph(document, gettext(CALENDAR) % {"year": year}, bold=True, align=center)
    _calendar(document, content, gettext)
    if content.association_kind == AssociationKind.RMO and content.schedule:
        _schedule(document, content, gettext)
    document.add_paragraph()
    _paragraph(
        document,
        f"{gettext(HEAD)} ____________ {content.chair or ''}".rstrip(),
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    # A fixed moment (the same plan gives the same file): the approval, else 1 September.
    made = datetime.combine(
        content.protocol_date or date(content.school_year, 9, 1), time(12), tzinfo=UTC
    )
    props = document.core_properties
    props.title = gettext(TITLE)
    props.author = content.association
    props.last_modified_by = content.association
    props.language = language
    props.revision = content.edition
    props.created = made
    props.modified = made
    buffer = io.BytesIO()
    document.save(buffer)
    return restamp(buffer.getvalue(), made)


def file_stem(content: plans.PlanContent) -> str:
    """`plan_2026-2027_v1`: ASCII, safe as a file name anywhere."""
    return f"plan_{content.school_year}-{content.school_year + 1}_v{content.edition}"
