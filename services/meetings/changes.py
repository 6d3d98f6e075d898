"""Changes to a published meeting: a move (the five-day rule against the new date), a new
place or link, cancellation, the end (the protocol's draft is made in the same transaction).
Each change is a new revision: everyone gets the changed notice, reminders are planned again."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Meeting, MeetingForm, MeetingStatus, Rsvp
from services import audit, deadlines, outbox, protocols, votes
from services.errors import DomainError, ErrorCode
from services.meetings.access import (
    current_time,
    lock_meeting,
    published_meeting,
    scope_of,
    set_moment,
)
from services.meetings.notices import enqueue_notices
from services.meetings.recipients import member_ids
from services.meetings.reminders import plan_ballot_reminders, plan_final_agenda, plan_reminders
from services.meetings.rules import (
    Kind,
    change_refusal,
    check_link,
    check_reason,
    late_error,
    may_end,
)
from services.meetings.views import MeetingView, build_view
from services.outbox import keys
from services.permissions import Action, Actor, Decision, decide, require
from services.tx import writes
from services.validation import check_title


async def announce_change(
    session: AsyncSession,
    actor: Actor,
    meeting: Meeting,
    association: Association,
    now: datetime,
    changes: list[str],
) -> MeetingView:
    """A new revision: everyone gets the changed notice; the pending reminders, ballot
    reminders and final agenda (which carry the revision) are planned again for it."""
    meeting.revision += 1
    meeting.version += 1
    meeting.updated_at = now
    await session.flush()
    view = await build_view(session, meeting)
    members = await member_ids(session, association.id)
    # Older notices still waiting are superseded by this one (it carries everything).
    await outbox.cancel_prefix(session, keys.notice_prefix(meeting.id))
    await outbox.cancel_prefix(session, keys.chat_notice_prefix(meeting.id))
    await enqueue_notices(session, view, association, members, now, changes=changes)
    for group in (keys.reminders_group, keys.final_agenda_group, keys.ballot_reminders_group):
        await outbox.cancel_group(session, group(meeting.id))
    await plan_reminders(session, view, association, members, now)
    await plan_ballot_reminders(session, view, association, members, now)
    await plan_final_agenda(session, view, members, now)
    audit.record(
        session,
        actor,
        "meeting.changed",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
        revision=meeting.revision,
        changes=changes,
    )
    return view


@writes
async def reschedule(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    typed: deadlines.Typed,
    now: datetime,
    *,
    extraordinary_reason: str | None = None,
) -> MeetingView:
    """Move a published meeting: the five-day rule is checked against the new date (a late
    move needs an extraordinary reason), reminders move, everyone gets the changed notice."""
    meeting, association = await published_meeting(session, actor, meeting_id)
    tz = association.timezone
    clock = typed.at or current_time(meeting, tz) or time(15, 0)
    moment = deadlines.at_local(typed.day, clock, tz)
    if moment <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    notice = deadlines.notice_deadline(typed.day, association.notice_days, tz)
    if extraordinary_reason is not None:
        require(actor, Action.CALL_EXTRAORDINARY, scope_of(association))
        if decide(actor, Action.CALL_EXTRAORDINARY, scope_of(association)) is not Decision.ALLOW:
            raise DomainError(ErrorCode.CHAIR_MUST_DECIDE)
        meeting.extraordinary = True
        meeting.extraordinary_reason = check_reason(extraordinary_reason)
    if now >= notice and not meeting.extraordinary:
        raise late_error(notice, tz, association.notice_days)
    set_moment(meeting, moment)
    # Answers were about the old date: everyone is asked again with the changed notice.
    await session.execute(delete(Rsvp).where(Rsvp.meeting_id == meeting.id))
    return await announce_change(session, actor, meeting, association, now, ["moved"])


@writes
async def change_place(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    now: datetime,
    *,
    place: str | None = None,
    online_link: str | None = None,
) -> MeetingView:
    meeting, association = await published_meeting(session, actor, meeting_id)
    changes = []
    if place is not None:
        meeting.place = check_title(place, angles=True)
        changes.append("place")
    if online_link is not None:
        meeting.online_link = check_link(online_link)
        changes.append("link")
    if not changes:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    return await announce_change(session, actor, meeting, association, now, changes)


@writes
async def cancel(
    session: AsyncSession, actor: Actor, meeting_id: int, reason: str, now: datetime
) -> MeetingView:
    """Cancel with a reason: pending deliveries are cancelled; everyone is told, with an
    ICS that removes the event from their calendars."""
    meeting, association = await lock_meeting(session, actor, meeting_id)
    refused = change_refusal(meeting.status, cancel=True)
    if refused is not None:
        raise DomainError(refused)
    was_published = meeting.status is MeetingStatus.PUBLISHED
    meeting.cancel_reason = check_reason(reason)
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_at = now
    meeting.updated_at = now
    meeting.revision += 1 if was_published else 0
    meeting.version += 1
    await outbox.cancel_prefix(session, keys.meeting_prefix(meeting.id))
    await session.flush()
    view = await build_view(session, meeting)
    if was_published:
        members = await member_ids(session, association.id)
        await enqueue_notices(
            session, view, association, members, now, changes=[], kind=Kind.CANCELLED
        )
    audit.record(
        session,
        actor,
        "meeting.cancelled",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
    )
    return view


@writes
async def end(session: AsyncSession, actor: Actor, meeting_id: int, now: datetime) -> MeetingView:
    """«Завершить заседание»: the chair or secretary ends it; the protocol's draft is made
    in the same transaction (services.protocols.on_meeting_end)."""
    meeting, association = await lock_meeting(session, actor, meeting_id, Action.RUN_CHECKIN)
    refused = may_end(
        meeting.form, meeting.status, meeting.starts_at, meeting.checkin_opened_at, now
    )
    if refused is not None:
        raise DomainError(refused)
    return await end_meeting(session, actor, meeting, association, now)


async def end_meeting(
    session: AsyncSession,
    actor: Actor | None,
    meeting: Meeting,
    association: Association,
    now: datetime,
) -> MeetingView:
    meeting.status = MeetingStatus.ENDED
    meeting.ended_at = now
    meeting.version += 1
    meeting.checkin_closed_at = meeting.checkin_closed_at or now
    if meeting.form is MeetingForm.IN_PERSON:
        await votes.close_open_votes(session, meeting, association, now)
    else:
        await votes.close_ballots(session, meeting, association, now)
    for group in (
        keys.reminders_group,
        keys.final_agenda_group,
        keys.nudge_group,
        keys.checkin_group,
        keys.ballot_reminders_group,
    ):
        await outbox.cancel_group(session, group(meeting.id))
    await session.flush()
    await protocols.on_meeting_end(session, meeting, association, now)
    audit.record(
        session,
        actor,
        "meeting.ended",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
        automatic=actor is None,
    )
    await session.flush()
    return await build_view(session, meeting)
