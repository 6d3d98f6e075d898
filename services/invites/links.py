"""Issuing invite links: association links (member, deputy, secretary, chair, group), the
methodist link, revoking member links; which kinds a person may issue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Invite, InviteKind, MethodService
from services import audit
from services.errors import DomainError, ErrorCode
from services.invites import queries
from services.invites.rules import PERSONAL_TTL, TTL, new_token
from services.permissions import Action, Actor, Decision, Scope, decide, require
from services.tx import writes

# What the inviter needs for each kind of association link (a chair link: in the service).
NEEDS: dict[InviteKind, Action] = {
    InviteKind.MEMBER: Action.EDIT_ROSTER,
    InviteKind.DEPUTY: Action.INVITE_STAFF,
    InviteKind.SECRETARY: Action.INVITE_STAFF,
    InviteKind.CHAIR: Action.CREATE_ASSOCIATION,
    InviteKind.GROUP: Action.LINK_GROUP,
}
# The order /invite offers them in.
OFFERED = (
    InviteKind.MEMBER,
    InviteKind.SECRETARY,
    InviteKind.DEPUTY,
    InviteKind.GROUP,
    InviteKind.CHAIR,
)


def may_invite(actor: Actor, service_id: int, association_id: int) -> bool:
    """Whether the person may invite to this association at all (member links)."""
    return decide(actor, Action.EDIT_ROSTER, Scope(service_id, association_id)) is not Decision.DENY


def kinds_for(actor: Actor, service_id: int, association_id: int) -> list[InviteKind]:
    """The kinds of link the person may make for this association, in the order offered."""
    return [
        kind
        for kind in OFFERED
        if decide(
            actor,
            NEEDS[kind],
            Scope(service_id) if kind is InviteKind.CHAIR else Scope(service_id, association_id),
        )
        is not Decision.DENY
    ]


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
    invite = await add_invite(
        session,
        actor,
        kind,
        now,
        association_id=association_id,
        service_id=service_id,
        person_id=person_id,
    )
    return invite.token


async def add_invite(
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


async def issue_link(
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
    invite = await add_invite(
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


@writes
async def create_link(
    session: AsyncSession, actor: Actor, kind: InviteKind, association_id: int, now: datetime
) -> InviteLink:
    """An association link: member (reusable), deputy, secretary, chair or group (single-use)."""
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    scope = Scope(association.service_id, association.id)
    needed = NEEDS.get(kind)
    if needed is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, needed, Scope(association.service_id) if kind is InviteKind.CHAIR else scope)
    link = await issue_link(
        session,
        actor,
        kind,
        now,
        target_name=association.name,
        timezone=association.timezone,
        association_id=association.id,
    )
    return link


@writes
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
        await session.scalars(queries.working_member_links(association.id, now, keep_id))
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
    return len(revoked)


@writes
async def create_methodist_link(
    session: AsyncSession, actor: Actor, service_id: int, now: datetime
) -> InviteLink:
    if not actor.is_admin:
        raise DomainError(ErrorCode.FORBIDDEN)
    service = await session.get(MethodService, service_id)
    if service is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    timezone = await session.scalar(queries.service_timezone(service_id))
    link = await issue_link(
        session,
        actor,
        InviteKind.METHODIST,
        now,
        target_name=service.name,
        timezone=timezone,
        service_id=service_id,
    )
    return link
