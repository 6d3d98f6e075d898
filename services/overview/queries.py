"""The `select` builders of the overview: each one aggregates (or lists) over every
association in `scope` (a subquery of association ids) at once, never one per association."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Select, and_, case, exists, func, select

from models import (
    PRESENT_KINDS,
    AnalysisStatus,
    AnnualAnalysis,
    AnnualPlan,
    AnnualPlanRow,
    Association,
    Attendance,
    ComplianceFinding,
    ComplianceSetting,
    Identity,
    Meeting,
    MeetingForm,
    MeetingStatus,
    Membership,
    MethodService,
    Municipality,
    Person,
    PlanRowKind,
    PlanStatus,
    Protocol,
    Role,
    Survey,
    SurveyAudience,
    SurveyKind,
    SurveyStatus,
    Vote,
)
from services.databank import completeness

Scope = Select[int]


def of_services(service_ids: Iterable[int]) -> Scope:
    return select(Association.id).where(Association.service_id.in_(list(service_ids)))


def of_association(association_id: int) -> Scope:
    return select(Association.id).where(Association.id == association_id)


def associations(scope: Scope) -> Select[Association]:
    return select(Association).where(Association.id.in_(scope)).order_by(Association.id)


def services(ids: Iterable[int]) -> Select[int, str]:
    return select(MethodService.id, MethodService.name).where(MethodService.id.in_(list(ids)))


def districts(scope: Scope) -> Select[int, str]:
    """Each association's municipality (its district) by name."""
    return (
        select(Association.id, Municipality.name)
        .join(Municipality, Municipality.id == Association.municipality_id)
        .where(Association.id.in_(scope))
    )


def all_services() -> Select[int]:
    return select(MethodService.id).order_by(MethodService.id)


def settings(service_ids: Iterable[int]) -> Select[ComplianceSetting]:
    return select(ComplianceSetting).where(ComplianceSetting.service_id.in_(list(service_ids)))


def chairs(scope: Scope) -> Select[int, str | None, int]:
    """Each association's chairs (the first membership is the chair shown)."""
    return (
        select(Membership.association_id, Person.full_name, Person.id)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.association_id.in_(scope), Membership.active)
        .where(Membership.role == Role.CHAIR)
        .order_by(Membership.id)
    )


def members(scope: Scope, school_year: int) -> Select[int, int, int, int, int, int]:
    """Per association: on the roster, M (voting), joined the bot, people whose data is kept,
    and the data bank's filled answers over them (services.databank.completeness)."""
    joined = exists().where(Identity.person_id == Person.id)
    kept = Person.forgotten_at.is_(None)
    filled = completeness.filled(school_year)
    return (
        select(
            Membership.association_id,
            func.count(),
            func.sum(case((Membership.voting, 1), else_=0)),
            func.sum(case((joined, 1), else_=0)),
            func.sum(case((kept, 1), else_=0)),
            func.sum(filled),
        )
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.association_id.in_(scope), Membership.active)
        .group_by(Membership.association_id)
    )


def meetings(
    scope: Scope,
) -> Select[int, int, MeetingForm, MeetingStatus, datetime | None, datetime | None, bool, bool]:
    return (
        select(
            Meeting.id,
            Meeting.association_id,
            Meeting.form,
            Meeting.status,
            Meeting.starts_at,
            Meeting.ballot_deadline,
            Meeting.practical_seminar,
            Meeting.venue_school_id.is_not(None),
        )
        .where(Meeting.association_id.in_(scope))
        .order_by(Meeting.id)
    )


def protocols(scope: Scope) -> Select[int, date, bool]:
    """Each protocol's meeting, its due day (the protocols package's), whether it went out."""
    return select(Protocol.meeting_id, Protocol.due_on, Protocol.issued_at.is_not(None)).where(
        Protocol.association_id.in_(scope)
    )


def plans(scope: Scope, years: Iterable[int]) -> Select[int, int, int, PlanStatus]:
    """Every edition of the plans of these school years, the highest first."""
    return (
        select(AnnualPlan.id, AnnualPlan.association_id, AnnualPlan.school_year, AnnualPlan.status)
        .where(AnnualPlan.association_id.in_(scope))
        .where(AnnualPlan.school_year.in_(list(years)))
        .order_by(AnnualPlan.association_id, AnnualPlan.school_year, AnnualPlan.edition.desc())
    )


def approved(scope: Scope) -> Select[int, int]:
    return (
        select(AnnualPlan.association_id, AnnualPlan.school_year)
        .where(AnnualPlan.association_id.in_(scope))
        .where(AnnualPlan.status == PlanStatus.APPROVED)
        .distinct()
    )


def plan_rows(scope: Scope, years: Iterable[int]) -> Select[AnnualPlanRow]:
    """The dated meeting rows of every edition of these years' plans, by position."""
    plan_ids = (
        select(AnnualPlan.id)
        .where(AnnualPlan.association_id.in_(scope))
        .where(AnnualPlan.school_year.in_(list(years)))
    )
    return (
        select(AnnualPlanRow)
        .where(AnnualPlanRow.plan_id.in_(plan_ids))
        .where(AnnualPlanRow.kind.in_([PlanRowKind.MEETING, PlanRowKind.SEMINAR]))
        .where(AnnualPlanRow.day.is_not(None))
        .order_by(AnnualPlanRow.plan_id, AnnualPlanRow.position)
    )


def present_in_person(scope: Scope) -> Select[int, int]:
    """P of each ended in-person meeting: active voting members marked present (one row per
    (meeting, person): no DISTINCT needed)."""
    return (
        select(Attendance.meeting_id, func.count())
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(
            Membership,
            and_(
                Membership.person_id == Attendance.person_id,
                Membership.association_id == Meeting.association_id,
                Membership.active,
                Membership.voting,
            ),
        )
        .where(Meeting.association_id.in_(scope), Meeting.status == MeetingStatus.ENDED)
        .where(Meeting.form == MeetingForm.IN_PERSON)
        .where(Attendance.status.in_(PRESENT_KINDS))
        .group_by(Attendance.meeting_id)
    )


def present_by_ballot(scope: Scope) -> Select[int, int]:
    """P of each ended absentee or hybrid meeting: distinct active voting members who
    answered the ballot."""
    return (
        select(Vote.meeting_id, func.count(func.distinct(Vote.person_id)))
        .join(Meeting, Meeting.id == Vote.meeting_id)
        .join(
            Membership,
            and_(
                Membership.person_id == Vote.person_id,
                Membership.association_id == Meeting.association_id,
                Membership.active,
                Membership.voting,
            ),
        )
        .where(Meeting.association_id.in_(scope), Meeting.status == MeetingStatus.ENDED)
        .where(Meeting.form != MeetingForm.IN_PERSON)
        .where(Vote.by_ballot)
        .group_by(Vote.meeting_id)
    )


def open_findings(scope: Scope) -> Select[int, str, int]:
    return (
        select(ComplianceFinding.association_id, ComplianceFinding.rule, func.count())
        .where(ComplianceFinding.association_id.in_(scope))
        .where(ComplianceFinding.cleared_at.is_(None))
        .group_by(ComplianceFinding.association_id, ComplianceFinding.rule)
    )


def analyses(scope: Scope, years: Iterable[int]) -> Select[int, int, AnalysisStatus]:
    """The annual analyses of these school years: (association, school year, status)."""
    return select(
        AnnualAnalysis.association_id, AnnualAnalysis.school_year, AnnualAnalysis.status
    ).where(AnnualAnalysis.association_id.in_(scope), AnnualAnalysis.school_year.in_(years))


def surveys_sent(scope: Scope, since: datetime) -> Select[int, str, str | None, datetime]:
    """Questionnaires sent to the associations created since `since`: (association, title,
    the built-in template it came from, created)."""
    return (
        select(SurveyAudience.association_id, Survey.title, Survey.template, Survey.created_at)
        .join(Survey, Survey.id == SurveyAudience.survey_id)
        .where(SurveyAudience.association_id.in_(scope))
        .where(Survey.kind == SurveyKind.SURVEY, Survey.status != SurveyStatus.DRAFT)
        .where(Survey.created_at >= since)
    )
