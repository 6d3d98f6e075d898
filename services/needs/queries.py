"""The `select` builders of the needs breakdown: each one aggregates over every needs survey
(or every association) of the scope at once, never one per survey or per school."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, Select, Text, and_, case, cast, func, select

from models import (
    PRESENT_KINDS,
    Attendance,
    Meeting,
    MeetingForm,
    MeetingStatus,
    Membership,
    Person,
    School,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyKind,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
    Vote,
)
from models.survey import QuestionKind
from services.overview.queries import Scope
from services.surveys import TemplateKey

# A response's school and subject: as kept when it was given (a needs survey's response
# keeps them, models.survey.SurveyResponse); a named response from before that: the
# person's now.
SCHOOL = func.coalesce(SurveyResponse.school_id, Person.school_id)
SUBJECT = func.coalesce(SurveyResponse.subject, Person.subject)
# When a meeting counts as held: its ballot's deadline (absentee), else its start, as the
# overview reads it (services.overview.gather).
MOMENT = case(
    (Meeting.form == MeetingForm.ABSENTEE, Meeting.ballot_deadline), else_=Meeting.starts_at
)


def surveys(scope: Scope, since: datetime) -> Select[int, bool, SurveyStatus]:
    """The needs surveys (made from the built-in template) sent since `since` to associations
    of the scope and to none outside it (an anonymous answer cannot be told apart by
    association, so a survey that also went elsewhere would show others' teachers):
    (id, anonymous, status)."""
    sent = select(SurveyAudience.survey_id).where(SurveyAudience.association_id.in_(scope))
    beyond = select(SurveyAudience.survey_id).where(SurveyAudience.association_id.not_in(scope))
    return (
        select(Survey.id, Survey.anonymous, Survey.status)
        .where(Survey.id.in_(sent), Survey.id.not_in(beyond))
        .where(Survey.template == TemplateKey.NEEDS)
        .where(Survey.kind == SurveyKind.SURVEY, Survey.status != SurveyStatus.DRAFT)
        .where(Survey.created_at >= since)
        .order_by(Survey.id)
    )


def response_counts(survey_ids: Collection[int]) -> Select[int, int]:
    return (
        select(SurveyResponse.survey_id, func.count())
        .where(SurveyResponse.survey_id.in_(list(survey_ids)))
        .group_by(SurveyResponse.survey_id)
    )


def choice_questions(survey_ids: Collection[int]) -> Select[int, int, list[str]]:
    """The multiple-choice questions of the surveys by position: (survey, id, options)."""
    return (
        select(SurveyQuestion.survey_id, SurveyQuestion.id, SurveyQuestion.options)
        .where(SurveyQuestion.survey_id.in_(list(survey_ids)))
        .where(SurveyQuestion.kind == QuestionKind.MULTIPLE)
        .order_by(SurveyQuestion.survey_id, SurveyQuestion.position)
    )


def groups(survey_ids: Collection[int]) -> Select[int, int | None, str | None, int]:
    """Responses per (survey, school, subject)."""
    return (
        select(SurveyResponse.survey_id, SCHOOL, SUBJECT, func.count())
        .select_from(SurveyResponse)
        .outerjoin(Person, Person.id == SurveyResponse.person_id)
        .where(SurveyResponse.survey_id.in_(list(survey_ids)))
        .group_by(SurveyResponse.survey_id, SCHOOL, SUBJECT)
    )


def answers(question_ids: Collection[int]) -> Select[int, int, str, int | None, str | None, int]:
    """Identical answers counted per (survey, question, answer as JSON text, school, subject)."""
    value = cast(SurveyAnswer.value, Text)
    return (
        select(
            SurveyResponse.survey_id, SurveyAnswer.question_id, value, SCHOOL, SUBJECT, func.count()
        )
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .outerjoin(Person, Person.id == SurveyResponse.person_id)
        .where(SurveyAnswer.question_id.in_(list(question_ids)))
        .group_by(SurveyResponse.survey_id, SurveyAnswer.question_id, value, SCHOOL, SUBJECT)
    )


def school_names(ids: Collection[int]) -> Select[int, str]:
    return select(School.id, School.name).where(School.id.in_(list(ids)))


def member_schools(scope: Scope) -> Select[int | None, int]:
    """The scope's active members (each person once) per school."""
    people = (
        select(Membership.person_id)
        .where(Membership.association_id.in_(scope), Membership.active)
        .distinct()
        .subquery()
    )
    return (
        select(Person.school_id, func.count())
        .join(people, people.c.person_id == Person.id)
        .where(Person.forgotten_at.is_(None))
        .group_by(Person.school_id)
    )


def _ended(scope: Scope, first: datetime, last: datetime) -> ColumnElement[bool]:
    moment = MOMENT
    return and_(
        Meeting.association_id.in_(scope),
        Meeting.status == MeetingStatus.ENDED,
        moment >= first,
        moment < last,
    )


def _voting() -> ColumnElement[bool]:
    return and_(
        Membership.association_id == Meeting.association_id, Membership.active, Membership.voting
    )


def expected(scope: Scope, first: datetime, last: datetime) -> Select[int | None, int]:
    """M summed per school: each active voting member once per ended meeting of their
    association in [first, last)."""
    return (
        select(Person.school_id, func.count())
        .select_from(Membership)
        .join(Person, Person.id == Membership.person_id)
        .join(Meeting, Meeting.association_id == Membership.association_id)
        .where(Membership.active, Membership.voting, _ended(scope, first, last))
        .group_by(Person.school_id)
    )


def present_in_person(scope: Scope, first: datetime, last: datetime) -> Select[int | None, int]:
    """P summed per school over the ended in-person meetings (the overview's P)."""
    return (
        select(Person.school_id, func.count())
        .select_from(Attendance)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(Membership, and_(Membership.person_id == Attendance.person_id, _voting()))
        .join(Person, Person.id == Attendance.person_id)
        .where(Meeting.form == MeetingForm.IN_PERSON, _ended(scope, first, last))
        .where(Attendance.status.in_(PRESENT_KINDS))
        .group_by(Person.school_id)
    )


def present_by_ballot(scope: Scope, first: datetime, last: datetime) -> Select[int | None, int]:
    """P summed per school over the ended absentee and hybrid meetings: distinct voting
    members who answered the ballot (the overview's P)."""
    voted = (
        select(Vote.meeting_id, Vote.person_id)
        .join(Meeting, Meeting.id == Vote.meeting_id)
        .join(Membership, and_(Membership.person_id == Vote.person_id, _voting()))
        .where(Meeting.form != MeetingForm.IN_PERSON, _ended(scope, first, last))
        .where(Vote.by_ballot)
        .distinct()
        .subquery()
    )
    return (
        select(Person.school_id, func.count())
        .select_from(voted)
        .join(Person, Person.id == voted.c.person_id)
        .group_by(Person.school_id)
    )
