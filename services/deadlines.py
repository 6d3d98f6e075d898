"""Day-based rules on local dates in the association's time zone (DOMAIN.md, "Meetings",
"Protocol"): the notice deadline, the proposal cutoff, the protocol's month, the school year;
and reading the dates people type («25.12», «25.12.2026», «25.12.2026 14:30»).

A deadline "the end of day D" is the first instant of D + 1 in the association's zone, as an
aware UTC datetime: something is on time when it happens strictly before it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.errors import DomainError, ErrorCode

SCHOOL_YEAR_START_MONTH = 9  # 1 September to 31 August


def local_day(moment: datetime, timezone: str) -> date:
    """The date of an instant on the association's wall calendar."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def start_of_day(day: date, timezone: str) -> datetime:
    """The first instant of a local date, in UTC."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def end_of_day(day: date, timezone: str) -> datetime:
    """The end of a local date: the first instant of the next one, in UTC."""
    return start_of_day(day + timedelta(days=1), timezone)


def at_local(day: date, clock_time: time, timezone: str) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def notice_deadline(meeting_day: date, notice_days: int, timezone: str) -> datetime:
    """The notice must be sent by the end of (meeting day − notice days): a meeting on the
    20th with 5 notice days needs its notice by the end of the 15th (002 Annex 2 §4.8)."""
    return end_of_day(meeting_day - timedelta(days=notice_days), timezone)


def proposal_deadline(meeting_day: date, proposal_days: int, timezone: str) -> datetime:
    """Members propose agenda questions until the end of (meeting day − proposal days)."""
    return end_of_day(meeting_day - timedelta(days=proposal_days), timezone)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def protocol_due(meeting_day: date, months: int, timezone: str) -> datetime:
    """A copy of the protocol goes out within `months` calendar months of the meeting: a
    meeting on 31 January is due by the end of 28 (29) February."""
    return end_of_day(add_months(meeting_day, months), timezone)


def school_year(day: date) -> int:
    """The school year a local date belongs to, by its first year: 2026 for 2026/27."""
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


def school_year_label(start_year: int) -> str:
    """«2026/2027»: the school year that starts in `start_year`, as documents write it."""
    return f"{start_year}/{start_year + 1}"


def school_year_bounds(start_year: int) -> tuple[date, date]:
    """First and last day of the school year that starts in `start_year`."""
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)


def latest_meeting_day(today: date) -> date:
    """Meetings are planned from today to the end of next school year."""
    return school_year_bounds(school_year(today) + 1)[1]


# ---------------------------------------------------------------- what people type

_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


@dataclass(frozen=True)
class Typed:
    day: date
    at: time | None


def parse_time(text: str) -> time:
    """«14:30», «9:00», «14.30»."""
    match = _TIME.match(text.strip())
    if match is None:
        raise DomainError(ErrorCode.BAD_TIME)
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise DomainError(ErrorCode.BAD_TIME)
    return time(hour, minute)


def parse_date(text: str, today: date) -> Typed:
    """«25.12» (the next 25 December from today), «25.12.2026», «25.12.26», each optionally
    followed by a time «14:30». Checks: a real date, not in the past, not after the end of
    next school year. A time alone is not a date."""
    parts = text.strip().split()
    if not parts or len(parts) > 2:
        raise DomainError(ErrorCode.BAD_DATE)
    if len(parts) == 1 and ":" in parts[0]:
        raise DomainError(ErrorCode.TIME_WITHOUT_DATE)
    match = _DATE.match(parts[0])
    if match is None:
        raise DomainError(ErrorCode.BAD_DATE)
    day_n, month_n, year_s = int(match.group(1)), int(match.group(2)), match.group(3)
    at = parse_time(parts[1]) if len(parts) == 2 else None
    try:
        if year_s is None:
            day = date(today.year, month_n, day_n) if _valid(today.year, month_n, day_n) else None
            if day is None or day < today:
                # The next such date: this year's has passed (or 29.02 is not in it).
                year = today.year + 1
                while not _valid(year, month_n, day_n):
                    year += 1
                    if year > today.year + 8:
                        raise ValueError
                day = date(year, month_n, day_n)
        else:
            year = int(year_s) + (2000 if len(year_s) == 2 else 0)
            day = date(year, month_n, day_n)
    except ValueError:
        raise DomainError(ErrorCode.BAD_DATE) from None
    if day < today:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    latest = latest_meeting_day(today)
    if day > latest:
        raise DomainError(ErrorCode.DATE_TOO_FAR, latest=latest.strftime("%d.%m.%Y"))
    return Typed(day, at)


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
