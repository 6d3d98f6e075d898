"""A member's own attendance (/myattendance)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models import Presence
from services.attendance import queries
from services.deadlines import local_day
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.tx import reads


@dataclass(frozen=True)
class HistoryRow:
    meeting_id: int
    day: date
    topic: str
    association: str
    status: Presence | None


@reads
async def history(session: AsyncSession, actor: Actor, limit: int = 30) -> list[HistoryRow]:
    """A member's own attendance: the meetings of their associations that took place."""
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    rows = await session.execute(queries.history(actor.person_id, limit))
    found = []
    for meeting, association, status in rows.all():
        moment = meeting.starts_at or meeting.ballot_deadline
        assert moment is not None
        found.append(
            HistoryRow(
                meeting.id,
                local_day(moment, association.timezone),
                meeting.topic,
                association.name,
                status,
            )
        )
    return found
