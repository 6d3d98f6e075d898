"""The select builders of the invites package."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from models import (
    Association,
    Identity,
    Invite,
    InviteKind,
    Membership,
    Methodist,
    Municipality,
    Person,
    Role,
)
from services.people import TELEGRAM


def invite_by_token(token: str, *, lock: bool = False) -> Select[Invite]:
    stmt = select(Invite).where(Invite.token == token)
    return stmt.with_for_update() if lock else stmt


def person_of_account(external_id: int) -> Select[Person]:
    return (
        select(Person)
        .join(Identity, Identity.person_id == Person.id)
        .where(Identity.platform == TELEGRAM, Identity.external_id == external_id)
    )


def identity_of(person_id: int) -> Select[int]:
    return select(Identity.id).where(Identity.person_id == person_id)


def active_post(person_id: int, service_id: int | None) -> Select[int]:
    return select(Methodist.id).where(
        Methodist.person_id == person_id,
        Methodist.service_id == service_id,
        Methodist.active.is_(True),
    )


def post(person_id: int, service_id: int | None) -> Select[Methodist]:
    return select(Methodist).where(
        Methodist.person_id == person_id, Methodist.service_id == service_id
    )


def membership(person_id: int, association_id: int) -> Select[Membership]:
    return select(Membership).where(
        Membership.person_id == person_id, Membership.association_id == association_id
    )


def memberships_of(person_id: int) -> Select[Membership]:
    return select(Membership).where(Membership.person_id == person_id)


def other_chairs(association_id: int, person_id: int) -> Select[Membership]:
    return select(Membership).where(
        Membership.association_id == association_id,
        Membership.role == Role.CHAIR,
        Membership.person_id != person_id,
    )


def working_member_links(association_id: int, now: datetime, keep_id: int) -> Select[int]:
    """The association's reusable member links that still work, but `keep_id`."""
    return select(Invite.id).where(
        Invite.association_id == association_id,
        Invite.kind == InviteKind.MEMBER,
        Invite.person_id.is_(None),
        Invite.uses_left.is_(None),
        Invite.expires_at > now,
        Invite.id != keep_id,
    )


def service_timezone(service_id: int) -> Select[str]:
    """The time zone of the service's municipality (the first one if it covers several)."""
    return (
        select(Municipality.timezone)
        .where(Municipality.service_id == service_id)
        .order_by(Municipality.id)
        .limit(1)
    )


def association_of_group(chat_id: int) -> Select[Association]:
    return select(Association).where(Association.group_chat_id == chat_id)


def group_taken(chat_id: int, association_id: int) -> Select[int]:
    return select(Association.id).where(
        Association.group_chat_id == chat_id, Association.id != association_id
    )
