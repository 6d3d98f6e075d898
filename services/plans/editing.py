"""Making a plan: the draft of a school year, a copy of last year's in one call, a new edition
of an approved plan, and the fields of Приложение 1."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import AnnualPlan, AnnualPlanRow, Association, PlanStatus
from services import audit, deadlines
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from services.plans import queries
from services.plans.access import association_for, editable, is_current, load_plan, touch
from services.plans.checks import PlanField, RowInput, check_field
from services.plans.views import PlanView, build_view
from services.plans.years import SchoolYear, check_year, next_year_day
from services.tx import writes


async def _refuse_existing(session: AsyncSession, association_id: int, year: SchoolYear) -> None:
    if await session.scalar(queries.editions(association_id, year.start_year).limit(1)):
        raise DomainError(ErrorCode.PLAN_EXISTS, year=year.label)


def _new_plan(
    association: Association, year: int, actor: Actor, now: datetime, source: AnnualPlan | None
) -> AnnualPlan:
    plan = AnnualPlan(
        association_id=association.id,
        school_year=year,
        edition=1,
        version=1,
        status=PlanStatus.DRAFT,
        created_by_id=actor.person_id,
        created_at=now,
    )
    if source is not None:
        for field in PlanField:
            setattr(plan, field.value, getattr(source, field.value))
    return plan


async def _copy_rows(
    session: AsyncSession, source: AnnualPlan, target: AnnualPlan, *, next_year: bool
) -> None:
    """The source's rows into the target; for next year's plan, dates a year later and the
    links to meetings dropped (those meetings are last year's)."""
    for row in (await session.scalars(queries.rows_of(source.id))).all():
        typed = RowInput.of_row(row)
        if next_year and typed.day is not None:
            typed = replace(typed, day=next_year_day(typed.day))
        session.add(new_row(target.id, row.position, typed, None if next_year else row.meeting_id))


def new_row(plan_id: int, position: int, row: RowInput, meeting_id: int | None) -> AnnualPlanRow:
    return AnnualPlanRow(
        plan_id=plan_id,
        position=position,
        direction=row.direction,
        topic=row.topic,
        day=row.day,
        kind=row.kind,
        venue_school_id=row.venue_school_id,
        venue_text=row.venue_text,
        responsible_ids=list(row.responsible_ids),
        responsible_names=list(row.responsible_names),
        meeting_id=meeting_id,
    )


async def next_edition(
    session: AsyncSession, plan: AnnualPlan, created_by_id: int | None, now: datetime
) -> AnnualPlan:
    """Edition + 1 of `plan`: a draft with its fields and rows (meeting links kept), to be
    approved again; `plan` itself is left as it is."""
    draft = AnnualPlan(
        association_id=plan.association_id,
        school_year=plan.school_year,
        edition=plan.edition + 1,
        supersedes_id=plan.id,
        version=1,
        status=PlanStatus.DRAFT,
        created_by_id=created_by_id,
        created_at=now,
    )
    for field in PlanField:
        setattr(draft, field.value, getattr(plan, field.value))
    session.add(draft)
    await session.flush()
    await _copy_rows(session, plan, draft, next_year=False)
    await session.flush()
    return draft


@writes
async def create_draft(
    session: AsyncSession, actor: Actor, association_id: int, school_year: int, now: datetime
) -> PlanView:
    """An empty draft of the plan of a school year (the last, the current or the next)."""
    association = await association_for(session, actor, association_id, Action.EDIT_PLAN)
    year = check_year(school_year, deadlines.local_day(now, association.timezone))
    await _refuse_existing(session, association.id, year)
    plan = _new_plan(association, year.start_year, actor, now, None)
    session.add(plan)
    await session.flush()
    _audit(session, actor, "plan.created", now, plan)
    return await build_view(session, actor, plan, association)


@writes
async def copy_from_last_year(
    session: AsyncSession, actor: Actor, association_id: int, school_year: int, now: datetime
) -> PlanView:
    """The draft of `school_year` as a copy of last year's plan (its latest approved edition,
    else its current one): the fields and the rows, dates a year later, links dropped."""
    association = await association_for(session, actor, association_id, Action.EDIT_PLAN)
    year = check_year(school_year, deadlines.local_day(now, association.timezone))
    await _refuse_existing(session, association.id, year)
    previous = SchoolYear(year.start_year - 1)
    source = await session.scalar(queries.latest_approved(association.id, previous.start_year))
    if source is None:
        source = await session.scalar(queries.editions(association.id, previous.start_year))
    if source is None:
        raise DomainError(ErrorCode.PLAN_NO_PREVIOUS, year=previous.label)
    plan = _new_plan(association, year.start_year, actor, now, source)
    session.add(plan)
    await session.flush()
    await _copy_rows(session, source, plan, next_year=True)
    await session.flush()
    _audit(session, actor, "plan.copied", now, plan, source_id=source.id)
    return await build_view(session, actor, plan, association)


@writes
async def new_edition(session: AsyncSession, actor: Actor, plan_id: int, now: datetime) -> PlanView:
    """A change after approval: edition + 1, a draft copy of the approved one (which is
    kept as it was), to be approved again."""
    plan, association = await load_plan(session, actor, plan_id, Action.EDIT_PLAN, lock=True)
    if plan.status is PlanStatus.DRAFT:
        raise DomainError(ErrorCode.PLAN_IS_DRAFT)
    if not await is_current(session, plan):
        raise DomainError(ErrorCode.STALE)
    draft = await next_edition(session, plan, actor.person_id, now)
    _audit(session, actor, "plan.new_edition", now, draft, supersedes_id=plan.id)
    return await build_view(session, actor, draft, association)


@writes
async def set_field(
    session: AsyncSession,
    actor: Actor,
    plan_id: int,
    version: int,
    field: PlanField,
    text: str | None,
    now: datetime,
) -> PlanView:
    """«Методическая тема», «Цель», «Задачи», «Планируемый результат», «Организационные
    формы работы»: an empty text clears the field."""
    plan, association = await editable(session, actor, plan_id, version)
    setattr(plan, field.value, check_field(field, text))
    touch(plan, now)
    await session.flush()
    return await build_view(session, actor, plan, association)


def _audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    now: datetime,
    plan: AnnualPlan,
    **details: int,
) -> None:
    audit.record(
        session,
        actor,
        action,
        now,
        association_id=plan.association_id,
        object_type="annual_plan",
        object_id=plan.id,
        **details,
    )
