"""Finishing, where anonymity is made: the draft becomes a response under a random id, with
no time and (anonymous) no person, the draft is deleted and only "finished" is kept, all in
one transaction; on PostgreSQL the survey's responses are rewritten in random order in that
same transaction."""

from __future__ import annotations

import random
import secrets
from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from models.survey import SurveyAnswer, SurveyDraft, SurveyKind, SurveyResponse
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.surveys import queries, yearend
from services.surveys.access import questions_of
from services.surveys.answering import answering, draft_of, record, report_year
from services.surveys.common import CHUNK
from services.surveys.templates import TemplateKey
from services.surveys.views import Answer, Finished
from services.tx import reads, writes


def response_id() -> int:
    """A random positive 63-bit id: unrelated to when, or by whom, a response was made."""
    return secrets.randbelow(2**63 - 1) + 1


async def finish_now(
    session: AsyncSession, actor: Actor, survey_id: int, now: datetime
) -> Finished:
    """The person's draft becomes a response (see `finish`), inside the caller's transaction."""
    assert actor.person_id is not None
    survey, recipient = await answering(session, actor, survey_id, now, write=True)
    assert recipient is not None
    questions = await questions_of(session, survey.id)
    draft = await draft_of(session, survey.id, actor.person_id, create=False)
    answers = draft.answers if draft else {}
    for q in questions:
        if q.required and answers.get(str(q.id)) is None:
            raise DomainError(ErrorCode.ANSWER_REQUIRED, position=q.position)
    rid = response_id()
    school, subject = None, None
    if survey.template == TemplateKey.NEEDS:  # grouped by school and subject: services.needs
        found = (await session.execute(queries.answerer_group(survey.id, actor.person_id))).first()
        if found is not None:
            school, subject = found[0], (found[1] or found[2] or "").strip()[:300] or None
    await session.execute(
        insert(SurveyResponse).values(
            id=rid,
            survey_id=survey.id,
            person_id=None if survey.anonymous else actor.person_id,
            school_id=school,
            subject=subject,
        )
    )
    given = [
        {"response_id": rid, "question_id": q.id, "value": answers[str(q.id)]}
        for q in questions
        if answers.get(str(q.id)) is not None
    ]
    if given:
        await session.execute(insert(SurveyAnswer), given)
    if draft is not None:
        await session.execute(delete(SurveyDraft).where(SurveyDraft.id == draft.id))
    recipient.finished = True
    await session.flush()
    if survey.template == TemplateKey.YEAREND:
        year, today = await report_year(session, survey, now)
        by_position = {q.position: answers.get(str(q.id)) for q in questions}
        report = yearend.read(by_position, year, today)
        await yearend.save(session, survey, actor.person_id, report, now)
    if survey.anonymous and session.get_bind().dialect.name == "postgresql":
        await reshuffle(session, survey.id)
    live = survey.kind is SurveyKind.POLL and not survey.anonymous
    return Finished(survey.id, survey.anonymous, survey.author_id, live)


async def reshuffle(session: AsyncSession, survey_id: int) -> None:
    """PostgreSQL stamps every row with the transaction that wrote it (`xmin`) and appends
    new rows in order: the finishing transaction also marks the person finished, so a new
    response's `xmin` and place would name its author. Rewriting all of the survey's
    responses and answers in this transaction, in random order, gives them one `xmin` and
    a shuffled physical order (the old versions are dead tuples that VACUUM removes)."""
    responses = (await session.execute(queries.response_rows(survey_id))).all()
    ids = [r.id for r in responses]
    answers = (await session.execute(queries.answer_rows(ids))).all()
    await session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(ids)))
    await session.execute(delete(SurveyResponse).where(SurveyResponse.id.in_(ids)))
    shuffle = random.SystemRandom().shuffle
    rows = [
        {
            "id": r.id,
            "survey_id": survey_id,
            "person_id": r.person_id,
            "school_id": r.school_id,
            "subject": r.subject,
        }
        for r in responses
    ]
    shuffle(rows)
    await session.execute(insert(SurveyResponse), rows)
    given = [
        {"response_id": a.response_id, "question_id": a.question_id, "value": a.value}
        for a in answers
    ]
    shuffle(given)
    for start in range(0, len(given), CHUNK):
        await session.execute(insert(SurveyAnswer), given[start : start + CHUNK])


@writes
async def finish(session: AsyncSession, actor: Actor, survey_id: int, now: datetime) -> Finished:
    """«Завершить»: every required question must be answered (else ANSWER_REQUIRED with the
    first one's position). In one transaction the draft becomes a response under a random
    id, without a time, and — anonymous — without the person; the draft is deleted and only
    "finished" is kept."""
    return await finish_now(session, actor, survey_id, now)


@reads
async def report_preview(
    session: AsyncSession, actor: Actor, survey_id: int, now: datetime
) -> yearend.Report | None:
    """A year-end report as finishing would save it (None: not a year-end report), for the
    finish screen where the member confirms it."""
    survey, _recipient = await answering(session, actor, survey_id, now, write=False)
    if survey.template != TemplateKey.YEAREND or actor.person_id is None:
        return None
    questions = await questions_of(session, survey.id)
    draft = await draft_of(session, survey.id, actor.person_id, create=False)
    answers = draft.answers if draft else {}
    year, today = await report_year(session, survey, now)
    return yearend.read({q.position: answers.get(str(q.id)) for q in questions}, year, today)


@writes
async def vote(
    session: AsyncSession, actor: Actor, survey_id: int, value: Answer, now: datetime
) -> Finished:
    """A poll's one answer and its finish, in one transaction."""
    await record(session, actor, survey_id, 1, value, now)
    return await finish_now(session, actor, survey_id, now)
