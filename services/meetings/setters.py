"""One typed setter per field of a draft. Each checks that the version the editor saw is
still current (otherwise DRAFT_CHANGED and nothing is written), changes its field, and saves a
new version (a planned publication goes back to a draft: it is checked again)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from models import MeetingForm
from services import deadlines
from services.errors import DomainError, ErrorCode
from services.meetings import queries
from services.meetings.access import current_day, current_time, editable, scope_of, set_moment
from services.meetings.draft import touch
from services.meetings.rules import (
    DURATION_MAX,
    DURATION_MIN,
    check_link,
    check_reason,
    may_preside,
)
from services.meetings.views import MeetingView
from services.permissions import Action, Actor, require
from services.tx import writes
from services.validation import check_title


@writes
async def set_topic(
    session: AsyncSession, actor: Actor, meeting_id: int, version: int, topic: str, now: datetime
) -> MeetingView:
    meeting, _association = await editable(session, actor, meeting_id, version)
    meeting.topic = check_title(topic, angles=True)
    return await touch(session, meeting, now)


@writes
async def set_form(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    form: MeetingForm,
    now: datetime,
) -> MeetingView:
    meeting, _association = await editable(session, actor, meeting_id, version)
    meeting.form = MeetingForm(form)
    return await touch(session, meeting, now)


@writes
async def set_day(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    typed: deadlines.Typed,
    now: datetime,
) -> MeetingView:
    """The date (and, if typed, the time) of the gathering, or of the ballot deadline; the
    time already set is kept, 15:00 when there is none."""
    meeting, association = await editable(session, actor, meeting_id, version)
    tz = association.timezone
    clock = typed.at or current_time(meeting, tz) or time(15, 0)
    moment = deadlines.at_local(typed.day, clock, tz)
    if moment <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    set_moment(meeting, moment)
    return await touch(session, meeting, now)


@writes
async def set_time(
    session: AsyncSession, actor: Actor, meeting_id: int, version: int, at: time, now: datetime
) -> MeetingView:
    meeting, association = await editable(session, actor, meeting_id, version)
    tz = association.timezone
    day = current_day(meeting, tz)
    if day is None:
        raise DomainError(ErrorCode.TIME_WITHOUT_DATE)
    moment = deadlines.at_local(day, at, tz)
    if moment <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    set_moment(meeting, moment)
    return await touch(session, meeting, now)


@writes
async def set_duration(
    session: AsyncSession, actor: Actor, meeting_id: int, version: int, minutes: int, now: datetime
) -> MeetingView:
    meeting, _association = await editable(session, actor, meeting_id, version)
    if not DURATION_MIN <= minutes <= DURATION_MAX:
        raise DomainError(ErrorCode.BAD_DURATION)
    meeting.duration_minutes = minutes
    return await touch(session, meeting, now)


@writes
async def set_place(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    place: str | None,
    now: datetime,
) -> MeetingView:
    meeting, _association = await editable(session, actor, meeting_id, version)
    meeting.place = check_title(place, angles=True) if place else None
    return await touch(session, meeting, now)


@writes
async def set_link(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    link: str | None,
    now: datetime,
) -> MeetingView:
    meeting, _association = await editable(session, actor, meeting_id, version)
    meeting.online_link = check_link(link)
    return await touch(session, meeting, now)


@writes
async def set_seminar(
    session: AsyncSession, actor: Actor, meeting_id: int, version: int, seminar: bool, now: datetime
) -> MeetingView:
    meeting, _association = await editable(session, actor, meeting_id, version)
    meeting.practical_seminar = seminar
    return await touch(session, meeting, now)


@writes
async def set_extraordinary(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    reason: str | None,
    now: datetime,
) -> MeetingView:
    """With a reason: an extraordinary meeting; without one (None or empty): a regular one."""
    meeting, _association = await editable(session, actor, meeting_id, version)
    if reason:
        meeting.extraordinary = True
        meeting.extraordinary_reason = check_reason(reason)
    else:
        meeting.extraordinary, meeting.extraordinary_reason = False, None
    return await touch(session, meeting, now)


@writes
async def set_presiding(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    person_id: int,
    now: datetime,
) -> MeetingView:
    """Who presides: the association's chair or deputy (PRESIDING_ROLE otherwise)."""
    meeting, association = await editable(session, actor, meeting_id, version)
    require(actor, Action.NAME_PRESIDING, scope_of(association))
    role = await session.scalar(queries.role_of(association.id, person_id))
    if role is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    if not may_preside(role):
        raise DomainError(ErrorCode.PRESIDING_ROLE)
    meeting.presiding_id = person_id
    return await touch(session, meeting, now)


@writes
async def set_minutes_keeper(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    person_id: int,
    now: datetime,
) -> MeetingView:
    """Who keeps the minutes: any active member (the secretary by default)."""
    meeting, association = await editable(session, actor, meeting_id, version)
    require(actor, Action.NAME_PRESIDING, scope_of(association))
    if await session.scalar(queries.role_of(association.id, person_id)) is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    meeting.minutes_keeper_id = person_id
    return await touch(session, meeting, now)
