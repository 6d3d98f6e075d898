"""The sending window: when a reminder may go, within an association's local hours and
before its event."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

EVENT_MARGIN = timedelta(minutes=30)  # a reminder comes at least this long before its event


def opening_after(moment: datetime, zone: ZoneInfo, from_minute: int) -> datetime:
    local = moment.astimezone(zone)
    minute = local.hour * 60 + local.minute
    day = local.date() if minute < from_minute else local.date() + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=from_minute)


def in_window(
    moment: datetime,
    timezone: str,
    from_minute: int = 480,
    until_minute: int = 1260,
    event: datetime | None = None,
) -> datetime:
    """When a reminder due at `moment` may go: within the association's local sending window
    (08:00-21:00 by default). One due outside it goes at the allowed moment nearest to the
    plan that still comes before its event: the window's last minute before it (23:00 →
    20:59 the same evening) or, when that is nearer and the event allows, the next opening
    (07:00 for a 09:00 meeting → 08:00)."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    minute = local.hour * 60 + local.minute
    if from_minute <= minute < until_minute:
        return moment
    day = local.date() if minute >= until_minute else local.date() - timedelta(days=1)
    closing = datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=until_minute)
    before = (closing - timedelta(minutes=1)).astimezone(moment.tzinfo)
    after = opening_after(moment, zone, from_minute).astimezone(moment.tzinfo)
    if event is not None and after <= event - EVENT_MARGIN and after - moment < moment - before:
        return after
    return before


def reminder_due(
    due: datetime,
    now: datetime,
    timezone: str,
    from_minute: int = 480,
    until_minute: int = 1260,
    event: datetime | None = None,
) -> datetime:
    """`in_window`, but never in the past: a reminder whose allowed moment has gone by goes
    at the next window's opening (or now, if the window is open)."""
    moment = in_window(due, timezone, from_minute, until_minute, event)
    if moment >= now:
        return moment
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    minute = local.hour * 60 + local.minute
    if from_minute <= minute < until_minute:
        return now
    return opening_after(now, zone, from_minute).astimezone(now.tzinfo)
