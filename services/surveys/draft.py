"""A new draft: an empty questionnaire, one from a built-in template, a quick poll; and
dropping a draft never sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association
from models.survey import (
    QuestionKind,
    Survey,
    SurveyAudience,
    SurveyKind,
    SurveyQuestion,
    SurveyStatus,
)
from services import audit
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, require
from services.surveys.access import managed, scope, view_of
from services.surveys.common import OPTIONS_MAX, OPTIONS_MIN, TEXT_MAX, Translate
from services.surveys.templates import TEMPLATES
from services.surveys.views import SurveyView
from services.tx import writes
from services.validation import check_title


def check_options(options: Sequence[str]) -> list[str]:
    cleaned = [check_title(o, max_len=TEXT_MAX, angles=True) for o in options]
    if len(cleaned) < OPTIONS_MIN:
        raise DomainError(ErrorCode.TOO_FEW_OPTIONS, min=OPTIONS_MIN)
    if len(cleaned) > OPTIONS_MAX:
        raise DomainError(ErrorCode.TOO_MANY_OPTIONS, max=OPTIONS_MAX)
    return cleaned


def check_question(kind: QuestionKind, text: str, options: Sequence[str]) -> tuple[str, list[str]]:
    value = check_title(text, max_len=TEXT_MAX, angles=True)
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return value, check_options(options)
    return value, []


async def new_survey(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    kind: SurveyKind,
    title: str,
    now: datetime,
    *,
    anonymous: bool,
    allow_other: bool = False,
    locale: str | None = None,
) -> Survey:
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, Action.SEND_SURVEYS, scope(association))
    survey = Survey(
        author_id=actor.person_id,
        kind=kind,
        status=SurveyStatus.DRAFT,
        title=check_title(title, max_len=TEXT_MAX, angles=True),
        anonymous=anonymous,
        allow_other=allow_other,
        locale=locale or actor.locale or association.locale,
        created_at=now,
    )
    session.add(survey)
    await session.flush()
    session.add(SurveyAudience(survey_id=survey.id, association_id=association.id))
    audit.record(
        session,
        actor,
        "survey.drafted",
        now,
        association_id=association.id,
        object_type="survey",
        object_id=survey.id,
        kind=kind.value,
    )
    return survey


@writes
async def create_survey(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    title: str,
    now: datetime,
    *,
    anonymous: bool = False,
    locale: str | None = None,
) -> SurveyView:
    """An empty questionnaire draft for an association's members (the audience can widen)."""
    survey = await new_survey(
        session,
        actor,
        association_id,
        SurveyKind.SURVEY,
        title,
        now,
        anonymous=anonymous,
        locale=locale,
    )
    return await view_of(session, survey, author=True)


@writes
async def create_from_template(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    key: str,
    translate: Translate,
    now: datetime,
    *,
    locale: str | None = None,
) -> SurveyView:
    """A questionnaire draft from a built-in template, its texts rendered by `translate` (the
    author's language); editable before it is sent."""
    template = TEMPLATES.get(key)
    if template is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    survey = await new_survey(
        session,
        actor,
        association_id,
        SurveyKind.SURVEY,
        translate(template.title),
        now,
        anonymous=template.anonymous,
        locale=locale,
    )
    survey.template = template.key.value
    for position, q in enumerate(template.questions, start=1):
        text, options = check_question(q.kind, translate(q.text), [translate(o) for o in q.options])
        session.add(
            SurveyQuestion(
                survey_id=survey.id,
                position=position,
                kind=q.kind,
                text=text,
                required=q.required,
                options=options,
            )
        )
    await session.flush()
    return await view_of(session, survey, author=True)


@writes
async def create_poll(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    question: str,
    options: Sequence[str],
    now: datetime,
    *,
    multiple: bool = False,
    allow_other: bool = False,
    anonymous: bool = False,
    locale: str | None = None,
) -> SurveyView:
    """A quick poll: one question, 2-10 options, single or multiple choice, optionally
    «другое» with a text. A draft: `open_survey` sends it."""
    kind = QuestionKind.MULTIPLE if multiple else QuestionKind.SINGLE
    text, cleaned = check_question(kind, question, options)
    survey = await new_survey(
        session,
        actor,
        association_id,
        SurveyKind.POLL,
        text,
        now,
        anonymous=anonymous,
        allow_other=allow_other,
        locale=locale,
    )
    session.add(
        SurveyQuestion(survey_id=survey.id, position=1, kind=kind, text=text, options=cleaned)
    )
    await session.flush()
    return await view_of(session, survey, author=True)


@writes
async def discard(session: AsyncSession, actor: Actor, survey_id: int, now: datetime) -> None:
    """The author drops a draft that was never sent."""
    survey, _aud = await managed(session, actor, survey_id, lock=True)
    if survey.status is not SurveyStatus.DRAFT:
        raise DomainError(ErrorCode.SURVEY_SENT)
    await session.delete(survey)
    audit.record(session, actor, "survey.discarded", now, object_type="survey", object_id=survey_id)
