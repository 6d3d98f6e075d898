"""The refusals of the year-end report and the annual analysis in the user's language (kept
apart from `handlers.errors`, which merges them into its table)."""

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


def year_texts() -> dict[ErrorCode, Text]:
    return {
        ErrorCode.TEMPLATE_FIXED: lambda p: _(
            "The year-end report's questions are fixed (no «Other» answer), and it is always "
            "named: its answers go to the data bank. Nothing was changed."
        ),
        ErrorCode.REPORT_LINE: lambda p: _f(
            _(
                "Line {line}: a course needs {parts} parts separated by «;»: title; direction; "
                "hours; in person or distance; provider; date. Nothing was saved."
            ),
            p,
        ),
        ErrorCode.REPORT_DIRECTION: lambda p: _f(
            _("Line {line}: the direction is a number from 1 to {max}. Nothing was saved."), p
        ),
        ErrorCode.REPORT_HOURS: lambda p: _f(
            _("Line {line}: hours are a whole number from 1 to {max}. Nothing was saved."), p
        ),
        ErrorCode.REPORT_FORM: lambda p: _f(
            _("Line {line}: the form is «in person» or «distance». Nothing was saved."), p
        ),
        ErrorCode.REPORT_DATE: lambda p: _f(
            _(
                "Line {line}: the date finished must be a date of this school year, "
                "from {first} to {last}, as DD.MM.YYYY. Nothing was saved."
            ),
            p,
        ),
        ErrorCode.REPORT_COURSE_TWICE: lambda p: _f(
            _("Line {line}: this course is already in your list. Nothing was saved."), p
        ),
        ErrorCode.REPORT_TOO_MANY: lambda p: _f(
            _("At most {max} lines, please. Nothing was saved."), p
        ),
        ErrorCode.ANALYSIS_SUBMITTED: lambda p: _(
            "The analysis is submitted and waits for the methodological service: it does not "
            "change now. Nothing was changed."
        ),
        ErrorCode.ANALYSIS_ACCEPTED: lambda p: _(
            "The analysis is accepted by the methodological service: it no longer changes."
        ),
        ErrorCode.ANALYSIS_NOT_SUBMITTED: lambda p: _(
            "This analysis is not waiting for a decision (not submitted, or already decided). "
            "Nothing was changed."
        ),
        ErrorCode.ANALYSIS_COMMENT_REQUIRED: lambda p: _(
            "To return the analysis for revision, write a comment: what to correct."
        ),
        ErrorCode.ANALYSIS_SECTION: lambda p: _(
            "There is no such section of the analysis. Nothing was changed."
        ),
        ErrorCode.ANALYSIS_ROUND: lambda p: _(
            "This button is for an earlier submission of the analysis: it was submitted again "
            "since. Open the latest one. Nothing was changed."
        ),
        ErrorCode.ANALYSIS_YEAR: lambda p: _(
            "The analysis of this school year is not open: only the current year's and last "
            "year's until it is accepted. Nothing was changed."
        ),
    }
