"""The `select` builders of the plans package."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from models import (
    AgendaItem,
    AnnualPlan,
    AnnualPlanRow,
    Membership,
    Person,
    PlanStatus,
    ProtocolVersion,
    Role,
    School,
)
from models.directory import SchoolStatus


def editions(association_id: int, school_year: int) -> Select[AnnualPlan]:
    """Every edition of the plan of a school year, the current (highest) first."""
    return (
        select(AnnualPlan)
        .where(AnnualPlan.association_id == association_id)
        .where(AnnualPlan.school_year == school_year)
        .order_by(AnnualPlan.edition.desc())
    )


def latest_approved(association_id: int, school_year: int) -> Select[AnnualPlan]:
    return (
        editions(association_id, school_year)
        .where(AnnualPlan.status == PlanStatus.APPROVED)
        .limit(1)
    )


def rows_of(plan_id: int) -> Select[AnnualPlanRow]:
    return (
        select(AnnualPlanRow)
        .where(AnnualPlanRow.plan_id == plan_id)
        .order_by(AnnualPlanRow.position)
    )


def roster(association_id: int) -> Select[int, str | None]:
    """Active members: person id and full name."""
    return (
        select(Person.id, Person.full_name)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.association_id == association_id)
        .where(Membership.active.is_(True))
    )


def chair_name(association_id: int) -> Select[str | None]:
    return (
        select(Person.full_name)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.association_id == association_id)
        .where(Membership.active.is_(True))
        .where(Membership.role == Role.CHAIR)
        .order_by(Membership.id)
        .limit(1)
    )


def names(person_ids: list[int]) -> Select[int, str | None]:
    return select(Person.id, Person.full_name).where(Person.id.in_(person_ids))


def schools(municipality_id: int) -> Select[int, str, str]:
    """The approved schools of the directory: id, name, normalised name."""
    return (
        select(School.id, School.name, School.norm_name)
        .where(School.municipality_id == municipality_id)
        .where(School.status == SchoolStatus.APPROVED)
    )


def school_names(school_ids: list[int]) -> Select[int, str]:
    return select(School.id, School.name).where(School.id.in_(school_ids))


def row_count(plan_id: int) -> Select[int]:
    return select(func.count()).select_from(AnnualPlanRow).where(AnnualPlanRow.plan_id == plan_id)


def plan_items(meeting_id: int) -> Select[AgendaItem]:
    """The questions of a meeting that approve a plan edition, in the agenda's order."""
    return (
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id)
        .where(AgendaItem.plan_id.is_not(None))
        .order_by(AgendaItem.position)
    )


def staff(association_id: int, roles: tuple[Role, ...]) -> Select[int]:
    """Active members of the association in these roles: person ids."""
    return (
        select(Membership.person_id)
        .where(Membership.association_id == association_id)
        .where(Membership.active.is_(True))
        .where(Membership.role.in_(roles))
        .order_by(Membership.person_id)
    )


def signed_version(protocol_id: int) -> Select[ProtocolVersion]:
    """The latest signed version of a protocol."""
    return (
        select(ProtocolVersion)
        .where(ProtocolVersion.protocol_id == protocol_id)
        .where(ProtocolVersion.signed_at.is_not(None))
        .order_by(ProtocolVersion.version.desc())
        .limit(1)
    )
