"""The members' year-end report (issue 16, item 1): the built-in named questionnaire
«Отчёт за учебный год» (templates.YEAREND) whose answers go into the data bank.

Its questions are fixed (the author sets the audience and the dates only), so an answer is
read by its question's position: 1 courses (one per line «название; направление (номер);
часы; очно или дистанционно; организатор; дата окончания»), 2 where experience was shared,
3 contests and results («конкурс — результат»), 4 open lessons, 5 diagnostics passed,
6 individual routes. A course line is checked when it is typed (a bad one is refused with
its line number, nothing kept); the finish screen shows the report as it will be saved,
and finishing saves it as the person's rows of the survey's school year
(models.yearend), replacing only that year's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models import CourseForm, Person, Survey, YearCourse, YearReport
from services import deadlines
from services.errors import DomainError, ErrorCode
from services.surveys import queries
from services.surveys.common import N_
from services.validation import check_title

COURSES, VENUES_Q, CONTESTS, LESSONS, DIAGNOSTICS_Q, ROUTES_Q = 1, 2, 3, 4, 5, 6
HOURS_MAX = 1_000  # a course longer than this is a typo
COURSES_MAX = 20
LINES_MAX = 30  # contests, open lessons
NONE_WORDS = frozenset({"нет", "no", "none", "-", "—", "не было", "не проходил", "не проходила"})

# «Основные направления повышения квалификации»: the fixed list a course is filed under.
DIRECTIONS: tuple[tuple[str, str], ...] = (
    ("subject", N_("Subject content and teaching methods")),
    ("standards", N_("Updated federal standards and work programmes")),
    ("literacy", N_("Functional literacy")),
    ("inclusive", N_("Inclusive education, students with special needs")),
    ("gifted", N_("Gifted students")),
    ("exams", N_("Preparing students for state exams")),
    ("digital", N_("Digital educational environment")),
    ("upbringing", N_("Upbringing and class management")),
    ("other", N_("Other")),
)
# The options of the choice questions, in order, with their codes; «none» named with
# something else counts as the something else.
VENUES: tuple[tuple[str, str], ...] = (  # «Трансляция опыта»
    ("shmo", N_("At the school methodological association (ШМО)")),
    ("pedsovet", N_("At the teachers' council (педсовет)")),
    ("association", N_("At a meeting of our association")),
    ("municipal", N_("At a municipal event")),
    ("regional", N_("At a regional event")),
    ("publication", N_("In a publication")),
    ("none", N_("Nowhere")),
)
DIAGNOSTICS_OPTIONS: tuple[tuple[str, str], ...] = (
    ("federal", N_("A federal procedure")),
    ("regional", N_("A regional procedure")),
    ("none", N_("None")),
)
ROUTES_OPTIONS: tuple[tuple[str, str], ...] = (
    ("cnppm", N_("An individual educational route (ИОМ) at the ЦНППМ")),
    ("school", N_("An individual plan at my school")),
    ("none", N_("None")),
)
VENUE_CODES = tuple(code for code, _label in VENUES)
DIAGNOSTIC_CODES = tuple(code for code, _label in DIAGNOSTICS_OPTIONS)
ROUTE_CODES = tuple(code for code, _label in ROUTES_OPTIONS)

_FORMS = {
    "очн": CourseForm.IN_PERSON,
    "in person": CourseForm.IN_PERSON,
    "in-person": CourseForm.IN_PERSON,
    "дист": CourseForm.DISTANCE,
    "заоч": CourseForm.DISTANCE,
    "онлайн": CourseForm.DISTANCE,
    "dist": CourseForm.DISTANCE,
    "online": CourseForm.DISTANCE,
}
_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_CONTEST_SEP = re.compile(r"\s+[—–-]\s+|;")


@dataclass(frozen=True)
class Course:
    title: str
    direction: str
    hours: int
    form: CourseForm
    provider: str
    finished_on: date


@dataclass(frozen=True)
class Report:
    """A year-end report as it will be saved (or was)."""

    school_year: int
    courses: tuple[Course, ...] = ()
    venues: tuple[str, ...] = ()
    contests: tuple[tuple[str, str], ...] = ()
    open_lessons: tuple[str, ...] = ()
    diagnostics: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()


def _lines(text: str | None) -> list[str]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) == 1 and lines[0].casefold().rstrip(".") in NONE_WORDS:
        return []
    return lines


def _form(text: str, line: int) -> CourseForm:
    value = text.strip().casefold()
    for prefix, form in _FORMS.items():
        if value.startswith(prefix):
            return form
    raise DomainError(ErrorCode.REPORT_FORM, line=line)


def parse_courses(text: str | None, year: int, today: date) -> tuple[Course, ...]:
    """Each line a course; a DomainError names the first bad line."""
    lines = _lines(text)
    if len(lines) > COURSES_MAX:
        raise DomainError(ErrorCode.REPORT_TOO_MANY, max=COURSES_MAX)
    first, last = deadlines.school_year_bounds(year)
    last = min(last, today)
    courses: list[Course] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 6 or not all(parts):
            raise DomainError(ErrorCode.REPORT_LINE, line=number, parts=6)
        title = check_title(parts[0])
        if not parts[1].isdigit() or not 1 <= int(parts[1]) <= len(DIRECTIONS):
            raise DomainError(ErrorCode.REPORT_DIRECTION, line=number, max=len(DIRECTIONS))
        hours_text = parts[2].casefold().removesuffix("ч.").removesuffix("ч").strip()
        if not hours_text.isdigit() or not 1 <= int(hours_text) <= HOURS_MAX:
            raise DomainError(ErrorCode.REPORT_HOURS, line=number, max=HOURS_MAX)
        form = _form(parts[3], number)
        provider = check_title(parts[4])
        match = _DATE.match(parts[5])
        day = None
        if match:
            try:
                day = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            except ValueError:
                day = None
        if day is None or not first <= day <= last:
            raise DomainError(
                ErrorCode.REPORT_DATE,
                line=number,
                first=first.strftime("%d.%m.%Y"),
                last=last.strftime("%d.%m.%Y"),
            )
        key = title.casefold()
        if key in seen:
            raise DomainError(ErrorCode.REPORT_COURSE_TWICE, line=number)
        seen.add(key)
        courses.append(
            Course(title, DIRECTIONS[int(parts[1]) - 1][0], int(hours_text), form, provider, day)
        )
    return tuple(courses)


def parse_contests(text: str | None) -> tuple[tuple[str, str], ...]:
    lines = _lines(text)
    if len(lines) > LINES_MAX:
        raise DomainError(ErrorCode.REPORT_TOO_MANY, max=LINES_MAX)
    found = []
    for line in lines:
        parts = _CONTEST_SEP.split(line, maxsplit=1)
        contest = check_title(parts[0])
        result = check_title(parts[1]) if len(parts) > 1 and parts[1].strip() else ""
        found.append((contest, result))
    return tuple(found)


def parse_list(text: str | None) -> tuple[str, ...]:
    lines = _lines(text)
    if len(lines) > LINES_MAX:
        raise DomainError(ErrorCode.REPORT_TOO_MANY, max=LINES_MAX)
    return tuple(check_title(line) for line in lines)


def _codes(value: dict[str, Any] | None, codes: tuple[str, ...]) -> tuple[str, ...]:
    chosen = sorted({int(i) for i in (value or {}).get("options", ()) if 0 <= int(i) < len(codes)})
    named = tuple(codes[i] for i in chosen)
    # «нигде» / «нет» with something else named: the something else.
    rest = tuple(c for c in named if c != "none")
    return rest


def _text(value: dict[str, Any] | None) -> str | None:
    return None if value is None else value.get("text")


def check(position: int, kept: dict[str, Any], year: int, today: date) -> None:
    """An answer of the report, checked when it is given (the course lines, the lists)."""
    if position == COURSES:
        parse_courses(_text(kept), year, today)
    elif position == CONTESTS:
        parse_contests(_text(kept))
    elif position == LESSONS:
        parse_list(_text(kept))


def read(by_position: dict[int, dict[str, Any] | None], year: int, today: date) -> Report:
    """The report from the answers by question position."""
    return Report(
        school_year=year,
        courses=parse_courses(_text(by_position.get(COURSES)), year, today),
        venues=_codes(by_position.get(VENUES_Q), VENUE_CODES),
        contests=parse_contests(_text(by_position.get(CONTESTS))),
        open_lessons=parse_list(_text(by_position.get(LESSONS))),
        diagnostics=_codes(by_position.get(DIAGNOSTICS_Q), DIAGNOSTIC_CODES),
        routes=_codes(by_position.get(ROUTES_Q), ROUTE_CODES),
    )


def survey_year(survey: Survey, timezone: str) -> int:
    """The school year a report answers for: that of the day the survey opened (or was
    made), on the audience's calendar."""
    moment = survey.opens_at or survey.created_at
    return deadlines.school_year(deadlines.local_day(moment, timezone))


def year_label(year: int) -> str:
    return deadlines.school_year_label(year)


async def save(
    session: AsyncSession, survey: Survey, person_id: int, report: Report, now: datetime
) -> YearReport:
    """The person's rows of the report's school year, replacing only that year's; contests
    with a result are added to the profile's awards with the year appended."""
    await session.execute(
        delete(YearReport).where(
            YearReport.person_id == person_id, YearReport.school_year == report.school_year
        )
    )
    row = YearReport(
        person_id=person_id,
        school_year=report.school_year,
        survey_id=survey.id,
        venues=list(report.venues),
        diagnostics=list(report.diagnostics),
        routes=list(report.routes),
        contests=[list(c) for c in report.contests],
        open_lessons=list(report.open_lessons),
        created_at=now,
    )
    session.add(row)
    await session.flush()
    for position, course in enumerate(report.courses, start=1):
        session.add(
            YearCourse(
                report_id=row.id,
                position=position,
                title=course.title,
                direction=course.direction,
                hours=course.hours,
                form=course.form,
                provider=course.provider,
                finished_on=course.finished_on,
            )
        )
    awards = [
        f"{contest} — {result} ({year_label(report.school_year)})"
        for contest, result in report.contests
        if result
    ]
    if awards:
        person = await session.get_one(Person, person_id)
        known = (person.awards or "").splitlines()
        added = [a for a in awards if a not in known]
        if added:
            person.awards = "\n".join([*known, *added]) if known else "\n".join(added)
    await session.flush()
    return row


async def reports_of(session: AsyncSession, person_id: int) -> list[dict[str, Any]]:
    """Every year-end report of the person, for /mydata (152-ФЗ)."""
    out = []
    for row in (await session.scalars(queries.year_reports_of(person_id))).all():
        courses = (await session.scalars(queries.year_courses(row.id))).all()
        out.append(
            {
                "school_year": year_label(row.school_year),
                "courses": [
                    {
                        "title": c.title,
                        "direction": c.direction,
                        "hours": c.hours,
                        "form": c.form.value,
                        "provider": c.provider,
                        "finished_on": c.finished_on.isoformat(),
                    }
                    for c in courses
                ],
                "experience_shared": list(row.venues or ()),
                "contests": [list(c) for c in row.contests or ()],
                "open_lessons": list(row.open_lessons or ()),
                "diagnostics": list(row.diagnostics or ()),
                "individual_routes": list(row.routes or ()),
            }
        )
    return out


async def forget_reports(session: AsyncSession, person_id: int) -> None:
    """/forget: the person's year-end reports go (their courses with them); an analysis made
    later counts them no more."""
    await session.execute(delete(YearReport).where(YearReport.person_id == person_id))


async def saved(session: AsyncSession, person_id: int, year: int) -> Report | None:
    """A person's report of a school year, as kept."""
    row = await session.scalar(queries.year_report(person_id, year))
    if row is None:
        return None
    courses = (await session.scalars(queries.year_courses(row.id))).all()
    return Report(
        school_year=year,
        courses=tuple(
            Course(c.title, c.direction, c.hours, c.form, c.provider, c.finished_on)
            for c in courses
        ),
        venues=tuple(row.venues or ()),
        contests=tuple((str(c[0]), str(c[1])) for c in row.contests or ()),
        open_lessons=tuple(row.open_lessons or ()),
        diagnostics=tuple(row.diagnostics or ()),
        routes=tuple(row.routes or ()),
    )
