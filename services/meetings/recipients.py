"""Who a meeting's messages go to."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import Role
from services.meetings import queries


async def member_ids(session: AsyncSession, association_id: int) -> list[int]:
    """The members every notice goes to (the meetings package's one member query; the
    attendance package has its own until they are unified)."""
    return list((await session.scalars(queries.member_ids(association_id))).all())


async def staff_ids(
    session: AsyncSession, association_id: int, roles: tuple[Role, ...]
) -> list[int]:
    return sorted(set((await session.scalars(queries.staff_ids(association_id, roles))).all()))
