"""The live quorum: P and M of a meeting, the chair's quorum view, and the quorum card the
scheduler keeps up to date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Meeting, MeetingForm
from services.attendance import queries
from services.attendance.access import running_meeting, scope_of
from services.attendance.members import voting_count
from services.attendance.rules import checkin_open
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, decide
from services.quorum import Fraction, Quorum
from services.tx import reads, writes


async def meeting_quorum(
    session: AsyncSession, meeting: Meeting, association: Association
) -> Quorum:
    """P and M now, with the association's fractions (DOMAIN.md, "Quorum and decisions")."""
    members = await voting_count(session, association.id)
    present = int(await session.scalar(queries.present_voters_at(meeting, association.id)) or 0)
    return Quorum(
        present,
        members,
        Fraction(association.validity_num, association.validity_den),
        Fraction(association.decision_num, association.decision_den),
    )


@dataclass(frozen=True)
class QuorumView:
    quorum: Quorum
    checked_in: int  # everyone marked present (guests and non-voting members too)
    checkin_open: bool
    checkin_closes_at: datetime | None
    code: str | None
    form: MeetingForm


async def quorum_view(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> QuorumView:
    q = await meeting_quorum(session, meeting, association)
    checked = int(await session.scalar(queries.checked_in(meeting.id)) or 0)
    return QuorumView(
        q,
        checked,
        checkin_open(meeting, now),
        meeting.checkin_closes_at,
        meeting.checkin_code,
        meeting.form,
    )


@reads
async def quorum(session: AsyncSession, actor: Actor, meeting_id: int, now: datetime) -> QuorumView:
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    if decide(actor, Action.MANAGE_MEETING, scope_of(association)) is Decision.DENY:
        raise DomainError(ErrorCode.FORBIDDEN)
    return await quorum_view(session, meeting, association, now)


@writes
async def set_card(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    chat_id: int,
    message_id: int,
    text: str,
    now: datetime,
) -> None:
    """The chair's (or secretary's) quorum card message, kept up to date by the scheduler."""
    meeting, _association = await running_meeting(session, actor, meeting_id, Action.RUN_CHECKIN)
    meeting.card_chat_id, meeting.card_message_id = chat_id, message_id
    meeting.card_text, meeting.card_at = text, now


@dataclass(frozen=True)
class LiveCard:
    meeting_id: int
    chat_id: int
    message_id: int
    text: str | None
    at: datetime | None
    locale: str
    quorum: QuorumView


@reads
async def live_cards(session: AsyncSession, now: datetime) -> list[LiveCard]:
    """Quorum cards of meetings under way (published, with a card), with their figures."""
    rows = (await session.execute(queries.live_cards())).all()
    found = []
    for meeting, association in rows:
        assert meeting.card_chat_id is not None and meeting.card_message_id is not None
        found.append(
            LiveCard(
                meeting.id,
                meeting.card_chat_id,
                meeting.card_message_id,
                meeting.card_text,
                meeting.card_at,
                association.locale,
                await quorum_view(session, meeting, association, now),
            )
        )
    return found


@writes
async def record_card(session: AsyncSession, meeting_id: int, text: str, now: datetime) -> None:
    await session.execute(
        update(Meeting).where(Meeting.id == meeting_id).values(card_text=text, card_at=now)
    )
