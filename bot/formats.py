"""Dates and times as people read them, in the association's zone and the reader's language."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, get_timezone_location


def _babel(locale: str) -> str:
    return "ru" if locale not in ("ru", "en") else locale


def when(moment: datetime, timezone: str, locale: str) -> str:
    """«20 декабря 2026, вс, 15:00» / «20 December 2026, Sun, 15:00»."""
    local = moment.astimezone(ZoneInfo(timezone))
    return format_datetime(local, "d MMMM y, EEE, HH:mm", locale=_babel(locale))


def clock(moment: datetime, timezone: str, locale: str) -> str:
    return format_time(moment.astimezone(ZoneInfo(timezone)), "HH:mm", locale=_babel(locale))


def day(value: date | datetime, locale: str, timezone: str | None = None) -> str:
    """«20 декабря» — the short day of a deadline."""
    if isinstance(value, datetime):
        assert timezone is not None
        value = value.astimezone(ZoneInfo(timezone)).date()
    return format_date(value, "d MMMM", locale=_babel(locale))


def numeric(value: date | datetime, timezone: str | None = None) -> str:
    """«20.12.2026»."""
    if isinstance(value, datetime):
        assert timezone is not None
        value = value.astimezone(ZoneInfo(timezone)).date()
    return value.strftime("%d.%m.%Y")


def city(timezone: str, locale: str = "ru") -> str:
    """The zone's time as readers across Russia name it: «время Новосибирска» style, i.e.
    the city of «Asia/Novosibirsk» in the reader's language («Новосибирск»)."""
    try:
        name = get_timezone_location(ZoneInfo(timezone), locale=_babel(locale))
    except (LookupError, ValueError):
        return timezone.rsplit("/", 1)[-1].replace("_", " ")
    inside = name[name.find("(") + 1 : name.rfind(")")] if "(" in name else name
    return inside or name
