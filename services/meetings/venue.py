"""A meeting's venue school (issue 15, item 3): an approved school of the association's
municipality, chosen in the wizard by part of its name, or none. A practical seminar counts
for compliance only when held at a school (002 Annex 4 §3.2). A draft's change saves a new
version; a published meeting's is announced to everyone like a new place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Meeting, MeetingStatus
from services import audit, schools
from services.errors import DomainError, ErrorCode
from services.meetings.access import editable, lock_meeting
from services.meetings.changes import announce_change
from services.meetings.draft import touch
from services.meetings.views import MeetingView, build_view
from services.permissions import Action, Actor, Scope, require
from services.schools import SchoolView
from services.tx import reads, writes

VENUE_MATCHES = 8  # schools offered for one typed name


@reads
async def venue_choices(
    session: AsyncSession, actor: Actor, meeting_id: int, typed: str
) -> list[SchoolView]:
    """Up to eight approved schools of the meeting's municipality matching `typed`."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, Action.MANAGE_MEETING, Scope(association.service_id, association.id))
    return await schools.search(session, association.municipality_id, typed, VENUE_MATCHES)


@writes
async def set_venue_school(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    school_id: int | None,
    now: datetime,
) -> MeetingView:
    """The venue school of a draft or of a published meeting (None: not at a school). The
    version the editor saw must be current (DRAFT_CHANGED otherwise); a school that is not
    an approved one of the association's municipality is NOT_FOUND; nothing is written."""
    meeting, association = await lock_meeting(session, actor, meeting_id)
    published = meeting.status is MeetingStatus.PUBLISHED
    if not published:
        meeting, association = await editable(session, actor, meeting_id, version)
    elif meeting.version != version:
        raise DomainError(ErrorCode.DRAFT_CHANGED)
    if school_id is not None:
        await schools.approved_in(session, association.municipality_id, school_id)
    if published and meeting.venue_school_id == school_id:
        return await build_view(session, meeting)  # nothing to announce
    meeting.venue_school_id = school_id
    audit.record(
        session,
        actor,
        "meeting.venue_school",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
        school_id=school_id,
    )
    if published:
        return await announce_change(session, actor, meeting, association, now, ["place"])
    return await touch(session, meeting, now)
