"""A methodist's compliance settings for one association kind in the service (a minimum of
meetings for a kind that has none by default, the council's school year instead of the
calendar year…): one row per (service, kind), replaced whole."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import AssociationKind, ComplianceSetting
from services import audit
from services.compliance import queries
from services.compliance.rules import KindRules
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Scope, require
from services.tx import writes

MEETINGS_MAX = 52  # a minimum beyond one a week is a typo


@writes
async def set_kind_rules(
    session: AsyncSession,
    actor: Actor,
    service_id: int,
    kind: AssociationKind,
    rules: KindRules,
    now: datetime,
) -> None:
    require(actor, Action.SET_COMPLIANCE, Scope(service_id))
    if not (
        0 <= rules.min_meetings <= MEETINGS_MAX
        and 0 <= rules.min_seminars <= max(rules.min_meetings, 1)
        and (rules.roster_min is None or rules.roster_min > 0)
    ):
        raise DomainError(ErrorCode.BAD_NUMBER, min=0, max=MEETINGS_MAX)
    for due in (rules.plan_due, rules.analysis_due):
        if due is None:
            continue
        month, day = due
        try:
            datetime(2001, month, day)  # 29 February never: not every year has it
        except ValueError as exc:
            raise DomainError(ErrorCode.BAD_NUMBER, min=1, max=31) from exc
    row = await session.scalar(queries.setting(service_id, kind))
    if row is None:
        row = ComplianceSetting(service_id=service_id, kind=kind)
        session.add(row)
    row.min_meetings = rules.min_meetings
    row.period = rules.period
    row.min_seminars = rules.min_seminars
    row.plan_due_month, row.plan_due_day = rules.plan_due or (None, None)
    row.analysis_due_month, row.analysis_due_day = rules.analysis_due or (None, None)
    row.roster_min = rules.roster_min
    row.chair_category = rules.chair_category
    row.updated_at = now
    await session.flush()
    audit.record(
        session,
        actor,
        "compliance.settings",
        now,
        object_type="compliance_setting",
        object_id=row.id,
        kind=kind.value,
    )
