"""The rows of «Календарно-тематическое планирование»: add, edit, move, delete. Every change
checks the draft's version and adds one (a second editor's stale save is refused whole)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import AnnualPlan, AnnualPlanRow
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.plans import queries
from services.plans.access import editable, touch
from services.plans.checks import (
    ROWS_MAX,
    RowInput,
    check_row,
    context,
    refuse_duplicates,
)
from services.plans.editing import new_row
from services.plans.views import PlanView, build_view
from services.plans.years import SchoolYear
from services.tx import writes


async def _rows(session: AsyncSession, plan: AnnualPlan) -> list[AnnualPlanRow]:
    return list((await session.scalars(queries.rows_of(plan.id))).all())


def _find(rows: list[AnnualPlanRow], row_id: int) -> AnnualPlanRow:
    for row in rows:
        if row.id == row_id:
            return row
    raise DomainError(ErrorCode.NOT_FOUND)  # another plan's row (a forged button) too


async def _renumber(session: AsyncSession, ordered: list[AnnualPlanRow]) -> None:
    """Positions 1..n in this order (through negatives: (plan, position) is unique)."""
    for n, row in enumerate(ordered, start=1):
        row.position = -n
    await session.flush()
    for row in ordered:
        row.position = -row.position
    await session.flush()


@writes
async def add_row(
    session: AsyncSession, actor: Actor, plan_id: int, version: int, row: RowInput, now: datetime
) -> PlanView:
    plan, association = await editable(session, actor, plan_id, version)
    rows = await _rows(session, plan)
    if len(rows) >= ROWS_MAX:
        raise DomainError(ErrorCode.PLAN_TOO_MANY_ROWS, max=ROWS_MAX)
    ctx = await context(session, association, SchoolYear(plan.school_year))
    clean = check_row(row, ctx)
    refuse_duplicates([RowInput.of_row(r) for r in rows] + [clean])
    session.add(new_row(plan.id, len(rows) + 1, clean, None))
    touch(plan, now)
    await session.flush()
    return await build_view(session, actor, plan, association)


@writes
async def edit_row(
    session: AsyncSession,
    actor: Actor,
    plan_id: int,
    version: int,
    row_id: int,
    row: RowInput,
    now: datetime,
) -> PlanView:
    """The row's fields replaced by `row` (its link to a meeting is kept)."""
    plan, association = await editable(session, actor, plan_id, version)
    rows = await _rows(session, plan)
    target = _find(rows, row_id)
    ctx = await context(session, association, SchoolYear(plan.school_year))
    clean = check_row(row, ctx)
    refuse_duplicates([clean if r is target else RowInput.of_row(r) for r in rows])
    target.direction = clean.direction
    target.topic = clean.topic
    target.day = clean.day
    target.kind = clean.kind
    target.venue_school_id = clean.venue_school_id
    target.venue_text = clean.venue_text
    target.responsible_ids = list(clean.responsible_ids)
    target.responsible_names = list(clean.responsible_names)
    touch(plan, now)
    await session.flush()
    return await build_view(session, actor, plan, association)


@writes
async def move_row(
    session: AsyncSession,
    actor: Actor,
    plan_id: int,
    version: int,
    row_id: int,
    position: int,
    now: datetime,
) -> PlanView:
    """The row to `position` (1-based, clamped to the table)."""
    plan, association = await editable(session, actor, plan_id, version)
    rows = await _rows(session, plan)
    target = _find(rows, row_id)
    rows.remove(target)
    rows.insert(max(0, min(position - 1, len(rows))), target)
    await _renumber(session, rows)
    touch(plan, now)
    await session.flush()
    return await build_view(session, actor, plan, association)


@writes
async def delete_row(
    session: AsyncSession, actor: Actor, plan_id: int, version: int, row_id: int, now: datetime
) -> PlanView:
    plan, association = await editable(session, actor, plan_id, version)
    rows = await _rows(session, plan)
    target = _find(rows, row_id)
    await session.delete(target)
    await session.flush()
    rows.remove(target)
    await _renumber(session, rows)
    touch(plan, now)
    await session.flush()
    return await build_view(session, actor, plan, association)


async def replace_rows(session: AsyncSession, plan: AnnualPlan, rows: list[RowInput]) -> None:
    """All the draft's rows replaced by `rows`, already checked (the import's apply)."""
    for old in await _rows(session, plan):
        await session.delete(old)
    await session.flush()
    for n, row in enumerate(rows, start=1):
        session.add(new_row(plan.id, n, row, None))
    await session.flush()
