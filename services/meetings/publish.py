"""Publication: now (until the notice deadline; after it only an extraordinary meeting, which a
secretary or a methodist asks the chair to confirm), on a chosen day, and what publishing does:
the notices, the reminders, the final agenda, the progress of the broadcast."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Broadcast, Meeting, MeetingStatus
from services import audit, deadlines
from services.errors import DomainError, ErrorCode
from services.meetings.access import editable, lock_meeting, scope_of
from services.meetings.notices import ask_chair, enqueue_notices, tell_requester
from services.meetings.plan_question import freeze_plan_questions
from services.meetings.recipients import member_ids
from services.meetings.reminders import plan_ballot_reminders, plan_final_agenda, plan_reminders
from services.meetings.rules import check_reason, first_problem, late_error
from services.meetings.views import MeetingView, build_view
from services.outbox import keys
from services.permissions import Action, Actor, Decision, decide, require
from services.tx import writes


class Outcome(enum.StrEnum):
    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    AWAITING_CHAIR = "awaiting_chair"


@dataclass(frozen=True)
class Published:
    outcome: Outcome
    view: MeetingView
    recipients: int
    group_key: str | None  # the notices' group, for the progress message


@writes
async def publish(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    now: datetime,
    *,
    extraordinary_reason: str | None = None,
    progress_chat_id: int | None = None,
    locale: str = "ru",
) -> Published:
    """Publish now. A regular meeting only until its notice deadline (the end of meeting day
    − notice days); after it only as extraordinary with a reason: the chair or deputy publish
    at once, the secretary or a methodist ask the chair to confirm first."""
    meeting, association = await editable(session, actor, meeting_id, version)
    view = await build_view(session, meeting)
    first_problem(view, now)
    assert view.notice_deadline is not None
    late = now >= view.notice_deadline
    if extraordinary_reason is not None:
        meeting.extraordinary = True
        meeting.extraordinary_reason = check_reason(extraordinary_reason)
    if late and not meeting.extraordinary:
        raise late_error(view.notice_deadline, view.timezone, view.notice_days)
    if meeting.extraordinary:
        decision = require(actor, Action.CALL_EXTRAORDINARY, scope_of(association))
        if decision is Decision.CONFIRM:
            meeting.status = MeetingStatus.AWAITING_CHAIR
            meeting.requested_by_id = actor.person_id
            meeting.version += 1
            await ask_chair(session, meeting, association, now)
            audit.record(
                session,
                actor,
                "meeting.extraordinary_requested",
                now,
                association_id=association.id,
                object_type="meeting",
                object_id=meeting.id,
            )
            view = await build_view(session, meeting)
            return Published(Outcome.AWAITING_CHAIR, view, 0, None)
    return await publish_now(session, actor, meeting, association, now, progress_chat_id, locale)


@writes
async def confirm_extraordinary(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    now: datetime,
    *,
    progress_chat_id: int | None = None,
    locale: str = "ru",
) -> Published:
    """The chair (or deputy) confirms an extraordinary meeting a secretary or a methodist
    asked for: it is published at once."""
    meeting, association = await lock_meeting(session, actor, meeting_id, Action.CALL_EXTRAORDINARY)
    if decide(actor, Action.CALL_EXTRAORDINARY, scope_of(association)) is not Decision.ALLOW:
        raise DomainError(ErrorCode.FORBIDDEN)
    if meeting.status is not MeetingStatus.AWAITING_CHAIR:
        raise DomainError(ErrorCode.NOT_AWAITING)
    view = await build_view(session, meeting)
    first_problem(view, now)
    await tell_requester(session, meeting, now, confirmed=True)
    return await publish_now(session, actor, meeting, association, now, progress_chat_id, locale)


@writes
async def decline_extraordinary(
    session: AsyncSession, actor: Actor, meeting_id: int, now: datetime
) -> MeetingView:
    """The chair does not call the extraordinary meeting: it goes back to a draft, and the
    one who asked is told."""
    meeting, association = await lock_meeting(session, actor, meeting_id, Action.CALL_EXTRAORDINARY)
    if decide(actor, Action.CALL_EXTRAORDINARY, scope_of(association)) is not Decision.ALLOW:
        raise DomainError(ErrorCode.FORBIDDEN)
    if meeting.status is not MeetingStatus.AWAITING_CHAIR:
        raise DomainError(ErrorCode.NOT_AWAITING)
    meeting.status = MeetingStatus.DRAFT
    meeting.extraordinary = False
    meeting.version += 1
    meeting.updated_at = now
    await tell_requester(session, meeting, now, confirmed=False)
    audit.record(
        session,
        actor,
        "meeting.extraordinary_declined",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
    )
    view = await build_view(session, meeting)
    return view


@writes
async def schedule(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    publish_day: date,
    now: datetime,
) -> MeetingView:
    """Publish on a chosen day (at 09:00 local): it must still be in time for the notice."""
    meeting, association = await editable(session, actor, meeting_id, version)
    view = await build_view(session, meeting)
    first_problem(view, now)
    moment = deadlines.at_local(publish_day, time(9, 0), association.timezone)
    if moment <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    assert view.notice_deadline is not None
    # The broadcast must finish before the deadline: an hour's margin.
    if moment + timedelta(hours=1) > view.notice_deadline and not meeting.extraordinary:
        raise late_error(view.notice_deadline, view.timezone, view.notice_days)
    start = meeting.starts_at or meeting.ballot_deadline
    if start is not None and moment >= start:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    if meeting.extraordinary and (
        decide(actor, Action.CALL_EXTRAORDINARY, scope_of(association)) is not Decision.ALLOW
    ):
        raise DomainError(ErrorCode.CHAIR_MUST_DECIDE)
    meeting.status = MeetingStatus.SCHEDULED
    meeting.publish_at = moment
    meeting.version += 1
    audit.record(
        session,
        actor,
        "meeting.scheduled",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
    )
    view = await build_view(session, meeting)
    return view


async def publish_now(
    session: AsyncSession,
    actor: Actor | None,
    meeting: Meeting,
    association: Association,
    now: datetime,
    progress_chat_id: int | None,
    locale: str,
) -> Published:
    meeting.status = MeetingStatus.PUBLISHED
    meeting.revision += 1
    meeting.version += 1
    meeting.published_at = meeting.published_at or now
    meeting.updated_at = now
    meeting.publish_at = None
    await freeze_plan_questions(session, meeting)
    view = await build_view(session, meeting)
    members = await member_ids(session, association.id)
    group = keys.notice_group(meeting.id, meeting.revision)
    await enqueue_notices(session, view, association, members, now, changes=[])
    await plan_reminders(session, view, association, members, now)
    await plan_ballot_reminders(session, view, association, members, now)
    await plan_final_agenda(session, view, members, now)
    if progress_chat_id is not None:
        session.add(
            Broadcast(
                group_key=group,
                started_by_id=actor.person_id if actor else None,
                chat_id=progress_chat_id,
                locale=locale,
                total=len(members),
                created_at=now,
            )
        )
    audit.record(
        session,
        actor,
        "meeting.published",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
        revision=meeting.revision,
        extraordinary=meeting.extraordinary,
        recipients=len(members),
    )
    return Published(Outcome.PUBLISHED, view, len(members), group)
