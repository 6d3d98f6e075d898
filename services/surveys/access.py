"""Loading a survey for whoever asks, the author's rights over it, and its view."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association
from models.survey import Survey, SurveyQuestion, SurveyStatus
from services import audit
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, Scope, decide
from services.surveys import queries
from services.surveys.views import QuestionView, SurveyBrief, SurveyView


def scope(association: Association) -> Scope:
    return Scope(association.service_id, association.id)


async def load_survey(session: AsyncSession, survey_id: int, *, lock: bool = False) -> Survey:
    survey = await session.get(Survey, survey_id, with_for_update=lock)
    if survey is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return survey


async def audience_of(session: AsyncSession, survey_id: int) -> list[Association]:
    return list((await session.scalars(queries.audience(survey_id))).all())


def zone_of(audience: Sequence[Association]) -> str:
    """A survey's calendar: its first association's time zone (UTC when it has none left)."""
    return audience[0].timezone if audience else "UTC"


async def questions_of(session: AsyncSession, survey_id: int) -> list[SurveyQuestion]:
    return list((await session.scalars(queries.questions(survey_id))).all())


def may_send(actor: Actor, audience: Sequence[Association]) -> bool:
    return bool(audience) and all(
        decide(actor, Action.SEND_SURVEYS, scope(a)) is not Decision.DENY for a in audience
    )


async def managed(
    session: AsyncSession, actor: Actor, survey_id: int, *, lock: bool = False
) -> tuple[Survey, list[Association]]:
    """The survey, for its author who may still send surveys to its whole audience."""
    survey = await load_survey(session, survey_id, lock=lock)
    audience = await audience_of(session, survey.id)
    if (
        actor.person_id is None
        or survey.author_id != actor.person_id
        or not may_send(actor, audience)
    ):
        raise DomainError(ErrorCode.FORBIDDEN)
    return survey, audience


async def editable(
    session: AsyncSession, actor: Actor, survey_id: int, version: int
) -> tuple[Survey, list[Association]]:
    survey, audience = await managed(session, actor, survey_id, lock=True)
    if survey.status is not SurveyStatus.DRAFT:
        raise DomainError(ErrorCode.SURVEY_SENT)
    if survey.version != version:
        raise DomainError(ErrorCode.DRAFT_CHANGED)
    return survey, audience


def question_view(q: SurveyQuestion) -> QuestionView:
    return QuestionView(q.id, q.position, q.kind, q.text, q.required, tuple(q.options or ()))


async def view_of(session: AsyncSession, survey: Survey, *, author: bool = False) -> SurveyView:
    """The survey as it stands; `author`: shown to its author, who may edit a draft."""
    questions = await questions_of(session, survey.id)
    audience = await audience_of(session, survey.id)
    return SurveyView(
        id=survey.id,
        kind=survey.kind,
        status=survey.status,
        title=survey.title,
        anonymous=survey.anonymous,
        allow_other=survey.allow_other,
        locale=survey.locale,
        author_id=survey.author_id,
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
        version=survey.version,
        questions=tuple(question_view(q) for q in questions),
        association_ids=tuple(a.id for a in audience),
        can_edit=author and survey.status is SurveyStatus.DRAFT,
    )


def brief_of(survey: Survey, questions: int) -> SurveyBrief:
    return SurveyBrief(
        survey.id,
        survey.kind,
        survey.status,
        survey.title,
        survey.anonymous,
        survey.opens_at,
        survey.closes_at,
        questions,
    )


async def touch(
    session: AsyncSession, actor: Actor, survey: Survey, what: str, now: datetime
) -> SurveyView:
    survey.version += 1
    audit.record(session, actor, f"survey.{what}", now, object_type="survey", object_id=survey.id)
    await session.flush()
    return await view_of(session, survey, author=True)


def at_position(questions: list[SurveyQuestion], position: int) -> SurveyQuestion:
    for q in questions:
        if q.position == position:
            return q
    raise DomainError(ErrorCode.NOT_FOUND)
