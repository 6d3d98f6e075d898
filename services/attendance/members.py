"""Who is in the association: its members' ids (those who get its notices), the register's
list by name, M, people's names, and the default chair and secretary. All of it counts an
active membership as a member (`queries.is_member`); M is the voting ones among them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Meeting, Person, Role
from services.attendance import queries


async def member_ids(session: AsyncSession, association_id: int) -> list[int]:
    """The association's members, by id (people whose data was deleted left out)."""
    return list((await session.scalars(queries.member_ids(association_id))).all())


@dataclass(frozen=True)
class MemberRow:
    person_id: int
    name: str
    school: str | None  # the school on the profile now
    voting: bool


async def members_of(session: AsyncSession, association_id: int) -> list[MemberRow]:
    """Every active member, by name (the roll, the register, a protocol's lists)."""
    rows = await session.execute(queries.members_by_name(association_id))
    return [MemberRow(pid, name or "—", school, voting) for pid, name, school, voting in rows.all()]


async def voting_count(session: AsyncSession, association_id: int) -> int:
    """M: the active voting members."""
    return int(await session.scalar(queries.voting_count(association_id)) or 0)


async def is_voting(session: AsyncSession, association_id: int, person_id: int) -> bool | None:
    """None: not an active member; else whether they vote."""
    return await session.scalar(queries.voting(association_id, person_id))


async def names_of(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, str]:
    """People's full names by id («—» for one whose data was deleted)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = await session.execute(select(Person.id, Person.full_name).where(Person.id.in_(wanted)))
    return {pid: name or "—" for pid, name in rows.all()}


async def default_roles(
    session: AsyncSession, association_id: int
) -> tuple[int | None, int | None]:
    """The association's chair and secretary (the first of each), who by default preside
    and keep the minutes."""
    rows = await session.execute(queries.roles(association_id))
    by_role: dict[Role, int] = {}
    for role, pid in rows.all():
        by_role.setdefault(role, pid)
    return by_role.get(Role.CHAIR), by_role.get(Role.SECRETARY)


async def presiding_and_keeper(
    session: AsyncSession, meeting: Meeting
) -> tuple[int | None, int | None]:
    """Who presides (named on the meeting, else the chair) and who keeps the minutes
    (named, else the secretary, else the one presiding): they sign the protocol, and at a
    gathering they count as present from the moment check-in opens."""
    chair, secretary = await default_roles(session, meeting.association_id)
    presiding = meeting.presiding_id or chair
    keeper = meeting.minutes_keeper_id or secretary
    return presiding, keeper or presiding
