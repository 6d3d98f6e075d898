"""Opening an invite link: the checks every use of a link passes, and the preview (what
opening it means for this account, what the bot still has to ask)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Invite, InviteKind, Membership, MethodService, Person
from services.errors import DomainError, ErrorCode
from services.invites import queries
from services.invites.rules import RANK, ROLE_OF
from services.tx import reads


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
class Checked:
    invite: Invite
    association: Association | None
    service: MethodService | None
    current: Person | None  # the person the account already has
    roster: Person | None  # the roster row a personal link binds


async def check(
    session: AsyncSession, token: str, external_id: int, now: datetime, *, lock: bool = False
) -> Checked:
    if not token or len(token) > 64:
        raise DomainError(ErrorCode.INVITE_UNKNOWN)
    invite = await session.scalar(queries.invite_by_token(token, lock=lock))
    if invite is None:
        raise DomainError(ErrorCode.INVITE_UNKNOWN)
    if invite.expires_at <= now:
        raise DomainError(ErrorCode.INVITE_EXPIRED)
    current = await session.scalar(queries.person_of_account(external_id))
    roster = await session.get(Person, invite.person_id) if invite.person_id else None
    if roster is not None:
        bound = await session.scalar(queries.identity_of(roster.id))
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
        await check_not_already(session, invite, current, association)
    return Checked(invite, association, service, current, roster)


async def check_not_already(
    session: AsyncSession, invite: Invite, person: Person, association: Association | None
) -> None:
    if invite.kind is InviteKind.METHODIST:
        active = await session.scalar(queries.active_post(person.id, invite.service_id))
        if active is not None:
            raise DomainError(ErrorCode.ALREADY_MEMBER, methodist=True)
        return
    if association is None or invite.person_id is not None:
        return
    membership = await membership_of(session, person.id, association.id)
    if (
        membership is not None
        and membership.active
        and RANK[membership.role] >= RANK[ROLE_OF[invite.kind]]
    ):
        raise DomainError(ErrorCode.ALREADY_MEMBER)


async def membership_of(
    session: AsyncSession, person_id: int, association_id: int
) -> Membership | None:
    return await session.scalar(queries.membership(person_id, association_id))


@reads
async def preview(
    session: AsyncSession, token: str, external_id: int, now: datetime
) -> InvitePreview:
    """What opening this link means for this account, and what the bot still needs to ask."""
    checked = await check(session, token, external_id, now)
    invite, association = checked.invite, checked.association
    if invite.kind is InviteKind.GROUP:
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
    return result
