"""Members and a published meeting: Буду / Не смогу (with a reason), the chair's card of who
is coming, and a reminder to those who have not answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Meeting, Rsvp, RsvpAnswer
from services import audit, outbox
from services.errors import DomainError, ErrorCode
from services.meetings import queries
from services.meetings.access import open_meeting
from services.meetings.recipients import member_ids
from services.meetings.rules import Kind
from services.meetings.views import MeetingView, build_view
from services.outbox import keys
from services.permissions import Action, Actor, Scope, require
from services.tx import reads, writes
from services.validation import check_title

REASON_MAX = 300


@writes
async def answer(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    reply: RsvpAnswer,
    now: datetime,
    reason: str | None = None,
) -> RsvpAnswer:
    """Буду / Не смогу (with an optional reason): one answer per member, changeable until
    the meeting ends; a double tap changes nothing."""
    meeting, _association = await open_meeting(session, actor, meeting_id, Action.PARTICIPATE)
    assert actor.person_id is not None
    text = None
    if reason:
        text = check_title(reason, max_len=REASON_MAX, angles=True)
    existing = await session.scalar(queries.rsvp_of(meeting.id, actor.person_id, lock=True))
    if existing is None:
        insert = outbox.insert_for(session)(Rsvp).values(
            meeting_id=meeting.id,
            person_id=actor.person_id,
            answer=reply,
            reason=text,
            answered_at=now,
        )
        await session.execute(insert.on_conflict_do_nothing())
    elif existing.answer is not reply or (text is not None and existing.reason != text):
        existing.answer = reply
        existing.reason = text if reply is RsvpAnswer.NO else None
        existing.answered_at = now
    return reply


@reads
async def answer_of(session: AsyncSession, meeting_id: int, person_id: int) -> RsvpAnswer | None:
    found: RsvpAnswer | None = await session.scalar(queries.answer_of(meeting_id, person_id))
    return found


@dataclass(frozen=True)
class Attendee:
    person_id: int
    name: str
    reason: str | None = None


@dataclass(frozen=True)
class Card:
    meeting: MeetingView
    coming: list[Attendee]
    not_coming: list[Attendee]
    unanswered: list[Attendee]
    pending_proposals: int


@reads
async def card(session: AsyncSession, actor: Actor, meeting_id: int) -> Card:
    """The chair's card: who is coming, who is not (with reasons), who has not answered."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, Action.MANAGE_MEETING, Scope(association.service_id, association.id))
    view = await build_view(session, meeting)
    members = (await session.execute(queries.member_names(association.id))).all()
    answers = {
        pid: (reply, reason)
        for pid, reply, reason in (await session.execute(queries.answers_to(meeting.id))).all()
    }
    coming, not_coming, unanswered = [], [], []
    for pid, name, _role in members:
        got = answers.get(pid)
        if got is None:
            unanswered.append(Attendee(pid, name or "—"))
        elif got[0] is RsvpAnswer.YES:
            coming.append(Attendee(pid, name or "—"))
        else:
            not_coming.append(Attendee(pid, name or "—", got[1]))
    pending = len((await session.scalars(queries.pending_proposals(meeting.id))).all())
    return Card(view, coming, not_coming, unanswered, pending)


@writes
async def nudge_unanswered(
    session: AsyncSession, actor: Actor, meeting_id: int, now: datetime
) -> int:
    """Remind only those who have not answered (at most once a day each)."""
    meeting, association = await open_meeting(session, actor, meeting_id, Action.MANAGE_MEETING)
    answered = set((await session.scalars(queries.answered(meeting.id))).all())
    members = [pid for pid in await member_ids(session, association.id) if pid not in answered]
    today = now.date()
    new = await outbox.fan_out(
        session,
        members,
        kind=Kind.NUDGE.value,
        group_key=keys.nudge_group(meeting.id),
        dedupe_key=lambda pid: keys.nudge(meeting_id=meeting.id, day=today, person_id=pid),
        due_at=now,
        params={"meeting_id": meeting.id, "revision": meeting.revision},
    )
    audit.record(
        session,
        actor,
        "meeting.nudged",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
        recipients=new,
    )
    return new
