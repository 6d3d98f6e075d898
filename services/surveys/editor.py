"""The author's draft: the questions (add, reword, retype, required or not, remove, move)
and its settings; `get` as the author sees it, `load` for the sender."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models.survey import QuestionKind, Survey, SurveyKind, SurveyQuestion
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.surveys.access import (
    at_position,
    editable,
    load_survey,
    managed,
    questions_of,
    touch,
    view_of,
)
from services.surveys.common import QUESTIONS_MAX, TEXT_MAX
from services.surveys.draft import check_question
from services.surveys.templates import TemplateKey
from services.surveys.views import SurveyView
from services.tx import reads, writes
from services.validation import check_title


@reads
async def get(session: AsyncSession, actor: Actor, survey_id: int) -> SurveyView:
    """The survey as its author edits or follows it."""
    survey, _aud = await managed(session, actor, survey_id)
    return await view_of(session, survey, author=True)


@reads
async def load(session: AsyncSession, survey_id: int) -> SurveyView:
    """For the sender (invitations, reminders): the survey without anyone's rights."""
    return await view_of(session, await load_survey(session, survey_id))


def fixed(survey: Survey) -> None:
    """The year-end report's questions are read by position: they never change."""
    if survey.template == TemplateKey.YEAREND:
        raise DomainError(ErrorCode.TEMPLATE_FIXED)


async def renumber(session: AsyncSession, ordered: list[SurveyQuestion]) -> None:
    """Positions 1…n in this order, through negative ones: (survey, position) is unique."""
    for n, q in enumerate(ordered, start=1):
        q.position = -n
    await session.flush()
    for n, q in enumerate(ordered, start=1):
        q.position = n
    await session.flush()


@writes
async def add_question(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    version: int,
    kind: QuestionKind,
    text: str,
    now: datetime,
    *,
    options: Sequence[str] = (),
    required: bool = True,
) -> SurveyView:
    """A question at the end of a questionnaire (a poll keeps its one question)."""
    survey, _aud = await editable(session, actor, survey_id, version)
    fixed(survey)
    questions = await questions_of(session, survey.id)
    limit = 1 if survey.kind is SurveyKind.POLL else QUESTIONS_MAX
    if len(questions) >= limit:
        raise DomainError(ErrorCode.TOO_MANY_QUESTIONS, max=limit)
    value, cleaned = check_question(kind, text, options)
    session.add(
        SurveyQuestion(
            survey_id=survey.id,
            position=len(questions) + 1,
            kind=kind,
            text=value,
            required=required,
            options=cleaned,
        )
    )
    return await touch(session, actor, survey, "question_added", now)


@writes
async def update_question(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    version: int,
    position: int,
    now: datetime,
    *,
    text: str | None = None,
    kind: QuestionKind | None = None,
    options: Sequence[str] | None = None,
    required: bool | None = None,
) -> SurveyView:
    """Change a question's text, type, options or whether it is required."""
    survey, _aud = await editable(session, actor, survey_id, version)
    fixed(survey)
    question = at_position(await questions_of(session, survey.id), position)
    new_kind = kind or question.kind
    if survey.kind is SurveyKind.POLL and new_kind not in (
        QuestionKind.SINGLE,
        QuestionKind.MULTIPLE,
    ):
        raise DomainError(ErrorCode.BAD_OPTION)
    value, cleaned = check_question(
        new_kind,
        question.text if text is None else text,
        list(question.options or ()) if options is None else options,
    )
    question.kind, question.text, question.options = new_kind, value, cleaned
    if required is not None:
        question.required = required
    if survey.kind is SurveyKind.POLL:
        survey.title = value
    return await touch(session, actor, survey, "question_changed", now)


@writes
async def remove_question(
    session: AsyncSession, actor: Actor, survey_id: int, version: int, position: int, now: datetime
) -> SurveyView:
    survey, _aud = await editable(session, actor, survey_id, version)
    fixed(survey)
    questions = await questions_of(session, survey.id)
    question = at_position(questions, position)
    if survey.kind is SurveyKind.POLL:
        raise DomainError(ErrorCode.NO_QUESTIONS)
    await session.delete(question)
    await session.flush()
    await renumber(session, [q for q in questions if q is not question])
    return await touch(session, actor, survey, "question_removed", now)


@writes
async def move_question(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    version: int,
    position: int,
    to: int,
    now: datetime,
) -> SurveyView:
    """Put the question at `position` at `to` (1…n); the others keep their order."""
    survey, _aud = await editable(session, actor, survey_id, version)
    fixed(survey)
    questions = await questions_of(session, survey.id)
    question = at_position(questions, position)
    if not 1 <= to <= len(questions):
        raise DomainError(ErrorCode.NOT_FOUND)
    ordered = [q for q in questions if q is not question]
    ordered.insert(to - 1, question)
    await renumber(session, ordered)
    return await touch(session, actor, survey, "question_moved", now)


@writes
async def set_settings(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    version: int,
    now: datetime,
    *,
    title: str | None = None,
    anonymous: bool | None = None,
    allow_other: bool | None = None,
) -> SurveyView:
    """Title (a questionnaire's), anonymous or named, «другое» allowed in choices."""
    survey, _aud = await editable(session, actor, survey_id, version)
    if (anonymous or allow_other) and survey.template == TemplateKey.YEAREND:
        # Named always (the data bank); no «другое»: the report keeps only its own codes.
        raise DomainError(ErrorCode.TEMPLATE_FIXED)
    if title is not None and survey.kind is SurveyKind.SURVEY:
        survey.title = check_title(title, max_len=TEXT_MAX, angles=True)
    if anonymous is not None:
        survey.anonymous = anonymous
    if allow_other is not None:
        survey.allow_other = allow_other
    return await touch(session, actor, survey, "settings", now)
