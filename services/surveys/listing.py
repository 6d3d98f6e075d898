"""Lists: what waits for this person's answer, what they wrote, a survey's title and kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, decide
from services.surveys import queries
from services.surveys.access import audience_of, brief_of, load_survey, questions_of, scope
from services.surveys.answering import accepting
from services.surveys.views import SurveyBrief
from services.tx import reads


@reads
async def open_for(session: AsyncSession, actor: Actor, now: datetime) -> list[SurveyBrief]:
    """Surveys this person was sent, open now and not finished (the menu's «Опросы»)."""
    if actor.person_id is None:
        return []
    rows = (await session.execute(queries.open_for(actor.person_id))).all()
    return [brief_of(s, n) for s, n in rows if accepting(s, now) is None]


@reads
async def mine(session: AsyncSession, actor: Actor, limit: int = 20) -> list[SurveyBrief]:
    """The surveys this person wrote, newest first."""
    if actor.person_id is None:
        return []
    rows = (await session.execute(queries.written_by(actor.person_id, limit))).all()
    return [brief_of(s, int(n)) for s, n in rows]


@reads
async def brief(session: AsyncSession, actor: Actor, survey_id: int) -> SurveyBrief:
    """The survey's title and kind, for someone who may answer it or its author."""
    survey = await load_survey(session, survey_id)
    audience = await audience_of(session, survey.id)
    allowed = survey.author_id == actor.person_id or any(
        decide(actor, Action.PARTICIPATE, scope(a)) is not Decision.DENY for a in audience
    )
    if actor.person_id is None or not allowed:
        raise DomainError(ErrorCode.FORBIDDEN)
    questions = len(await questions_of(session, survey.id))
    return brief_of(survey, questions)
