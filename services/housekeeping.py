"""Daily housekeeping: finished outbox rows and long-expired invites are not kept forever."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models import Invite, OutboxMessage
from services.outbox import FINAL
from services.tx import atomic

OUTBOX_KEEP = timedelta(days=90)  # delivery figures stay visible for a school term
INVITE_KEEP = timedelta(days=30)  # an expired link still explains itself for a month


@atomic
async def purge(session: AsyncSession, now: datetime) -> dict[str, int]:
    outbox_rows = await session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.status.in_(FINAL), OutboxMessage.due_at < now - OUTBOX_KEEP)
        .returning(OutboxMessage.id)
    )
    invites = await session.execute(
        delete(Invite).where(Invite.expires_at < now - INVITE_KEEP).returning(Invite.id)
    )
    counts = {"outbox": len(outbox_rows.all()), "invites": len(invites.all())}
    await session.commit()
    return counts
