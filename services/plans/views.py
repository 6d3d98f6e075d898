"""Reading a plan: its view (content plus the actor's rights), the content for the DOCX and
the XLSX, an РМО's «График заседаний», the editions of a school year."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models import AnnualPlan, AnnualPlanRow, Association, PlanStatus
from services.permissions import Action, Actor
from services.plans import queries
from services.plans.access import association_for, is_current, load_plan, may_edit, may_meet
from services.plans.content import PlanContent, PlanRowContent, Responsible, ScheduleEntry
from services.tx import reads


@dataclass(frozen=True)
class PlanView:
    content: PlanContent
    association_id: int
    version: int
    row_ids: tuple[int, ...]  # the rows' ids, in the table's order
    is_current: bool  # the highest edition of its school year
    can_edit: bool  # the actor may edit and this edition is a current draft
    can_meet: bool = False  # the actor may make meetings of its rows (the current edition)

    @property
    def id(self) -> int:
        return self.content.plan_id

    @property
    def status(self) -> PlanStatus:
        return self.content.status


async def build_content(
    session: AsyncSession, plan: AnnualPlan, association: Association
) -> PlanContent:
    """The edition's content with names copied in (not a use case: runs inside one)."""
    rows = list((await session.scalars(queries.rows_of(plan.id))).all())
    return await content_with_rows(session, plan, association, rows)


async def content_with_rows(
    session: AsyncSession,
    plan: AnnualPlan,
    association: Association,
    rows: list[AnnualPlanRow],
) -> PlanContent:
    person_ids = sorted({pid for row in rows for pid in row.responsible_ids})
    people = dict((await session.execute(queries.names(person_ids))).all())
    school_ids = sorted({row.venue_school_id for row in rows if row.venue_school_id})
    schools = dict((await session.execute(queries.school_names(school_ids))).all())

    def responsible(row: AnnualPlanRow) -> tuple[Responsible, ...]:
        found = [
            Responsible(people[pid] or "", pid) for pid in row.responsible_ids if people.get(pid)
        ]
        return tuple(found) + tuple(Responsible(name) for name in row.responsible_names)

    chair = await session.scalar(queries.chair_name(association.id))
    return PlanContent(
        plan_id=plan.id,
        association=association.name,
        association_kind=str(association.kind),
        locale=association.locale,
        school_year=plan.school_year,
        edition=plan.edition,
        status=plan.status,
        theme=plan.theme,
        goal=plan.goal,
        tasks=plan.tasks,
        planned_result=plan.planned_result,
        work_forms=plan.work_forms,
        rows=tuple(
            PlanRowContent(
                position=row.position,
                direction=row.direction,
                topic=row.topic,
                day=row.day,
                kind=row.kind,
                venue=schools.get(row.venue_school_id) if row.venue_school_id else row.venue_text,
                venue_school_id=row.venue_school_id,
                responsible=responsible(row),
                meeting_id=row.meeting_id,
            )
            for row in rows
        ),
        chair=chair,
        protocol_number=plan.protocol_number,
        protocol_date=plan.protocol_date,
    )


async def build_view(
    session: AsyncSession, actor: Actor, plan: AnnualPlan, association: Association
) -> PlanView:
    rows = list((await session.scalars(queries.rows_of(plan.id))).all())
    current = await is_current(session, plan)
    return PlanView(
        content=await content_with_rows(session, plan, association, rows),
        association_id=association.id,
        version=plan.version,
        row_ids=tuple(row.id for row in rows),
        is_current=current,
        can_edit=current and plan.status is PlanStatus.DRAFT and may_edit(actor, association),
        can_meet=current and may_meet(actor, association),
    )


@reads
async def get_plan(session: AsyncSession, actor: Actor, plan_id: int) -> PlanView:
    plan, association = await load_plan(session, actor, plan_id)
    return await build_view(session, actor, plan, association)


@reads
async def current_plan(
    session: AsyncSession, actor: Actor, association_id: int, school_year: int
) -> PlanView | None:
    """The current edition of the plan of a school year, if there is one."""
    association = await association_for(session, actor, association_id, Action.VIEW_PLAN)
    plan = await session.scalar(queries.editions(association.id, school_year).limit(1))
    return None if plan is None else await build_view(session, actor, plan, association)


@reads
async def editions(
    session: AsyncSession, actor: Actor, association_id: int, school_year: int
) -> list[PlanView]:
    """Every edition of the school year, the current first: the approved ones are kept."""
    association = await association_for(session, actor, association_id, Action.VIEW_PLAN)
    plans = (await session.scalars(queries.editions(association.id, school_year))).all()
    return [await build_view(session, actor, plan, association) for plan in plans]


@reads
async def plan_content(session: AsyncSession, actor: Actor, plan_id: int) -> PlanContent:
    """What the DOCX and the XLSX print: the frozen snapshot of an edition that has one
    (what a meeting approved), else the edition as it is now."""
    plan, association = await load_plan(session, actor, plan_id)
    if plan.snapshot is not None:
        return PlanContent.from_json(plan.snapshot)
    return await build_content(session, plan, association)


@reads
async def meeting_schedule(
    session: AsyncSession, actor: Actor, plan_id: int
) -> tuple[ScheduleEntry, ...]:
    """An РМО's «График заседаний» (002 Annex 4 §3.2): date, topic and form of the plan's
    meeting rows."""
    plan, association = await load_plan(session, actor, plan_id)
    return (await build_content(session, plan, association)).schedule
