"""Votes given by hand: the secretary records the open vote of a member marked present on the
roll (in the room without the bot); logged as such."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import PRESENT_KINDS, AgendaItem, Choice
from services import audit
from services.attendance import queries
from services.attendance.access import ensure_live, question
from services.attendance.members import is_voting
from services.attendance.votes import upsert_vote
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Scope, require
from services.tx import reads, writes


def _open_vote(item: AgendaItem) -> None:
    if item.vote_opened_at is None:
        raise DomainError(ErrorCode.VOTE_NOT_OPEN)
    if item.vote_closed_at is not None:
        raise DomainError(ErrorCode.VOTE_CLOSED)


@writes
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
    item, meeting, association = await question(session, item_id)
    require(actor, Action.RUN_CHECKIN, Scope(association.service_id, association.id))
    ensure_live(meeting)
    _open_vote(item)
    mark = await session.scalar(queries.mark(meeting.id, person_id, lock=False))
    if mark is None or not mark.by_roll or mark.status not in PRESENT_KINDS:
        raise DomainError(ErrorCode.NOT_ON_ROLL)
    if not await is_voting(session, association.id, person_id):
        raise DomainError(ErrorCode.NOT_VOTING)
    await upsert_vote(
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


@dataclass(frozen=True)
class HandRow:
    person_id: int
    name: str
    choice: Choice | None  # what has been recorded for them so far


@reads
async def by_hand_rows(session: AsyncSession, actor: Actor, item_id: int) -> list[HandRow]:
    """Whose open vote the secretary may record by hand: voting members marked present on
    the roll (in the room without the bot), with what is recorded for each so far."""
    row = (await session.execute(queries.question_with_meeting(item_id))).first()
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    item, meeting, association = row
    require(actor, Action.RUN_CHECKIN, Scope(association.service_id, association.id))
    ensure_live(meeting)
    _open_vote(item)
    rows = (await session.execute(queries.by_hand(meeting.id, item.id))).all()
    return [HandRow(pid, name or "—", choice) for pid, name, choice in rows if pid is not None]
