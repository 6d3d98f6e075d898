"""The methodist's overview (issue 18) as an XLSX workbook: a summary sheet (one line per
service: associations by colour, meetings, attendance, overdue protocols, findings, plans and
needs surveys), then one sheet per service with a row per association by attention, its
service and district (municipality) among the columns: a centre's overview (issue 18, item
2) spans several. Numbers
are numbers (percentages as whole numbers, dates as dates), the header row is frozen and
carries an autofilter; a figure not known is an empty cell, an analysis of last year not
begun is «—». Labels in the reader's language."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

# openpyxl ships no type information (types-openpyxl is not a dependency).
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from documents.i18n import translations
from models import AssociationKind
from services.overview import Colour, Overview, OverviewRow, Reason, Why


def N_(message: str) -> str:
    """Mark a label for extraction; it is translated in the reader's language below."""
    return message


DASH = "—"
DATE_FORMAT = "DD.MM.YYYY"
DATE_COLUMN = 15  # «Last meeting»
SHEET_TITLE_MAX = 31
CELL_MAX = 32_767
SUMMARY = N_("Summary")
# (msgid, width) of a service sheet's columns, in order.
COLUMNS: tuple[tuple[str, int], ...] = (
    (N_("No."), 6),
    (N_("Association"), 40),
    (N_("Service"), 30),
    (N_("District"), 24),
    (N_("Kind"), 24),
    (N_("Chair"), 28),
    (N_("Joined"), 10),
    (N_("On the roster"), 10),
    (N_("Voting (M)"), 10),
    (N_("Data bank, %"), 10),
    (N_("Held"), 8),
    (N_("Planned"), 8),
    (N_("Minimum"), 8),
    (N_("Attendance, %"), 11),
    (N_("Last meeting"), 13),
    (N_("Protocols overdue"), 10),
    (N_("Open findings"), 10),
    (N_("Needs survey"), 10),
    (N_("Plan approved"), 10),
    (N_("Analysis accepted"), 10),
    (N_("Colour"), 10),
    (N_("Attention"), 60),
)
SUMMARY_COLUMNS: tuple[tuple[str, int], ...] = (
    (N_("Service"), 36),
    (N_("Associations"), 12),
    (N_("Red"), 8),
    (N_("Amber"), 8),
    (N_("Green"), 8),
    (N_("Held"), 8),
    (N_("Planned"), 8),
    (N_("Attendance, %"), 11),
    (N_("Protocols overdue"), 10),
    (N_("Open findings"), 10),
    (N_("Plans approved"), 10),
    (N_("Needs surveys"), 10),
)
COLOURS = {Colour.RED: N_("red"), Colour.AMBER: N_("amber"), Colour.GREEN: N_("green")}
KINDS = {
    AssociationKind.RMO: N_("district association (РМО)"),
    AssociationKind.GMO: N_("city association (ГМО)"),
    AssociationKind.SHMO: N_("school association (ШМО)"),
    AssociationKind.COUNCIL: N_("methodological council"),
    AssociationKind.MMA: N_("municipal methodological team (ММА)"),
    AssociationKind.RESOURCE_CENTRE: N_("resource centre"),
    AssociationKind.CREATIVE_GROUP: N_("creative group"),
}
REASONS = {
    Reason.FINDINGS: N_("open findings: {n}"),
    Reason.PROTOCOL_OVERDUE: N_("protocols overdue: {n}"),
    Reason.PROTOCOL_SOON: N_("a protocol is due by {day}"),
    Reason.PLAN_SOON: N_("the plan is due by {day}, not approved"),
    Reason.PLAN_MISSING: N_("no approved plan yet (due by {day})"),
    Reason.MINIMUM_SOON: N_("too few meetings held and planned; checked from {day}"),
    Reason.NEEDS_MISSING: N_("no needs survey this school year"),
}


def _text(value: str) -> str:
    # A leading "=" would be read as a formula by spreadsheet programs.
    value = value[:CELL_MAX]
    return "'" + value if value.startswith(("=", "+", "-", "@")) else value


def _why(why: Why, gettext: Callable[[str], str]) -> str:
    day = why.day.strftime("%d.%m.%Y") if why.day else ""
    return gettext(REASONS[why.reason]).format(n=why.count, day=day)


def _yes(value: bool | None, gettext: Callable[[str], str]) -> str:
    return DASH if value is None else gettext("yes") if value else gettext("no")


def _header(
    sheet: Any, columns: tuple[tuple[str, int], ...], gettext: Callable[[str], str]
) -> None:
    sheet.append([gettext(msgid) for msgid, _ in columns])
    for n, (_, width) in enumerate(columns, start=1):
        cell = sheet.cell(1, n)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = "A2"


def _finish(sheet: Any) -> None:
    sheet.auto_filter.ref = sheet.dimensions
    print_setup(sheet)


def print_setup(sheet: Any) -> None:
    """A4 landscape, fit to the page's width, the header row repeated on every page."""
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _row(number: int, row: OverviewRow, gettext: Callable[[str], str]) -> list[Any]:
    last: date | None = row.last_meeting
    return [
        number,
        _text(row.name),
        _text(row.service),
        _text(row.district),
        gettext(KINDS[row.kind]),
        _text(row.chair or ""),
        row.joined,
        row.roster,
        row.voting,
        row.bank_percent,
        row.held,
        row.planned,
        row.minimum,
        row.attendance_percent,
        last,
        row.protocols_overdue,
        row.open_findings,
        _yes(row.needs_survey, gettext),
        _yes(row.plan_approved, gettext),
        _yes(row.analysis_accepted, gettext),
        gettext(COLOURS[row.colour]),
        "; ".join(_why(w, gettext) for w in row.reasons),
    ]


def _title(name: str, taken: set[str]) -> str:
    base = "".join(" " if c in "[]:*?/\\" else c for c in name).strip()[:SHEET_TITLE_MAX] or "—"
    title, n = base, 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = base[: SHEET_TITLE_MAX - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def _mean(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return None if not known else int(sum(known) / len(known) + 0.5)


def xlsx_bytes(view: Overview, locale: str) -> bytes:
    gettext = translations(locale).gettext
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = gettext(SUMMARY)[:SHEET_TITLE_MAX]
    _header(summary, SUMMARY_COLUMNS, gettext)
    taken = {summary.title.casefold()}
    for service_id, name in view.services:
        rows = [r for r in view.rows if r.service_id == service_id]
        colours = [r.colour for r in rows]
        summary.append(
            [
                _text(name),
                len(rows),
                colours.count(Colour.RED),
                colours.count(Colour.AMBER),
                colours.count(Colour.GREEN),
                sum(r.held for r in rows),
                sum(r.planned for r in rows),
                _mean([r.attendance_percent for r in rows]),
                sum(r.protocols_overdue for r in rows),
                sum(r.open_findings for r in rows),
                sum(r.plan_approved for r in rows),
                sum(r.needs_survey for r in rows),
            ]
        )
        sheet = book.create_sheet(_title(name, taken))
        _header(sheet, COLUMNS, gettext)
        for number, row in enumerate(rows, start=1):
            sheet.append(_row(number, row, gettext))
            # Row `number + 1` below the header: openpyxl's `max_row` scans every cell.
            sheet.cell(number + 1, DATE_COLUMN).number_format = DATE_FORMAT
        _finish(sheet)
    _finish(summary)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
