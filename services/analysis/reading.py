"""Reading the analysis: who may, which year."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import AnalysisStatus, Association
from services import deadlines
from services.analysis.build import compute
from services.analysis.drafting import kept
from services.analysis.views import Analysis
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Scope, require
from services.tx import reads


@reads
async def analysis(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    now: datetime,
    school_year: int | None = None,
) -> Analysis:
    """The analysis of a school year (default: the current one) as the data say now."""
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, Action.VIEW_ANALYSIS, Scope(association.service_id, association.id))
    year = school_year
    if year is None:
        year = deadlines.school_year(deadlines.local_day(now, association.timezone))
    row = await kept(session, association.id, year)
    moment = now
    if row is not None and row.submitted_at and row.status is not AnalysisStatus.RETURNED:
        moment = row.submitted_at  # submitted: the figures as they were sent
    measures = row.measures if row is not None else None
    return await compute(session, actor, association, year, moment, measures)
