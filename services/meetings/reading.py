"""Reading meetings: one (for a person, or for the sender), the /meetings list, a check-in
code. Reads only: no write lock on SQLite."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Meeting
from services.errors import DomainError, ErrorCode
from services.meetings import queries
from services.meetings.access import scope_of
from services.meetings.rules import UNPUBLISHED
from services.meetings.views import MeetingView, build_view
from services.permissions import Action, Actor, Decision, decide
from services.tx import reads


@reads
async def get(session: AsyncSession, actor: Actor, meeting_id: int) -> MeetingView:
    """A meeting as its association's members and managers see it."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    scope = scope_of(association)
    manager = decide(actor, Action.MANAGE_MEETING, scope) is not Decision.DENY
    member = decide(actor, Action.PARTICIPATE, scope) is not Decision.DENY
    if not manager and not (member and meeting.status not in UNPUBLISHED):
        raise DomainError(ErrorCode.FORBIDDEN)
    return await build_view(session, meeting)


@reads
async def load(session: AsyncSession, meeting_id: int) -> MeetingView:
    """For rendering messages (no actor: the outbox sender)."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return await build_view(session, meeting)


@dataclass(frozen=True)
class Listing:
    upcoming: list[MeetingView]
    past: list[MeetingView]


@reads
async def listing(session: AsyncSession, actor: Actor, now: datetime, limit: int = 15) -> Listing:
    """`/meetings`: the published meetings of my associations (a methodist: of the service),
    upcoming first by date, then the latest past ones."""
    mine, services = actor.roles, actor.methodist_services
    upcoming = (
        await session.scalars(queries.listing(mine, services, upcoming=True, limit=limit))
    ).all()
    past = (
        await session.scalars(queries.listing(mine, services, upcoming=False, limit=limit))
    ).all()
    return Listing(
        [await build_view(session, m) for m in upcoming],
        [await build_view(session, m) for m in past],
    )


@reads
async def checkin_code(session: AsyncSession, meeting_id: int) -> str | None:
    return await session.scalar(queries.checkin_code(meeting_id))
