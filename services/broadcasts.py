"""Broadcasts somebody started (an announcement now, notices later): the progress message
they see, edited as the group goes out, and the summary of who could not be reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Broadcast
from services import outbox
from services.tx import reads, writes


@dataclass(frozen=True)
class BroadcastView:
    id: int
    group_key: str
    chat_id: int
    message_id: int | None
    locale: str
    total: int
    last_text: str | None
    last_edit_at: datetime | None
    created_at: datetime


@writes
async def set_message(session: AsyncSession, broadcast_id: int, message_id: int) -> None:
    await session.execute(
        update(Broadcast).where(Broadcast.id == broadcast_id).values(message_id=message_id)
    )


@reads
async def unfinished(session: AsyncSession) -> list[BroadcastView]:
    rows = await session.scalars(
        select(Broadcast).where(Broadcast.finished_at.is_(None)).order_by(Broadcast.id)
    )
    views = [
        BroadcastView(
            b.id,
            b.group_key,
            b.chat_id,
            b.message_id,
            b.locale,
            b.total,
            b.last_text,
            b.last_edit_at,
            b.created_at,
        )
        for b in rows.all()
    ]
    return views


@writes
async def record_progress(
    session: AsyncSession, broadcast_id: int, text: str, now: datetime, *, finished: bool
) -> None:
    values: dict[str, object] = {"last_text": text[:500], "last_edit_at": now}
    if finished:
        values["finished_at"] = now
    await session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values(values))


@dataclass(frozen=True)
class Unreached:
    name: str | None  # None: the person has since deleted their data, or a chat
    code: str


@reads
async def unreached(session: AsyncSession, group_key: str) -> list[Unreached]:
    """Who could not be reached and why, by name, for the person who started it."""
    return [Unreached(f.name, f.code) for f in await outbox.group_failures(session, group_key)]


@writes
async def set_message_for(session: AsyncSession, group_key: str, message_id: int) -> None:
    await session.execute(
        update(Broadcast).where(Broadcast.group_key == group_key).values(message_id=message_id)
    )


@writes
async def finish(session: AsyncSession, broadcast_id: int, text: str, now: datetime) -> bool:
    """Mark a broadcast finished; True only for the one caller that did (it sends the
    summary), so two processes, or a restart, never send it twice."""
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.finished_at.is_(None))
        .values(finished_at=now, last_text=text[:500], last_edit_at=now)
        .returning(Broadcast.id)
    )
    return result.first() is not None
