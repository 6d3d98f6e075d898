"""Loading a plan for a use case: found, the actor's right checked, editable at the version
the editor saw."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import AnnualPlan, Association, PlanStatus
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, Scope, decide, require
from services.plans import queries


def scope_of(association: Association) -> Scope:
    return Scope(association.service_id, association.id)


def may_edit(actor: Actor, association: Association) -> bool:
    return decide(actor, Action.EDIT_PLAN, scope_of(association)) is not Decision.DENY


def may_meet(actor: Actor, association: Association) -> bool:
    """A row of the plan may become a meeting (services.plans.linking)."""
    return decide(actor, Action.MANAGE_MEETING, scope_of(association)) is not Decision.DENY


async def association_for(
    session: AsyncSession, actor: Actor, association_id: int, action: Action
) -> Association:
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, action, scope_of(association))
    return association


async def load_plan(
    session: AsyncSession,
    actor: Actor,
    plan_id: int,
    action: Action = Action.VIEW_PLAN,
    *,
    lock: bool = False,
) -> tuple[AnnualPlan, Association]:
    """The plan, if the actor may do `action` with it: a plan of another association (a
    forged button) is refused as FORBIDDEN, a missing one as NOT_FOUND."""
    plan = await session.get(AnnualPlan, plan_id, with_for_update=lock)
    if plan is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, plan.association_id)
    require(actor, action, scope_of(association))
    return plan, association


async def is_current(session: AsyncSession, plan: AnnualPlan) -> bool:
    latest = await session.scalar(queries.editions(plan.association_id, plan.school_year).limit(1))
    return latest is not None and latest.id == plan.id


async def editable(
    session: AsyncSession, actor: Actor, plan_id: int, version: int
) -> tuple[AnnualPlan, Association]:
    """A draft edition at the version the editor saw; else nothing is written: an approved
    (or a council's adopted) edition never changes (PLAN_APPROVED: a change is a new
    edition), and DRAFT_CHANGED when someone else saved meanwhile."""
    plan, association = await load_plan(session, actor, plan_id, Action.EDIT_PLAN, lock=True)
    if plan.status is not PlanStatus.DRAFT:
        raise DomainError(ErrorCode.PLAN_APPROVED)
    if plan.version != version:
        raise DomainError(ErrorCode.DRAFT_CHANGED)
    return plan, association


def touch(plan: AnnualPlan, now: datetime) -> None:
    plan.version += 1
    plan.updated_at = now
