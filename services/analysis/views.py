"""What the annual analysis is made of (issue 16, item 2): frozen values computed from data,
every percentage an integer (half up) of integer counts, None where the bot has no data
(the document then says «нет данных», never a figure that reads as a fact)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models import MeetingForm


def percent(part: int, whole: int) -> int | None:
    """part / whole in whole percent, half up, in integers; None for an empty whole."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass(frozen=True)
class Cell:
    present: int
    roster: int  # roster members of that school at that date

    @property
    def percent(self) -> int | None:
        return percent(self.present, self.roster)


@dataclass(frozen=True)
class AttendanceRow:
    school: str  # «ОО»: the school at the time ("" when unknown)
    cells: tuple[Cell, ...]  # one per meeting, in the order of `AttendanceTable.days`


@dataclass(frozen=True)
class AttendanceTable:
    """«Посещаемость профессионального объединения»: schools × the dates of the meetings."""

    days: tuple[date, ...]
    meeting_ids: tuple[int, ...]
    rows: tuple[AttendanceRow, ...]
    totals: tuple[Cell, ...]


@dataclass(frozen=True)
class Count:
    key: str  # a code (a form, a kind, a direction…), or a label when `code` is False
    count: int


@dataclass(frozen=True)
class Formats:
    """«Формат проведения»: held meetings by form and by kind."""

    by_form: tuple[tuple[MeetingForm, int], ...]
    by_kind: tuple[Count, ...]  # meeting | seminar | extraordinary
    held: int


@dataclass(frozen=True)
class PeopleRow:
    """A row of a table of people: «Направление | Количество человек | %»."""

    key: str  # a code of the fixed list
    people: int
    roster: int

    @property
    def percent(self) -> int | None:
        return percent(self.people, self.roster)


@dataclass(frozen=True)
class Courses:
    """«Результаты повышения квалификации»: each person counted once per row."""

    directions: tuple[PeopleRow, ...]
    forms: tuple[PeopleRow, ...]  # in_person, distance
    any_course: PeopleRow
    reported: int  # members who sent the year-end report
    roster: int


@dataclass(frozen=True)
class Experience:
    """«Трансляция опыта»: where members shared it; «none» = named nothing else."""

    rows: tuple[PeopleRow, ...]
    reported: int
    roster: int


@dataclass(frozen=True)
class Diagnostics:
    """«Совершенствование … на основе диагностики профессиональных дефицитов»."""

    federal: int
    regional: int
    route_cnppm: int
    route_school: int
    reported: int
    needs_survey: bool  # «анализ дефицитов проведён»: a needs survey ran this year
    measures: bool | None  # the chair's answer; None: not given yet


@dataclass(frozen=True)
class OptionFigure:
    option: str
    count: int
    respondents: int

    @property
    def percent(self) -> int | None:
        return percent(self.count, self.respondents)


@dataclass(frozen=True)
class QuestionFigure:
    """One question's figures: a scale's average in tenths, or each option's count."""

    text: str
    answered: int
    average_tenths: int | None = None  # 43 = 4.3
    options: tuple[OptionFigure, ...] = ()


@dataclass(frozen=True)
class SurveyFigures:
    """A survey of the year: how many answered out of how many it went to; its figures only
    when its anonymity allows (closed, or named; at least ANONYMITY_MIN responses)."""

    survey_id: int
    title: str
    recipients: int
    respondents: int
    questions: tuple[QuestionFigure, ...]
    shown: bool

    @property
    def percent(self) -> int | None:
        return percent(self.respondents, self.recipients)


@dataclass(frozen=True)
class PlanRowLine:
    position: int
    day: date | None
    direction: str
    topic: str


@dataclass(frozen=True)
class Contest:
    person: str
    contest: str
    result: str


@dataclass(frozen=True)
class Question:
    """An agenda question of one of the year's protocols."""

    day: date
    number: int  # the protocol's number
    position: int
    title: str


@dataclass(frozen=True)
class Analysis:
    association_id: int
    association: str
    locale: str
    school_year: int
    day: date  # the analysis date (local): rosters and percentages «at the analysis date»
    roster: int
    attendance: AttendanceTable
    formats: Formats
    effectiveness: tuple[SurveyFigures, ...]  # the satisfaction surveys' choice questions
    satisfaction: tuple[SurveyFigures, ...]  # their scale questions
    unrealised: tuple[PlanRowLine, ...]
    courses: Courses
    experience: Experience
    contests: tuple[Contest, ...]
    open_lessons: tuple[Contest, ...]  # contest = the lesson, result = ""
    diagnostics: Diagnostics
    theme: str | None
    goal: str | None
    tasks: tuple[str, ...]
    questions: tuple[Question, ...]
    needs: tuple[SurveyFigures, ...]  # Приложение: the needs survey's figures
    held: int  # Приложение: plan against held (services.compliance.tally)
    planned: int

    @property
    def year_label(self) -> str:
        return f"{self.school_year}/{self.school_year + 1}"
