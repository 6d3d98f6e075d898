"""The year-end report's screens: the report as it will be saved, for the member to confirm,
and which refusals let the member type the line again."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.render import render
from models import CourseForm
from services import surveys
from services.errors import ErrorCode

RETYPE = frozenset(
    {
        ErrorCode.REPORT_LINE,
        ErrorCode.REPORT_DIRECTION,
        ErrorCode.REPORT_HOURS,
        ErrorCode.REPORT_FORM,
        ErrorCode.REPORT_DATE,
        ErrorCode.REPORT_COURSE_TWICE,
        ErrorCode.REPORT_TOO_MANY,
        ErrorCode.HTML_NOT_ALLOWED,
    }
)


def report_text(report: surveys.Report) -> str:
    """The year-end report as it will be saved, for the member to confirm."""
    directions = {code: _(label) for code, label in surveys.DIRECTIONS}
    forms = {CourseForm.IN_PERSON: _("full-time"), CourseForm.DISTANCE: _("distance learning")}
    venues, diagnostics = dict(surveys.VENUES), dict(surveys.DIAGNOSTICS_OPTIONS)
    routes = dict(surveys.ROUTES_OPTIONS)
    return render(
        "survey_yearend_confirm.html",
        report=report,
        year=surveys.year_label(report.school_year),
        directions=directions,
        forms=forms,
        venues=[_(venues[v]) for v in report.venues],
        diagnostics=[_(diagnostics[v]) for v in report.diagnostics],
        routes=[_(routes[v]) for v in report.routes],
    )
