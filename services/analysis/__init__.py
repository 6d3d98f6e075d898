"""The annual analysis of an association (issue 16, item 2): «Анализ работы
профессионального объединения педагогов» (000 Приложение 2, and the table after the plan in
Приложение 1) computed from data — attendance per school and meeting, formats, the
satisfaction surveys, the plan's rows not held, the members' year-end reports (courses,
sharing of experience, contests, diagnostics), the protocols' questions — with integer
formulas, None where the bot has no data.

Modules: `views` (the frozen values and `percent`), `tables` (pure functions of facts),
`queries` (one plain select per table for the year), `build` (gathering and computing),
`reading` (the use case), `drafting` (the chair's sections, submitting, the
methodist's decision), `points` (last year's conclusions for next year's plan)."""

from services.analysis.drafting import (
    COMMENT_MAX,
    DECIDED,
    KINDS,
    SECTION_MAX,
    SECTIONS,
    SUBMITTED,
    AnalysisState,
    Rights,
    decision,
    review,
    rights,
    set_measures,
    state,
    submit,
    write_section,
)
from services.analysis.points import POINTS, PlanPoints, plan_points
from services.analysis.reading import analysis, require_open, years
from services.analysis.views import (
    Analysis,
    AttendanceRow,
    AttendanceTable,
    Cell,
    Contest,
    Count,
    Courses,
    Diagnostics,
    Experience,
    Formats,
    OptionFigure,
    PeopleRow,
    PlanRowLine,
    Question,
    QuestionFigure,
    SurveyFigures,
    percent,
)

__all__ = [
    "COMMENT_MAX",
    "DECIDED",
    "KINDS",
    "POINTS",
    "SECTIONS",
    "SECTION_MAX",
    "SUBMITTED",
    "Analysis",
    "AnalysisState",
    "AttendanceRow",
    "AttendanceTable",
    "Cell",
    "Contest",
    "Count",
    "Courses",
    "Diagnostics",
    "Experience",
    "Formats",
    "OptionFigure",
    "PeopleRow",
    "PlanPoints",
    "PlanRowLine",
    "Question",
    "QuestionFigure",
    "Rights",
    "SurveyFigures",
    "analysis",
    "decision",
    "percent",
    "plan_points",
    "require_open",
    "review",
    "rights",
    "set_measures",
    "state",
    "submit",
    "write_section",
    "years",
]
