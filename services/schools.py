"""The municipal school directory: normalized matching and teachers' new schools."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Municipality, Role, School, SchoolStatus
from services import audit
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Scope, decide, require
from services.tx import reads, writes
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
    # A name of legal-form words only («МОУ») still gets a key of its own.
    return " ".join(seen)[:150] or " ".join(name.lower().split())[:150]


@dataclass(frozen=True)
class SchoolView:
    id: int
    name: str
    pending: bool


@reads
async def search(
    session: AsyncSession, municipality_id: int, query: str | None = None, limit: int = 8
) -> list[SchoolView]:
    """Approved schools of the municipality, best matches of `query` first."""
    stmt = select(School).where(
        School.municipality_id == municipality_id, School.status == SchoolStatus.APPROVED
    )
    schools = list((await session.scalars(stmt.order_by(School.name))).all())
    if query:
        norm = normalize_school(query)
        tokens = set(norm.split())
        scored = [(len(tokens & set(s.norm_name.split())), s) for s in schools if tokens]
        schools = [s for score, s in sorted(scored, key=lambda p: -p[0]) if score > 0]
    return [SchoolView(s.id, s.name, False) for s in schools[:limit]]


@reads
async def matching(session: AsyncSession, municipality_id: int, typed: str) -> SchoolView | None:
    """The school of the municipality with the same normalized name as `typed` (approved,
    or typed before by another teacher and waiting for confirmation), if any."""
    norm = normalize_school(check_name(typed))
    school = await session.scalar(
        select(School).where(School.municipality_id == municipality_id, School.norm_name == norm)
    )
    if school is None:
        return None
    return SchoolView(school.id, school.name, school.status is SchoolStatus.PENDING)


async def approved_in(session: AsyncSession, municipality_id: int, school_id: int) -> SchoolView:
    """An approved school of the municipality (a meeting's venue); NOT_FOUND otherwise.

    Runs inside the caller's transaction."""
    school = await session.get(School, school_id)
    if (
        school is None
        or school.municipality_id != municipality_id
        or school.status is not SchoolStatus.APPROVED
    ):
        raise DomainError(ErrorCode.NOT_FOUND)
    return SchoolView(school.id, school.name, False)


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


@writes
async def add_approved(
    session: AsyncSession,
    actor: Actor,
    municipality_id: int,
    service_id: int,
    name: str,
    now: datetime,
) -> School:
    require(actor, Action.CREATE_ASSOCIATION, Scope(service_id))
    municipality = await session.get(Municipality, municipality_id)
    if municipality is None or municipality.service_id != service_id:
        raise DomainError(ErrorCode.NOT_FOUND)
    school = await resolve_typed(session, municipality_id, name, now)
    school.status = SchoolStatus.APPROVED
    return school


MAX_DIRECTORY_LINES = 500  # schools added to the directory at a time


def parse_school_lines(text: str) -> list[str]:
    """One school per line: blank lines skipped, each name checked (2-150 characters, no
    HTML); any bad line rejects all, with its number, so nothing is half-added."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    if len(lines) > MAX_DIRECTORY_LINES:
        raise DomainError(ErrorCode.TOO_MANY_LINES, max=MAX_DIRECTORY_LINES)
    names: list[str] = []
    for number, line in enumerate(lines, start=1):
        try:
            names.append(check_name(line))
        except DomainError as exc:
            raise DomainError(
                ErrorCode.ROSTER_BAD_LINE,
                line=number,
                reason=exc.code,
                reason_params=dict(exc.params),
            ) from exc
    return names


@dataclass(frozen=True)
class DirectoryAdded:
    municipality: str
    added: int  # new approved schools
    confirmed: int  # schools typed by teachers that waited for approval, now approved
    already: int  # lines naming a school already in the directory (or repeated in the list)


@writes
async def add_approved_bulk(
    session: AsyncSession, actor: Actor, municipality_id: int, text: str, now: datetime
) -> DirectoryAdded:
    """Add approved schools to a municipality's directory, one per line (up to 500).

    Lines are matched by the normalized name (`normalize_school`) against each other and
    against the directory: a school already there is not added twice, and a pending one
    (typed by a teacher) is approved. Only the admin and the methodists of the service that
    covers the municipality may do it.
    """
    municipality = await session.get(Municipality, municipality_id)
    if municipality is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, Action.CREATE_ASSOCIATION, Scope(municipality.service_id))
    names = parse_school_lines(text)
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(normalize_school(name), name)
    existing = {
        school.norm_name: school
        for school in (
            await session.scalars(
                select(School).where(
                    School.municipality_id == municipality_id,
                    School.norm_name.in_(list(wanted)),
                )
            )
        ).all()
    }
    confirmed = 0
    for school in existing.values():
        if school.status is SchoolStatus.PENDING:
            school.status = SchoolStatus.APPROVED
            confirmed += 1
    new_rows = [
        {
            "municipality_id": municipality_id,
            "name": name,
            "norm_name": norm,
            "status": SchoolStatus.APPROVED,
        }
        for norm, name in wanted.items()
        if norm not in existing
    ]
    if new_rows:
        await session.execute(insert(School), new_rows)
    audit.record(
        session,
        actor,
        "school.directory_added",
        now,
        object_type="municipality",
        object_id=municipality_id,
        added=len(new_rows),
        confirmed=confirmed,
    )
    return DirectoryAdded(
        municipality=municipality.name,
        added=len(new_rows),
        confirmed=confirmed,
        already=len(names) - len(new_rows) - confirmed,
    )


@reads
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
    return list(result.values())


REVIEWING_ROLES = frozenset({Role.CHAIR, Role.DEPUTY})


def reviews_schools(actor: Actor) -> bool:
    """Whether the person reviews schools at all (the help page says so): the admin, a
    methodist, a chair or a deputy. Which schools: `pending_for`."""
    return (
        actor.is_admin
        or actor.is_methodist
        or any(role in REVIEWING_ROLES for role in actor.roles.values())
    )


def _may_review(actor: Actor, assoc: Association) -> bool:
    return bool(decide(actor, Action.INVITE_STAFF, Scope(assoc.service_id, assoc.id)))


@writes
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
    return name
