"""A survey's results as an XLSX workbook a spreadsheet user trusts: the answers, one row per
response (numbered, never by the response's id; names only for a named survey; scale answers
as numbers Excel averages; long answers wrapped; an autofilter), and a summary (the survey's
period, audience and response count, then per question: option, count, %, free-text answers
under their question's label). Both sheets print on A4 fitted to the width; the workbook
carries the survey's title. Labels are in the survey's language."""

from __future__ import annotations

import io
from typing import Any

# openpyxl ships no type information (types-openpyxl is not a dependency).
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from documents import cells
from documents.i18n import translations
from services.surveys import Results


def N_(message: str) -> str:
    """Mark a label for extraction; it is translated in the survey's language below."""
    return message


# The workbook's labels (English msgids, translated by the catalogs like every text).
LABELS: dict[str, str] = {
    "answers": N_("Answers"),
    "summary": N_("Summary"),
    "number": N_("No."),
    "name": N_("Name"),
    "question": N_("Question"),
    "option": N_("Option"),
    "count": N_("Count"),
    "percent": "%",
    "answered": N_("Answered"),
    "responses": N_("Responses"),
    "recipients": N_("Sent to"),
    "other": N_("Other"),
    "mean": N_("Average"),
    "texts": N_("Answers"),
    "period": N_("Period"),
    "audience": N_("Audience"),
    "none": N_("No answers yet."),
}
SHEET_TITLE_MAX = 31


def labels_for(locale: str) -> dict[str, str]:
    gettext = translations(locale).gettext
    return {key: gettext(msgid) for key, msgid in LABELS.items()}


def _cell(kind: str, value: str) -> str | int | None:
    """An answer as its cell: a scale's value a number, a text as typed, none empty."""
    if not value:
        return None
    if kind == "scale" and value.isdigit():
        return int(value)
    return cells.text(value)


def _print_setup(sheet: Any, *, landscape: bool) -> None:
    """A4, fitted to the page's width (as many pages down as it takes)."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = landscape


def xlsx_bytes(results: Results) -> bytes:
    """The workbook for `results` (which must not be hidden: an anonymous survey below three
    responses has nothing to export)."""
    if results.hidden:
        raise ValueError("results hidden: too few responses to export an anonymous survey")
    words = labels_for(results.locale)
    bold = Font(bold=True)
    book = Workbook()
    answers = book.active
    assert answers is not None
    answers.title = words["answers"][:SHEET_TITLE_MAX]
    header = [words["number"]]
    if not results.anonymous:
        header.append(words["name"])
    header += [f"{q.position}. {q.text}" for q in results.questions]
    answers.append(header)
    for cell in answers[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    kinds = [q.kind for q in results.questions]
    top = Alignment(wrap_text=True, vertical="top")
    # Row numbers are counted here: openpyxl's `max_row` scans every cell (quadratic per row).
    for number, row in enumerate(results.rows, start=2):
        line: list[str | int | None] = [row.number]
        if not results.anonymous:
            line.append(cells.text(row.name or ""))
        line += [_cell(kind, c) for kind, c in zip(kinds, row.cells, strict=False)]
        answers.append(line)
        for column in range(1, len(header) + 1):
            answers.cell(number, column).alignment = top
    if not results.rows:
        answers.append([None, words["none"]])
    answers.auto_filter.ref = answers.dimensions
    answers.print_title_rows = "1:1"
    _print_setup(answers, landscape=True)
    answers.column_dimensions["A"].width = 6
    first = 2 if results.anonymous else 3
    if not results.anonymous:
        answers.column_dimensions["B"].width = 32
    for n in range(len(results.questions)):
        answers.column_dimensions[get_column_letter(first + n)].width = 30
    answers.freeze_panes = "B2"

    summary = book.create_sheet(words["summary"][:SHEET_TITLE_MAX])
    last = 0  # the summary's last row: openpyxl's `max_row` scans every cell

    def add(values: list[Any]) -> None:
        nonlocal last
        summary.append(values)
        last += 1

    add([cells.text(results.title)])
    summary["A1"].font = Font(bold=True, size=13)
    if results.period:
        add([words["period"], results.period])
    if results.audience:
        add([words["audience"], cells.text(", ".join(results.audience))])
    add([words["responses"], results.responses])
    add([words["recipients"], results.recipients])
    if not results.responses:
        add([words["none"]])
    for q in results.questions:
        add([])
        add([cells.text(f"{q.position}. {q.text}")])
        summary.cell(last, 1).font = bold
        add([words["answered"], q.answered])
        if q.options:
            add([words["option"], words["count"], words["percent"]])
            for c in range(1, 4):
                summary.cell(last, c).font = bold
            for option in q.options:
                add([cells.text(option.label), option.count, option.percent])
                summary.cell(last, 3).number_format = "0.0"
        if q.other:
            add([words["other"], len(q.other)])
            for text in q.other:
                add(["", cells.text(text)])
        if q.mean is not None:
            add([words["mean"], q.mean])
            summary.cell(last, 2).number_format = "0.00"
        if q.texts:
            add([words["texts"]])
            summary.cell(last, 1).font = Font(italic=True)
            for text in q.texts:
                add([cells.text(text)])
                summary.merge_cells(start_row=last, end_row=last, start_column=1, end_column=3)
                summary.cell(last, 1).alignment = top
                summary.row_dimensions[last].height = 15 * max(
                    1, -(-len(text) // 80) + text.count("\n")
                )
    for row in summary.iter_rows(min_row=1, max_row=last, max_col=summary.max_column):
        for cell in row:
            if cell.alignment is None or not cell.alignment.wrap_text:
                cell.alignment = top
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["B"].width = 14
    summary.column_dimensions["C"].width = 10
    _print_setup(summary, landscape=False)
    book.properties.title = results.title
    book.properties.creator = "metod-bot"
    book.properties.lastModifiedBy = "metod-bot"

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
