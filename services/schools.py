"""The municipal school directory: normalized matching and teachers' new schools."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, School, SchoolStatus
from services import audit
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Scope, decide, require
from services.tx import atomic
from services.validation import check_name

# Legal-form prefixes that say nothing about which school it is.
_FORMS = re.compile(
    r"\b(?:[мгч]?[бак]?оу|мбоу|маоу|мкоу|гбоу|гоу|моу|чоу|ано|ноу|муниципальное|"
    r"государственное|бюджетное|автономное|казенное|казённое|общеобразовательное|"
    r"учреждение|образовательное)\b"
)
_SCHOOL_WORDS = re.compile(
    r"\b(?:средняя общеобразовательная школа|основная общеобразовательная школа|"
    r"общеобразовательная школа|средняя школа|основная школа|сош|оош|школа)\b"
)


def normalize_school(name: str) -> str:
    """«МОУ СОШ № 5» and «Школа №5» both become «школа 5»; «Гимназия № 5» stays a gymnasium."""
    text = name.lower().replace("ё", "е")
    text = re.sub(r"[«»\"'“”„.,()\-–—]", " ", text)
    text = text.replace("№", " ")
    text = _FORMS.sub(" ", text)
    text = _SCHOOL_WORDS.sub(" школа ", text)
    words = text.split()
    if any(w.isdigit() for w in words) and not any(
        w in ("гимназия", "лицей", "школа", "интернат", "центр") for w in words
    ):
        words.insert(0, "школа")
    seen: list[str] = []
    for word in words:
        if not seen or seen[-1] != word:
            seen.append(word)
    return " ".join(seen)[:150]


@dataclass(frozen=True)
class SchoolView:
    id: int
    name: str
    pending: bool


@atomic
async def search(
    session: AsyncSession, municipality_id: int, query: str | None = None, limit: int = 8
) -> list[SchoolView]:
    """Approved schools of the municipality, best matches of `query` first."""
    stmt = select(School).where(
        School.municipality_id == municipality_id, School.status == SchoolStatus.APPROVED
    )
    schools = list((await session.scalars(stmt.order_by(School.name))).all())
    await session.commit()  # a read ends its transaction: no lock held while Telegram is called
    if query:
        norm = normalize_school(query)
        tokens = set(norm.split())
        scored = [(len(tokens & set(s.norm_name.split())), s) for s in schools if tokens]
        schools = [s for score, s in sorted(scored, key=lambda p: -p[0]) if score > 0]
    return [SchoolView(s.id, s.name, False) for s in schools[:limit]]


async def resolve_typed(
    session: AsyncSession, municipality_id: int, typed: str, now: datetime
) -> School:
    """The school a teacher typed: an existing one (same normalized name) or a new pending one.

    Runs inside the caller's transaction; validates the name first.
    """
    name = check_name(typed)
    norm = normalize_school(name)
    existing = await session.scalar(
        select(School).where(School.municipality_id == municipality_id, School.norm_name == norm)
    )
    if existing is not None:
        return existing
    school = School(
        municipality_id=municipality_id, name=name, norm_name=norm, status=SchoolStatus.PENDING
    )
    session.add(school)
    await session.flush()
    audit.record(session, None, "school.proposed", now, object_type="school", object_id=school.id)
    return school


@atomic
async def add_approved(
    session: AsyncSession,
    actor: Actor,
    municipality_id: int,
    service_id: int,
    name: str,
    now: datetime,
) -> School:
    require(actor, Action.CREATE_ASSOCIATION, Scope(service_id))
    school = await resolve_typed(session, municipality_id, name, now)
    school.status = SchoolStatus.APPROVED
    await session.commit()
    return school


@atomic
async def pending_for(session: AsyncSession, actor: Actor) -> list[SchoolView]:
    """Pending schools in municipalities where the actor manages an association."""
    stmt = (
        select(School, Association)
        .join(Association, Association.municipality_id == School.municipality_id)
        .where(School.status == SchoolStatus.PENDING)
        .order_by(School.id)
    )
    result: dict[int, SchoolView] = {}
    for school, assoc in (await session.execute(stmt)).all():
        if _may_review(actor, assoc):
            result[school.id] = SchoolView(school.id, school.name, True)
    await session.commit()
    return list(result.values())


def _may_review(actor: Actor, assoc: Association) -> bool:
    return bool(decide(actor, Action.INVITE_STAFF, Scope(assoc.service_id, assoc.id)))


@atomic
async def review(
    session: AsyncSession, actor: Actor, school_id: int, approve: bool, now: datetime
) -> str:
    """Approve a pending school, or reject it (people who chose it keep no school)."""
    school = await session.get(School, school_id)
    if school is None or school.status is not SchoolStatus.PENDING:
        raise DomainError(ErrorCode.STALE)
    assocs = (
        await session.scalars(
            select(Association).where(Association.municipality_id == school.municipality_id)
        )
    ).all()
    if not any(_may_review(actor, a) for a in assocs) and not actor.is_admin:
        raise DomainError(ErrorCode.FORBIDDEN)
    name = school.name
    if approve:
        school.status = SchoolStatus.APPROVED
    else:
        await session.delete(school)
    audit.record(
        session,
        actor,
        "school.approved" if approve else "school.rejected",
        now,
        object_type="school",
        object_id=school_id,
    )
    await session.commit()
    return name
