"""The school year of a plan: 1 September – 31 August, on the association's wall calendar.

A plan's `school_year` is the calendar year it starts in (2026 for 2026/2027). Whether a
moment belongs to a school year is decided by its local date in the association's time zone:
1 September 00:00 in Novosibirsk is still 31 August in UTC, and already the new year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services import deadlines
from services.errors import DomainError, ErrorCode


@dataclass(frozen=True, slots=True)
class SchoolYear:
    start_year: int

    @property
    def first_day(self) -> date:
        return date(self.start_year, deadlines.SCHOOL_YEAR_START_MONTH, 1)

    @property
    def last_day(self) -> date:
        return date(self.start_year + 1, deadlines.SCHOOL_YEAR_START_MONTH - 1, 31)

    @property
    def label(self) -> str:
        """«2026/2027», as the form writes «на 20__/20__ учебный год»."""
        return f"{self.start_year}/{self.start_year + 1}"

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def starts_at(self, timezone: str) -> datetime:
        """1 September 00:00 local, in UTC."""
        return deadlines.start_of_day(self.first_day, timezone)

    def ends_at(self, timezone: str) -> datetime:
        """The end of 31 August local (the next year's first instant), in UTC."""
        return deadlines.end_of_day(self.last_day, timezone)


def of_day(day: date) -> SchoolYear:
    return SchoolYear(deadlines.school_year(day))


def of_moment(moment: datetime, timezone: str) -> SchoolYear:
    """The school year an instant falls in, on the association's wall calendar."""
    return of_day(deadlines.local_day(moment, timezone))


def plannable(today: date) -> tuple[int, int]:
    """The school years a plan may be drafted for: the last one (a late plan, or the year
    to copy from), the current one and the next."""
    current = deadlines.school_year(today)
    return current - 1, current + 1


def check_year(start_year: int, today: date) -> SchoolYear:
    first, last = plannable(today)
    if not first <= start_year <= last:
        raise DomainError(
            ErrorCode.PLAN_BAD_YEAR,
            first=SchoolYear(first).label,
            last=SchoolYear(last).label,
        )
    return SchoolYear(start_year)


def check_day(day: date, year: SchoolYear) -> date:
    """A row's date must fall within the plan's school year."""
    if not year.contains(day):
        raise DomainError(
            ErrorCode.PLAN_DATE_OUTSIDE_YEAR,
            year=year.label,
            first=year.first_day.strftime("%d.%m.%Y"),
            last=year.last_day.strftime("%d.%m.%Y"),
        )
    return day


def next_year_day(day: date) -> date:
    """The same date a year later, for a plan copied from last year (29 February → 28)."""
    return deadlines.add_months(day, 12)
