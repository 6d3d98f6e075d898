"""Findings kept: each (association, rule, period, object) once. A finding found again while
open changes nothing; one no longer found is cleared; one found after it cleared opens
again with occurrence + 1 (the outbox key carries it, so it is told once more)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, AssociationKind, ComplianceFinding
from services.compliance import queries
from services.compliance.rules import RULES, Audience, Found, Rule, source
from services.tx import reads


@dataclass(frozen=True)
class FindingView:
    id: int  # 0: found by /check now, not kept yet
    association_id: int
    association: str
    kind: AssociationKind
    rule: Rule
    period: str
    object_id: int
    details: dict[str, Any]
    occurrence: int = 1
    open: bool = True

    @property
    def source(self) -> str:
        """The seed reference (a msgid)."""
        return source(self.rule, self.kind)

    @property
    def note(self) -> bool:
        return RULES[self.rule].note

    @property
    def audience(self) -> Audience:
        return RULES[self.rule].audience


def view_of(finding: ComplianceFinding, association: Association) -> FindingView:
    return FindingView(
        id=finding.id,
        association_id=association.id,
        association=association.name,
        kind=association.kind,
        rule=Rule(finding.rule),
        period=finding.period,
        object_id=finding.object_id,
        details=dict(finding.details or {}),
        occurrence=finding.occurrence,
        open=finding.cleared_at is None,
    )


def live_view(found: Found, association: Association) -> FindingView:
    return FindingView(
        0,
        association.id,
        association.name,
        association.kind,
        found.rule,
        found.period,
        found.object_id,
        dict(found.details),
    )


async def sync(
    session: AsyncSession, association: Association, found: list[Found], now: datetime
) -> tuple[list[ComplianceFinding], int]:
    """Keep today's findings of one association: (those opened now, how many cleared)."""
    kept = {
        (f.rule, f.period, f.object_id): f
        for f in (await session.scalars(queries.findings_of(association.id))).all()
    }
    opened: list[ComplianceFinding] = []
    seen = set()
    for item in found:
        key = (item.rule.value, item.period, item.object_id)
        seen.add(key)
        finding = kept.get(key)
        if finding is None:
            finding = ComplianceFinding(
                association_id=association.id,
                rule=item.rule.value,
                period=item.period,
                object_id=item.object_id,
                details=dict(item.details),
                occurrence=1,
                found_at=now,
            )
            session.add(finding)
            opened.append(finding)
            continue
        if finding.details != item.details:
            finding.details = dict(item.details)
        if finding.cleared_at is not None:
            finding.cleared_at = None
            finding.occurrence += 1
            finding.found_at = now
            opened.append(finding)
    cleared = 0
    for key, finding in kept.items():
        if key not in seen and finding.cleared_at is None:
            finding.cleared_at = now
            cleared += 1
    await session.flush()
    return opened, cleared


@reads
async def finding_views(session: AsyncSession, ids: list[int]) -> list[FindingView]:
    """The kept findings with these ids, by association and id (for the messages)."""
    views = []
    for finding in (await session.scalars(queries.findings(ids))).all():
        association = await session.get_one(Association, finding.association_id)
        views.append(view_of(finding, association))
    return sorted(views, key=lambda v: (v.association_id, v.id))
