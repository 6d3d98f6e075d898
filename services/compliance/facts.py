"""Gathering the facts of one association for the rules (services.compliance.rules), and the
settings of its kind: a methodist's row for the service, else the defaults."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Association,
    AssociationKind,
    CadencePeriod,
    ComplianceSetting,
    MeetingForm,
    MeetingStatus,
    PlanRowKind,
)
from services import attendance, deadlines
from services.compliance import queries
from services.compliance.rules import DEFAULTS, Facts, KindRules, MeetingFact, RowFact


async def kind_rules(session: AsyncSession, association: Association) -> KindRules:
    row = await session.scalar(queries.setting(association.service_id, association.kind))
    return rules_of(association.kind, row)


def rules_of(kind: AssociationKind, row: ComplianceSetting | None) -> KindRules:
    """The settings of a kind: a methodist's row for the service, else the defaults."""
    if row is None:
        return DEFAULTS[kind]
    due = (row.plan_due_month, row.plan_due_day)
    analysis = (row.analysis_due_month, row.analysis_due_day)
    default = DEFAULTS[kind].analysis_due
    return KindRules(
        min_meetings=row.min_meetings,
        period=CadencePeriod(row.period),
        min_seminars=row.min_seminars,
        plan_due=None if None in due else (int(due[0] or 0), int(due[1] or 0)),
        roster_min=row.roster_min,
        chair_category=row.chair_category,
        analysis_due=default
        if None in analysis
        else (int(analysis[0] or 0), int(analysis[1] or 0)),
    )


async def gather(session: AsyncSession, association: Association, now: datetime) -> Facts:
    tz = association.timezone
    today = deadlines.local_day(now, tz)
    rules = await kind_rules(session, association)
    meetings = (await session.scalars(queries.meetings_of(association.id))).all()
    ended = [m.id for m in meetings if m.status is MeetingStatus.ENDED]
    protocols: dict[int, tuple[date, bool]] = {}
    if ended:
        found = await session.execute(queries.protocols_of(ended))
        protocols = {mid: (due, issued) for mid, due, issued in found.all()}
    facts: list[MeetingFact] = []
    for m in meetings:
        moment = m.ballot_deadline if m.form is MeetingForm.ABSENTEE else m.starts_at
        day = deadlines.local_day(moment, tz) if moment else None
        valid, due, issued = True, None, False
        if m.status is MeetingStatus.ENDED and day is not None:
            valid = (await attendance.meeting_quorum(session, m, association)).valid
            # The protocols package's due day; without a protocol yet, the same month's rule.
            due, issued = protocols.get(
                m.id, (deadlines.add_months(day, association.protocol_months), False)
            )
        facts.append(
            MeetingFact(
                id=m.id,
                day=day,
                status=m.status,
                seminar=m.practical_seminar,
                at_school=m.venue_school_id is not None,
                extraordinary=m.extraordinary,
                reason=bool((m.extraordinary_reason or "").strip()),
                valid=valid,
                protocol_due=due,
                protocol_issued=issued,
            )
        )
    year = deadlines.school_year(today)
    current: dict[int, int] = {}  # school year → the current (highest) edition's id
    plans = await session.scalars(queries.plans_of(association.id, (year - 1, year, year + 1)))
    for plan in plans.all():
        current.setdefault(plan.school_year, plan.id)
    rows = (
        (await session.scalars(queries.meeting_rows(list(current.values())))).all()
        if current
        else []
    )
    chair = await session.scalar(queries.chair(association.id))
    approved = await session.scalars(queries.approved_years(association.id))
    analysed = await session.scalars(queries.analysed_years(association.id))
    return Facts(
        today=today,
        rules=rules,
        meetings=tuple(facts),
        rows=tuple(
            RowFact(
                id=r.id,
                day=r.day,
                seminar=r.kind is PlanRowKind.SEMINAR,
                at_school=r.venue_school_id is not None,
                meeting_id=r.meeting_id,
            )
            for r in rows
            if r.day is not None
        ),
        approved_years=frozenset(approved.all()),
        roster=await attendance.voting_count(session, association.id),
        chair_id=chair.id if chair else None,
        chair_category=chair.category if chair else None,
        since=deadlines.local_day(association.created_at, tz),
        analysed_years=frozenset(analysed.all()),
    )
