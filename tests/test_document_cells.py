"""People's text in every spreadsheet the bot makes is never read as a formula, and numbers
stay numbers (one guard, documents/cells.py, used by the plan, survey and analysis XLSX)."""

from __future__ import annotations

from openpyxl import Workbook  # type: ignore[import-untyped]

from documents import analysis_xlsx, cells


def test_a_leading_formula_sign_is_quoted_and_a_cell_is_capped() -> None:
    assert cells.text('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert [cells.text(v) for v in ("+7", "-", "@a", "МОУ СОШ № 1")] == [
        "'+7",
        "'-",
        "'@a",
        "МОУ СОШ № 1",
    ]
    assert len(cells.text("я" * 40_000)) == cells.CELL_MAX


def test_the_analysis_sheets_quote_text_and_keep_numbers() -> None:
    book = Workbook()
    analysis_xlsx._sheet(book, "t", ["h"], [["=1+1", 3, 2.5, None]])
    assert list(book["t"].iter_rows(values_only=True))[1] == ("'=1+1", 3, 2.5, None)
