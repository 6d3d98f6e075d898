"""The municipal school directory: normalized matching and teachers' new schools."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Membership, Municipality, Person, School, SchoolStatus
from services import audit, outbox
from services.capabilities import may_anywhere
from services.errors import DomainError, ErrorCode
from services.outbox import keys
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
    return SchoolView(school.id, school.name, school.status is not SchoolStatus.APPROVED)


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
        if existing.status is SchoolStatus.REJECTED:  # typed again: it waits again
            existing.status = SchoolStatus.PENDING
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


REJECTED_KIND = "school_rejected"  # the outbox row that tells a teacher their school was rejected


async def _reviewable(
    session: AsyncSession, actor: Actor, school_ids: list[int] | None
) -> set[int]:
    """Of the pending schools (all, or those in `school_ids`), the ones the actor reviews:
    the methodists of the school's service, and the chair and deputy of every association
    one of whose members has the school on their profile (who typed it). `decide` reads the
    permission table's row `REVIEW_SCHOOLS` for each of those scopes."""
    stmt = (
        select(School.id, Municipality.service_id, Membership.association_id)
        .join(Municipality, Municipality.id == School.municipality_id)
        .outerjoin(Person, Person.school_id == School.id)
        .outerjoin(Membership, (Membership.person_id == Person.id) & Membership.active.is_(True))
        .where(School.status == SchoolStatus.PENDING)
    )
    if school_ids is not None:
        stmt = stmt.where(School.id.in_(school_ids))
    allowed: set[int] = set()
    for school_id, service_id, association_id in (await session.execute(stmt)).all():
        if decide(actor, Action.REVIEW_SCHOOLS, Scope(service_id, association_id)):
            allowed.add(school_id)
    return allowed


@reads
async def pending_for(session: AsyncSession, actor: Actor) -> list[SchoolView]:
    """The pending schools the actor reviews (`_reviewable`), oldest first."""
    allowed = await _reviewable(session, actor, None)
    if not allowed:
        return []
    found = await session.scalars(select(School).where(School.id.in_(allowed)).order_by(School.id))
    return [SchoolView(s.id, s.name, True) for s in found.all()]


def reviews_schools(actor: Actor) -> bool:
    """Whether the person reviews schools at all (the help page says so): the admin, a
    methodist, a chair or a deputy. Which schools: `pending_for`."""
    return may_anywhere(actor, Action.REVIEW_SCHOOLS)


@writes
async def review(
    session: AsyncSession, actor: Actor, school_id: int, approve: bool, now: datetime
) -> str:
    """Approve a pending school, or reject it. A rejected school is kept, marked rejected:
    the teachers who have it keep it (their attendance marks copy its name as typed) until
    they choose another, and each is told, in their language, with the button to choose."""
    school = await session.get(School, school_id)
    if school is None or school.status is not SchoolStatus.PENDING:
        raise DomainError(ErrorCode.STALE)
    if school.id not in await _reviewable(session, actor, [school.id]):
        raise DomainError(ErrorCode.FORBIDDEN)
    name = school.name
    if approve:
        school.status = SchoolStatus.APPROVED
    else:
        school.status = SchoolStatus.REJECTED
        teachers = (
            await session.scalars(select(Person.id).where(Person.school_id == school.id))
        ).all()
        await outbox.fan_out(
            session,
            sorted(teachers),
            kind=REJECTED_KIND,
            group_key=keys.school_group(school.id),
            dedupe_key=lambda pid: keys.school_rejected(school_id=school.id, person_id=pid),
            due_at=now,
            params={"school": name},
        )
    audit.record(
        session,
        actor,
        "school.approved" if approve else "school.rejected",
        now,
        object_type="school",
        object_id=school_id,
    )
    return name
