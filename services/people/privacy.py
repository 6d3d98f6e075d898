"""The person's rights over their data (152-ФЗ): everything stored, as a file; /forget."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEntry, Identity, Invite, Membership, Methodist, Person, School
from services import audit, surveys
from services.people import queries
from services.people.actor import require_person
from services.permissions import Actor
from services.tx import reads, writes


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@reads
async def export_data(session: AsyncSession, actor: Actor) -> dict[str, Any]:
    """Everything stored about the person (152-ФЗ): profile, accounts, memberships, the
    surveys and polls they were sent, their named answers and the surveys they wrote."""
    person_id = require_person(actor)
    person = await session.get_one(Person, person_id)
    school = await session.get(School, person.school_id) if person.school_id else None
    identities = (await session.scalars(queries.identities(person_id))).all()
    memberships = (await session.execute(queries.all_memberships(person_id))).all()
    services = (
        await session.scalars(queries.methodist_services(person_id, active_only=False))
    ).all()
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
            "category_order_date": (
                person.category_order_date.isoformat() if person.category_order_date else None
            ),
            "category_order_number": person.category_order_number,
            "awards": person.awards,
            "titles": person.titles,
            "consent_at": _iso(person.consent_at),
            "created_at": _iso(person.created_at),
        },
        "accounts": [
            {"platform": i.platform, "id": i.external_id, "since": _iso(i.created_at)}
            for i in identities
        ],
        "memberships": [
            {
                "association": a.name,
                "role": m.role.value,
                "voting": m.voting,
                "active": m.active,
                "since": _iso(m.created_at),
            }
            for m, a in memberships
        ],
        "methodist_of": list(services),
        **await surveys.personal_data(session, person_id),
    }


FORGOTTEN_FIELDS = (
    "full_name",
    "subject",
    "locale",
    "education",
    "speciality",
    "total_experience_years",
    "teaching_experience_years",
    "birth_year",
    "category",
    "category_order_date",
    "category_order_number",
    "category_reminded_order",
    "awards",
    "titles",
    "consent_at",
)


@writes
async def forget(session: AsyncSession, actor: Actor, now: datetime) -> None:
    """Delete personal data; keep a tombstone (school, roles) for attendance and the audit log.

    The identity goes, so the account is a stranger again, and the audit log forgets the
    account's id (the entries keep the person id of the tombstone); memberships stay inactive
    with their role; pending invites bound to the person are deleted; the school and subject
    their named needs responses kept are cleared (the responses stay the tombstone's, as their
    answers); signed protocols are untouched.
    """
    person_id = require_person(actor)
    person = await session.get_one(Person, person_id)
    for attr in FORGOTTEN_FIELDS:
        setattr(person, attr, None)
    person.forgotten_at = now
    accounts = (await session.scalars(queries.account_ids(person_id))).all()
    await session.execute(delete(Identity).where(Identity.person_id == person_id))
    await session.execute(delete(Invite).where(Invite.person_id == person_id))
    await session.execute(
        update(Membership).where(Membership.person_id == person_id).values(active=False)
    )
    await session.execute(
        update(Methodist).where(Methodist.person_id == person_id).values(active=False)
    )
    await surveys.forget_reports(session, person_id)
    await surveys.forget_groups(session, person_id)
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
