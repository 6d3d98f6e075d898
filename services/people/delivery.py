"""Where to reach people: their chat, language and whether messages get through."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Identity
from services.people import queries
from services.people.actor import TELEGRAM
from services.tx import reads, writes


@writes
async def mark_reachable(
    session: AsyncSession, external_ids: Iterable[int], reachable: bool, platform: str = TELEGRAM
) -> None:
    """Record whether messages reach these accounts; writes only rows that change."""
    ids = list(external_ids)
    if not ids:
        return
    await session.execute(
        update(Identity)
        .where(
            Identity.platform == platform,
            Identity.external_id.in_(ids),
            Identity.reachable.is_not(reachable),
        )
        .values(reachable=reachable)
    )


@dataclass(frozen=True)
class DeliveryTarget:
    chat_id: int | None  # None: a roster person who has not joined the bot yet
    locale: str | None
    reachable: bool | None


@reads
async def delivery_targets(
    session: AsyncSession, person_ids: Iterable[int], platform: str = TELEGRAM
) -> dict[int, DeliveryTarget]:
    """Where and in which language to reach each person now (one query for a batch)."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    rows = await session.execute(queries.delivery_targets(ids, platform))
    return {pid: DeliveryTarget(chat, locale, ok) for pid, locale, chat, ok in rows.all()}
