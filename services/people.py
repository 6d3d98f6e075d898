"""Persons and identities: the actor of an update, profile, language, data export, /forget."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Association,
    AuditEntry,
    Category,
    Identity,
    Invite,
    Membership,
    Methodist,
    MethodService,
    Municipality,
    Person,
    Role,
    School,
    SchoolStatus,
)
from services import audit, schools
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.tx import atomic, run_single
from services.validation import check_name, check_number, check_text, check_title

TELEGRAM = "telegram"
LOCALES = ("ru", "en")


def _actor_query() -> Select[int, str | None, int, Role, int]:
    """The person, their active memberships and methodist posts (one row per pair), for the
    bound `platform` and `external_id`."""
    return (
        select(
            Person.id,
            Person.locale,
            Membership.association_id,
            Membership.role,
            Methodist.service_id,
        )
        .join(Identity, Identity.person_id == Person.id)
        .outerjoin(Membership, (Membership.person_id == Person.id) & Membership.active.is_(True))
        .outerjoin(Methodist, (Methodist.person_id == Person.id) & Methodist.active.is_(True))
        .where(
            Identity.platform == bindparam("platform"),
            Identity.external_id == bindparam("external_id"),
        )
    )


# Built once: it runs for every update.
ACTOR_QUERY = _actor_query()


def _actor(external_id: int, is_admin: bool, rows: Sequence[Any]) -> Actor:
    # Outer joins: a person without memberships or posts has None in those columns.
    if not rows:
        return Actor(external_id=external_id, is_admin=is_admin)
    return Actor(
        external_id=external_id,
        person_id=rows[0][0],
        is_admin=is_admin,
        roles={assoc_id: role for _p, _l, assoc_id, role, _s in rows if assoc_id is not None},
        methodist_services=frozenset(row[4] for row in rows if row[4] is not None),
        locale=rows[0][1],
    )


@atomic
async def load_actor(
    session: AsyncSession, external_id: int, admin_ids: Iterable[int], platform: str = TELEGRAM
) -> Actor:
    """The person behind an account with their active roles, committed: one SELECT, as its
    own transaction when none is open (on SQLite without BEGIN: this runs for every
    update)."""
    if session.in_transaction():
        actor = await actor_in_transaction(session, external_id, admin_ids, platform)
        await session.commit()
        return actor
    params = {"platform": platform, "external_id": external_id}
    rows = (await run_single(session, ACTOR_QUERY, params)).all()
    return _actor(external_id, external_id in set(admin_ids), rows)


async def actor_in_transaction(
    session: AsyncSession, external_id: int, admin_ids: Iterable[int], platform: str = TELEGRAM
) -> Actor:
    """`load_actor` inside the caller's transaction (no commit)."""
    found = await session.execute(ACTOR_QUERY, {"platform": platform, "external_id": external_id})
    rows = found.all()
    return _actor(external_id, external_id in set(admin_ids), rows)


@atomic
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
    await session.commit()


@dataclass(frozen=True)
class DeliveryTarget:
    chat_id: int | None  # None: a roster person who has not joined the bot yet
    locale: str | None
    reachable: bool | None


@atomic
async def delivery_targets(
    session: AsyncSession, person_ids: Iterable[int], platform: str = TELEGRAM
) -> dict[int, DeliveryTarget]:
    """Where and in which language to reach each person now (one query for a batch)."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Person.id, Person.locale, Identity.external_id, Identity.reachable)
        .outerjoin(Identity, (Identity.person_id == Person.id) & (Identity.platform == platform))
        .where(Person.id.in_(ids))
    )
    found = {pid: DeliveryTarget(chat, locale, ok) for pid, locale, chat, ok in rows.all()}
    await session.commit()
    return found


@dataclass(frozen=True)
class MembershipView:
    association_id: int
    association_name: str
    role: Role


@dataclass(frozen=True)
class Profile:
    person_id: int
    full_name: str
    school: str | None
    school_pending: bool
    subject: str | None
    locale: str | None
    memberships: list[MembershipView]
    methodist_of: list[str]
    # Data bank of members (DOMAIN.md; 002 Annex 4 §5.1): all optional.
    education: str | None = None
    speciality: str | None = None
    total_experience_years: int | None = None
    teaching_experience_years: int | None = None
    birth_year: int | None = None
    age: int | None = None  # in the current year, from the birth year
    category: Category | None = None
    awards: str | None = None
    titles: str | None = None


def _require_person(actor: Actor) -> int:
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    return actor.person_id


@atomic
async def get_profile(session: AsyncSession, actor: Actor, now: datetime | None = None) -> Profile:
    """The person's profile; with `now`, the age too (from the birth year)."""
    person_id = _require_person(actor)
    person = await session.get_one(Person, person_id)
    school = await session.get(School, person.school_id) if person.school_id else None
    memberships = [
        MembershipView(a.id, a.name, m.role)
        for m, a in (
            await session.execute(
                select(Membership, Association)
                .join(Association, Association.id == Membership.association_id)
                .where(Membership.person_id == person_id, Membership.active.is_(True))
                .order_by(Association.name)
            )
        ).all()
    ]
    methodist_of = list(
        (
            await session.scalars(
                select(MethodService.name)
                .join(Methodist, Methodist.service_id == MethodService.id)
                .where(Methodist.person_id == person_id, Methodist.active.is_(True))
            )
        ).all()
    )
    await session.commit()
    return Profile(
        person_id=person_id,
        full_name=person.full_name or "",
        school=school.name if school else None,
        school_pending=bool(school and school.status.value == "pending"),
        subject=person.subject,
        locale=person.locale,
        memberships=memberships,
        methodist_of=methodist_of,
        education=person.education,
        speciality=person.speciality,
        total_experience_years=person.total_experience_years,
        teaching_experience_years=person.teaching_experience_years,
        birth_year=person.birth_year,
        age=now.year - person.birth_year if now and person.birth_year else None,
        category=person.category,
        awards=person.awards,
        titles=person.titles,
    )


@atomic
async def update_name(session: AsyncSession, actor: Actor, text: str, now: datetime) -> str:
    person = await session.get_one(Person, _require_person(actor))
    person.full_name = check_name(text)
    audit.record(session, actor, "person.name", now, object_type="person", object_id=person.id)
    await session.commit()
    return person.full_name


@atomic
async def update_subject(session: AsyncSession, actor: Actor, text: str, now: datetime) -> str:
    person = await session.get_one(Person, _require_person(actor))
    person.subject = check_title(text)
    audit.record(session, actor, "person.subject", now, object_type="person", object_id=person.id)
    await session.commit()
    return person.subject


class Detail(enum.StrEnum):
    """A typed field of the data bank of members (the category is chosen with buttons)."""

    EDUCATION = "education"
    SPECIALITY = "speciality"
    TOTAL_EXPERIENCE = "total_experience_years"
    TEACHING_EXPERIENCE = "teaching_experience_years"
    BIRTH_YEAR = "birth_year"
    AWARDS = "awards"
    TITLES = "titles"


YEARS_MAX = 60  # total and teaching experience, in years
BIRTH_YEAR_MIN = 1940
MIN_AGE = 16  # the latest birth year is the current year minus this
LONG_TEXT_MAX = 1000  # awards, titles: plain text of several lines


def check_detail(field: Detail, text: str | None, now: datetime) -> str | int:
    """Validate a typed data-bank value (DESIGN.md "Limits users meet")."""
    if field in (Detail.EDUCATION, Detail.SPECIALITY):
        return check_title(text)
    if field in (Detail.AWARDS, Detail.TITLES):
        return check_text(text, max_len=LONG_TEXT_MAX)
    if field is Detail.BIRTH_YEAR:
        return check_number(text, low=BIRTH_YEAR_MIN, high=now.year - MIN_AGE)
    return check_number(text, low=0, high=YEARS_MAX)


@atomic
async def set_detail(
    session: AsyncSession, actor: Actor, field: Detail, text: str | None, now: datetime
) -> str | int | None:
    """Set one data-bank field from typed text, or clear it (`text` None). Returns the value."""
    person = await session.get_one(Person, _require_person(actor))
    value = None if text is None else check_detail(field, text, now)
    setattr(person, field.value, value)
    audit.record(
        session,
        actor,
        "person.detail",
        now,
        object_type="person",
        object_id=person.id,
        field=field.value,
        cleared=value is None,
    )
    await session.commit()
    return value


@atomic
async def set_category(
    session: AsyncSession, actor: Actor, category: Category | None, now: datetime
) -> None:
    """The qualification category: none, first or highest; None clears it (not stated)."""
    person = await session.get_one(Person, _require_person(actor))
    person.category = category
    audit.record(
        session,
        actor,
        "person.detail",
        now,
        object_type="person",
        object_id=person.id,
        field="category",
        cleared=category is None,
    )
    await session.commit()


@dataclass(frozen=True)
class Place:
    id: int
    name: str


async def _municipalities(session: AsyncSession, person_id: int) -> list[Place]:
    rows = await session.execute(
        select(Municipality.id, Municipality.name)
        .join(Association, Association.municipality_id == Municipality.id)
        .join(Membership, Membership.association_id == Association.id)
        .where(Membership.person_id == person_id, Membership.active.is_(True))
        .distinct()
        .order_by(Municipality.name, Municipality.id)
    )
    return [Place(mid, name) for mid, name in rows.all()]


@atomic
async def school_municipalities(session: AsyncSession, actor: Actor) -> list[Place]:
    """Municipalities whose school directory the person may choose from: those of their
    associations."""
    found = await _municipalities(session, _require_person(actor))
    await session.commit()
    return found


async def _allowed_municipality(session: AsyncSession, actor: Actor, municipality_id: int) -> None:
    allowed = {m.id for m in await _municipalities(session, _require_person(actor))}
    if municipality_id not in allowed:
        raise DomainError(ErrorCode.FORBIDDEN)


@atomic
async def school_options(
    session: AsyncSession, actor: Actor, municipality_id: int
) -> list[schools.SchoolView]:
    """Approved schools of one of the person's municipalities, to choose from."""
    await _allowed_municipality(session, actor, municipality_id)
    await session.commit()
    return await schools.search(session, municipality_id)


@atomic
async def choose_school(
    session: AsyncSession, actor: Actor, school_id: int, now: datetime
) -> schools.SchoolView:
    """Move the person to an approved school of one of their municipalities."""
    person = await session.get_one(Person, _require_person(actor))
    school = await session.get(School, school_id)
    if school is None or school.status is not SchoolStatus.APPROVED:
        raise DomainError(ErrorCode.STALE)
    await _allowed_municipality(session, actor, school.municipality_id)
    person.school_id = school.id
    audit.record(session, actor, "person.school", now, object_type="person", object_id=person.id)
    await session.commit()
    return schools.SchoolView(school.id, school.name, False)


@atomic
async def type_school(
    session: AsyncSession, actor: Actor, municipality_id: int, typed: str, now: datetime
) -> schools.SchoolView:
    """The school the person typed, matched as at registration: a school of the directory
    with the same normalized name, or a new one that waits for approval."""
    person = await session.get_one(Person, _require_person(actor))
    await _allowed_municipality(session, actor, municipality_id)
    school = await schools.resolve_typed(session, municipality_id, typed, now)
    person.school_id = school.id
    audit.record(session, actor, "person.school", now, object_type="person", object_id=person.id)
    await session.commit()
    return schools.SchoolView(school.id, school.name, school.status is SchoolStatus.PENDING)


@atomic
async def set_locale(session: AsyncSession, actor: Actor, locale: str) -> None:
    if locale not in LOCALES:
        raise DomainError(ErrorCode.NOT_FOUND)
    person = await session.get_one(Person, _require_person(actor))
    person.locale = locale
    await session.commit()


@atomic
async def export_data(session: AsyncSession, actor: Actor) -> dict[str, Any]:
    """Everything stored about the person (152-ФЗ): profile, accounts, memberships, invites."""
    person_id = _require_person(actor)
    person = await session.get_one(Person, person_id)
    school = await session.get(School, person.school_id) if person.school_id else None
    identities = (
        await session.scalars(select(Identity).where(Identity.person_id == person_id))
    ).all()
    memberships = (
        await session.execute(
            select(Membership, Association)
            .join(Association, Association.id == Membership.association_id)
            .where(Membership.person_id == person_id)
        )
    ).all()
    services = (
        await session.scalars(
            select(MethodService.name)
            .join(Methodist, Methodist.service_id == MethodService.id)
            .where(Methodist.person_id == person_id)
        )
    ).all()
    await session.commit()

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "person": {
            "id": person.id,
            "full_name": person.full_name,
            "school": school.name if school else None,
            "subject": person.subject,
            "language": person.locale,
            "education": person.education,
            "speciality": person.speciality,
            "total_experience_years": person.total_experience_years,
            "teaching_experience_years": person.teaching_experience_years,
            "birth_year": person.birth_year,
            "category": person.category.value if person.category else None,
            "awards": person.awards,
            "titles": person.titles,
            "consent_at": iso(person.consent_at),
            "created_at": iso(person.created_at),
        },
        "accounts": [
            {"platform": i.platform, "id": i.external_id, "since": iso(i.created_at)}
            for i in identities
        ],
        "memberships": [
            {
                "association": a.name,
                "role": m.role.value,
                "voting": m.voting,
                "active": m.active,
                "since": iso(m.created_at),
            }
            for m, a in memberships
        ],
        "methodist_of": list(services),
    }


@atomic
async def forget(session: AsyncSession, actor: Actor, now: datetime) -> None:
    """Delete personal data; keep a tombstone (school, roles) for attendance and the audit log.

    The identity goes, so the account is a stranger again, and the audit log forgets the
    account's id (the entries keep the person id of the tombstone); memberships stay inactive
    with their role; pending invites bound to the person are deleted; signed protocols are
    untouched.
    """
    person_id = _require_person(actor)
    person = await session.get_one(Person, person_id)
    for attr in (
        "full_name",
        "subject",
        "locale",
        "education",
        "speciality",
        "total_experience_years",
        "teaching_experience_years",
        "birth_year",
        "category",
        "awards",
        "titles",
        "consent_at",
    ):
        setattr(person, attr, None)
    person.forgotten_at = now
    accounts = (
        await session.scalars(select(Identity.external_id).where(Identity.person_id == person_id))
    ).all()
    await session.execute(delete(Identity).where(Identity.person_id == person_id))
    await session.execute(delete(Invite).where(Invite.person_id == person_id))
    await session.execute(
        update(Membership).where(Membership.person_id == person_id).values(active=False)
    )
    await session.execute(
        update(Methodist).where(Methodist.person_id == person_id).values(active=False)
    )
    audit.record(session, actor, "person.forgotten", now, object_type="person", object_id=person_id)
    await session.flush()
    # The audit log keeps what was done and by which (now anonymous) person, not the account.
    by_them = AuditEntry.actor_person_id == person_id
    if accounts:
        by_them = or_(by_them, AuditEntry.actor_external_id.in_(accounts))
    await session.execute(
        update(AuditEntry)
        .where(by_them, AuditEntry.actor_external_id.is_not(None))
        .values(actor_external_id=None)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
