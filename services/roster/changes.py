"""Changing a membership: role, voting, removal (the only chair is never left out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Invite, Person, Role
from services import audit
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, may_manage_role, require
from services.roster import queries
from services.roster.access import load_member, require_removal, scope_of
from services.roster.views import RosterRow, row_of
from services.tx import writes


@writes
async def change_role(
    session: AsyncSession, actor: Actor, membership_id: int, role: Role, now: datetime
) -> RosterRow:
    membership, association = await load_member(session, membership_id)
    require(actor, Action.EDIT_ROSTER, scope_of(association))
    if not may_manage_role(actor, scope_of(association), membership.role, role):
        raise DomainError(ErrorCode.FORBIDDEN)
    if membership.role is Role.CHAIR and role is not Role.CHAIR:
        await keep_a_chair(session, association.id, membership.id)
    if role is Role.CHAIR:
        for other in (
            await session.scalars(queries.other_chairs(association.id, membership.id))
        ).all():
            other.role = Role.MEMBER
    old = membership.role
    membership.role = role
    audit.record(
        session,
        actor,
        "membership.role",
        now,
        association_id=association.id,
        object_type="membership",
        object_id=membership.id,
        old=old.value,
        new=role.value,
    )
    return await row_of(session, membership)


@writes
async def set_voting(
    session: AsyncSession, actor: Actor, membership_id: int, voting: bool, now: datetime
) -> RosterRow:
    """Guests and observers don't vote: the flag of a membership."""
    membership, association = await load_member(session, membership_id)
    require(actor, Action.EDIT_ROSTER, scope_of(association))
    if not may_manage_role(actor, scope_of(association), membership.role, membership.role):
        raise DomainError(ErrorCode.FORBIDDEN)
    membership.voting = voting
    audit.record(
        session,
        actor,
        "membership.voting",
        now,
        association_id=association.id,
        object_type="membership",
        object_id=membership.id,
        voting=voting,
    )
    return await row_of(session, membership)


@writes
async def remove(session: AsyncSession, actor: Actor, membership_id: int, now: datetime) -> str:
    """Deactivate a membership (attendance history keeps it); returns the person's name."""
    membership, association = await load_member(session, membership_id)
    require_removal(actor, association, membership.role)
    if membership.role is Role.CHAIR:
        await keep_a_chair(session, association.id, membership.id)
    membership.active = False
    # Their personal links to this association stop working: an old one must not bring the
    # removed membership back.
    revoked: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        update(Invite)
        .where(
            Invite.person_id == membership.person_id,
            Invite.association_id == association.id,
            Invite.expires_at > now,
        )
        .values(expires_at=now)
    )
    person = await session.get_one(Person, membership.person_id)
    audit.record(
        session,
        actor,
        "membership.removed",
        now,
        association_id=association.id,
        object_type="membership",
        object_id=membership.id,
        links_revoked=revoked.rowcount,
    )
    return person.full_name or "—"


async def keep_a_chair(session: AsyncSession, association_id: int, leaving_id: int) -> None:
    """The only chair cannot be demoted or removed while nobody replaces them."""
    others = await session.scalar(queries.count_other_chairs(association_id, leaving_id))
    if not others:
        raise DomainError(ErrorCode.LAST_CHAIR)
