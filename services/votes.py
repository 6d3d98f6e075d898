"""Open votes in the room and absentee ballots (DOMAIN.md, "Quorum and decisions").

Open vote: the chair starts it on a question with a draft decision; present voting members
answer За / Против / Воздержался, changeable until the chair closes it; the result takes P at
the moment of closing. Ballot (absentee, hybrid): answered question by question in the chat
until the ballot deadline; P counts those who answered; results when it closes. Either way one
row per (question, person)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    PRESENT_KINDS,
    AgendaItem,
    Association,
    Attendance,
    Choice,
    Meeting,
    MeetingForm,
    MeetingStatus,
    Membership,
    Person,
    Vote,
)
from services import attendance, audit, outbox
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Scope, require
from services.quorum import Fraction, Quorum, Tally, adopted
from services.tx import atomic, read_only


@dataclass(frozen=True)
class Result:
    item_id: int
    position: int
    title: str
    tally: Tally
    quorum: Quorum
    adopted: bool


async def _item(session: AsyncSession, item_id: int) -> tuple[AgendaItem, Meeting, Association]:
    item = await session.get(AgendaItem, item_id, with_for_update=True)
    if item is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    meeting = await session.get_one(Meeting, item.meeting_id)
    association = await session.get_one(Association, meeting.association_id)
    return item, meeting, association


def _live(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.CANCELLED:
        raise DomainError(ErrorCode.MEETING_CANCELLED)
    if meeting.status is MeetingStatus.ENDED:
        raise DomainError(ErrorCode.MEETING_ENDED)
    if meeting.status is not MeetingStatus.PUBLISHED:
        raise DomainError(ErrorCode.NOT_PUBLISHED)


async def _voting_member(session: AsyncSession, association_id: int, person_id: int) -> bool | None:
    """None: not an active member; else whether they vote."""
    return await session.scalar(
        select(Membership.voting).where(
            Membership.association_id == association_id,
            Membership.person_id == person_id,
            Membership.active,
        )
    )


async def _present_voters(session: AsyncSession, meeting: Meeting) -> list[int]:
    rows = await session.scalars(
        select(Attendance.person_id).where(
            Attendance.meeting_id == meeting.id,
            Attendance.status.in_(PRESENT_KINDS),
            Attendance.voting,
            Attendance.person_id.is_not(None),
        )
    )
    return [pid for pid in rows.all() if pid is not None]


@atomic
async def open_vote(session: AsyncSession, actor: Actor, item_id: int, now: datetime) -> int:
    """The chair starts the open vote on a question: present voting members get the
    buttons. Returns how many were asked."""
    item, meeting, association = await _item(session, item_id)
    require(actor, Action.RUN_VOTES, Scope(association.service_id, association.id))
    _live(meeting)
    if meeting.form is not MeetingForm.IN_PERSON:
        raise DomainError(ErrorCode.BY_BALLOT)
    if not item.draft_decision:
        raise DomainError(ErrorCode.NO_DECISION)
    if item.vote_closed_at is not None:
        raise DomainError(ErrorCode.VOTE_CLOSED)
    item.vote_opened_at = item.vote_opened_at or now
    voters = await _present_voters(session, meeting)
    await outbox.enqueue(
        session,
        [
            outbox.Outgoing(
                kind=attendance.VOTE,
                person_id=pid,
                group_key=f"meeting:{meeting.id}:vote:{item.id}",
                dedupe_key=f"meeting:{meeting.id}:vote:{item.id}:person={pid}",
                due_at=now,
                params={"meeting_id": meeting.id, "item_id": item.id},
            )
            for pid in voters
        ],
    )
    audit.record(
        session,
        actor,
        "vote.opened",
        now,
        association_id=association.id,
        object_type="agenda_item",
        object_id=item.id,
    )
    await session.commit()
    return len(voters)


def ballot_deadline(meeting: Meeting) -> datetime | None:
    """Absentee: its ballot deadline; hybrid: that, or the end of the gathering."""
    if meeting.ballot_deadline is not None:
        return meeting.ballot_deadline
    if meeting.form is MeetingForm.HYBRID and meeting.starts_at is not None:
        return meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
    return None


def ballot_open(meeting: Meeting, now: datetime) -> bool:
    deadline = ballot_deadline(meeting)
    return (
        meeting.status is MeetingStatus.PUBLISHED
        and meeting.form is not MeetingForm.IN_PERSON
        and deadline is not None
        and now < deadline
    )


async def _upsert(
    session: AsyncSession,
    item: AgendaItem,
    person_id: int,
    choice: Choice,
    now: datetime,
    *,
    by_ballot: bool,
    by_hand_id: int | None = None,
) -> None:
    await session.execute(
        outbox.insert_for(session)(Vote)
        .values(
            agenda_item_id=item.id,
            meeting_id=item.meeting_id,
            person_id=person_id,
            choice=choice,
            by_ballot=by_ballot,
            by_hand_id=by_hand_id,
            at=now,
        )
        .on_conflict_do_update(
            index_elements=["agenda_item_id", "person_id"],
            set_={"choice": choice, "at": now, "by_hand_id": by_hand_id},
        )
    )


@atomic
async def cast(
    session: AsyncSession, actor: Actor, item_id: int, choice: Choice, now: datetime
) -> Choice:
    """A member's own vote: in an open vote while it is open and they are marked present,
    or on the ballot until its deadline. Changeable until the vote closes; a double tap
    writes one row. Nobody votes for another."""
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    item, meeting, association = await _item(session, item_id)
    require(actor, Action.PARTICIPATE, Scope(association.service_id, association.id))
    _live(meeting)
    voting = await _voting_member(session, association.id, actor.person_id)
    if not voting:
        raise DomainError(ErrorCode.NOT_VOTING)
    if not item.draft_decision:
        raise DomainError(ErrorCode.NO_DECISION)
    if item.vote_closed_at is not None:
        raise DomainError(ErrorCode.VOTE_CLOSED)
    if meeting.form is MeetingForm.IN_PERSON:
        if item.vote_opened_at is None:
            raise DomainError(ErrorCode.VOTE_NOT_OPEN)
        present = await session.scalar(
            select(Attendance.status).where(
                Attendance.meeting_id == meeting.id, Attendance.person_id == actor.person_id
            )
        )
        if present not in PRESENT_KINDS:
            raise DomainError(ErrorCode.NOT_PRESENT)
        await _upsert(session, item, actor.person_id, choice, now, by_ballot=False)
    else:  # absentee and hybrid meetings vote by ballot (people in the room answer it too)
        if not ballot_open(meeting, now):
            raise DomainError(ErrorCode.BALLOT_CLOSED)
        await _upsert(session, item, actor.person_id, choice, now, by_ballot=True)
    await session.commit()
    return choice


@atomic
async def record_by_hand(
    session: AsyncSession,
    actor: Actor,
    item_id: int,
    person_id: int,
    choice: Choice,
    now: datetime,
) -> None:
    """The secretary records the open vote a roll-marked member without the bot gave by
    hand in the room; logged as such."""
    item, meeting, association = await _item(session, item_id)
    require(actor, Action.RUN_CHECKIN, Scope(association.service_id, association.id))
    _live(meeting)
    if item.vote_opened_at is None:
        raise DomainError(ErrorCode.VOTE_NOT_OPEN)
    if item.vote_closed_at is not None:
        raise DomainError(ErrorCode.VOTE_CLOSED)
    mark = await session.scalar(
        select(Attendance).where(
            Attendance.meeting_id == meeting.id, Attendance.person_id == person_id
        )
    )
    if mark is None or not mark.by_roll or mark.status not in PRESENT_KINDS:
        raise DomainError(ErrorCode.NOT_ON_ROLL)
    if not await _voting_member(session, association.id, person_id):
        raise DomainError(ErrorCode.NOT_VOTING)
    await _upsert(
        session, item, person_id, choice, now, by_ballot=False, by_hand_id=actor.person_id
    )
    audit.record(
        session,
        actor,
        "vote.recorded_by_hand",
        now,
        association_id=association.id,
        object_type="agenda_item",
        object_id=item.id,
        person_id=person_id,
    )
    await session.commit()


@dataclass(frozen=True)
class HandRow:
    person_id: int
    name: str
    choice: Choice | None  # what has been recorded for them so far


@atomic
async def by_hand_rows(session: AsyncSession, actor: Actor, item_id: int) -> list[HandRow]:
    """Whose open vote the secretary may record by hand: voting members marked present on
    the roll (in the room without the bot), with what is recorded for each so far."""
    await read_only(session)
    row = (
        await session.execute(
            select(AgendaItem, Meeting, Association)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .join(Association, Association.id == Meeting.association_id)
            .where(AgendaItem.id == item_id)
        )
    ).first()
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    item, meeting, association = row
    require(actor, Action.RUN_CHECKIN, Scope(association.service_id, association.id))
    _live(meeting)
    if item.vote_opened_at is None:
        raise DomainError(ErrorCode.VOTE_NOT_OPEN)
    if item.vote_closed_at is not None:
        raise DomainError(ErrorCode.VOTE_CLOSED)
    rows = (
        await session.execute(
            select(Attendance.person_id, Person.full_name, Vote.choice)
            .join(Person, Person.id == Attendance.person_id)
            .outerjoin(
                Vote,
                (Vote.agenda_item_id == item.id) & (Vote.person_id == Attendance.person_id),
            )
            .where(
                Attendance.meeting_id == meeting.id,
                Attendance.by_roll.is_(True),
                Attendance.status.in_(PRESENT_KINDS),
                Attendance.voting.is_(True),
            )
            .order_by(Person.full_name, Attendance.person_id)
        )
    ).all()
    await session.commit()
    return [HandRow(pid, name or "—", choice) for pid, name, choice in rows if pid is not None]


async def _tally(session: AsyncSession, item: AgendaItem, *, ballot: bool) -> Tally:
    rows = dict(
        (
            await session.execute(
                select(Vote.choice, func.count())
                .where(Vote.agenda_item_id == item.id, Vote.by_ballot.is_(ballot))
                .group_by(Vote.choice)
            )
        ).all()
    )
    return Tally(
        int(rows.get(Choice.FOR, 0)),
        int(rows.get(Choice.AGAINST, 0)),
        int(rows.get(Choice.ABSTAIN, 0)),
    )


async def _close(
    session: AsyncSession,
    item: AgendaItem,
    meeting: Meeting,
    association: Association,
    now: datetime,
    *,
    ballot: bool,
) -> Result:
    quorum = await attendance._quorum(session, meeting, association)
    tally = await _tally(session, item, ballot=ballot)
    item.vote_closed_at = now
    item.votes_for, item.votes_against, item.votes_abstain = (
        tally.for_,
        tally.against,
        tally.abstain,
    )
    item.vote_present, item.vote_members = quorum.present, quorum.members
    item.vote_adopted = adopted(quorum, tally)
    return Result(item.id, item.position, item.title, tally, quorum, item.vote_adopted)


@atomic
async def close_vote(session: AsyncSession, actor: Actor, item_id: int, now: datetime) -> Result:
    """The chair closes the open vote: the tally and whether the decision is adopted, with P
    at this moment. Present members get the result."""
    item, meeting, association = await _item(session, item_id)
    require(actor, Action.RUN_VOTES, Scope(association.service_id, association.id))
    _live(meeting)
    if item.vote_opened_at is None:
        raise DomainError(ErrorCode.VOTE_NOT_OPEN)
    if item.vote_closed_at is not None:
        raise DomainError(ErrorCode.VOTE_CLOSED)
    result = await _close(session, item, meeting, association, now, ballot=False)
    voters = await _present_voters(session, meeting)
    await outbox.enqueue(
        session,
        [
            outbox.Outgoing(
                kind=attendance.VOTE_RESULT,
                person_id=pid,
                group_key=f"meeting:{meeting.id}:result:{item.id}",
                dedupe_key=f"meeting:{meeting.id}:result:{item.id}:person={pid}",
                due_at=now,
                params={"meeting_id": meeting.id, "item_id": item.id},
            )
            for pid in voters
        ],
    )
    audit.record(
        session,
        actor,
        "vote.closed",
        now,
        association_id=association.id,
        object_type="agenda_item",
        object_id=item.id,
        adopted=result.adopted,
    )
    await session.commit()
    return result


async def close_open_votes(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> list[Result]:
    """The meeting ends with a vote still open (the chair forgot to close it): it closes now."""
    items = (
        await session.scalars(
            select(AgendaItem).where(
                AgendaItem.meeting_id == meeting.id,
                AgendaItem.vote_opened_at.is_not(None),
                AgendaItem.vote_closed_at.is_(None),
            )
        )
    ).all()
    return [await _close(session, item, meeting, association, now, ballot=False) for item in items]


async def close_ballots(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> list[Result]:
    """At the ballot deadline (in the caller's transaction): every question's result, P being
    those who answered the ballot; members get the results."""
    items = (
        await session.scalars(
            select(AgendaItem)
            .where(
                AgendaItem.meeting_id == meeting.id,
                AgendaItem.vote_closed_at.is_(None),
                AgendaItem.draft_decision.is_not(None),
            )
            .order_by(AgendaItem.position)
        )
    ).all()
    results = [
        await _close(session, item, meeting, association, now, ballot=True) for item in items
    ]
    if results:
        members = await attendance._members(session, association.id)
        await outbox.enqueue(
            session,
            [
                outbox.Outgoing(
                    kind=attendance.VOTE_RESULT,
                    person_id=pid,
                    group_key=f"meeting:{meeting.id}:ballot_results",
                    dedupe_key=f"meeting:{meeting.id}:ballot_results:person={pid}",
                    due_at=now,
                    params={"meeting_id": meeting.id, "ballot": True},
                )
                for pid in members
            ],
        )
    return results


@dataclass(frozen=True)
class BallotQuestion:
    item_id: int
    position: int
    title: str
    draft_decision: str
    answer: Choice | None


@atomic
async def ballot(
    session: AsyncSession, actor: Actor, meeting_id: int, now: datetime
) -> list[BallotQuestion]:
    """A member's ballot: each question with its draft decision and their answer so far."""
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, Action.PARTICIPATE, Scope(association.service_id, association.id))
    _live(meeting)
    if not ballot_open(meeting, now):
        raise DomainError(ErrorCode.BALLOT_CLOSED)
    if not await _voting_member(session, association.id, actor.person_id):
        raise DomainError(ErrorCode.NOT_VOTING)
    answers = dict(
        (
            await session.execute(
                select(Vote.agenda_item_id, Vote.choice).where(
                    Vote.meeting_id == meeting.id, Vote.person_id == actor.person_id
                )
            )
        ).all()
    )
    items = (
        await session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.draft_decision.is_not(None))
            .order_by(AgendaItem.position)
        )
    ).all()
    found = [
        BallotQuestion(i.id, i.position, i.title, i.draft_decision or "", answers.get(i.id))
        for i in items
    ]
    await session.commit()
    return found


@atomic
async def results(session: AsyncSession, meeting_id: int) -> list[Result]:
    """The closed votes of a meeting, by question."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    items = (
        await session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.vote_closed_at.is_not(None))
            .order_by(AgendaItem.position)
        )
    ).all()
    found = [
        Result(
            i.id,
            i.position,
            i.title,
            Tally(i.votes_for or 0, i.votes_against or 0, i.votes_abstain or 0),
            Quorum(
                i.vote_present or 0,
                i.vote_members or 0,
                Fraction(association.validity_num, association.validity_den),
                Fraction(association.decision_num, association.decision_den),
            ),
            bool(i.vote_adopted),
        )
        for i in items
    ]
    await session.commit()
    return found


@atomic
async def item_meeting(session: AsyncSession, item_id: int) -> int:
    """The meeting a question belongs to (for buttons that carry only the question)."""
    found = await session.scalar(select(AgendaItem.meeting_id).where(AgendaItem.id == item_id))
    await session.commit()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return found
