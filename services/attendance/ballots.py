"""Absentee ballots (absentee and hybrid meetings): answered question by question in the chat
until the ballot deadline; P counts those who answered; results when it closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Choice, Meeting
from services import outbox
from services.attendance import queries
from services.attendance.access import ensure_live
from services.attendance.kinds import VOTE_RESULT
from services.attendance.members import is_voting, member_ids
from services.attendance.rules import ballot_open
from services.attendance.votes import Result, close_item
from services.errors import DomainError, ErrorCode
from services.outbox import keys
from services.permissions import Action, Actor, Scope, require
from services.tx import reads


async def close_ballots(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> list[Result]:
    """At the ballot deadline (in the caller's transaction): every question's result, P being
    those who answered the ballot; members get the results."""
    items = (await session.scalars(queries.ballot_questions(meeting.id, unclosed=True))).all()
    results = [
        await close_item(session, item, meeting, association, now, ballot=True) for item in items
    ]
    if results:
        members = await member_ids(session, association.id)
        await outbox.fan_out(
            session,
            members,
            kind=VOTE_RESULT,
            group_key=keys.ballot_results_group(meeting.id),
            dedupe_key=lambda pid: keys.ballot_results(meeting_id=meeting.id, person_id=pid),
            due_at=now,
            params={"meeting_id": meeting.id, "ballot": True},
        )
    return results


@dataclass(frozen=True)
class BallotQuestion:
    item_id: int
    position: int
    title: str
    draft_decision: str
    answer: Choice | None


@reads
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
    ensure_live(meeting)
    if not ballot_open(meeting, now):
        raise DomainError(ErrorCode.BALLOT_CLOSED)
    if not await is_voting(session, association.id, actor.person_id):
        raise DomainError(ErrorCode.NOT_VOTING)
    answers = dict((await session.execute(queries.answers(meeting.id, actor.person_id))).all())
    items = (await session.scalars(queries.ballot_questions(meeting.id))).all()
    return [
        BallotQuestion(i.id, i.position, i.title, i.draft_decision or "", answers.get(i.id))
        for i in items
    ]
