"""Who receives a survey: the associations of its audience."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models import Association
from models.survey import SurveyAudience
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, require
from services.surveys import queries
from services.surveys.access import editable, scope, touch
from services.surveys.views import SurveyView
from services.tx import writes


def whole_services(actor: Actor, service_ids: Iterable[int]) -> tuple[int, ...]:
    """Of these methodological services (those of the associations offered), the ones whose
    every association this person may choose at once: a methodist's own, in order."""
    return tuple(sorted({s for s in service_ids if s in actor.methodist_services}))


@writes
async def set_audience(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    version: int,
    now: datetime,
    *,
    association_ids: Sequence[int] = (),
    service_id: int | None = None,
) -> SurveyView:
    """Who receives it: the members of these associations (SEND_SURVEYS on each; the first
    gives time zone and sending window), or with `service_id` every association of a
    methodological service (its methodists and admins)."""
    survey, _aud = await editable(session, actor, survey_id, version)
    if service_id is not None:
        if not (actor.is_admin or service_id in actor.methodist_services):
            raise DomainError(ErrorCode.FORBIDDEN)
        chosen = list((await session.scalars(queries.service_associations(service_id))).all())
    else:
        chosen = []
        for association_id in dict.fromkeys(association_ids):
            association = await session.get(Association, association_id)
            if association is None:
                raise DomainError(ErrorCode.NOT_FOUND)
            chosen.append(association)
    if not chosen:
        raise DomainError(ErrorCode.NO_RECIPIENTS)
    for association in chosen:
        require(actor, Action.SEND_SURVEYS, scope(association))
    await session.execute(delete(SurveyAudience).where(SurveyAudience.survey_id == survey.id))
    for association in chosen:
        session.add(SurveyAudience(survey_id=survey.id, association_id=association.id))
    return await touch(session, actor, survey, "audience", now)
