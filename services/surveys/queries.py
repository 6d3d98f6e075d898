"""Every SELECT of the survey package, built here and run by the use cases."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Subquery, func, select

from models import Association, Membership, Person, School, YearCourse, YearReport
from models.survey import (
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyDraft,
    SurveyKind,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
    SurveyStatus,
)


def audience(survey_id: int) -> Select[Association]:
    """The survey's associations, in the order they were chosen (the first gives the zone)."""
    return (
        select(Association)
        .join(SurveyAudience, SurveyAudience.association_id == Association.id)
        .where(SurveyAudience.survey_id == survey_id)
        .order_by(SurveyAudience.id)
    )


def questions(survey_id: int) -> Select[SurveyQuestion]:
    return (
        select(SurveyQuestion)
        .where(SurveyQuestion.survey_id == survey_id)
        .order_by(SurveyQuestion.position)
    )


def service_associations(service_id: int) -> Select[Association]:
    return select(Association).where(Association.service_id == service_id).order_by(Association.id)


def active_members(association_ids: Collection[int]) -> Select[int]:
    """Each active member of these associations once, by person id."""
    return (
        select(Membership.person_id)
        .where(Membership.association_id.in_(list(association_ids)), Membership.active)
        .distinct()
        .order_by(Membership.person_id)
    )


def due_to_close(now: datetime) -> Select[Survey]:
    return (
        select(Survey)
        .where(
            Survey.status == SurveyStatus.OPEN,
            Survey.closes_at.is_not(None),
            Survey.closes_at <= now,
        )
        .order_by(Survey.id)
        .with_for_update()
    )


def recipient(survey_id: int, person_id: int, *, lock: bool) -> Select[SurveyRecipient]:
    statement = select(SurveyRecipient).where(
        SurveyRecipient.survey_id == survey_id, SurveyRecipient.person_id == person_id
    )
    return statement.with_for_update() if lock else statement


def draft(survey_id: int, person_id: int, *, lock: bool) -> Select[SurveyDraft]:
    statement = select(SurveyDraft).where(
        SurveyDraft.survey_id == survey_id, SurveyDraft.person_id == person_id
    )
    return statement.with_for_update() if lock else statement


def question_counts() -> Subquery:
    """(survey_id, n): how many questions each survey has."""
    return (
        select(SurveyQuestion.survey_id, func.count().label("n"))
        .group_by(SurveyQuestion.survey_id)
        .subquery()
    )


def open_for(person_id: int) -> Select[Survey, int]:
    """Open surveys this person was sent and has not finished, with their question counts."""
    counts = question_counts()
    return (
        select(Survey, counts.c.n)
        .join(SurveyRecipient, SurveyRecipient.survey_id == Survey.id)
        .join(counts, counts.c.survey_id == Survey.id)
        .where(
            SurveyRecipient.person_id == person_id,
            SurveyRecipient.finished.is_(False),
            Survey.status == SurveyStatus.OPEN,
        )
        .order_by(Survey.id)
    )


def written_by(person_id: int, limit: int) -> Select[Survey, int]:
    """The surveys this person wrote, newest first, with their question counts."""
    counts = question_counts()
    return (
        select(Survey, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.survey_id == Survey.id)
        .where(Survey.author_id == person_id)
        .order_by(Survey.id.desc())
        .limit(limit)
    )


def response_count(survey_id: int) -> Select[int]:
    return (
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.survey_id == survey_id)
    )


def recipient_count(survey_id: int) -> Select[int]:
    return (
        select(func.count())
        .select_from(SurveyRecipient)
        .where(SurveyRecipient.survey_id == survey_id)
    )


def responses(survey_id: int, *, anonymous: bool) -> Select[int, str | None]:
    """(response id, name) in the results' order."""
    return (
        select(SurveyResponse.id, Person.full_name)
        .outerjoin(Person, Person.id == SurveyResponse.person_id)
        .where(SurveyResponse.survey_id == survey_id)
        # Anonymous: the random ids give an order that says nothing about who or when.
        .order_by(SurveyResponse.id if anonymous else Person.full_name, SurveyResponse.id)
    )


def answer_values(survey_id: int) -> Select[int, int, dict[str, Any]]:
    """(response id, question id, value) of every answer of the survey."""
    return (
        select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.value)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey_id)
    )


def response_rows(survey_id: int) -> Select[int, int | None, int | None, str | None]:
    """(id, person id, school, subject) of every response, for the rewrite after an
    anonymous finish."""
    return select(
        SurveyResponse.id,
        SurveyResponse.person_id,
        SurveyResponse.school_id,
        SurveyResponse.subject,
    ).where(SurveyResponse.survey_id == survey_id)


def answerer_group(survey_id: int, person_id: int) -> Select[int | None, str | None, str | None]:
    """A needs survey's answerer as grouped in the breakdown: (their school, their subject,
    the subject of an association of the audience they belong to), the first such one."""
    return (
        select(Person.school_id, Person.subject, Association.subject)
        .select_from(Person)
        .outerjoin(Membership, (Membership.person_id == Person.id) & Membership.active)
        .outerjoin(
            SurveyAudience,
            (SurveyAudience.association_id == Membership.association_id)
            & (SurveyAudience.survey_id == survey_id),
        )
        .outerjoin(Association, Association.id == SurveyAudience.association_id)
        .where(Person.id == person_id)
        .order_by(SurveyAudience.id.is_(None), SurveyAudience.id)
        .limit(1)
    )


def answer_rows(response_ids: Collection[int]) -> Select[int, int, dict[str, Any]]:
    return select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.value).where(
        SurveyAnswer.response_id.in_(list(response_ids))
    )


def statuses(survey_ids: Collection[int]) -> Select[int, SurveyStatus]:
    return select(Survey.id, Survey.status).where(Survey.id.in_(list(survey_ids)))


def finished_pairs(survey_ids: Collection[int], person_ids: Collection[int]) -> Select[int, int]:
    """(survey, person) of those who have finished."""
    return select(SurveyRecipient.survey_id, SurveyRecipient.person_id).where(
        SurveyRecipient.survey_id.in_(list(survey_ids)),
        SurveyRecipient.person_id.in_(list(person_ids)),
        SurveyRecipient.finished,
    )


def audience_pairs(survey_ids: Collection[int], person_ids: Collection[int]) -> Select[int, int]:
    """(survey, person) of those still in the audience: an active member of one of the
    survey's associations."""
    return (
        select(SurveyAudience.survey_id, Membership.person_id)
        .join(Membership, Membership.association_id == SurveyAudience.association_id)
        .where(
            SurveyAudience.survey_id.in_(list(survey_ids)),
            Membership.person_id.in_(list(person_ids)),
            Membership.active,
        )
    )


def live_polls() -> Select[Survey]:
    """Named polls whose results card may need an edit."""
    return select(Survey).where(
        Survey.kind == SurveyKind.POLL,
        Survey.anonymous.is_(False),
        Survey.card_message_id.is_not(None),
        # open, or closed since its card was last edited (a last edit: «closed»)
        (Survey.status == SurveyStatus.OPEN)
        | (
            (Survey.status == SurveyStatus.CLOSED)
            & (Survey.card_at.is_(None) | (Survey.closed_at > Survey.card_at))
        ),
    )


def zones(survey_ids: Collection[int]) -> Select[int, str]:
    return (
        select(SurveyAudience.survey_id, Association.timezone)
        .join(Association, Association.id == SurveyAudience.association_id)
        .where(SurveyAudience.survey_id.in_(list(survey_ids)))
        .order_by(SurveyAudience.survey_id, Association.id)
    )


def sent_to(person_id: int) -> Select[Survey, bool]:
    """Every survey this person was sent, with whether they finished it (for /mydata)."""
    return (
        select(Survey, SurveyRecipient.finished)
        .join(SurveyRecipient, SurveyRecipient.survey_id == Survey.id)
        .where(SurveyRecipient.person_id == person_id)
        .order_by(Survey.id)
    )


def named_answers(person_id: int) -> Select[int, SurveyQuestion, dict[str, Any]]:
    """(survey id, question, value) of this person's named responses (an anonymous response
    is linked to nobody: it is not among them)."""
    return (
        select(SurveyResponse.survey_id, SurveyQuestion, SurveyAnswer.value)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyResponse.person_id == person_id)
        .order_by(SurveyResponse.survey_id, SurveyQuestion.position)
    )


def named_groups(person_id: int) -> Select[int, str | None, str | None]:
    """(survey id, school's name, subject) a needs survey's named response of this person
    keeps (services.needs groups by them; other responses keep none)."""
    return (
        select(SurveyResponse.survey_id, School.name, SurveyResponse.subject)
        .outerjoin(School, School.id == SurveyResponse.school_id)
        .where(SurveyResponse.person_id == person_id)
        .where((SurveyResponse.school_id.is_not(None)) | (SurveyResponse.subject.is_not(None)))
    )


def drafts_of(person_id: int) -> Select[SurveyDraft]:
    """The answers this person keeps in surveys not finished yet."""
    return select(SurveyDraft).where(SurveyDraft.person_id == person_id).order_by(SurveyDraft.id)


def questions_in(survey_ids: Collection[int]) -> Select[SurveyQuestion]:
    return (
        select(SurveyQuestion)
        .where(SurveyQuestion.survey_id.in_(list(survey_ids)))
        .order_by(SurveyQuestion.survey_id, SurveyQuestion.position)
    )


def year_reports_of(person_id: int) -> Select[YearReport]:
    return (
        select(YearReport).where(YearReport.person_id == person_id).order_by(YearReport.school_year)
    )


def year_report(person_id: int, year: int) -> Select[YearReport]:
    return select(YearReport).where(
        YearReport.person_id == person_id, YearReport.school_year == year
    )


def year_courses(report_id: int) -> Select[YearCourse]:
    return select(YearCourse).where(YearCourse.report_id == report_id).order_by(YearCourse.position)
