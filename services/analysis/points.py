"""Last year's conclusions as next year's starting list (issue 16, item 2): «Вывод»,
«Рекомендации» and «Предложения в план работы Управления образования …» that the chair
wrote in the analysis of a school year are offered when the plan of the year after it is
drafted. Read only: the plan is never changed by this."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.analysis.drafting import association_for, kept
from services.permissions import Action, Actor
from services.tx import reads

# The sections offered, in the form's order.
POINTS = ("conclusion", "recommendations", "proposals")


@dataclass(frozen=True)
class PlanPoints:
    """What the analysis of `school_year` says for the plan of the year after it."""

    association_id: int
    school_year: int  # the analysed year (the plan's year minus one)
    sections: tuple[tuple[str, str], ...]  # (section, text) in POINTS order, texts not empty

    @property
    def empty(self) -> bool:
        return not self.sections


@reads
async def plan_points(
    session: AsyncSession, actor: Actor, association_id: int, plan_year: int
) -> PlanPoints:
    """The starting list for the plan of the school year starting in `plan_year`: the
    analysis of the year before, whatever its status (a draft's text is the chair's own).
    NOT_FOUND for no association; FORBIDDEN without the right to read the analysis."""
    await association_for(session, actor, association_id, Action.VIEW_ANALYSIS)
    row = await kept(session, association_id, plan_year - 1)
    written = dict(row.sections or {}) if row is not None else {}
    return PlanPoints(
        association_id=association_id,
        school_year=plan_year - 1,
        sections=tuple(
            (name, text.strip()) for name in POINTS if (text := written.get(name) or "").strip()
        ),
    )
