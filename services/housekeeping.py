"""Daily housekeeping: finished outbox rows and long-expired invites are not kept forever."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models import Invite
from services import outbox
from services.tx import writes

OUTBOX_KEEP = timedelta(days=90)  # delivery figures stay visible for a school term
INVITE_KEEP = timedelta(days=30)  # an expired link still explains itself for a month


@writes
async def purge(session: AsyncSession, now: datetime) -> dict[str, int]:
    outbox_rows = await outbox.purge_finished(session, now - OUTBOX_KEEP)
    invites = await session.execute(
        delete(Invite).where(Invite.expires_at < now - INVITE_KEEP).returning(Invite.id)
    )
    return {"outbox": outbox_rows, "invites": len(invites.all())}
