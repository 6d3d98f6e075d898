"""The select builders of the people package."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import aliased

from models import (
    Association,
    Identity,
    Membership,
    Methodist,
    MethodService,
    Municipality,
    Person,
    Role,
    School,
    SchoolStatus,
)

Grouped = aliased(MethodService, name="grouped")


def actor_query() -> Select[int, str | None, str | None, int, Role, str, int, str, int]:
    """Everything one update needs to know of its sender, for the bound `platform` and
    `external_id`: the person, their active memberships with the association's name, their
    active methodist posts with the service's name, and the services a post's service groups
    when it is a centre (issue 18: a centre's methodists oversee those too). One row per
    triple, memberships in the order of the association's name."""
    return (
        select(
            Person.id,
            Person.locale,
            Person.full_name,
            Membership.association_id,
            Membership.role,
            Association.name,
            Methodist.service_id,
            MethodService.name,
            Grouped.id,
        )
        .join(Identity, Identity.person_id == Person.id)
        .outerjoin(Membership, (Membership.person_id == Person.id) & Membership.active.is_(True))
        .outerjoin(Association, Association.id == Membership.association_id)
        .outerjoin(Methodist, (Methodist.person_id == Person.id) & Methodist.active.is_(True))
        .outerjoin(MethodService, MethodService.id == Methodist.service_id)
        .outerjoin(Grouped, Grouped.centre_id == Methodist.service_id)
        .where(
            Identity.platform == bindparam("platform"),
            Identity.external_id == bindparam("external_id"),
        )
        .order_by(Association.name)
    )


# Built once: it runs for every update.
ACTOR_QUERY = actor_query()


def services_methodists(service_ids: Collection[int]) -> Select[int, int]:
    """(service, person): the people to tell as "the service's methodists" — the active
    methodists of the service and of its centre (a centre's methodists oversee its services,
    as `actor_query` reads it), each once per service. Every notice to a service's
    methodists goes through this one query."""
    return (
        select(MethodService.id, Methodist.person_id)
        .join(
            Methodist,
            or_(
                Methodist.service_id == MethodService.id,
                Methodist.service_id == MethodService.centre_id,
            ),
        )
        .where(MethodService.id.in_(list(service_ids)), Methodist.active.is_(True))
        .distinct()
        .order_by(MethodService.id, Methodist.person_id)
    )


def service_methodists(service_id: int) -> Select[int]:
    """The people of `services_methodists` for one service, by id."""
    found = services_methodists([service_id]).subquery()
    return select(found.c.person_id).order_by(found.c.person_id)


def person_with_school(person_id: int) -> Select[Person, str | None, SchoolStatus | None]:
    return (
        select(Person, School.name, School.status)
        .outerjoin(School, School.id == Person.school_id)
        .where(Person.id == person_id)
    )


def active_memberships(person_id: int) -> Select[int, str, Role]:
    return (
        select(Association.id, Association.name, Membership.role)
        .join(Association, Association.id == Membership.association_id)
        .where(Membership.person_id == person_id, Membership.active.is_(True))
        .order_by(Association.name)
    )


def methodist_services(person_id: int, *, active_only: bool = True) -> Select[str]:
    stmt = (
        select(MethodService.name)
        .join(Methodist, Methodist.service_id == MethodService.id)
        .where(Methodist.person_id == person_id)
    )
    return stmt.where(Methodist.active.is_(True)) if active_only else stmt


def all_memberships(person_id: int) -> Select[Membership, Association]:
    return (
        select(Membership, Association)
        .join(Association, Association.id == Membership.association_id)
        .where(Membership.person_id == person_id)
    )


def identities(person_id: int) -> Select[Identity]:
    return select(Identity).where(Identity.person_id == person_id)


def account_ids(person_id: int) -> Select[int]:
    return select(Identity.external_id).where(Identity.person_id == person_id)


def delivery_targets(
    person_ids: list[int], platform: str
) -> Select[int, str | None, int | None, bool | None]:
    return (
        select(Person.id, Person.locale, Identity.external_id, Identity.reachable)
        .outerjoin(Identity, (Identity.person_id == Person.id) & (Identity.platform == platform))
        .where(Person.id.in_(person_ids))
    )


def municipalities_of(person_id: int) -> Select[int, str]:
    """The municipalities of the person's active associations."""
    return (
        select(Municipality.id, Municipality.name)
        .join(Association, Association.municipality_id == Municipality.id)
        .join(Membership, Membership.association_id == Association.id)
        .where(Membership.person_id == person_id, Membership.active.is_(True))
        .distinct()
        .order_by(Municipality.name, Municipality.id)
    )
