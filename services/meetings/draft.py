"""Drafts: which associations a person may draft for, a new draft (questions deferred to
"the next meeting" join it), the list of drafts, saving a change (a new version), discarding."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AgendaItem,
    Association,
    Meeting,
    MeetingForm,
    MeetingStatus,
    ProposalStatus,
    Role,
)
from services import attendance, audit, outbox
from services.errors import DomainError, ErrorCode
from services.meetings import queries
from services.meetings.access import editable, scope_of
from services.meetings.reminders import plan_draft_reminders
from services.meetings.rules import MAX_AGENDA
from services.meetings.views import MeetingView, build_view
from services.outbox import keys
from services.permissions import Action, Actor, Decision, Scope, decide, require
from services.tx import reads, writes
from services.validation import check_title


@reads
async def associations_to_manage(session: AsyncSession, actor: Actor) -> list[tuple[int, str]]:
    rows = await session.execute(
        queries.manageable_associations(actor.roles, actor.methodist_services)
    )
    found = [
        (aid, name)
        for aid, sid, name in rows.all()
        if decide(actor, Action.MANAGE_MEETING, Scope(sid, aid)) is not Decision.DENY
    ]
    return found


@writes
async def create_draft(
    session: AsyncSession, actor: Actor, association_id: int, topic: str, now: datetime
) -> MeetingView:
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, Action.MANAGE_MEETING, scope_of(association))
    chair, secretary = await attendance.default_roles(session, association.id)
    meeting = Meeting(
        association_id=association.id,
        topic=check_title(topic, angles=True),
        form=MeetingForm.IN_PERSON,
        presiding_id=chair,
        minutes_keeper_id=secretary,
        status=MeetingStatus.DRAFT,
        created_by_id=actor.person_id,
        updated_at=now,
    )
    session.add(meeting)
    await session.flush()
    await take_deferred(session, meeting, now)
    audit.record(
        session,
        actor,
        "meeting.drafted",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
    )
    view = await build_view(session, meeting)
    return view


async def take_deferred(session: AsyncSession, meeting: Meeting, now: datetime) -> None:
    """Questions the chair took to the next meeting join this draft's agenda."""
    deferred = (await session.scalars(queries.deferred_proposals(meeting.association_id))).all()
    for n, proposal in enumerate(deferred[:MAX_AGENDA], start=1):
        session.add(
            AgendaItem(
                meeting_id=meeting.id,
                position=n,
                title=proposal.text,
                speaker_id=proposal.person_id,
                proposal_id=proposal.id,
            )
        )
        proposal.status = ProposalStatus.ACCEPTED
    await session.flush()


async def renumber(session: AsyncSession, meeting_id: int) -> None:
    """Positions 1..n again after a question left (unique per meeting: via negatives)."""
    rest = (await session.scalars(queries.agenda_of(meeting_id))).all()
    for n, item in enumerate(rest, start=1):
        item.position = -n
    await session.flush()
    for item in rest:
        item.position = -item.position
    await session.flush()


@reads
async def drafts(session: AsyncSession, actor: Actor) -> list[MeetingView]:
    """Unpublished meetings the actor may continue (newest first)."""
    rows = await session.scalars(queries.unpublished())
    found = []
    for meeting in rows.all():
        association = await session.get_one(Association, meeting.association_id)
        if decide(actor, Action.MANAGE_MEETING, scope_of(association)) is not Decision.DENY:
            found.append(await build_view(session, meeting))
    return found


async def touch(session: AsyncSession, meeting: Meeting, now: datetime) -> MeetingView:
    meeting.version += 1
    meeting.updated_at = now
    if meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.AWAITING_CHAIR):
        # Any change to a planned publication takes it back to a draft: it is checked again.
        meeting.status = MeetingStatus.DRAFT
        meeting.publish_at = None
    await session.flush()
    view = await build_view(session, meeting)
    await plan_draft_reminders(session, view, now)
    return view


@writes
async def discard_draft(
    session: AsyncSession, actor: Actor, meeting_id: int, version: int, now: datetime
) -> None:
    meeting, association = await editable(session, actor, meeting_id, version)
    await outbox.cancel_prefix(session, keys.meeting_prefix(meeting.id))
    await session.delete(meeting)
    audit.record(
        session,
        actor,
        "meeting.discarded",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting_id,
    )


@reads
async def people(
    session: AsyncSession, actor: Actor, meeting_id: int
) -> list[tuple[int, str, Role]]:
    """The association's active members, for choosing a speaker or who presides."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, Action.MANAGE_MEETING, scope_of(association))
    rows = await session.execute(queries.member_names(association.id))
    found = [(pid, name or "—", role) for pid, name, role in rows.all()]
    return found
