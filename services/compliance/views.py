"""/check: for each association the actor may check (chair, deputy, secretary; a methodist:
every association of the service), today's findings and what is fine, computed now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Category
from services import deadlines
from services.compliance import queries
from services.compliance.facts import gather
from services.compliance.findings import FindingView, live_view
from services.compliance.rules import (
    RULES,
    Audience,
    KindRules,
    Period,
    Tally,
    evaluate,
    period_of,
    tally,
    watch_from,
)
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, Scope, decide
from services.tx import reads

CHECK_MAX = 20  # associations in one /check


@dataclass(frozen=True)
class CheckView:
    association_id: int
    name: str
    rules: KindRules
    period: Period
    tally: Tally
    watching: bool  # a shortfall of the period is a finding from today on
    plan_year: int
    plan_approved: bool
    roster: int
    chair_category: Category | None
    has_chair: bool
    methodist: bool  # sees the findings for the methodists (the roster)
    findings: tuple[FindingView, ...]


def _scope(association: Association) -> Scope:
    return Scope(association.service_id, association.id)


@reads
async def check(session: AsyncSession, actor: Actor, now: datetime) -> list[CheckView]:
    """FORBIDDEN for a person who may check no association (a plain member)."""
    services = actor.methodist_services
    candidates = [
        a
        for a in (await session.scalars(queries.associations())).all()
        if a.id in actor.roles or a.service_id in services
    ]
    views = []
    for association in candidates:
        if decide(actor, Action.CHECK_COMPLIANCE, _scope(association)) is Decision.DENY:
            continue
        methodist = association.service_id in services
        facts = await gather(session, association, now)
        found = [
            live_view(f, association)
            for f in evaluate(facts)
            if methodist or RULES[f.rule].audience is not Audience.METHODISTS
        ]
        period = period_of(facts.rules.period, facts.today)
        year = deadlines.school_year(facts.today)
        views.append(
            CheckView(
                association_id=association.id,
                name=association.name,
                rules=facts.rules,
                period=period,
                tally=tally(period, facts),
                watching=facts.today >= watch_from(period, facts.rules),
                plan_year=year,
                plan_approved=year in facts.approved_years,
                roster=facts.roster,
                chair_category=facts.chair_category,
                has_chair=facts.chair_id is not None,
                methodist=methodist,
                findings=tuple(found),
            )
        )
        if len(views) >= CHECK_MAX:
            break
    if not views:
        raise DomainError(ErrorCode.FORBIDDEN)
    return views
