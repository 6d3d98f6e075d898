"""Loading what a roster use case acts on, and the scope its permission is checked in."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Membership, Role
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Scope, may_manage_role, require
from services.roster import queries


async def load_association(session: AsyncSession, association_id: int) -> Association:
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return association


def scope_of(association: Association) -> Scope:
    return Scope(association.service_id, association.id)


async def load_member(session: AsyncSession, membership_id: int) -> tuple[Membership, Association]:
    row = (await session.execute(queries.member(membership_id))).first()
    if row is None or not row[0].active:
        raise DomainError(ErrorCode.STALE)
    return row[0], row[1]


def require_removal(actor: Actor, association: Association, role: Role) -> None:
    """Refused unless the actor may remove someone holding `role` here (asked and done)."""
    require(actor, Action.EDIT_ROSTER, scope_of(association))
    if not may_manage_role(actor, scope_of(association), role):
        raise DomainError(ErrorCode.FORBIDDEN)
