"""The question «Об утверждении плана работы на 20__/20__ учебный год»: an agenda item linked
to a plan edition of the meeting's association, added in one call to a draft or to a published
meeting (a changed notice), and the plan's content frozen on it when a notice carrying it goes
out (services/plans/approval.py says what happens when its decision is adopted)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import AgendaItem, Meeting
from services import plans
from services.errors import DomainError, ErrorCode
from services.meetings import queries
from services.meetings.access import lock_meeting, published_meeting
from services.meetings.changes import announce_change
from services.meetings.draft import touch
from services.meetings.rules import EDITABLE, MAX_AGENDA, check_decision
from services.meetings.views import MeetingView, build_view
from services.permissions import Actor
from services.tx import reads, writes
from services.validation import check_title


@reads
async def meetings_for_plan(session: AsyncSession, actor: Actor, plan_id: int) -> list[MeetingView]:
    """The meetings of the plan's association that may take its approval question (drafts
    and published meetings not ended), for one the actor manages."""
    plan = await plans.plan_for_agenda(session, actor, plan_id, None)
    found = (await session.scalars(queries.open_for_agenda(plan.association_id))).all()
    return [await build_view(session, meeting) for meeting in found]


@writes
async def add_plan_question(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    plan_id: int,
    title: str,
    now: datetime,
    *,
    version: int | None = None,
    draft_decision: str | None = None,
) -> MeetingView:
    """Put a plan edition to approval: to a draft at the version the editor saw, or to a
    published meeting (everyone gets the changed notice, which freezes the plan's content).
    Refused for a plan of another association (FORBIDDEN), an approved one (PLAN_APPROVED:
    a change is a new edition), a plan already on this meeting's agenda (PLAN_ON_AGENDA)."""
    meeting, association = await lock_meeting(session, actor, meeting_id)
    draft = meeting.status in EDITABLE
    if draft:
        if meeting.version != version:
            raise DomainError(ErrorCode.DRAFT_CHANGED)
    else:
        meeting, association = await published_meeting(session, actor, meeting_id)
    plan = await plans.plan_for_agenda(session, actor, plan_id, association.id)
    if await session.scalar(queries.plan_question(meeting.id, plan.id)) is not None:
        raise DomainError(ErrorCode.PLAN_ON_AGENDA)
    count = int(await session.scalar(queries.agenda_count(meeting.id)) or 0)
    if count >= MAX_AGENDA:
        raise DomainError(ErrorCode.AGENDA_FULL, max=MAX_AGENDA)
    last = await session.scalar(queries.last_position(meeting.id))
    session.add(
        AgendaItem(
            meeting_id=meeting.id,
            position=(last or 0) + 1,
            title=check_title(title, angles=True),
            draft_decision=check_decision(draft_decision),
            plan_id=plan.id,
            added_at=None if draft else now,
        )
    )
    await session.flush()
    if draft:
        return await touch(session, meeting, now)
    await freeze_plan_questions(session, meeting)
    return await announce_change(session, actor, meeting, association, now, ["agenda"])


async def freeze_plan_questions(session: AsyncSession, meeting: Meeting) -> None:
    """When a notice goes out: the content of each plan edition on the agenda, frozen on its
    question (a later edit of the draft does not change what the meeting approves)."""
    for item in (await session.scalars(queries.plan_questions_to_freeze(meeting.id))).all():
        assert item.plan_id is not None
        item.plan_version, item.plan_snapshot = await plans.frozen(session, item.plan_id)
    await session.flush()
