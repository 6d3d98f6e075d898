"""The use cases of the overview: which services a person may see, the rows of a service
(or of all the person's services) by attention, and one association's card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association
from services.errors import DomainError, ErrorCode
from services.overview import queries
from services.overview.gather import gather, sort_by_attention
from services.overview.rows import OverviewRow
from services.permissions import Action, Actor, Decision, Scope, decide
from services.tx import reads


@dataclass(frozen=True)
class Overview:
    services: tuple[tuple[int, str], ...]  # (id, name) in the overview, by name
    rows: tuple[OverviewRow, ...]  # by attention


async def _services(session: AsyncSession, actor: Actor) -> list[int]:
    ids = (await session.scalars(queries.all_services())).all()
    return [s for s in ids if decide(actor, Action.VIEW_OVERVIEW, Scope(s)) is Decision.ALLOW]


@reads
async def overview(
    session: AsyncSession, actor: Actor, now: datetime, service_id: int | None = None
) -> Overview:
    """Every association of one service, or of every service the actor oversees.
    FORBIDDEN for anyone but the service's methodists and the admins."""
    allowed = await _services(session, actor)
    if service_id is not None:
        if service_id not in allowed:
            raise DomainError(ErrorCode.FORBIDDEN)
        allowed = [service_id]
    if not allowed:
        raise DomainError(ErrorCode.FORBIDDEN)
    rows = sort_by_attention(await gather(session, queries.of_services(allowed), now))
    named = (await session.execute(queries.services(allowed))).all()
    return Overview(
        services=tuple(sorted(named, key=lambda s: (s[1].casefold(), s[0]))),
        rows=tuple(rows),
    )


@reads
async def card(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    now: datetime,
    service_id: int | None = None,
) -> OverviewRow:
    """One association's row. NOT_FOUND for none (or one not of `service_id`, the service
    whose overview the tap came from); FORBIDDEN outside the actor's services."""
    association = await session.get(Association, association_id)
    if association is None or service_id not in (None, association.service_id):
        raise DomainError(ErrorCode.NOT_FOUND)
    scope = Scope(association.service_id, association.id)
    if decide(actor, Action.VIEW_OVERVIEW, scope) is not Decision.ALLOW:
        raise DomainError(ErrorCode.FORBIDDEN)
    [row] = await gather(session, queries.of_association(association_id), now)
    return row


async def overseen(session: AsyncSession, actor: Actor) -> list[int]:
    """The services whose overview the actor sees: the scope of the needs breakdown too."""
    return await _services(session, actor)
