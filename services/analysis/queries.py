"""The `select` builders of the analysis: one plain query per table for the whole year."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Select, func, select

from models import (
    PRESENT_KINDS,
    AgendaItem,
    AnnualAnalysis,
    AnnualPlan,
    AnnualPlanRow,
    Attendance,
    Meeting,
    MeetingStatus,
    Membership,
    Person,
    PlanStatus,
    Protocol,
    School,
    Survey,
    SurveyAudience,
    SurveyRecipient,
    SurveyStatus,
    Vote,
    YearCourse,
    YearReport,
)
from services.people.queries import service_methodists


def held_meetings(association_id: int) -> Select[Meeting]:
    return (
        select(Meeting)
        .where(Meeting.association_id == association_id, Meeting.status == MeetingStatus.ENDED)
        .order_by(Meeting.id)
    )


def roster(association_id: int) -> Select[int, datetime, str | None]:
    """The active voting members: who, since when, their school on the profile now."""
    return (
        select(Membership.person_id, Membership.created_at, School.name)
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(School, School.id == Person.school_id)
        .where(
            Membership.association_id == association_id,
            Membership.active.is_(True),
            Membership.voting.is_(True),
            Person.forgotten_at.is_(None),
        )
    )


def memberships(association_id: int) -> Select[int, datetime, str | None]:
    """Everyone who has been a member (a membership stays, inactive, after leaving or
    /forget, the tombstone keeps the school): who, since when, their school on the profile."""
    return (
        select(Membership.person_id, Membership.created_at, School.name)
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(School, School.id == Person.school_id)
        .where(Membership.association_id == association_id)
    )


def names(person_ids: Collection[int]) -> Select[int, str | None]:
    return select(Person.id, Person.full_name).where(Person.id.in_(list(person_ids)))


def present(meeting_ids: Collection[int]) -> Select[int, int | None, str | None]:
    """Who was marked present at these meetings, with the school at the time."""
    return select(Attendance.meeting_id, Attendance.person_id, Attendance.school_name).where(
        Attendance.meeting_id.in_(list(meeting_ids)),
        Attendance.status.in_(PRESENT_KINDS),
        Attendance.person_id.is_not(None),
    )


def schools_at(meeting_ids: Collection[int]) -> Select[int, int | None, str | None, bool]:
    """Every attendance row's school at the time (present or not), and whether the person
    was a voting member then (a row is written for members only)."""
    return select(
        Attendance.meeting_id, Attendance.person_id, Attendance.school_name, Attendance.voting
    ).where(Attendance.meeting_id.in_(list(meeting_ids)), Attendance.person_id.is_not(None))


def ballot_voters(meeting_ids: Collection[int]) -> Select[int, int | None]:
    """Who answered the ballot of these meetings."""
    return (
        select(Vote.meeting_id, Vote.person_id)
        .where(Vote.meeting_id.in_(list(meeting_ids)), Vote.by_ballot, Vote.person_id.is_not(None))
        .distinct()
    )


def reports(year: int, person_ids: Collection[int]) -> Select[YearReport]:
    return select(YearReport).where(
        YearReport.school_year == year, YearReport.person_id.in_(list(person_ids))
    )


def courses(report_ids: Collection[int]) -> Select[YearCourse]:
    return (
        select(YearCourse)
        .where(YearCourse.report_id.in_(list(report_ids)))
        .order_by(YearCourse.report_id, YearCourse.position)
    )


def surveys_of(association_id: int, template: str) -> Select[Survey]:
    """The association's sent surveys made from a template."""
    return (
        select(Survey)
        .join(SurveyAudience, SurveyAudience.survey_id == Survey.id)
        .where(
            SurveyAudience.association_id == association_id,
            Survey.template == template,
            Survey.status != SurveyStatus.DRAFT,
        )
        .order_by(Survey.id)
    )


def recipients(survey_id: int) -> Select[int, int]:
    """(all recipients, those who finished)."""
    return select(func.count(), func.count().filter(SurveyRecipient.finished.is_(True))).where(
        SurveyRecipient.survey_id == survey_id
    )


def protocol_questions(association_id: int, year: int) -> Select[Protocol, AgendaItem]:
    return (
        select(Protocol, AgendaItem)
        .join(AgendaItem, AgendaItem.meeting_id == Protocol.meeting_id)
        .where(Protocol.association_id == association_id, Protocol.school_year == year)
        .order_by(Protocol.number, AgendaItem.position)
    )


def plan_rows(row_ids: Collection[int]) -> Select[AnnualPlanRow]:
    return (
        select(AnnualPlanRow)
        .where(AnnualPlanRow.id.in_(list(row_ids)))
        .order_by(AnnualPlanRow.position)
    )


def kept(association_id: int, year: int, *, lock: bool = False) -> Select[AnnualAnalysis]:
    stmt = select(AnnualAnalysis).where(
        AnnualAnalysis.association_id == association_id, AnnualAnalysis.school_year == year
    )
    return stmt.with_for_update() if lock else stmt


def approved_plan(association_id: int, year: int) -> Select[int]:
    return (
        select(AnnualPlan.id)
        .where(
            AnnualPlan.association_id == association_id,
            AnnualPlan.school_year == year,
            AnnualPlan.status == PlanStatus.APPROVED,
        )
        .order_by(AnnualPlan.edition.desc())
        .limit(1)
    )


def methodists(service_id: int) -> Select[int]:
    """The service's methodists and its centre's (the one shared query)."""
    return service_methodists(service_id)
