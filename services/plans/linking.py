"""A row of the plan becomes a meeting (issue 15, item 3): a row with a date and the kind
«заседание» or «практический семинар» of the current edition of a plan gives a meeting draft
with its topic, date, form and venue in one call, and the row keeps the link
(`meeting_id`). Refused, with nothing written: another association's plan (FORBIDDEN), a
row without a date or of another kind (PLAN_ROW_NOT_MEETING), a row already linked
to a meeting that is not cancelled (PLAN_ROW_LINKED; a cancelled one's row may become a
meeting again), an edition no longer current (STALE), a date gone by (DATE_IN_PAST).

A meeting held is matched to its row by that link, or else by the same date
(services.compliance.rules.match_rows)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import AnnualPlanRow, Meeting, MeetingStatus, PlanRowKind, School
from services import meetings
from services.errors import DomainError, ErrorCode
from services.meetings.views import MeetingView
from services.permissions import Action, Actor
from services.plans.access import is_current, load_plan
from services.tx import writes


@writes
async def meeting_from_row(
    session: AsyncSession, actor: Actor, plan_id: int, row_id: int, now: datetime
) -> MeetingView:
    plan, association = await load_plan(session, actor, plan_id, Action.MANAGE_MEETING, lock=True)
    row = await session.get(AnnualPlanRow, row_id, with_for_update=True)
    if row is None or row.plan_id != plan.id:
        raise DomainError(ErrorCode.NOT_FOUND)  # another plan's row (a forged button) too
    if not await is_current(session, plan):
        raise DomainError(ErrorCode.STALE)
    if row.day is None or row.kind not in (PlanRowKind.MEETING, PlanRowKind.SEMINAR):
        raise DomainError(ErrorCode.PLAN_ROW_NOT_MEETING)
    if row.meeting_id is not None:
        linked = await session.get(Meeting, row.meeting_id)
        if linked is not None and linked.status is not MeetingStatus.CANCELLED:
            raise DomainError(ErrorCode.PLAN_ROW_LINKED)
    place = row.venue_text
    if row.venue_school_id is not None:
        school = await session.get(School, row.venue_school_id)
        place = school.name if school else place
    view = await meetings.draft_from_plan(
        session,
        actor,
        association.id,
        topic=row.topic,
        day=row.day,
        seminar=row.kind is PlanRowKind.SEMINAR,
        place=place,
        venue_school_id=row.venue_school_id,
        timezone=association.timezone,
        now=now,
    )
    row.meeting_id = view.id
    await session.flush()
    return view
