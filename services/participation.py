"""Members and a published meeting: Буду / Не смогу, agenda proposals until the cutoff and
their review, the chair's card of who is coming, a nudge to those who have not answered, the
current notice for someone who joins later, and what each meeting message still needs to be
sent (checked when the outbox claims it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    PRESENT_KINDS,
    AgendaItem,
    AgendaProposal,
    Association,
    Attendance,
    Meeting,
    MeetingForm,
    MeetingStatus,
    Membership,
    OutboxMessage,
    OutboxStatus,
    Person,
    ProposalStatus,
    Role,
    Rsvp,
    RsvpAnswer,
    Vote,
)
from services import attendance, audit, deadlines, meetings, outbox
from services.errors import DomainError, ErrorCode
from services.meetings import Kind
from services.permissions import Action, Actor, Decision, Scope, decide, require
from services.tx import atomic
from services.validation import check_title

REASON_MAX = 300


async def _open_meeting(
    session: AsyncSession, actor: Actor, meeting_id: int, action: Action
) -> tuple[Meeting, Association]:
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, action, Scope(association.service_id, association.id))
    if meeting.status is MeetingStatus.CANCELLED:
        raise DomainError(ErrorCode.MEETING_CANCELLED)
    if meeting.status is MeetingStatus.ENDED:
        raise DomainError(ErrorCode.MEETING_ENDED)
    if meeting.status is not MeetingStatus.PUBLISHED:
        raise DomainError(ErrorCode.NOT_PUBLISHED)
    return meeting, association


@atomic
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
    meeting, _association = await _open_meeting(session, actor, meeting_id, Action.PARTICIPATE)
    assert actor.person_id is not None
    text = None
    if reason:
        text = check_title(reason, max_len=REASON_MAX, angles=True)
    existing = await session.scalar(
        select(Rsvp)
        .where(Rsvp.meeting_id == meeting.id, Rsvp.person_id == actor.person_id)
        .with_for_update()
    )
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
    await session.commit()
    return reply


@atomic
async def answer_of(session: AsyncSession, meeting_id: int, person_id: int) -> RsvpAnswer | None:
    found = await session.scalar(
        select(Rsvp.answer).where(Rsvp.meeting_id == meeting_id, Rsvp.person_id == person_id)
    )
    await session.commit()
    return found


@dataclass(frozen=True)
class Attendee:
    person_id: int
    name: str
    reason: str | None = None


@dataclass(frozen=True)
class Card:
    meeting: meetings.MeetingView
    coming: list[Attendee]
    not_coming: list[Attendee]
    unanswered: list[Attendee]
    pending_proposals: int


@atomic
async def card(session: AsyncSession, actor: Actor, meeting_id: int) -> Card:
    """The chair's card: who is coming, who is not (with reasons), who has not answered."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, Action.MANAGE_MEETING, Scope(association.service_id, association.id))
    view = await meetings._view(session, meeting)
    members = (
        await session.execute(
            select(Person.id, Person.full_name)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.association_id == association.id, Membership.active)
            .order_by(Person.full_name)
        )
    ).all()
    answers = {
        pid: (reply, reason)
        for pid, reply, reason in (
            await session.execute(
                select(Rsvp.person_id, Rsvp.answer, Rsvp.reason).where(
                    Rsvp.meeting_id == meeting.id
                )
            )
        ).all()
    }
    coming, not_coming, unanswered = [], [], []
    for pid, name in members:
        got = answers.get(pid)
        if got is None:
            unanswered.append(Attendee(pid, name or "—"))
        elif got[0] is RsvpAnswer.YES:
            coming.append(Attendee(pid, name or "—"))
        else:
            not_coming.append(Attendee(pid, name or "—", got[1]))
    pending = len(
        (
            await session.scalars(
                select(AgendaProposal.id).where(
                    AgendaProposal.meeting_id == meeting.id,
                    AgendaProposal.status == ProposalStatus.PENDING,
                )
            )
        ).all()
    )
    await session.commit()
    return Card(view, coming, not_coming, unanswered, pending)


@atomic
async def nudge_unanswered(
    session: AsyncSession, actor: Actor, meeting_id: int, now: datetime
) -> int:
    """Remind only those who have not answered (at most once a day each)."""
    meeting, association = await _open_meeting(session, actor, meeting_id, Action.MANAGE_MEETING)
    answered = set(
        (await session.scalars(select(Rsvp.person_id).where(Rsvp.meeting_id == meeting.id))).all()
    )
    members = [
        pid for pid in await meetings._members(session, association.id) if pid not in answered
    ]
    today = now.date().isoformat()
    new = await outbox.enqueue(
        session,
        [
            outbox.Outgoing(
                kind=Kind.NUDGE.value,
                person_id=pid,
                group_key=f"meeting:{meeting.id}:nudge",
                dedupe_key=f"meeting:{meeting.id}:nudge:{today}:person={pid}",
                due_at=now,
                params={"meeting_id": meeting.id, "revision": meeting.revision},
            )
            for pid in members
        ],
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
    await session.commit()
    return new


# ---------------------------------------------------------------- proposals


@dataclass(frozen=True)
class ProposalView:
    id: int
    meeting_id: int
    meeting_topic: str
    proposer_id: int | None
    proposer: str | None
    text: str
    file_id: str | None
    file_name: str | None
    status: ProposalStatus
    comment: str | None


async def _proposal_view(session: AsyncSession, proposal: AgendaProposal) -> ProposalView:
    meeting = await session.get_one(Meeting, proposal.meeting_id)
    proposer = await session.get(Person, proposal.person_id) if proposal.person_id else None
    return ProposalView(
        proposal.id,
        meeting.id,
        meeting.topic,
        proposal.person_id,
        proposer.full_name if proposer else None,
        proposal.text,
        proposal.file_id,
        proposal.file_name,
        proposal.status,
        proposal.comment,
    )


@atomic
async def propose(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    text: str,
    now: datetime,
    *,
    file_id: str | None = None,
    file_name: str | None = None,
    file_size: int | None = None,
) -> ProposalView:
    """A member proposes a question until the end of (meeting day − proposal days); the
    chair, deputy and secretary are asked to accept or reject it."""
    meeting, association = await _open_meeting(session, actor, meeting_id, Action.PARTICIPATE)
    view = await meetings._view(session, meeting)
    cutoff = view.proposal_deadline
    if cutoff is not None and now >= cutoff:
        last = deadlines.local_day(cutoff - timedelta(seconds=1), view.timezone)
        raise DomainError(
            ErrorCode.PROPOSALS_CLOSED, day=last.strftime("%d.%m.%Y"), days=view.proposal_days
        )
    if file_size is not None and file_size > meetings.FILE_MAX:
        raise DomainError(ErrorCode.FILE_TOO_BIG, max_mb=meetings.FILE_MAX // (1024 * 1024))
    proposal = AgendaProposal(
        meeting_id=meeting.id,
        person_id=actor.person_id,
        text=check_title(text, angles=True),
        file_id=file_id,
        file_name=(file_name or "")[:255] or None,
        status=ProposalStatus.PENDING,
        created_at=now,
    )
    session.add(proposal)
    await session.flush()
    reviewers = await meetings._staff(
        session, association.id, (Role.CHAIR, Role.DEPUTY, Role.SECRETARY)
    )
    await outbox.enqueue(
        session,
        [
            outbox.Outgoing(
                kind="meeting_proposal",
                person_id=pid,
                group_key=f"meeting:{meeting.id}:proposals",
                dedupe_key=f"meeting:{meeting.id}:proposal={proposal.id}:person={pid}",
                due_at=now,
                params={"meeting_id": meeting.id, "proposal_id": proposal.id},
            )
            for pid in reviewers
        ],
    )
    audit.record(
        session,
        actor,
        "meeting.proposal",
        now,
        association_id=association.id,
        object_type="agenda_proposal",
        object_id=proposal.id,
    )
    result = await _proposal_view(session, proposal)
    await session.commit()
    return result


@atomic
async def get_proposal(session: AsyncSession, proposal_id: int) -> ProposalView:
    proposal = await session.get(AgendaProposal, proposal_id)
    if proposal is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    result = await _proposal_view(session, proposal)
    await session.commit()
    return result


@dataclass(frozen=True)
class Decided:
    proposal: ProposalView
    needs_ballot_choice: bool  # accepted into an absentee/hybrid meeting whose ballot went out


@atomic
async def decide_proposal(
    session: AsyncSession,
    actor: Actor,
    proposal_id: int,
    accept: bool,
    now: datetime,
    comment: str | None = None,
) -> Decided:
    """Accept (the question joins the agenda) or reject; the proposer is told. A second
    decision on the same proposal (a double tap, or another reviewer first) is refused."""
    proposal = await session.get(AgendaProposal, proposal_id, with_for_update=True)
    if proposal is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    meeting, association = await _open_meeting(
        session, actor, proposal.meeting_id, Action.REVIEW_PROPOSALS
    )
    if proposal.status is not ProposalStatus.PENDING:
        raise DomainError(ErrorCode.ALREADY_DECIDED)
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    proposal.comment = check_title(comment, max_len=1000) if comment else None
    proposal.decided_by_id = actor.person_id
    proposal.decided_at = now
    ballot_choice = False
    if accept:
        count = len(
            (
                await session.scalars(
                    select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)
                )
            ).all()
        )
        if count >= meetings.MAX_AGENDA:
            raise DomainError(ErrorCode.AGENDA_FULL, max=meetings.MAX_AGENDA)
        last = await session.scalar(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
        )
        session.add(
            AgendaItem(
                meeting_id=meeting.id,
                position=(last or 0) + 1,
                title=proposal.text,
                speaker_id=proposal.person_id,
                proposal_id=proposal.id,
                added_at=now,
            )
        )
        ballot_choice = meeting.form is not MeetingForm.IN_PERSON
    if proposal.person_id is not None:
        await outbox.enqueue(
            session,
            [
                outbox.Outgoing(
                    kind="meeting_proposal_decided",
                    person_id=proposal.person_id,
                    group_key=f"meeting:{meeting.id}:proposals",
                    dedupe_key=f"meeting:{meeting.id}:decided={proposal.id}",
                    due_at=now,
                    params={"meeting_id": meeting.id, "proposal_id": proposal.id},
                )
            ],
        )
    audit.record(
        session,
        actor,
        "meeting.proposal_accepted" if accept else "meeting.proposal_rejected",
        now,
        association_id=association.id,
        object_type="agenda_proposal",
        object_id=proposal.id,
    )
    await session.flush()
    result = await _proposal_view(session, proposal)
    view = await meetings._view(session, meeting)
    if accept and view.proposal_deadline is not None and now >= view.proposal_deadline:
        # The final agenda has gone out already: everyone gets the changed agenda now.
        await meetings._announce_change(session, actor, meeting, association, now, ["agenda"])
    else:
        await session.commit()
    return Decided(result, ballot_choice)


@atomic
async def keep_ballot_days(
    session: AsyncSession, actor: Actor, meeting_id: int, now: datetime
) -> meetings.MeetingView:
    """For an absentee or hybrid meeting that accepted a question after its ballot went out:
    move the ballot deadline so the ballot keeps its notice days (the chair's choice)."""
    meeting, association = await _open_meeting(
        session, actor, meeting_id, Action.CALL_EXTRAORDINARY
    )
    scope = Scope(association.service_id, association.id)
    if decide(actor, Action.CALL_EXTRAORDINARY, scope) is not Decision.ALLOW:
        raise DomainError(ErrorCode.CHAIR_MUST_DECIDE)
    tz = association.timezone
    moment = meeting.ballot_deadline or meeting.starts_at
    assert moment is not None
    earliest = deadlines.local_day(now, tz) + timedelta(days=association.notice_days)
    day = max(deadlines.local_day(moment, tz), earliest)
    clock = moment.astimezone(ZoneInfo(tz)).time()
    meeting.ballot_deadline = deadlines.at_local(day, clock, tz)  # the gathering stays
    return await meetings._announce_change(
        session, actor, meeting, association, now, ["ballot_deadline", "agenda"]
    )


@atomic
async def defer_to_next(
    session: AsyncSession, actor: Actor, proposal_id: int, now: datetime
) -> ProposalView:
    """The chair's other choice: the accepted question goes to the next meeting instead (it
    leaves this agenda and waits, marked, for the next draft)."""
    proposal = await session.get(AgendaProposal, proposal_id, with_for_update=True)
    if proposal is None or proposal.status is not ProposalStatus.ACCEPTED:
        raise DomainError(ErrorCode.STALE)
    meeting, association = await _open_meeting(
        session, actor, proposal.meeting_id, Action.CALL_EXTRAORDINARY
    )
    scope = Scope(association.service_id, association.id)
    if decide(actor, Action.CALL_EXTRAORDINARY, scope) is not Decision.ALLOW:
        raise DomainError(ErrorCode.CHAIR_MUST_DECIDE)
    item = await session.scalar(
        select(AgendaItem).where(
            AgendaItem.meeting_id == meeting.id, AgendaItem.proposal_id == proposal.id
        )
    )
    if item is not None:
        await session.delete(item)
        await session.flush()
        await meetings.renumber(session, meeting.id)
    proposal.status = ProposalStatus.DEFERRED
    audit.record(
        session,
        actor,
        "meeting.proposal_deferred",
        now,
        association_id=association.id,
        object_type="agenda_proposal",
        object_id=proposal.id,
    )
    result = await _proposal_view(session, proposal)
    await session.commit()
    return result


@atomic
async def notices_for_newcomer(
    session: AsyncSession, person_id: int, association_id: int, now: datetime
) -> int:
    """Someone joined the association: they get the current notice of each upcoming
    published meeting (the same dedupe key as the broadcast, so never twice)."""
    upcoming = (
        await session.scalars(
            select(Meeting).where(
                Meeting.association_id == association_id,
                Meeting.status == MeetingStatus.PUBLISHED,
                (Meeting.starts_at > now) | (Meeting.ballot_deadline > now),
            )
        )
    ).all()
    items = [
        outbox.Outgoing(
            kind=Kind.NOTICE.value,
            person_id=person_id,
            group_key=meetings.notice_group(meeting.id, meeting.revision),
            dedupe_key=(
                f"meeting:{meeting.id}:{Kind.NOTICE.value}:rev={meeting.revision}"
                f":person={person_id}"
            ),
            due_at=now,
            params={"meeting_id": meeting.id, "revision": meeting.revision, "changes": []},
        )
        for meeting in upcoming
    ]
    added = await outbox.enqueue(session, items)
    for meeting in upcoming:
        association = await session.get_one(Association, meeting.association_id)
        view = await meetings._view(session, meeting)
        await meetings._plan_reminders(session, view, association, [person_id], now)
        await meetings._plan_ballot_reminders(session, view, association, [person_id], now)
        await meetings._plan_final_agenda(session, view, [person_id], now)
    if upcoming:
        # A roster person who joins now: the notice the broadcast could not deliver to them
        # ("not joined yet") is sent after all.
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.person_id == person_id,
                OutboxMessage.kind == Kind.NOTICE.value,
                OutboxMessage.status == OutboxStatus.FAILED,
                OutboxMessage.error_code == outbox.Failure.NOT_JOINED.value,
                OutboxMessage.group_key.in_(
                    [meetings.notice_group(m.id, m.revision) for m in upcoming]
                ),
            )
            .values(status=OutboxStatus.PENDING, due_at=now, error_code=None, last_error=None)
            .execution_options(synchronize_session=False)
        )
    return added


# ---------------------------------------------------------------- still wanted?


_PUBLISHED_KINDS = {
    Kind.NOTICE.value,
    Kind.REMINDER.value,
    Kind.FINAL_AGENDA.value,
    Kind.NUDGE.value,
    "meeting_proposal",
}


@atomic
async def unwanted(session: AsyncSession, rows: list[outbox.Claimed]) -> set[int]:
    """Claimed meeting messages that must not go out any more: the meeting was cancelled,
    ended or changed (a newer revision supersedes), the person left the association or said
    Не смогу (reminders), already answered (a nudge), the agenda did not change (the final
    agenda), the draft's date moved (a draft reminder), a proposal was decided meanwhile."""
    if not rows:
        return set()
    meeting_ids = {int(r.params["meeting_id"]) for r in rows}
    found = {
        m.id: m
        for m in (await session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids)))).all()
    }
    zones = dict(
        (
            await session.execute(
                select(Association.id, Association.timezone).where(
                    Association.id.in_({m.association_id for m in found.values()})
                )
            )
        ).all()
    )
    person_ids = {r.person_id for r in rows if r.person_id is not None}
    roles = {
        (aid, pid): role
        for aid, pid, role in (
            await session.execute(
                select(Membership.association_id, Membership.person_id, Membership.role)
                .join(Person, Person.id == Membership.person_id)
                .where(
                    Membership.person_id.in_(person_ids),
                    Membership.active,
                    Person.forgotten_at.is_(None),
                )
            )
        ).all()
    }
    answers = {
        (mid, pid): reply
        for mid, pid, reply in (
            await session.execute(
                select(Rsvp.meeting_id, Rsvp.person_id, Rsvp.answer).where(
                    Rsvp.meeting_id.in_(meeting_ids)
                )
            )
        ).all()
    }
    changed_agenda = set(
        (
            await session.scalars(
                select(AgendaItem.meeting_id).where(
                    AgendaItem.meeting_id.in_(meeting_ids), AgendaItem.added_at.is_not(None)
                )
            )
        ).all()
    )
    proposal_ids = {int(r.params["proposal_id"]) for r in rows if "proposal_id" in r.params}
    pending_proposals = set(
        (
            await session.scalars(
                select(AgendaProposal.id).where(
                    AgendaProposal.id.in_(proposal_ids),
                    AgendaProposal.status == ProposalStatus.PENDING,
                )
            )
        ).all()
    )
    present = {
        (mid, pid or 0)
        for mid, pid in (
            await session.execute(
                select(Attendance.meeting_id, Attendance.person_id).where(
                    Attendance.meeting_id.in_(meeting_ids),
                    Attendance.person_id.in_(person_ids),
                    Attendance.status.in_(PRESENT_KINDS),
                )
            )
        ).all()
    }
    voting = {
        (aid, pid)
        for aid, pid in (
            await session.execute(
                select(Membership.association_id, Membership.person_id).where(
                    Membership.person_id.in_(person_ids), Membership.active, Membership.voting
                )
            )
        ).all()
    }
    questions = dict(
        (
            await session.execute(
                select(AgendaItem.meeting_id, func.count())
                .where(
                    AgendaItem.meeting_id.in_(meeting_ids), AgendaItem.draft_decision.is_not(None)
                )
                .group_by(AgendaItem.meeting_id)
            )
        ).all()
    )
    ballots = dict(
        ((mid, pid or 0), n)
        for mid, pid, n in (
            await session.execute(
                select(Vote.meeting_id, Vote.person_id, func.count())
                .where(Vote.meeting_id.in_(meeting_ids), Vote.person_id.in_(person_ids))
                .group_by(Vote.meeting_id, Vote.person_id)
            )
        ).all()
    )
    item_ids = {int(r.params["item_id"]) for r in rows if "item_id" in r.params}
    open_votes = set(
        (
            await session.scalars(
                select(AgendaItem.id).where(
                    AgendaItem.id.in_(item_ids),
                    AgendaItem.vote_opened_at.is_not(None),
                    AgendaItem.vote_closed_at.is_(None),
                )
            )
        ).all()
    )
    voted = {
        (item, pid or 0)
        for item, pid in (
            await session.execute(
                select(Vote.agenda_item_id, Vote.person_id).where(
                    Vote.agenda_item_id.in_(item_ids), Vote.person_id.in_(person_ids)
                )
            )
        ).all()
    }
    await session.commit()
    facts = _Facts(
        found,
        zones,
        roles,
        answers,
        changed_agenda,
        pending_proposals,
        present,
        voting,
        questions,
        ballots,
        open_votes,
        voted,
    )
    return {row.id for row in rows if not _still_wanted(row, facts)}


@dataclass(frozen=True)
class _Facts:
    meetings: dict[int, Meeting]
    zones: dict[int, str]
    roles: dict[tuple[int, int], Role]
    answers: dict[tuple[int, int], RsvpAnswer]
    changed_agenda: set[int]
    pending_proposals: set[int]
    present: set[tuple[int, int]]  # (meeting, person) marked present or online
    voting: set[tuple[int, int]]  # (association, person) voting members
    questions: dict[int, int]  # meeting → questions with a draft decision
    ballots: dict[tuple[int, int], int]  # (meeting, person) → questions answered
    open_votes: set[int]  # agenda items whose open vote is running
    voted: set[tuple[int, int]]  # (agenda item, person)


def _still_wanted(row: outbox.Claimed, facts: _Facts) -> bool:
    meeting = facts.meetings.get(int(row.params["meeting_id"]))
    if meeting is None:
        return False
    person = row.person_id or 0
    role = facts.roles.get((meeting.association_id, person))
    if row.person_id is not None and role is None:
        return False  # no longer a member, or deleted their data
    revision = row.params.get("revision")
    current = revision is None or int(revision) == meeting.revision
    kind = row.kind
    if kind in _PUBLISHED_KINDS and (meeting.status is not MeetingStatus.PUBLISHED or not current):
        return False
    if kind == Kind.CANCELLED.value:
        return meeting.status is MeetingStatus.CANCELLED and current
    if kind == Kind.REMINDER.value:
        return facts.answers.get((meeting.id, person)) is not RsvpAnswer.NO
    if kind == Kind.NUDGE.value:
        return (meeting.id, person) not in facts.answers
    if kind == Kind.FINAL_AGENDA.value:
        return meeting.id in facts.changed_agenda
    if kind == Kind.DRAFT_DEADLINE.value:
        return (
            meeting.status is MeetingStatus.DRAFT
            and role in (Role.CHAIR, Role.DEPUTY, Role.SECRETARY)
            and _day_of(meeting, facts.zones[meeting.association_id]) == row.params.get("day")
        )
    if kind == Kind.CONFIRM.value:
        return meeting.status is MeetingStatus.AWAITING_CHAIR and role in (
            Role.CHAIR,
            Role.DEPUTY,
        )
    if kind == "meeting_proposal":
        return int(row.params["proposal_id"]) in facts.pending_proposals
    if kind == attendance.CHECKIN:
        return (
            meeting.status is MeetingStatus.PUBLISHED
            and meeting.checkin_opened_at is not None
            and meeting.checkin_closed_at is None
            and (meeting.id, person) not in facts.present
        )
    if kind == attendance.VOTE:
        item = int(row.params["item_id"])
        return item in facts.open_votes and (item, person) not in facts.voted
    if kind == attendance.BALLOT_REMINDER:
        return (
            meeting.status is MeetingStatus.PUBLISHED
            and current
            and (meeting.association_id, person) in facts.voting
            and facts.ballots.get((meeting.id, person), 0) < facts.questions.get(meeting.id, 0)
        )
    return True


def _day_of(meeting: Meeting, timezone: str) -> str | None:
    moment = meeting.ballot_deadline if meeting.form is MeetingForm.ABSENTEE else meeting.starts_at
    return None if moment is None else deadlines.local_day(moment, timezone).isoformat()
