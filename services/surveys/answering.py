"""Answering one question at a time: who may answer, the person's draft (answers kept until
they finish), checking an answer, progress, back and skip."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.survey import (
    QuestionKind,
    Survey,
    SurveyDraft,
    SurveyQuestion,
    SurveyRecipient,
    SurveyStatus,
)
from services import deadlines, outbox
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, decide
from services.surveys import queries, yearend
from services.surveys.access import (
    at_position,
    audience_of,
    load_survey,
    question_view,
    questions_of,
    scope,
    zone_of,
)
from services.surveys.common import LONG_MAX, SCALE_MAX, SCALE_MIN, TEXT_MAX
from services.surveys.templates import TemplateKey
from services.surveys.views import Answer, Progress, Step
from services.tx import reads, writes
from services.validation import check_text, check_title


def accepting(survey: Survey, now: datetime) -> ErrorCode | None:
    if survey.status is SurveyStatus.CLOSED or (
        survey.closes_at is not None and now >= survey.closes_at
    ):
        return ErrorCode.SURVEY_CLOSED
    if survey.status is SurveyStatus.DRAFT or (survey.opens_at and now < survey.opens_at):
        return ErrorCode.SURVEY_NOT_OPEN
    return None


async def answering(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    now: datetime,
    *,
    write: bool,
) -> tuple[Survey, SurveyRecipient | None]:
    """The survey for someone who may answer it: a recipient, or a member of its audience
    who joined after it was sent (made a recipient when `write`). Raises unless it accepts
    answers now and the person has not finished."""
    survey = await load_survey(session, survey_id)
    if actor.person_id is None:
        raise DomainError(ErrorCode.FORBIDDEN)
    audience = await audience_of(session, survey.id)
    member = any(decide(actor, Action.PARTICIPATE, scope(a)) is not Decision.DENY for a in audience)
    recipient = await recipient_of(session, survey.id, actor.person_id, lock=write)
    if not member or (recipient is None and survey.status is not SurveyStatus.OPEN):
        raise DomainError(ErrorCode.FORBIDDEN)
    refused = accepting(survey, now)
    if refused is not None:
        raise DomainError(refused)
    if recipient is None and write:
        await session.execute(
            outbox.insert_for(session)(SurveyRecipient)
            .values(survey_id=survey.id, person_id=actor.person_id)
            .on_conflict_do_nothing(index_elements=["survey_id", "person_id"])
        )
        recipient = await recipient_of(session, survey.id, actor.person_id, lock=True)
    if recipient is not None and recipient.finished:
        raise DomainError(ErrorCode.ALREADY_FINISHED)
    return survey, recipient


async def recipient_of(
    session: AsyncSession, survey_id: int, person_id: int, *, lock: bool
) -> SurveyRecipient | None:
    found: SurveyRecipient | None = await session.scalar(
        queries.recipient(survey_id, person_id, lock=lock)
    )
    return found


async def draft_of(
    session: AsyncSession, survey_id: int, person_id: int, *, create: bool
) -> SurveyDraft | None:
    if create:
        await session.execute(
            outbox.insert_for(session)(SurveyDraft)
            .values(survey_id=survey_id, person_id=person_id, answers={}, position=1)
            .on_conflict_do_nothing(index_elements=["survey_id", "person_id"])
        )
    found: SurveyDraft | None = await session.scalar(
        queries.draft(survey_id, person_id, lock=create)
    )
    return found


def check_answer(question: SurveyQuestion, allow_other: bool, answer: Answer) -> Answer:
    """The answer as it will be kept, or a DomainError saying what is wrong with it."""
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if answer.scale is not None or answer.text is not None:
            raise DomainError(ErrorCode.BAD_OPTION)
        count = len(question.options or ())
        chosen = tuple(sorted(set(answer.options)))
        if any(not 0 <= i < count for i in chosen):
            raise DomainError(ErrorCode.BAD_OPTION)
        other = None
        if answer.other is not None:
            if not allow_other:
                raise DomainError(ErrorCode.BAD_OPTION)
            other = check_title(answer.other, max_len=TEXT_MAX, angles=True)
        given = len(chosen) + (other is not None)
        if given == 0 or (kind is QuestionKind.SINGLE and given > 1):
            raise DomainError(ErrorCode.BAD_OPTION)
        return Answer(options=chosen, other=other)
    if answer.options or answer.other is not None:
        raise DomainError(ErrorCode.BAD_OPTION)
    if kind is QuestionKind.SCALE:
        if answer.text is not None or answer.scale is None:
            raise DomainError(ErrorCode.SCALE_RANGE, min=SCALE_MIN, max=SCALE_MAX)
        if isinstance(answer.scale, bool) or not SCALE_MIN <= answer.scale <= SCALE_MAX:
            raise DomainError(ErrorCode.SCALE_RANGE, min=SCALE_MIN, max=SCALE_MAX)
        return Answer(scale=int(answer.scale))
    if answer.scale is not None:
        raise DomainError(ErrorCode.BAD_OPTION)
    if kind is QuestionKind.SHORT:
        return Answer(text=check_title(answer.text, max_len=TEXT_MAX, angles=True))
    return Answer(text=check_text(answer.text, max_len=LONG_MAX, angles=True))


async def report_year(session: AsyncSession, survey: Survey, now: datetime) -> tuple[int, date]:
    """A year-end report's school year and today, on its first association's calendar."""
    timezone = zone_of(await audience_of(session, survey.id))
    return yearend.survey_year(survey, timezone), deadlines.local_day(now, timezone)


def progress_of(
    survey: Survey,
    questions: list[SurveyQuestion],
    answers: dict[str, Any],
    finished: bool,
    now: datetime,
) -> Progress:
    pending = [q.position for q in questions if str(q.id) not in answers]
    return Progress(
        survey_id=survey.id,
        total=len(questions),
        answered=sum(1 for q in questions if answers.get(str(q.id)) is not None),
        next_position=None if finished or not pending else pending[0],
        finished=finished,
        accepting=accepting(survey, now) is None,
    )


async def record(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    position: int,
    answer: Answer | None,
    now: datetime,
) -> tuple[Survey, list[SurveyQuestion], SurveyDraft]:
    """Keep one answer (None: skipped) in the person's draft."""
    assert actor.person_id is not None
    survey, _rec = await answering(session, actor, survey_id, now, write=True)
    questions = await questions_of(session, survey.id)
    question = at_position(questions, position)
    if answer is None:
        if question.required:
            raise DomainError(ErrorCode.ANSWER_REQUIRED, position=position)
        kept = None
    else:
        kept = check_answer(question, survey.allow_other, answer).to_json()
        if survey.template == TemplateKey.YEAREND:
            year, today = await report_year(session, survey, now)
            yearend.check(question.position, kept, year, today)
    draft = await draft_of(session, survey.id, actor.person_id, create=True)
    assert draft is not None
    answers = {**(draft.answers or {}), str(question.id): kept}
    draft.answers = answers
    pending = [q.position for q in questions if str(q.id) not in answers]
    draft.position = pending[0] if pending else position
    await session.flush()
    return survey, questions, draft


@writes
async def answer(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    position: int,
    value: Answer,
    now: datetime,
) -> Progress:
    """Keep the answer to question `position` (again after «Назад»: it replaces the earlier
    one) and say where to go next."""
    survey, questions, draft = await record(session, actor, survey_id, position, value, now)
    return progress_of(survey, questions, draft.answers, False, now)


@writes
async def skip(
    session: AsyncSession, actor: Actor, survey_id: int, position: int, now: datetime
) -> Progress:
    """«Пропустить» an optional question (a required one: ANSWER_REQUIRED)."""
    survey, questions, draft = await record(session, actor, survey_id, position, None, now)
    return progress_of(survey, questions, draft.answers, False, now)


@reads
async def progress(session: AsyncSession, actor: Actor, survey_id: int, now: datetime) -> Progress:
    """Where this person stands: to resume at `next_position`, «3 из 8», or finished."""
    survey = await load_survey(session, survey_id)
    if actor.person_id is None:
        raise DomainError(ErrorCode.FORBIDDEN)
    audience = await audience_of(session, survey.id)
    member = any(decide(actor, Action.PARTICIPATE, scope(a)) is not Decision.DENY for a in audience)
    recipient = await recipient_of(session, survey.id, actor.person_id, lock=False)
    if recipient is None and not (member and survey.status is SurveyStatus.OPEN):
        raise DomainError(ErrorCode.FORBIDDEN)
    questions = await questions_of(session, survey.id)
    draft = await draft_of(session, survey.id, actor.person_id, create=False)
    finished = recipient is not None and recipient.finished
    return progress_of(survey, questions, draft.answers if draft else {}, finished, now)


@reads
async def step(
    session: AsyncSession, actor: Actor, survey_id: int, position: int, now: datetime
) -> Step:
    """Question `position` to show, with the answer given before, if any. «Назад» is the
    step at `position - 1`; resuming is the step at `progress(…).next_position`."""
    survey, _rec = await answering(session, actor, survey_id, now, write=False)
    assert actor.person_id is not None
    questions = await questions_of(session, survey.id)
    question = at_position(questions, position)
    draft = await draft_of(session, survey.id, actor.person_id, create=False)
    answers = draft.answers if draft else {}
    key = str(question.id)
    given = answers.get(key)
    return Step(
        survey_id=survey.id,
        title=survey.title,
        question=question_view(question),
        position=position,
        total=len(questions),
        allow_other=survey.allow_other,
        current=Answer.from_json(given) if given is not None else None,
        skipped=key in answers and given is None,
        closes_at=survey.closes_at,
        template=survey.template,
    )
