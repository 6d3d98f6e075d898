"""Deadline arithmetic on local dates across Russian time zones, month ends, leap years and
the school-year boundary; and the dates people type. Table-driven."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from services import deadlines
from services.errors import DomainError, ErrorCode

ZONES = {
    "Калининград": "Europe/Kaliningrad",  # UTC+2
    "Москва": "Europe/Moscow",  # UTC+3
    "Новосибирск": "Asia/Novosibirsk",  # UTC+7
    "Владивосток": "Asia/Vladivostok",  # UTC+10
    "Камчатка": "Asia/Kamchatka",  # UTC+12
}


def utc(y: int, m: int, d: int, h: int = 0, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("meeting", "days", "zone", "deadline"),
    [
        # DOMAIN.md: a meeting on the 20th needs its notice by the end of the 15th.
        (date(2026, 12, 20), 5, "Москва", utc(2026, 12, 15, 21)),  # 16.12 00:00 MSK
        (date(2026, 12, 20), 5, "Калининград", utc(2026, 12, 15, 22)),
        (date(2026, 12, 20), 5, "Новосибирск", utc(2026, 12, 15, 17)),
        (date(2026, 12, 20), 5, "Владивосток", utc(2026, 12, 15, 14)),
        (date(2026, 12, 20), 5, "Камчатка", utc(2026, 12, 15, 12)),
        # Across a month end and a year end.
        (date(2027, 3, 3), 5, "Москва", utc(2027, 2, 26, 21)),  # 26.02 ends (2027: no 29.02)
        (date(2028, 3, 3), 5, "Москва", utc(2028, 2, 27, 21)),  # leap year: 27.02 ends
        (date(2027, 1, 3), 5, "Новосибирск", utc(2026, 12, 29, 17)),
        # The school-year boundary: a meeting on 2 September, notice by the end of 28 August.
        (date(2027, 9, 2), 5, "Владивосток", utc(2027, 8, 28, 14)),
        # Another rule setting of the association: 10 days, 0 days.
        (date(2026, 12, 20), 10, "Москва", utc(2026, 12, 10, 21)),
        (date(2026, 12, 20), 0, "Москва", utc(2026, 12, 20, 21)),
    ],
)
def test_notice_deadline(meeting: date, days: int, zone: str, deadline: datetime) -> None:
    assert deadlines.notice_deadline(meeting, days, ZONES[zone]) == deadline


@pytest.mark.parametrize(
    ("meeting", "days", "zone", "deadline"),
    [
        (date(2026, 12, 20), 2, "Москва", utc(2026, 12, 18, 21)),
        (date(2027, 3, 1), 2, "Камчатка", utc(2027, 2, 27, 12)),  # 27.02 ends at 12:00 UTC
        (date(2028, 3, 1), 2, "Калининград", utc(2028, 2, 28, 22)),
    ],
)
def test_proposal_deadline(meeting: date, days: int, zone: str, deadline: datetime) -> None:
    assert deadlines.proposal_deadline(meeting, days, ZONES[zone]) == deadline


@pytest.mark.parametrize(
    ("meeting", "months", "due_day"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),  # DOMAIN.md: 31 January → 28 February
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year
        (date(2027, 8, 31), 1, date(2027, 9, 30)),  # across the school year
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_protocol_due(meeting: date, months: int, due_day: date) -> None:
    for zone in ZONES.values():
        due = deadlines.protocol_due(meeting, months, zone)
        assert due == deadlines.start_of_day(date.fromordinal(due_day.toordinal() + 1), zone)


@pytest.mark.parametrize(
    ("moment", "zone", "year"),
    [
        # DOMAIN.md: 02:00 on 1 September in Vladivostok belongs to the new school year,
        # although it is still 31 August in UTC.
        (utc(2027, 8, 31, 16), "Владивосток", 2027),
        (utc(2027, 8, 31, 16), "Калининград", 2026),
        (utc(2026, 12, 31, 23), "Москва", 2026),
        (utc(2027, 1, 1, 0), "Москва", 2026),
    ],
)
def test_school_year_on_local_dates(moment: datetime, zone: str, year: int) -> None:
    assert deadlines.school_year(deadlines.local_day(moment, ZONES[zone])) == year


TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("typed", "day", "at"),
    [
        ("25.12", date(2026, 12, 25), None),
        ("25.12 14:30", date(2026, 12, 25), time(14, 30)),
        ("25.12.2026", date(2026, 12, 25), None),
        ("25.12.2026 14:30", date(2026, 12, 25), time(14, 30)),
        ("25.12.26", date(2026, 12, 25), None),
        ("25/12/2026 9:05", date(2026, 12, 25), time(9, 5)),
        ("10.11", date(2027, 11, 10), None),  # this year's 10.11 has passed: the next one
        ("25.11", TODAY, None),  # today is still allowed
        ("29.02", date(2028, 2, 29), None),  # the next 29 February
        ("31.08.2028", date(2028, 8, 31), None),  # the last day of next school year
    ],
)
def test_typed_dates(typed: str, day: date, at: time | None) -> None:
    assert deadlines.parse_date(typed, TODAY) == deadlines.Typed(day, at)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("31.02.2027", ErrorCode.BAD_DATE),
        ("31.02", ErrorCode.BAD_DATE),
        ("14:30", ErrorCode.TIME_WITHOUT_DATE),
        ("24.11.2026", ErrorCode.DATE_IN_PAST),
        ("01.09.2028", ErrorCode.DATE_TOO_FAR),  # after the end of next school year
        ("завтра", ErrorCode.BAD_DATE),
        ("25.12.2026 25:00", ErrorCode.BAD_TIME),
        ("", ErrorCode.BAD_DATE),
        ("1.1.1.1", ErrorCode.BAD_DATE),
    ],
)
def test_typed_dates_refused(typed: str, code: ErrorCode) -> None:
    with pytest.raises(DomainError) as err:
        deadlines.parse_date(typed, TODAY)
    assert err.value.code is code


def test_latest_meeting_day_is_the_end_of_next_school_year() -> None:
    assert deadlines.latest_meeting_day(date(2026, 11, 25)) == date(2028, 8, 31)
    assert deadlines.latest_meeting_day(date(2027, 8, 31)) == date(2028, 8, 31)
    assert deadlines.latest_meeting_day(date(2027, 9, 1)) == date(2029, 8, 31)
