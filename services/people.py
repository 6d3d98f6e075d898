"""Persons and identities: the actor of an update, profile, language, data export, /forget."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Association,
    AuditEntry,
    Identity,
    Invite,
    Membership,
    Methodist,
    MethodService,
    Person,
    Role,
    School,
)
from services import audit
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.tx import atomic
from services.validation import check_name, check_title

TELEGRAM = "telegram"
LOCALES = ("ru", "en")


@atomic
async def load_actor(
    session: AsyncSession, external_id: int, admin_ids: Iterable[int], platform: str = TELEGRAM
) -> Actor:
    """The person behind an account with their active roles; one query per kind, no writes."""
    actor = await actor_in_transaction(session, external_id, admin_ids, platform)
    await session.commit()
    return actor


async def actor_in_transaction(
    session: AsyncSession, external_id: int, admin_ids: Iterable[int], platform: str = TELEGRAM
) -> Actor:
    """`load_actor` inside the caller's transaction (no commit)."""
    is_admin = external_id in set(admin_ids)
    row = (
        await session.execute(
            select(Person.id, Person.locale)
            .join(Identity, Identity.person_id == Person.id)
            .where(Identity.platform == platform, Identity.external_id == external_id)
        )
    ).first()
    if row is None:
        return Actor(external_id=external_id, is_admin=is_admin)
    person_id, locale = row
    roles = {
        assoc_id: role
        for assoc_id, role in (
            await session.execute(
                select(Membership.association_id, Membership.role).where(
                    Membership.person_id == person_id, Membership.active.is_(True)
                )
            )
        ).all()
    }
    services = frozenset(
        (
            await session.scalars(
                select(Methodist.service_id).where(
                    Methodist.person_id == person_id, Methodist.active.is_(True)
                )
            )
        ).all()
    )
    return Actor(
        external_id=external_id,
        person_id=person_id,
        is_admin=is_admin,
        roles=roles,
        methodist_services=services,
        locale=locale,
    )


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


def _require_person(actor: Actor) -> int:
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    return actor.person_id


@atomic
async def get_profile(session: AsyncSession, actor: Actor) -> Profile:
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
