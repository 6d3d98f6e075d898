"""The refusals of the data bank of members (issue 18, item 4) in the user's language: the
category's order, the roster sent as XLSX (kept apart from `handlers.errors`, which merges
them into its table)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiogram.utils.i18n import gettext as _

from services.errors import ErrorCode

Text = Callable[[dict[str, Any]], str]


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "…"


def _f(text: str, params: Mapping[str, Any]) -> str:
    return text.format_map(_Params(params))


def bank_texts(reason: Callable[[Mapping[str, Any]], str]) -> dict[ErrorCode, Text]:
    """`reason` renders the inner error of a bad cell with its own parameters."""
    return {
        ErrorCode.ORDER_DATE: lambda p: _f(
            _(
                "Type the order's date as DD.MM.YYYY, from {first} to {last} (not in the "
                "future). Nothing was changed."
            ),
            p,
        ),
        ErrorCode.ORDER_NUMBER: lambda p: _f(
            _(
                "Type the order's number: letters, digits, «-», «/» or «.», with at least one "
                "digit, up to {max} characters. Nothing was changed."
            ),
            p,
        ),
        ErrorCode.ROSTER_NOT_XLSX: lambda p: _(
            "This .xlsx file cannot be read as a workbook (it is damaged or not an Excel "
            "file); nothing was added. Save it again from Excel or Google Sheets as .xlsx, "
            "or send a CSV file."
        ),
        ErrorCode.ROSTER_COLUMNS: lambda p: _f(
            _(
                "The first row must name the columns: «{name}» (required), «{school}» and "
                "«{subject}» (optional), each once. Nothing was added."
            ),
            {**p, "name": _("Full name"), "school": _("School"), "subject": _("Subject")},
        ),
        ErrorCode.ROSTER_BAD_CELL: lambda p: _f(
            _(
                "Row {row}, column «{column}»: {reason} Nothing was added; correct the "
                "file and send it again."
            ),
            {**p, "reason": reason(p)},
        ),
        ErrorCode.ROSTER_FORMULA: lambda p: _(
            "a formula: the bot takes values only. Replace it with its value (copy, then "
            "«Paste values»)."
        ),
        ErrorCode.ROSTER_DUPLICATE: lambda p: _f(
            _(
                "Row {row}: the same person as in row {first} (name and school). Nothing "
                "was added; remove the repeated row and send the file again."
            ),
            p,
        ),
    }
