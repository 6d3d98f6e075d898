"""Broadcasts somebody started (an announcement, a meeting's notice): the progress message
they see, edited as the group goes out, and the summary of who could not be reached.

The summary is an outbox row of its own (`SUMMARY_KIND`, key `keys.broadcast_summary`),
enqueued in the transaction that marks the broadcast finished: it is retried, survives a
restart and goes once, as a member's message does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Broadcast
from services import outbox
from services.outbox import keys
from services.tx import reads, writes

SUMMARY_KIND = "broadcast_summary"


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


def _view(b: Broadcast) -> BroadcastView:
    return BroadcastView(
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


@writes
async def set_message(
    session: AsyncSession, broadcast_id: int, message_id: int, text: str | None = None
) -> bool:
    """Record the progress message, unless one is recorded already (the handler's and the
    engine's may cross): False then, and the caller deletes its own."""
    values: dict[str, object] = {"message_id": message_id}
    if text is not None:
        values["last_text"] = text[:500]
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.message_id.is_(None))
        .values(values)
        .returning(Broadcast.id)
    )
    return result.first() is not None


@reads
async def get(session: AsyncSession, broadcast_id: int) -> BroadcastView | None:
    found = await session.get(Broadcast, broadcast_id)
    return _view(found) if found is not None else None


@reads
async def unfinished(session: AsyncSession) -> list[BroadcastView]:
    rows = await session.scalars(
        select(Broadcast).where(Broadcast.finished_at.is_(None)).order_by(Broadcast.id)
    )
    return [_view(b) for b in rows.all()]


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
async def set_message_for(session: AsyncSession, group_key: str, message_id: int) -> bool:
    """`set_message` by the broadcast's group (a meeting's notices)."""
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.group_key == group_key, Broadcast.message_id.is_(None))
        .values(message_id=message_id)
        .returning(Broadcast.id)
    )
    return result.first() is not None


@writes
async def finish(session: AsyncSession, broadcast_id: int, text: str, now: datetime) -> bool:
    """Mark a broadcast finished and enqueue its summary to the one who started it, in one
    transaction; True only for the one caller that did. The summary's key is the
    broadcast's, so two processes, or a restart, never send it twice."""
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.finished_at.is_(None))
        .values(finished_at=now, last_text=text[:500], last_edit_at=now)
        .returning(Broadcast.chat_id)
    )
    found = result.first()
    if found is None:
        return False
    summary = outbox.Outgoing(
        kind=SUMMARY_KIND,
        dedupe_key=keys.broadcast_summary(broadcast_id),
        group_key=keys.broadcast_group(broadcast_id),
        due_at=now,
        params={"broadcast_id": broadcast_id},
        chat_id=found.chat_id,
    )
    await outbox.enqueue(session, [summary])
    return True
