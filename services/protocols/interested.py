"""Interested persons: people outside the association (a school director, the methodological
centre) who get each signed protocol too; the chair, deputy, secretary and methodists keep
the list, picked from their contacts; a recipient can stop the copies themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, ProtocolRecipient
from services import audit, outbox
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, require
from services.protocols import queries
from services.protocols.views import scope
from services.tx import reads, writes
from services.validation import clean_line

RECIPIENTS_MAX = 50


@dataclass(frozen=True)
class Recipient:
    chat_id: int
    name: str


async def keeper_scope(session: AsyncSession, actor: Actor, association_id: int) -> Association:
    """The association, for one who may keep its list."""
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, Action.EDIT_ROSTER, scope(association))
    return association


async def listed(session: AsyncSession, association_id: int) -> list[Recipient]:
    rows = await session.execute(queries.interested(association_id))
    return [Recipient(int(chat), name) for chat, name in rows.all()]


@reads
async def recipient_list(
    session: AsyncSession, actor: Actor, association_id: int
) -> list[Recipient]:
    """The association's interested persons (the chair, deputy, secretary, methodists)."""
    await keeper_scope(session, actor, association_id)
    return await listed(session, association_id)


def shared_name(name: str | None, chat_id: int) -> str:
    """The name Telegram shared, as plain text; the id when it is empty or unusable."""
    cleaned = clean_line((name or "").replace("<", "").replace(">", ""))[:150]
    return cleaned if len(cleaned) >= 2 else f"id {chat_id}"


@writes
async def add_recipients(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    shared: list[tuple[int, str | None]],
    now: datetime,
) -> list[Recipient]:
    """Interested persons picked from the actor's contacts (Telegram shares their ids and
    names); one already on the list is not added twice."""
    association = await keeper_scope(session, actor, association_id)
    existing = {r.chat_id for r in await listed(session, association.id)}
    fresh: dict[int, str | None] = {}
    for chat, name in shared:
        if chat > 0 and chat not in existing:
            fresh.setdefault(chat, name)  # the first of a repeated pick
    if len(existing) + len(fresh) > RECIPIENTS_MAX:
        raise DomainError(ErrorCode.TOO_MANY_LINES, max=RECIPIENTS_MAX)
    if fresh:
        await session.execute(
            outbox.insert_for(session)(ProtocolRecipient)
            .values(
                [
                    {
                        "association_id": association.id,
                        "chat_id": chat,
                        "name": shared_name(name, chat),
                        "added_by_id": actor.person_id,
                        "created_at": now,
                    }
                    for chat, name in fresh.items()
                ]
            )
            .on_conflict_do_nothing(index_elements=["association_id", "chat_id"])
        )
        audit.record(
            session,
            actor,
            "protocol.recipients_added",
            now,
            association_id=association.id,
            count=len(fresh),
        )
    return await listed(session, association.id)


@writes
async def remove_recipient(
    session: AsyncSession, actor: Actor, association_id: int, chat_id: int, now: datetime
) -> list[Recipient]:
    association = await keeper_scope(session, actor, association_id)
    await session.execute(queries.drop_interested(association.id, chat_id))
    audit.record(session, actor, "protocol.recipient_removed", now, association_id=association.id)
    return await listed(session, association.id)


@writes
async def unsubscribe(session: AsyncSession, chat_id: int, association_id: int) -> bool:
    """The interested person themselves: no more copies from this association."""
    result = await session.execute(queries.drop_interested(association_id, chat_id))
    return bool(getattr(result, "rowcount", 0))
