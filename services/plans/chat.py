"""What the chat's plan screens read: the card of an association's school year (its current
edition, or the offer to make one), a typed date of a row, the roster members matching a
typed name and the directory's schools matching a typed venue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import AnnualPlan, Association
from services import deadlines
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from services.plans import queries
from services.plans.access import association_for, load_plan, may_edit
from services.plans.views import PlanView, build_view
from services.plans.years import SchoolYear, check_day, of_moment
from services.schools import normalize_school
from services.tx import reads

SHOWN = 8  # matches offered as buttons
NEXT_YEAR_MONTHS = (6, 7, 8)  # in June–August the next school year's plan is offered too
_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})$")


@dataclass(frozen=True)
class YearCard:
    """An association's plan of a school year as the card shows it."""

    association_id: int
    association: str
    year: SchoolYear
    plan: PlanView | None  # the current edition, if there is one
    may_edit: bool  # the actor's right (a draft is editable, an approved one gets editions)
    previous_exists: bool  # last school year has a plan to copy
    other_year: SchoolYear | None  # the current or the next school year, to switch to


@dataclass(frozen=True, slots=True)
class Choice:
    id: int
    name: str


async def _card(
    session: AsyncSession,
    actor: Actor,
    association: Association,
    year: SchoolYear,
    plan: AnnualPlan | None,
    now: datetime,
) -> YearCard:
    if plan is None:
        plan = await session.scalar(queries.editions(association.id, year.start_year).limit(1))
    previous = await session.scalar(queries.editions(association.id, year.start_year - 1).limit(1))
    current = of_moment(now, association.timezone)
    other: SchoolYear | None = None
    if year != current:
        other = current
    elif deadlines.local_day(now, association.timezone).month in NEXT_YEAR_MONTHS:
        other = SchoolYear(current.start_year + 1)
    return YearCard(
        association_id=association.id,
        association=association.name,
        year=year,
        plan=None if plan is None else await build_view(session, actor, plan, association),
        may_edit=may_edit(actor, association),
        previous_exists=previous is not None,
        other_year=other,
    )


@reads
async def year_card(
    session: AsyncSession, actor: Actor, association_id: int, year: int | None, now: datetime
) -> YearCard:
    """The plan of `year` (None: the current school year, by the association's calendar)."""
    association = await association_for(session, actor, association_id, Action.VIEW_PLAN)
    shown = of_moment(now, association.timezone) if year is None else SchoolYear(year)
    return await _card(session, actor, association, shown, None, now)


@reads
async def plan_card(session: AsyncSession, actor: Actor, plan_id: int, now: datetime) -> YearCard:
    """The card of one edition (an approved one kept after a new edition, too)."""
    plan, association = await load_plan(session, actor, plan_id)
    return await _card(session, actor, association, SchoolYear(plan.school_year), plan, now)


def parse_day(text: str, year: SchoolYear) -> date:
    """A row's date typed as 15.10.2026 (or 15.10.26), within the plan's school year."""
    match = _DATE.match(text.strip())
    if match is None:
        raise DomainError(ErrorCode.PLAN_BAD_DAY)
    day_n, month_n, year_s = (int(match.group(n)) for n in (1, 2, 3))
    try:
        day = date(year_s + (2000 if year_s < 100 else 0), month_n, day_n)
    except ValueError:
        raise DomainError(ErrorCode.PLAN_BAD_DAY) from None
    return check_day(day, year)


def _words(text: str) -> set[str]:
    return {w for w in text.casefold().replace("ё", "е").split() if w}


@reads
async def members_matching(
    session: AsyncSession, actor: Actor, plan_id: int, typed: str
) -> list[Choice]:
    """Active members whose full name has a word starting with each typed word."""
    plan, _association = await load_plan(session, actor, plan_id, Action.EDIT_PLAN)
    words = _words(typed)
    found: list[Choice] = []
    for pid, name in (await session.execute(queries.roster(plan.association_id))).all():
        own = _words(name or "")
        if words and all(any(o.startswith(w) for o in own) for w in words):
            found.append(Choice(pid, name or ""))
    return sorted(found, key=lambda c: c.name)[:SHOWN]


@reads
async def schools_matching(
    session: AsyncSession, actor: Actor, plan_id: int, typed: str
) -> list[Choice]:
    """Approved schools of the association's municipality sharing a word with `typed`,
    most words in common first."""
    _plan, association = await load_plan(session, actor, plan_id, Action.EDIT_PLAN)
    tokens = set(normalize_school(typed).split())
    found = (await session.execute(queries.schools(association.municipality_id))).all()
    scored = [(-len(tokens & set(norm.split())), name, sid) for sid, name, norm in found]
    return [Choice(sid, name) for score, name, sid in sorted(scored) if score < 0][:SHOWN]
