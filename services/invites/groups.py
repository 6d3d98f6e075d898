"""An association's group chat: linked through a ?startgroup= link, followed when it becomes
a supergroup, unlinked when the bot leaves it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, InviteKind
from services import audit
from services.errors import DomainError, ErrorCode
from services.invites import queries
from services.people import load_actor
from services.permissions import Action, Scope, require
from services.tx import writes


@writes
async def link_group(
    session: AsyncSession,
    token: str,
    external_id: int,
    chat_id: int,
    now: datetime,
    admin_ids: list[int],
) -> str:
    """Bind the association's group chat through a ?startgroup= link; returns its name."""
    invite = await session.scalar(queries.invite_by_token(token, lock=True))
    if invite is None or invite.kind is not InviteKind.GROUP:
        raise DomainError(ErrorCode.INVITE_UNKNOWN)
    if invite.expires_at <= now:
        raise DomainError(ErrorCode.INVITE_EXPIRED)
    if invite.uses_left is not None and invite.uses_left <= 0:
        raise DomainError(ErrorCode.INVITE_USED)
    association = await session.get_one(Association, invite.association_id)
    actor = await load_actor(session, external_id, admin_ids)
    require(actor, Action.LINK_GROUP, Scope(association.service_id, association.id))
    taken = await session.scalar(queries.group_taken(chat_id, association.id))
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
    return association.name


@writes
async def migrate_group(
    session: AsyncSession, old_chat_id: int, new_chat_id: int, now: datetime
) -> bool:
    """Follow a group's upgrade to a supergroup; True when an association was linked to it."""
    association = await session.scalar(queries.association_of_group(old_chat_id))
    if association is None:
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
    return True


@writes
async def unlink_group(session: AsyncSession, chat_id: int, now: datetime) -> bool:
    """The bot left or was removed from a group: an association linked to it loses the link
    (its chair can link a group again from /invite). True when one was linked."""
    association = await session.scalar(queries.association_of_group(chat_id))
    if association is None:
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
    return True
