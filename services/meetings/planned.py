"""A meeting draft made from a row of the annual plan (issue 15, item 3): topic, date (at
15:00 local, like a date typed without a time), form (in person: a practical seminar is
held at its venue), the seminar mark and the venue filled in. The plan's side (which row,
its link) is services.plans.linking."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from models import Meeting
from services import deadlines
from services.errors import DomainError, ErrorCode
from services.meetings.access import set_moment
from services.meetings.draft import create_draft, touch
from services.meetings.views import MeetingView
from services.permissions import Actor
from services.tx import writes
from services.validation import TOPIC_MAX

PLANNED_AT = time(15, 0)


@writes
async def draft_from_plan(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    *,
    topic: str,
    day: date,
    seminar: bool,
    place: str | None,
    venue_school_id: int | None,
    timezone: str,
    now: datetime,
) -> MeetingView:
    moment = deadlines.at_local(day, PLANNED_AT, timezone)
    if moment <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    view = await create_draft(session, actor, association_id, topic[:TOPIC_MAX], now)
    meeting = await session.get_one(Meeting, view.id)
    set_moment(meeting, moment)
    meeting.practical_seminar = seminar
    meeting.place = place
    meeting.venue_school_id = venue_school_id
    return await touch(session, meeting, now)
