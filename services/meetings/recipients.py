"""Who a meeting's messages go to."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import Role
from services import attendance
from services.meetings import queries


async def member_ids(session: AsyncSession, association_id: int) -> list[int]:
    """The members every notice goes to: the association's members as attendance counts
    them (one definition of a member, `services.attendance.member_ids`)."""
    return await attendance.member_ids(session, association_id)


async def staff_ids(
    session: AsyncSession, association_id: int, roles: tuple[Role, ...]
) -> list[int]:
    return sorted(set((await session.scalars(queries.staff_ids(association_id, roles))).all()))
