"""The select builders of the roster package."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from models import Association, Identity, Membership, Person, Role, School


def roster_rows(
    association_id: int,
) -> Select[Membership, Person, str | None, bool | None, int | None]:
    """Active members with their school and identities (a row per identity)."""
    return (
        select(Membership, Person, School.name, Identity.reachable, Identity.id)
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(School, School.id == Person.school_id)
        .outerjoin(Identity, Identity.person_id == Person.id)
        .where(Membership.association_id == association_id, Membership.active.is_(True))
    )


def present_names(association_id: int) -> Select[str | None, str | None]:
    """Names and normalized schools of the active members."""
    return (
        select(Person.full_name, School.norm_name)
        .join(Membership, Membership.person_id == Person.id)
        .outerjoin(School, School.id == Person.school_id)
        .where(Membership.association_id == association_id, Membership.active)
    )


def member(membership_id: int) -> Select[Membership, Association]:
    return (
        select(Membership, Association)
        .join(Association, Association.id == Membership.association_id)
        .where(Membership.id == membership_id)
    )


def identity_of(person_id: int) -> Select[int]:
    return select(Identity.id).where(Identity.person_id == person_id)


def first_identity(person_id: int) -> Select[Identity]:
    return select(Identity).where(Identity.person_id == person_id).limit(1)


def other_chairs(association_id: int, membership_id: int) -> Select[Membership]:
    return select(Membership).where(
        Membership.association_id == association_id,
        Membership.role == Role.CHAIR,
        Membership.id != membership_id,
    )


def count_other_chairs(association_id: int, leaving_id: int) -> Select[int]:
    return (
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.association_id == association_id,
            Membership.role == Role.CHAIR,
            Membership.active.is_(True),
            Membership.id != leaving_id,
        )
    )
