"""Reading the analysis: who may, which year."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import AnalysisStatus
from services import deadlines
from services.analysis.build import compute
from services.analysis.drafting import association_for, kept
from services.analysis.views import Analysis
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from services.tx import reads


@reads
async def years(
    session: AsyncSession, actor: Actor, association_id: int, now: datetime
) -> list[int]:
    """The school years whose analysis `/analysis` opens, the earlier first: last school
    year's while it is not accepted (the chair may still submit it — «анализ не представлен»
    asks for it — and a methodist decide), and the current one."""
    association = await association_for(session, actor, association_id, Action.VIEW_ANALYSIS)
    year = deadlines.school_year(deadlines.local_day(now, association.timezone))
    last = await kept(session, association.id, year - 1)
    if last is not None and last.status is AnalysisStatus.ACCEPTED:
        return [year]
    return [year - 1, year]


@reads
async def require_open(
    session: AsyncSession, actor: Actor, association_id: int, year: int, now: datetime
) -> None:
    """A button's school year must be one `/analysis` opens (a forged one is refused)."""
    if year not in await years(session, actor, association_id, now):
        raise DomainError(ErrorCode.ANALYSIS_YEAR)


@reads
async def analysis(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    now: datetime,
    school_year: int | None = None,
) -> Analysis:
    """The analysis of a school year (default: the current one) as the data say now."""
    association = await association_for(session, actor, association_id, Action.VIEW_ANALYSIS)
    year = school_year
    if year is None:
        year = deadlines.school_year(deadlines.local_day(now, association.timezone))
    row = await kept(session, association.id, year)
    moment = now
    if row is not None and row.submitted_at and row.status is not AnalysisStatus.RETURNED:
        moment = row.submitted_at  # submitted: the figures as they were sent
    measures = row.measures if row is not None else None
    return await compute(session, actor, association, year, moment, measures)
