"""Open votes in the room (DOMAIN.md, "Quorum and decisions"): the chair opens the vote on a
question with a draft decision; present voting members answer За / Против / Воздержался,
changeable until the chair closes it; the result takes P at the moment of closing. A vote,
in the room or on the ballot, is one row per (question, person)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    PRESENT_KINDS,
    AgendaItem,
    Association,
    Choice,
    Meeting,
    MeetingForm,
    Vote,
)
from services import audit, outbox
from services.attendance import queries
from services.attendance.access import ensure_live, question
from services.attendance.card import meeting_quorum
from services.attendance.kinds import VOTE, VOTE_RESULT
from services.attendance.members import is_voting
from services.attendance.rules import ballot_open
from services.errors import DomainError, ErrorCode
from services.outbox import keys
from services.permissions import Action, Actor, Scope, require
from services.quorum import Fraction, Quorum, Tally, adopted
from services.tx import reads, writes


@dataclass(frozen=True)
class Result:
    item_id: int
    position: int
    title: str
    tally: Tally
    quorum: Quorum
    adopted: bool


async def present_voters(session: AsyncSession, meeting: Meeting) -> list[int]:
    rows = await session.scalars(queries.present_voters(meeting.id))
    return [pid for pid in rows.all() if pid is not None]


async def upsert_vote(
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


async def close_item(
    session: AsyncSession,
    item: AgendaItem,
    meeting: Meeting,
    association: Association,
    now: datetime,
    *,
    ballot: bool,
) -> Result:
    """Close a question's vote: its tally and P, M at this moment are stored on it."""
    quorum = await meeting_quorum(session, meeting, association)
    rows = dict((await session.execute(queries.tally(item.id, ballot=ballot))).all())
    tally = Tally(
        int(rows.get(Choice.FOR, 0)),
        int(rows.get(Choice.AGAINST, 0)),
        int(rows.get(Choice.ABSTAIN, 0)),
    )
    item.vote_closed_at = now
    item.votes_for, item.votes_against, item.votes_abstain = (
        tally.for_,
        tally.against,
        tally.abstain,
    )
    item.vote_present, item.vote_members = quorum.present, quorum.members
    item.vote_adopted = adopted(quorum, tally)
    return Result(item.id, item.position, item.title, tally, quorum, item.vote_adopted)


@writes
async def open_vote(session: AsyncSession, actor: Actor, item_id: int, now: datetime) -> int:
    """The chair starts the open vote on a question: present voting members get the
    buttons. Returns how many were asked."""
    item, meeting, association = await question(session, item_id)
    require(actor, Action.RUN_VOTES, Scope(association.service_id, association.id))
    ensure_live(meeting)
    if meeting.form is not MeetingForm.IN_PERSON:
        raise DomainError(ErrorCode.BY_BALLOT)
    if not item.draft_decision:
        raise DomainError(ErrorCode.NO_DECISION)
    if item.vote_closed_at is not None:
        raise DomainError(ErrorCode.VOTE_CLOSED)
    item.vote_opened_at = item.vote_opened_at or now
    voters = await present_voters(session, meeting)
    await outbox.fan_out(
        session,
        voters,
        kind=VOTE,
        group_key=keys.vote_group(meeting_id=meeting.id, item_id=item.id),
        dedupe_key=lambda pid: keys.vote(meeting_id=meeting.id, item_id=item.id, person_id=pid),
        due_at=now,
        params={"meeting_id": meeting.id, "item_id": item.id},
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
    return len(voters)


@writes
async def cast(
    session: AsyncSession, actor: Actor, item_id: int, choice: Choice, now: datetime
) -> Choice:
    """A member's own vote: in an open vote while it is open and they are marked present,
    or on the ballot until its deadline. Changeable until the vote closes; a double tap
    writes one row. Nobody votes for another."""
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    item, meeting, association = await question(session, item_id)
    require(actor, Action.PARTICIPATE, Scope(association.service_id, association.id))
    ensure_live(meeting)
    if not await is_voting(session, association.id, actor.person_id):
        raise DomainError(ErrorCode.NOT_VOTING)
    if not item.draft_decision:
        raise DomainError(ErrorCode.NO_DECISION)
    if item.vote_closed_at is not None:
        raise DomainError(ErrorCode.VOTE_CLOSED)
    if meeting.form is MeetingForm.IN_PERSON:
        if item.vote_opened_at is None:
            raise DomainError(ErrorCode.VOTE_NOT_OPEN)
        present = await session.scalar(queries.status_of(meeting.id, actor.person_id))
        if present not in PRESENT_KINDS:
            raise DomainError(ErrorCode.NOT_PRESENT)
        await upsert_vote(session, item, actor.person_id, choice, now, by_ballot=False)
    else:  # absentee and hybrid meetings vote by ballot (people in the room answer it too)
        if not ballot_open(meeting, now):
            raise DomainError(ErrorCode.BALLOT_CLOSED)
        await upsert_vote(session, item, actor.person_id, choice, now, by_ballot=True)
    return choice


@writes
async def close_vote(session: AsyncSession, actor: Actor, item_id: int, now: datetime) -> Result:
    """The chair closes the open vote: the tally and whether the decision is adopted, with P
    at this moment. Present members get the result."""
    item, meeting, association = await question(session, item_id)
    require(actor, Action.RUN_VOTES, Scope(association.service_id, association.id))
    ensure_live(meeting)
    if item.vote_opened_at is None:
        raise DomainError(ErrorCode.VOTE_NOT_OPEN)
    if item.vote_closed_at is not None:
        raise DomainError(ErrorCode.VOTE_CLOSED)
    result = await close_item(session, item, meeting, association, now, ballot=False)
    voters = await present_voters(session, meeting)
    await outbox.fan_out(
        session,
        voters,
        kind=VOTE_RESULT,
        group_key=keys.vote_result_group(meeting_id=meeting.id, item_id=item.id),
        dedupe_key=lambda pid: keys.vote_result(
            meeting_id=meeting.id, item_id=item.id, person_id=pid
        ),
        due_at=now,
        params={"meeting_id": meeting.id, "item_id": item.id},
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
    return result


async def close_open_votes(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> list[Result]:
    """The meeting ends with a vote still open (the chair forgot to close it): it closes now
    (in the caller's transaction)."""
    items = (await session.scalars(queries.open_votes(meeting.id))).all()
    return [
        await close_item(session, item, meeting, association, now, ballot=False) for item in items
    ]


@reads
async def results(session: AsyncSession, meeting_id: int) -> list[Result]:
    """The closed votes of a meeting, by question."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    items = (await session.scalars(queries.closed_votes(meeting.id))).all()
    return [
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


@reads
async def item_meeting(session: AsyncSession, item_id: int) -> int:
    """The meeting a question belongs to (for buttons that carry only the question)."""
    found = await session.scalar(queries.meeting_of(item_id))
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return found
