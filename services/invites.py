"""Invite links: issue, preview, redeem (registration), and link a group chat.

Privileged links (chair, deputy, secretary, methodist, group) are single-use and expire within
days; association member links are reusable until they expire; a personal link binds one
roster row to the account that opens it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Association,
    Identity,
    Invite,
    InviteKind,
    Membership,
    Methodist,
    MethodService,
    Municipality,
    Person,
    Role,
    School,
    SchoolStatus,
)
from services import audit, participation, schools
from services.errors import DomainError, ErrorCode
from services.people import TELEGRAM, load_actor
from services.permissions import Action, Actor, Scope, require
from services.tx import atomic
from services.validation import check_name, check_title

TTL: dict[InviteKind, timedelta] = {
    InviteKind.CHAIR: timedelta(days=3),
    InviteKind.DEPUTY: timedelta(days=3),
    InviteKind.SECRETARY: timedelta(days=3),
    InviteKind.METHODIST: timedelta(days=3),
    InviteKind.GROUP: timedelta(days=1),
    InviteKind.MEMBER: timedelta(days=30),
}
PERSONAL_TTL = timedelta(days=30)
ROLE_OF: dict[InviteKind, Role] = {
    InviteKind.CHAIR: Role.CHAIR,
    InviteKind.DEPUTY: Role.DEPUTY,
    InviteKind.SECRETARY: Role.SECRETARY,
    InviteKind.MEMBER: Role.MEMBER,
}
RANK: dict[Role, int] = {Role.MEMBER: 0, Role.SECRETARY: 1, Role.DEPUTY: 2, Role.CHAIR: 3}


def new_token() -> str:
    """22 URL-safe characters: fits Telegram's 64-character deep-link payload."""
    return secrets.token_urlsafe(16)


async def issue(
    session: AsyncSession,
    actor: Actor | None,
    kind: InviteKind,
    now: datetime,
    *,
    association_id: int | None = None,
    service_id: int | None = None,
    person_id: int | None = None,
) -> str:
    """Add an invite inside the caller's transaction (permission already checked)."""
    invite = await _add_invite(
        session,
        actor,
        kind,
        now,
        association_id=association_id,
        service_id=service_id,
        person_id=person_id,
    )
    return invite.token


async def _add_invite(
    session: AsyncSession,
    actor: Actor | None,
    kind: InviteKind,
    now: datetime,
    *,
    association_id: int | None = None,
    service_id: int | None = None,
    person_id: int | None = None,
) -> Invite:
    personal = person_id is not None
    reusable = kind is InviteKind.MEMBER and not personal
    invite = Invite(
        token=new_token(),
        kind=kind,
        association_id=association_id,
        service_id=service_id,
        person_id=person_id,
        expires_at=now + (PERSONAL_TTL if personal else TTL[kind]),
        uses_left=None if reusable else 1,
        created_by_id=actor.person_id if actor else None,
    )
    session.add(invite)
    await session.flush()
    audit.record(
        session,
        actor,
        "invite.issued",
        now,
        association_id=association_id,
        object_type="invite",
        object_id=invite.id,
        kind=kind.value,
        personal=personal,
    )
    return invite


@dataclass(frozen=True)
class InviteLink:
    token: str
    kind: InviteKind
    expires_at: datetime
    reusable: bool
    target_name: str
    invite_id: int = 0
    timezone: str | None = None  # where the link's people live: show times in it


async def _issue_link(
    session: AsyncSession,
    actor: Actor,
    kind: InviteKind,
    now: datetime,
    *,
    target_name: str,
    timezone: str | None,
    association_id: int | None = None,
    service_id: int | None = None,
) -> InviteLink:
    invite = await _add_invite(
        session, actor, kind, now, association_id=association_id, service_id=service_id
    )
    return InviteLink(
        invite.token,
        kind,
        invite.expires_at,
        invite.uses_left is None,
        target_name,
        invite_id=invite.id,
        timezone=timezone,
    )


@atomic
async def create_link(
    session: AsyncSession, actor: Actor, kind: InviteKind, association_id: int, now: datetime
) -> InviteLink:
    """An association link: member (reusable), deputy, secretary, chair or group (single-use)."""
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    scope = Scope(association.service_id, association.id)
    needed = {
        InviteKind.MEMBER: Action.EDIT_ROSTER,
        InviteKind.DEPUTY: Action.INVITE_STAFF,
        InviteKind.SECRETARY: Action.INVITE_STAFF,
        InviteKind.CHAIR: Action.CREATE_ASSOCIATION,
        InviteKind.GROUP: Action.LINK_GROUP,
    }.get(kind)
    if needed is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, needed, Scope(association.service_id) if kind is InviteKind.CHAIR else scope)
    link = await _issue_link(
        session,
        actor,
        kind,
        now,
        target_name=association.name,
        timezone=association.timezone,
        association_id=association.id,
    )
    await session.commit()
    return link


@atomic
async def revoke_member_links(
    session: AsyncSession, actor: Actor, association_id: int, now: datetime, keep_id: int = 0
) -> int:
    """Stop the association's reusable member links (all but `keep_id`, the one just made):
    someone who should not join may have got one. Returns how many still worked."""
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, Action.EDIT_ROSTER, Scope(association.service_id, association.id))
    revoked = (
        await session.scalars(
            select(Invite.id).where(
                Invite.association_id == association.id,
                Invite.kind == InviteKind.MEMBER,
                Invite.person_id.is_(None),
                Invite.uses_left.is_(None),
                Invite.expires_at > now,
                Invite.id != keep_id,
            )
        )
    ).all()
    if revoked:
        await session.execute(
            update(Invite).where(Invite.id.in_(revoked)).values(expires_at=now),
            execution_options={"synchronize_session": False},
        )
    audit.record(
        session,
        actor,
        "invite.member_links_revoked",
        now,
        association_id=association.id,
        object_type="association",
        object_id=association.id,
        count=len(revoked),
        kept=keep_id or None,
    )
    await session.commit()
    return len(revoked)


@atomic
async def create_methodist_link(
    session: AsyncSession, actor: Actor, service_id: int, now: datetime
) -> InviteLink:
    if not actor.is_admin:
        raise DomainError(ErrorCode.FORBIDDEN)
    service = await session.get(MethodService, service_id)
    if service is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    # The service's municipality's time zone (the first one if it covers several).
    timezone = await session.scalar(
        select(Municipality.timezone)
        .where(Municipality.service_id == service_id)
        .order_by(Municipality.id)
        .limit(1)
    )
    link = await _issue_link(
        session,
        actor,
        InviteKind.METHODIST,
        now,
        target_name=service.name,
        timezone=timezone,
        service_id=service_id,
    )
    await session.commit()
    return link


@dataclass(frozen=True)
class InvitePreview:
    kind: InviteKind
    target_name: str  # association or service
    association_id: int | None
    municipality_id: int | None
    personal: bool
    needs_consent: bool
    needs_name: bool
    needs_school: bool
    needs_subject: bool
    roster_name: str | None
    # Who processes the data (152-ФЗ art. 9): the methodological service of the association.
    operator_name: str = ""


@dataclass
class _Checked:
    invite: Invite
    association: Association | None
    service: MethodService | None
    current: Person | None  # the person the account already has
    roster: Person | None  # the roster row a personal link binds


async def _check(
    session: AsyncSession, token: str, external_id: int, now: datetime, *, lock: bool = False
) -> _Checked:
    if not token or len(token) > 64:
        raise DomainError(ErrorCode.INVITE_UNKNOWN)
    stmt = select(Invite).where(Invite.token == token)
    if lock:
        stmt = stmt.with_for_update()
    invite = await session.scalar(stmt)
    if invite is None:
        raise DomainError(ErrorCode.INVITE_UNKNOWN)
    if invite.expires_at <= now:
        raise DomainError(ErrorCode.INVITE_EXPIRED)
    current = await session.scalar(
        select(Person)
        .join(Identity, Identity.person_id == Person.id)
        .where(Identity.platform == TELEGRAM, Identity.external_id == external_id)
    )
    roster = await session.get(Person, invite.person_id) if invite.person_id else None
    if roster is not None:
        bound = await session.scalar(select(Identity.id).where(Identity.person_id == roster.id))
        if bound is not None:
            if current is not None and current.id == roster.id:
                raise DomainError(ErrorCode.ALREADY_MEMBER)
            raise DomainError(ErrorCode.INVITE_USED)
    if invite.uses_left is not None and invite.uses_left <= 0:
        raise DomainError(ErrorCode.INVITE_USED)
    association = (
        await session.get(Association, invite.association_id) if invite.association_id else None
    )
    service = await session.get(MethodService, invite.service_id) if invite.service_id else None
    if current is not None and invite.kind is not InviteKind.GROUP:
        await _check_not_already(session, invite, current, association)
    return _Checked(invite, association, service, current, roster)


async def _check_not_already(
    session: AsyncSession, invite: Invite, person: Person, association: Association | None
) -> None:
    if invite.kind is InviteKind.METHODIST:
        active = await session.scalar(
            select(Methodist.id).where(
                Methodist.person_id == person.id,
                Methodist.service_id == invite.service_id,
                Methodist.active.is_(True),
            )
        )
        if active is not None:
            raise DomainError(ErrorCode.ALREADY_MEMBER, methodist=True)
        return
    if association is None or invite.person_id is not None:
        return
    membership = await _membership(session, person.id, association.id)
    if (
        membership is not None
        and membership.active
        and RANK[membership.role] >= RANK[ROLE_OF[invite.kind]]
    ):
        raise DomainError(ErrorCode.ALREADY_MEMBER)


async def _membership(
    session: AsyncSession, person_id: int, association_id: int
) -> Membership | None:
    return await session.scalar(
        select(Membership).where(
            Membership.person_id == person_id, Membership.association_id == association_id
        )
    )


@atomic
async def preview(
    session: AsyncSession, token: str, external_id: int, now: datetime
) -> InvitePreview:
    """What opening this link means for this account, and what the bot still needs to ask."""
    checked = await _check(session, token, external_id, now)
    invite, association = checked.invite, checked.association
    if invite.kind is InviteKind.GROUP:
        await session.commit()
        raise DomainError(ErrorCode.INVITE_WRONG_PLACE)
    people = [p for p in (checked.current, checked.roster) if p is not None]
    has_name = any(p.full_name for p in people)
    has_school = any(p.school_id for p in people)
    has_subject = any(p.subject for p in people)
    in_association = association is not None
    operator = checked.service or (
        await session.get(MethodService, association.service_id) if association else None
    )
    result = InvitePreview(
        kind=invite.kind,
        target_name=association.name
        if association
        else (checked.service.name if checked.service else ""),
        association_id=association.id if association else None,
        municipality_id=association.municipality_id if association else None,
        personal=checked.roster is not None,
        needs_consent=checked.current is None or checked.current.consent_at is None,
        needs_name=not has_name,
        needs_school=in_association and not has_school,
        needs_subject=in_association and not has_subject,
        roster_name=checked.roster.full_name if checked.roster else None,
        operator_name=operator.name if operator else "",
    )
    await session.commit()
    return result


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


@atomic
async def redeem(
    session: AsyncSession, token: str, external_id: int, answers: Registration, now: datetime
) -> Joined:
    """Register through a link, all or nothing: person, identity, membership, invite use."""
    checked = await _check(session, token, external_id, now, lock=True)
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
            await _merge(session, roster, current)
            merged = True
    await _fill(session, person, answers, association, now)
    if person.consent_at is None:
        raise DomainError(ErrorCode.CONSENT_REQUIRED)
    await session.flush()
    if current is None:
        session.add(Identity(person_id=person.id, platform=TELEGRAM, external_id=external_id))
    await _grant(session, invite, person, association, now)
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
    await session.commit()
    target = association.name if association else (checked.service.name if checked.service else "")
    return Joined(
        person_id=person.id,
        kind=invite.kind,
        target_name=target,
        association_id=invite.association_id,
        merged=merged,
        new_person=new_person,
    )


async def _fill(
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


async def _merge(session: AsyncSession, roster: Person, into: Person) -> None:
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
    moved = (
        await session.scalars(select(Membership).where(Membership.person_id == roster.id))
    ).all()
    for membership in moved:
        existing = await _membership(session, into.id, membership.association_id)
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


async def _grant(
    session: AsyncSession,
    invite: Invite,
    person: Person,
    association: Association | None,
    now: datetime,
) -> None:
    if invite.kind is InviteKind.METHODIST:
        row = await session.scalar(
            select(Methodist).where(
                Methodist.person_id == person.id, Methodist.service_id == invite.service_id
            )
        )
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
        previous = (
            await session.scalars(
                select(Membership).where(
                    Membership.association_id == association.id,
                    Membership.role == Role.CHAIR,
                    Membership.person_id != person.id,
                )
            )
        ).all()
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
    membership = await _membership(session, person.id, association.id)
    if membership is None:
        session.add(Membership(person_id=person.id, association_id=association.id, role=role))
    elif not membership.active:
        membership.active, membership.role = True, role
    elif RANK[role] > RANK[membership.role]:
        membership.role = role
    await session.flush()
    # Someone who joins later gets the current notice of each upcoming meeting.
    await participation.notices_for_newcomer(session, person.id, association.id, now)


@atomic
async def link_group(
    session: AsyncSession,
    token: str,
    external_id: int,
    chat_id: int,
    now: datetime,
    admin_ids: list[int],
) -> str:
    """Bind the association's group chat through a ?startgroup= link; returns its name."""
    invite = await session.scalar(select(Invite).where(Invite.token == token).with_for_update())
    if invite is None or invite.kind is not InviteKind.GROUP:
        raise DomainError(ErrorCode.INVITE_UNKNOWN)
    if invite.expires_at <= now:
        raise DomainError(ErrorCode.INVITE_EXPIRED)
    if invite.uses_left is not None and invite.uses_left <= 0:
        raise DomainError(ErrorCode.INVITE_USED)
    association = await session.get_one(Association, invite.association_id)
    actor = await load_actor(session, external_id, admin_ids)
    require(actor, Action.LINK_GROUP, Scope(association.service_id, association.id))
    taken = await session.scalar(
        select(Association.id).where(
            Association.group_chat_id == chat_id, Association.id != association.id
        )
    )
    if taken is not None:
        raise DomainError(ErrorCode.GROUP_ALREADY_LINKED)
    association.group_chat_id = chat_id
    if invite.uses_left is not None:
        invite.uses_left -= 1
    audit.record(
        session,
        actor,
        "association.group_linked",
        now,
        association_id=association.id,
        object_type="association",
        object_id=association.id,
        chat_id=chat_id,
    )
    await session.commit()
    return association.name


@atomic
async def migrate_group(
    session: AsyncSession, old_chat_id: int, new_chat_id: int, now: datetime
) -> bool:
    """Follow a group's upgrade to a supergroup; True when an association was linked to it."""
    association = await session.scalar(
        select(Association).where(Association.group_chat_id == old_chat_id)
    )
    if association is None:
        await session.commit()
        return False
    association.group_chat_id = new_chat_id
    audit.record(
        session,
        None,
        "association.group_migrated",
        now,
        association_id=association.id,
        object_type="association",
        object_id=association.id,
        chat_id=new_chat_id,
    )
    await session.commit()
    return True


@atomic
async def unlink_group(session: AsyncSession, chat_id: int, now: datetime) -> bool:
    """The bot left or was removed from a group: an association linked to it loses the link
    (its chair can link a group again from /invite). True when one was linked."""
    association = await session.scalar(
        select(Association).where(Association.group_chat_id == chat_id)
    )
    if association is None:
        await session.commit()
        return False
    association.group_chat_id = None
    audit.record(
        session,
        None,
        "association.group_unlinked",
        now,
        association_id=association.id,
        object_type="association",
        object_id=association.id,
        chat_id=chat_id,
    )
    await session.commit()
    return True
