"""How long finished rows are kept: delivery figures stay visible for a while, then go."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxMessage, OutboxStatus

FINAL = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED)


async def purge_finished(session: AsyncSession, before: datetime) -> int:
    """Delete the finished rows (sent, failed, cancelled) that were due before `before`;
    rows waiting or in flight stay whatever their age. In the caller's transaction."""
    result = await session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.status.in_(FINAL), OutboxMessage.due_at < before)
        .returning(OutboxMessage.id)
    )
    return len(result.all())
