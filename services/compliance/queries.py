"""The `select` builders of the compliance package."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, select

from models import (
    AnalysisStatus,
    AnnualAnalysis,
    AnnualPlan,
    AnnualPlanRow,
    Association,
    ComplianceFinding,
    ComplianceSetting,
    Meeting,
    Membership,
    Person,
    PlanRowKind,
    PlanStatus,
    Protocol,
    Role,
)
from services.people.queries import service_methodists


def associations(service_ids: Iterable[int] | None = None) -> Select[Association]:
    stmt = select(Association).order_by(Association.id)
    if service_ids is not None:
        stmt = stmt.where(Association.service_id.in_(list(service_ids)))
    return stmt


def setting(service_id: int, kind: str) -> Select[ComplianceSetting]:
    return select(ComplianceSetting).where(
        ComplianceSetting.service_id == service_id, ComplianceSetting.kind == kind
    )


def meetings_of(association_id: int) -> Select[Meeting]:
    return select(Meeting).where(Meeting.association_id == association_id).order_by(Meeting.id)


def protocols_of(meeting_ids: list[int]) -> Select[int, date, bool]:
    """Each protocol's meeting, its due day (the protocols package's), whether it went out."""
    return select(Protocol.meeting_id, Protocol.due_on, Protocol.issued_at.is_not(None)).where(
        Protocol.meeting_id.in_(meeting_ids)
    )


def plans_of(association_id: int, years: Iterable[int]) -> Select[AnnualPlan]:
    """Every edition of the plans of these school years, the highest first."""
    return (
        select(AnnualPlan)
        .where(AnnualPlan.association_id == association_id)
        .where(AnnualPlan.school_year.in_(list(years)))
        .order_by(AnnualPlan.school_year, AnnualPlan.edition.desc())
    )


def approved_years(association_id: int) -> Select[int]:
    return (
        select(AnnualPlan.school_year)
        .where(AnnualPlan.association_id == association_id)
        .where(AnnualPlan.status == PlanStatus.APPROVED)
        .distinct()
    )


def analysed_years(association_id: int) -> Select[int]:
    """School years whose analysis went to the methodists (submitted, returned or accepted)."""
    return select(AnnualAnalysis.school_year).where(
        AnnualAnalysis.association_id == association_id,
        AnnualAnalysis.status != AnalysisStatus.DRAFT,
    )


def meeting_rows(plan_ids: list[int]) -> Select[AnnualPlanRow]:
    """The dated meeting rows (заседание, практический семинар) of these plans."""
    return (
        select(AnnualPlanRow)
        .where(AnnualPlanRow.plan_id.in_(plan_ids))
        .where(AnnualPlanRow.kind.in_([PlanRowKind.MEETING, PlanRowKind.SEMINAR]))
        .where(AnnualPlanRow.day.is_not(None))
        .order_by(AnnualPlanRow.plan_id, AnnualPlanRow.position)
    )


def chair(association_id: int) -> Select[Person]:
    return (
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.association_id == association_id)
        .where(Membership.active.is_(True))
        .where(Membership.role == Role.CHAIR)
        .order_by(Membership.id)
        .limit(1)
    )


def findings_of(association_id: int) -> Select[ComplianceFinding]:
    return select(ComplianceFinding).where(ComplianceFinding.association_id == association_id)


def findings(ids: list[int]) -> Select[ComplianceFinding]:
    return select(ComplianceFinding).where(ComplianceFinding.id.in_(ids))


def methodists(service_id: int) -> Select[int]:
    """The service's methodists and its centre's (the one shared query)."""
    return service_methodists(service_id)
