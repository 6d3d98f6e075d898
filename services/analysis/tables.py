"""The analysis tables as pure functions of plain facts (no database): the attendance table
schools × meetings, the courses' directions and forms, the sharing of experience, the
diagnostics. Each person is counted once per row; percentages are of the roster."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from models import CourseForm
from services.analysis.views import (
    AttendanceRow,
    AttendanceTable,
    Cell,
    Courses,
    Diagnostics,
    Experience,
    PeopleRow,
)
from services.surveys import DIRECTIONS, VENUES


@dataclass(frozen=True)
class MeetingFacts:
    id: int
    day: date
    roster: frozenset[int]  # voting members on the roster at that date
    present: frozenset[int]  # present (in person) or ballot participants (absentee, hybrid)
    schools: Mapping[int, str]  # a person's school at the time, where a row recorded it


@dataclass(frozen=True)
class ReportFacts:
    person_id: int
    venues: tuple[str, ...]
    diagnostics: tuple[str, ...]
    routes: tuple[str, ...]
    directions: frozenset[str]
    forms: frozenset[CourseForm]


def attendance_table(
    meetings: Iterable[MeetingFacts], profile_school: Mapping[int, str]
) -> AttendanceTable:
    """A cell = members of that school present; its roster = members of that school on the
    roster at that date; a person's school is the one recorded at that meeting, else the
    profile's. Guests never count: only roster members are counted at all."""
    ordered = sorted(meetings, key=lambda m: (m.day, m.id))
    counts: dict[str, list[Cell]] = {}
    totals: list[Cell] = []
    for index, meeting in enumerate(ordered):
        present: dict[str, int] = {}
        roster: dict[str, int] = {}
        for person in meeting.roster:
            school = meeting.schools.get(person) or profile_school.get(person) or ""
            roster[school] = roster.get(school, 0) + 1
            if person in meeting.present:
                present[school] = present.get(school, 0) + 1
        for school in roster:
            cells = counts.setdefault(school, [Cell(0, 0)] * len(ordered))
            cells[index] = Cell(present.get(school, 0), roster[school])
        totals.append(Cell(len(meeting.present & meeting.roster), len(meeting.roster)))
    rows = tuple(
        AttendanceRow(school, tuple(cells))
        for school, cells in sorted(counts.items(), key=lambda kv: (kv[0] == "", kv[0].casefold()))
    )
    return AttendanceTable(
        days=tuple(m.day for m in ordered),
        meeting_ids=tuple(m.id for m in ordered),
        rows=rows,
        totals=tuple(totals),
    )


def courses_table(reports: Iterable[ReportFacts], roster: int) -> Courses:
    found = list(reports)
    directions = tuple(
        PeopleRow(code, sum(1 for r in found if code in r.directions), roster)
        for code, _label in DIRECTIONS
    )
    forms = tuple(
        PeopleRow(form.value, sum(1 for r in found if form in r.forms), roster)
        for form in (CourseForm.IN_PERSON, CourseForm.DISTANCE)
    )
    return Courses(
        directions=directions,
        forms=forms,
        any_course=PeopleRow("any", sum(1 for r in found if r.directions), roster),
        reported=len(found),
        roster=roster,
    )


def experience_table(reports: Iterable[ReportFacts], roster: int) -> Experience:
    """Each place from the report's list; «none» (Опыт не транслировался) = a report that
    named nothing else."""
    found = list(reports)
    rows = tuple(
        PeopleRow(code, sum(1 for r in found if code in r.venues), roster)
        for code, _label in VENUES
        if code != "none"
    )
    silent = PeopleRow("none", sum(1 for r in found if not r.venues), roster)
    return Experience(rows=(*rows, silent), reported=len(found), roster=roster)


def diagnostics_table(
    reports: Iterable[ReportFacts], needs_survey: bool, measures: bool | None
) -> Diagnostics:
    found = list(reports)
    return Diagnostics(
        federal=sum(1 for r in found if "federal" in r.diagnostics),
        regional=sum(1 for r in found if "regional" in r.diagnostics),
        route_cnppm=sum(1 for r in found if "cnppm" in r.routes),
        route_school=sum(1 for r in found if "school" in r.routes),
        reported=len(found),
        needs_survey=needs_survey,
        measures=measures,
    )
