"""Registering through a link, all or nothing: the person (new, the roster row, or the one
the account has, merged), the identity, the membership or post, the use of the link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Association,
    Identity,
    Invite,
    InviteKind,
    Membership,
    Methodist,
    Person,
    Role,
    School,
    SchoolStatus,
)
from services import audit, meetings, schools
from services.errors import DomainError, ErrorCode
from services.invites import queries
from services.invites.preview import check, membership_of
from services.invites.rules import RANK, ROLE_OF
from services.people import TELEGRAM
from services.permissions import Actor
from services.tx import writes
from services.validation import check_name, check_title


@dataclass(frozen=True)
class Registration:
    """Answers of the registration wizard; only what the bot did not know."""

    consent: bool = False
    full_name: str | None = None
    school_id: int | None = None
    school_typed: str | None = None
    subject: str | None = None
    locale: str | None = None  # the language the person uses the bot in (ru or en)


@dataclass(frozen=True)
class Joined:
    person_id: int
    kind: InviteKind
    target_name: str
    association_id: int | None
    merged: bool
    new_person: bool


@writes
async def redeem(
    session: AsyncSession, token: str, external_id: int, answers: Registration, now: datetime
) -> Joined:
    """Register through a link, all or nothing: person, identity, membership, invite use."""
    checked = await check(session, token, external_id, now, lock=True)
    invite, association = checked.invite, checked.association
    if invite.kind is InviteKind.GROUP:
        raise DomainError(ErrorCode.INVITE_WRONG_PLACE)
    current, roster = checked.current, checked.roster
    merged = new_person = False
    if current is None and roster is None:
        person = Person()
        session.add(person)
        new_person = True
    elif current is None:
        assert roster is not None
        person = roster
    else:
        person = current
        if roster is not None and roster.id != current.id:
            await merge(session, roster, current)
            merged = True
    await fill(session, person, answers, association, now)
    if person.consent_at is None:
        raise DomainError(ErrorCode.CONSENT_REQUIRED)
    await session.flush()
    if current is None:
        session.add(Identity(person_id=person.id, platform=TELEGRAM, external_id=external_id))
    await grant(session, invite, person, association, now)
    if invite.uses_left is not None:
        invite.uses_left -= 1
    actor = Actor(external_id=external_id, person_id=person.id)
    audit.record(
        session,
        actor,
        "invite.redeemed",
        now,
        association_id=invite.association_id,
        object_type="invite",
        object_id=invite.id,
        kind=invite.kind.value,
        merged=merged,
    )
    target = association.name if association else (checked.service.name if checked.service else "")
    return Joined(
        person_id=person.id,
        kind=invite.kind,
        target_name=target,
        association_id=invite.association_id,
        merged=merged,
        new_person=new_person,
    )


async def fill(
    session: AsyncSession,
    person: Person,
    answers: Registration,
    association: Association | None,
    now: datetime,
) -> None:
    """Fill only what the person lacks, validating every answer."""
    if answers.consent and person.consent_at is None:
        person.consent_at = now
    if person.locale is None and answers.locale in ("ru", "en"):
        person.locale = answers.locale  # so messages sent later come in this language
    if not person.full_name:
        person.full_name = check_name(answers.full_name)
    if association is None:
        return
    if not person.school_id:
        if answers.school_id is not None:
            school = await session.get(School, answers.school_id)
            if (
                school is None
                or school.municipality_id != association.municipality_id
                or school.status is not SchoolStatus.APPROVED
            ):
                raise DomainError(ErrorCode.STALE)
        else:
            school = await schools.resolve_typed(
                session, association.municipality_id, answers.school_typed or "", now
            )
        person.school_id = school.id
    if not person.subject:
        person.subject = check_title(answers.subject)


async def merge(session: AsyncSession, roster: Person, into: Person) -> None:
    """Merge a roster row into the person the account already has, then delete the row."""
    for attr in (
        "full_name",
        "school_id",
        "subject",
        "education",
        "speciality",
        "total_experience_years",
        "teaching_experience_years",
        "birth_year",
        "category",
        "awards",
        "titles",
    ):
        if getattr(into, attr) in (None, "") and getattr(roster, attr) not in (None, ""):
            setattr(into, attr, getattr(roster, attr))
    moved = (await session.scalars(queries.memberships_of(roster.id))).all()
    for membership in moved:
        existing = await membership_of(session, into.id, membership.association_id)
        if existing is None:
            membership.person_id = into.id
            continue
        if membership.active and (
            not existing.active or RANK[membership.role] > RANK[existing.role]
        ):
            existing.role, existing.active = membership.role, True
        await session.delete(membership)
    await session.execute(
        update(Invite).where(Invite.person_id == roster.id).values(person_id=into.id)
    )
    await session.flush()
    await session.delete(roster)


async def grant(
    session: AsyncSession,
    invite: Invite,
    person: Person,
    association: Association | None,
    now: datetime,
) -> None:
    if invite.kind is InviteKind.METHODIST:
        row = await session.scalar(queries.post(person.id, invite.service_id))
        if row is None:
            assert invite.service_id is not None
            session.add(Methodist(person_id=person.id, service_id=invite.service_id))
        else:
            row.active = True
        return
    assert association is not None
    role = ROLE_OF[invite.kind]
    if role is Role.CHAIR:
        # One chair per association: the previous one becomes a member.
        previous = (await session.scalars(queries.other_chairs(association.id, person.id))).all()
        for replaced in previous:
            replaced.role = Role.MEMBER
            audit.record(
                session,
                None,
                "membership.chair_replaced",
                now,
                association_id=association.id,
                object_type="membership",
                object_id=replaced.id,
            )
    membership = await membership_of(session, person.id, association.id)
    if membership is None:
        session.add(Membership(person_id=person.id, association_id=association.id, role=role))
    elif not membership.active:
        membership.active, membership.role = True, role
    elif RANK[role] > RANK[membership.role]:
        membership.role = role
    await session.flush()
    # Someone who joins later gets the current notice of each upcoming meeting.
    await meetings.notices_for_newcomer(session, person.id, association.id, now)
