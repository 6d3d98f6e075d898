"""When a survey accepts answers: the dates its author types or picks, and the time zone
they are shown in."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services import deadlines
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.surveys import queries
from services.surveys.access import editable, touch
from services.surveys.views import Schedule, SurveyView
from services.tx import reads, writes

OPENS_AT = time(8, 0)  # a typed first day opens in the morning
_DASH = re.compile(r"\s+(?:—|–|-|до|to)\s+")


def parse_schedule(text: str, zone: str, now: datetime) -> Schedule:
    """«01.12 — 10.12» (from 08:00 of the first day to the end of the second), only the
    last day «10.12», or with times «01.12 09:00 — 10.12 18:00»; days and times in `zone`.
    BAD_DATE (or the errors of `deadlines.parse_date`) when it is not that."""
    today = deadlines.local_day(now, zone)
    parts = [p.strip() for p in _DASH.split(text) if p.strip()]
    if not 1 <= len(parts) <= 2:
        raise DomainError(ErrorCode.BAD_DATE)
    typed = [deadlines.parse_date(p, today) for p in parts]
    opens = None
    if len(typed) == 2:
        first = typed[0]
        opens = deadlines.at_local(first.day, first.at or OPENS_AT, zone)
    last = typed[-1]
    closes = (
        deadlines.at_local(last.day, last.at, zone)
        if last.at
        else deadlines.end_of_day(last.day, zone) - timedelta(seconds=1)  # shown as 23:59
    )
    return Schedule(opens_at=opens, closes_at=closes)


@writes
async def set_schedule(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    version: int,
    now: datetime,
    *,
    opens_at: datetime | None,
    closes_at: datetime | None,
) -> SurveyView:
    """When answers are accepted: from `opens_at` (None or past: as soon as it is sent)
    until `closes_at` (None: until the author closes it; no reminders then)."""
    survey, _aud = await editable(session, actor, survey_id, version)
    if opens_at is not None and opens_at <= now:
        opens_at = None
    if closes_at is not None:
        if closes_at <= now:
            raise DomainError(ErrorCode.DATE_IN_PAST)
        if opens_at is not None and closes_at <= opens_at:
            raise DomainError(ErrorCode.BAD_DATE)
    survey.opens_at, survey.closes_at = opens_at, closes_at
    return await touch(session, actor, survey, "schedule", now)


@reads
async def zones(session: AsyncSession, survey_ids: Sequence[int]) -> dict[int, str]:
    """Each survey's time zone: its first audience association's (dates are shown in it)."""
    found: dict[int, str] = {}
    if survey_ids:
        rows = await session.execute(queries.zones(survey_ids))
        for survey_id, zone in rows.all():
            found.setdefault(int(survey_id), zone)
    return found
