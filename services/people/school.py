"""The person's school: chosen from the directory of their associations' municipalities, or
typed (then it waits for approval)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Person, School, SchoolStatus
from services import audit, schools
from services.errors import DomainError, ErrorCode
from services.people import queries
from services.people.actor import require_person
from services.permissions import Actor
from services.tx import reads, writes


@dataclass(frozen=True)
class Place:
    id: int
    name: str


async def municipalities(session: AsyncSession, person_id: int) -> list[Place]:
    rows = await session.execute(queries.municipalities_of(person_id))
    return [Place(mid, name) for mid, name in rows.all()]


@reads
async def school_municipalities(session: AsyncSession, actor: Actor) -> list[Place]:
    """Municipalities whose school directory the person may choose from: those of their
    associations."""
    return await municipalities(session, require_person(actor))


async def allowed_municipality(session: AsyncSession, actor: Actor, municipality_id: int) -> None:
    allowed = {m.id for m in await municipalities(session, require_person(actor))}
    if municipality_id not in allowed:
        raise DomainError(ErrorCode.FORBIDDEN)


@reads
async def school_options(
    session: AsyncSession, actor: Actor, municipality_id: int
) -> list[schools.SchoolView]:
    """Approved schools of one of the person's municipalities, to choose from."""
    await allowed_municipality(session, actor, municipality_id)
    return await schools.search(session, municipality_id)


@writes
async def choose_school(
    session: AsyncSession, actor: Actor, school_id: int, now: datetime
) -> schools.SchoolView:
    """Move the person to an approved school of one of their municipalities."""
    person = await session.get_one(Person, require_person(actor))
    school = await session.get(School, school_id)
    if school is None or school.status is not SchoolStatus.APPROVED:
        raise DomainError(ErrorCode.STALE)
    await allowed_municipality(session, actor, school.municipality_id)
    person.school_id = school.id
    audit.record(session, actor, "person.school", now, object_type="person", object_id=person.id)
    return schools.SchoolView(school.id, school.name, False)


@writes
async def type_school(
    session: AsyncSession, actor: Actor, municipality_id: int, typed: str, now: datetime
) -> schools.SchoolView:
    """The school the person typed, matched as at registration: a school of the directory
    with the same normalized name, or a new one that waits for approval."""
    person = await session.get_one(Person, require_person(actor))
    await allowed_municipality(session, actor, municipality_id)
    school = await schools.resolve_typed(session, municipality_id, typed, now)
    person.school_id = school.id
    audit.record(session, actor, "person.school", now, object_type="person", object_id=person.id)
    return schools.SchoolView(school.id, school.name, school.status is SchoolStatus.PENDING)
