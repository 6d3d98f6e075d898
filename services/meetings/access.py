"""Loading a meeting for a use case: found, the actor's right checked, the status it needs."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Meeting, MeetingForm
from services import deadlines
from services.errors import DomainError, ErrorCode
from services.meetings.rules import EDITABLE, change_refusal
from services.permissions import Action, Actor, Scope, require


def scope_of(association: Association) -> Scope:
    return Scope(association.service_id, association.id)


async def lock_meeting(
    session: AsyncSession, actor: Actor, meeting_id: int, action: Action = Action.MANAGE_MEETING
) -> tuple[Meeting, Association]:
    """The meeting, locked for the change, if the actor may do `action` with it."""
    meeting = await session.get(Meeting, meeting_id, with_for_update=True)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, action, scope_of(association))
    return meeting, association


async def editable(
    session: AsyncSession, actor: Actor, meeting_id: int, version: int
) -> tuple[Meeting, Association]:
    """A draft at the version the editor saw: otherwise DRAFT_CHANGED (someone else saved
    meanwhile) and nothing is written."""
    meeting, association = await lock_meeting(session, actor, meeting_id)
    if meeting.status not in EDITABLE:
        raise DomainError(ErrorCode.ALREADY_PUBLISHED)
    if meeting.version != version:
        raise DomainError(ErrorCode.DRAFT_CHANGED)
    return meeting, association


def _refuse_unless_published(meeting: Meeting) -> None:
    refused = change_refusal(meeting.status)
    if refused is not None:
        raise DomainError(refused)


async def published_meeting(
    session: AsyncSession, actor: Actor, meeting_id: int
) -> tuple[Meeting, Association]:
    """A published meeting a manager changes (locked)."""
    meeting, association = await lock_meeting(session, actor, meeting_id)
    _refuse_unless_published(meeting)
    return meeting, association


async def open_meeting(
    session: AsyncSession, actor: Actor, meeting_id: int, action: Action
) -> tuple[Meeting, Association]:
    """A published meeting members answer or propose to (not locked)."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, action, Scope(association.service_id, association.id))
    _refuse_unless_published(meeting)
    return meeting, association


# ---------------------------------------------------------------- the meeting's moment


def moment_of(meeting: Meeting) -> datetime | None:
    """The gathering, or an absentee meeting's ballot deadline."""
    return meeting.ballot_deadline if meeting.form is MeetingForm.ABSENTEE else meeting.starts_at


def set_moment(meeting: Meeting, moment: datetime) -> None:
    if meeting.form is MeetingForm.ABSENTEE:
        meeting.ballot_deadline = moment
        meeting.starts_at = None
    else:
        meeting.starts_at = moment


def current_time(meeting: Meeting, tz: str) -> time | None:
    moment = moment_of(meeting)
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(tz)).time().replace(second=0, microsecond=0)


def current_day(meeting: Meeting, tz: str) -> date | None:
    moment = moment_of(meeting)
    return deadlines.local_day(moment, tz) if moment else None
