"""The needs breakdown (issue 18, item 3) as an XLSX workbook: sheets by direction, by
format, by subject and by school. Numbers are numbers (counts, whole percentages), the
header row is frozen and carries an autofilter, people's text goes through the formula guard
(documents.cells). A group under 3 answers of an anonymous survey is one row saying
«недостаточно ответов», with no figure at all. Labels in the reader's language."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]

from documents import cells
from documents.i18n import translations
from documents.needs import DIRECTIONS, FORMATS, N_, NOT_ENOUGH
from documents.overview_xlsx import SHEET_TITLE_MAX, _finish, _header
from services.needs import Breakdown, Group

BY_DIRECTION, BY_FORMAT = N_("By direction"), N_("By format")
BY_SUBJECT, BY_SCHOOL = N_("By subject"), N_("By school")
NOT_STATED = N_("not stated")
TOTAL_COLUMNS: tuple[tuple[str, int], ...] = ((N_("Option"), 60), (N_("Answers"), 10),
                                             (N_("%"), 8))  # fmt: skip
GROUP_COLUMNS: tuple[tuple[str, int], ...] = (
    (N_("Group"), 36),
    (N_("Answers in the group"), 12),
    (N_("Question"), 24),
    (N_("Option"), 50),
    (N_("Answers"), 10),
    (N_("%"), 8),
    (N_("Note"), 24),
)


def _group_rows(group: Group, gettext: Callable[[str], str]) -> list[list[Any]]:
    name = cells.text(group.name) if group.name else gettext(NOT_STATED)
    if group.hidden:
        return [[name, None, None, None, None, None, gettext(NOT_ENOUGH)]]
    rows: list[list[Any]] = []
    for msgid, shares in ((DIRECTIONS, group.directions), (FORMATS, group.formats)):
        for s in shares:
            rows.append(
                [name, group.answers, gettext(msgid), cells.text(s.label), s.count, s.percent,
                 None]
            )  # fmt: skip
    return rows or [[name, group.answers, None, None, None, None, None]]


def xlsx_bytes(found: Breakdown, locale: str) -> bytes:
    gettext = translations(locale).gettext
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    total = found.total
    for title, shares in (
        (BY_DIRECTION, total.directions),
        (BY_FORMAT, total.formats),
    ):
        sheet = book.create_sheet(gettext(title)[:SHEET_TITLE_MAX])
        _header(sheet, TOTAL_COLUMNS, gettext)
        if total.hidden:
            sheet.append([gettext(NOT_ENOUGH), None, None])
        for s in shares:
            sheet.append([cells.text(s.label), s.count, s.percent])
        _finish(sheet)
    for title, groups in ((BY_SUBJECT, found.by_subject), (BY_SCHOOL, found.by_school)):
        sheet = book.create_sheet(gettext(title)[:SHEET_TITLE_MAX])
        _header(sheet, GROUP_COLUMNS, gettext)
        for group in groups:
            for row in _group_rows(group, gettext):
                sheet.append(row)
        _finish(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
