"""A survey's life: sent (recipients, invitations, reminders), closed by its author or when
its closing time comes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from models.survey import Survey, SurveyDraft, SurveyRecipient, SurveyStatus
from services import audit, outbox
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.surveys import queries
from services.surveys.access import editable, managed, questions_of, view_of
from services.surveys.common import CHUNK
from services.surveys.delivery import cancel_pending_outbox, planned_rows, reminder_times
from services.surveys.views import Opened, SurveyView
from services.tx import writes


@writes
async def open_survey(
    session: AsyncSession, actor: Actor, survey_id: int, version: int, now: datetime
) -> Opened:
    """Send it: every active member of the audience becomes a recipient and gets an
    invitation (at `opens_at` if later), and reminders are planned before closing. The
    questions are frozen from now on."""
    survey, audience = await editable(session, actor, survey_id, version)
    if not await questions_of(session, survey.id):
        raise DomainError(ErrorCode.NO_QUESTIONS)
    if survey.closes_at is not None and survey.closes_at <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    people = list((await session.scalars(queries.active_members([a.id for a in audience]))).all())
    if not people:
        raise DomainError(ErrorCode.NO_RECIPIENTS)
    start = max(now, survey.opens_at or now)
    survey.status = SurveyStatus.OPEN
    survey.opens_at = start
    survey.version += 1
    for at in range(0, len(people), CHUNK):
        await session.execute(
            insert(SurveyRecipient),
            [{"survey_id": survey.id, "person_id": p} for p in people[at : at + CHUNK]],
        )
    reminders: list[tuple[int, datetime]] = []
    if survey.closes_at is not None:
        reminders = reminder_times(start, survey.closes_at, audience[0], now)
    await outbox.enqueue(session, planned_rows(survey, people, start, reminders))
    audit.record(
        session,
        actor,
        "survey.opened",
        now,
        association_id=audience[0].id,
        object_type="survey",
        object_id=survey.id,
        recipients=len(people),
    )
    await session.flush()
    view = await view_of(session, survey, author=True)
    return Opened(view, len(people), tuple(due for _stage, due in reminders))


async def close_now(session: AsyncSession, survey: Survey, now: datetime) -> None:
    """Closed: no more answers; unfinished drafts are deleted (answers never sent are not
    kept) and the invitations and reminders still waiting are cancelled."""
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = now
    survey.version += 1
    await session.execute(delete(SurveyDraft).where(SurveyDraft.survey_id == survey.id))
    await cancel_pending_outbox(session, survey)
    await session.flush()


@writes
async def close(session: AsyncSession, actor: Actor, survey_id: int, now: datetime) -> SurveyView:
    """The author closes it before (or without) its closing time."""
    survey, audience = await managed(session, actor, survey_id, lock=True)
    if survey.status is SurveyStatus.DRAFT:
        raise DomainError(ErrorCode.SURVEY_NOT_OPEN)
    if survey.status is SurveyStatus.CLOSED:
        raise DomainError(ErrorCode.SURVEY_CLOSED)
    await close_now(session, survey, now)
    audit.record(
        session,
        actor,
        "survey.closed",
        now,
        association_id=audience[0].id if audience else None,
        object_type="survey",
        object_id=survey.id,
    )
    return await view_of(session, survey, author=True)


@writes
async def close_due(session: AsyncSession, now: datetime) -> list[int]:
    """For the scheduler: close every open survey whose closing time has come."""
    due = list((await session.scalars(queries.due_to_close(now))).all())
    for survey in due:
        await close_now(session, survey, now)
        audit.record(session, None, "survey.closed", now, object_type="survey", object_id=survey.id)
    return [s.id for s in due]
