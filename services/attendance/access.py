"""Finding a meeting or a question for a use case, with who may act on it and whether the
meeting is still under way."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AgendaItem, Association, Meeting, MeetingStatus, Protocol
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Scope, require


def scope_of(association: Association) -> Scope:
    return Scope(association.service_id, association.id)


def ensure_live(meeting: Meeting) -> None:
    """A published meeting (neither cancelled, nor ended, nor not yet published)."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise DomainError(ErrorCode.MEETING_CANCELLED)
    if meeting.status is MeetingStatus.ENDED:
        raise DomainError(ErrorCode.MEETING_ENDED)
    if meeting.status is not MeetingStatus.PUBLISHED:
        raise DomainError(ErrorCode.NOT_PUBLISHED)


async def running_meeting(
    session: AsyncSession, actor: Actor, meeting_id: int, action: Action, *, after_end: bool = False
) -> tuple[Meeting, Association]:
    """The meeting, if the actor may do `action` now. `after_end`: an ended meeting too, as
    long as its protocol has not been drafted (the roll completed afterwards)."""
    meeting = await session.get(Meeting, meeting_id, with_for_update=True)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, action, scope_of(association))
    if meeting.status is MeetingStatus.ENDED:
        drafted = await session.scalar(select(Protocol.id).where(Protocol.meeting_id == meeting.id))
        if after_end and drafted is None:
            return meeting, association
    ensure_live(meeting)
    return meeting, association


async def question(session: AsyncSession, item_id: int) -> tuple[AgendaItem, Meeting, Association]:
    """A question (locked for the vote) with its meeting and association."""
    item = await session.get(AgendaItem, item_id, with_for_update=True)
    if item is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    meeting = await session.get_one(Meeting, item.meeting_id)
    association = await session.get_one(Association, meeting.association_id)
    return item, meeting, association
