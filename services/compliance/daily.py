"""The daily check: every association's findings kept (services.compliance.findings); each
finding opened today told to the chair (once: its key carries the occurrence) with a button
for the next step, and to the service's methodists as one digest a day.

A finding already reported elsewhere (a protocol overdue: the protocols package tells the
chair and the methodists) is kept for /check and never sent again; a roster below the
minimum goes to the methodists only. Each association is checked in a write transaction of
its own (on SQLite the write lock is never held for the whole run), then the digests."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association
from services import outbox
from services.compliance import queries
from services.compliance.facts import gather
from services.compliance.findings import sync
from services.compliance.rules import RULES, Audience, Rule, evaluate
from services.outbox import keys
from services.tx import reads, writes

FINDING = "compliance_finding"
DIGEST = "compliance_digest"
KINDS = (FINDING, DIGEST)


@dataclass(frozen=True)
class DailyReport:
    opened: int = 0
    cleared: int = 0
    messages: int = 0
    digests: int = 0


@dataclass(frozen=True)
class Checked:
    """One association checked: what its methodists' digest takes, what was sent."""

    service_id: int
    for_digest: list[int] = field(default_factory=list)
    opened: int = 0
    cleared: int = 0
    messages: int = 0


def _due(association: Association, now: datetime) -> datetime:
    return outbox.reminder_due(
        now,
        now,
        association.timezone,
        association.send_from_minute,
        association.send_until_minute,
    )


@reads
async def association_ids(session: AsyncSession) -> list[int]:
    return [a.id for a in (await session.scalars(queries.associations())).all()]


@writes
async def check_association(session: AsyncSession, association_id: int, now: datetime) -> Checked:
    association = await session.get_one(Association, association_id)
    facts = await gather(session, association, now)
    opened, cleared = await sync(session, association, evaluate(facts), now)
    rows: list[outbox.Outgoing] = []
    for_digest = []
    for finding in opened:
        audience = RULES[Rule(finding.rule)].audience
        if audience is Audience.REPORTED:
            continue
        for_digest.append(finding.id)
        if audience is Audience.CHAIR and facts.chair_id is not None:
            rows.append(
                outbox.Outgoing(
                    kind=FINDING,
                    dedupe_key=keys.compliance_finding(
                        association_id=association.id,
                        finding_id=finding.id,
                        occurrence=finding.occurrence,
                        person_id=facts.chair_id,
                    ),
                    group_key=keys.compliance_group(association.id),
                    due_at=_due(association, now),
                    params={"finding_id": finding.id, "occurrence": finding.occurrence},
                    person_id=facts.chair_id,
                )
            )
    messages = await outbox.enqueue(session, rows)
    return Checked(association.service_id, for_digest, len(opened), cleared, messages)


@writes
async def send_digest(
    session: AsyncSession, association_id: int, finding_ids: list[int], now: datetime
) -> int:
    """One digest a day to each methodist of the association's service: the key is the
    job's UTC day (it runs once a day at a fixed UTC hour); it goes out in the sending hours
    of that association (the service's first with a finding today)."""
    association = await session.get_one(Association, association_id)
    day = now.date()
    methodists = (await session.scalars(queries.methodists(association.service_id))).all()
    return await outbox.enqueue(
        session,
        outbox.each_person(
            methodists,
            kind=DIGEST,
            group_key=keys.compliance_digest_group(day),
            dedupe_key=lambda pid: keys.compliance_digest(day=day, person_id=pid),
            due_at=_due(association, now),
            params={"finding_ids": sorted(finding_ids), "day": day.isoformat()},
        ),
    )


async def run_daily(session: AsyncSession, now: datetime) -> DailyReport:
    """The job: each association in its own transaction, then one digest per service."""
    opened = cleared = messages = digests = 0
    by_service: dict[int, list[int]] = defaultdict(list)
    first: dict[int, int] = {}  # service → its first association with a finding today
    for association_id in await association_ids(session):
        checked = await check_association(session, association_id, now)
        opened += checked.opened
        cleared += checked.cleared
        messages += checked.messages
        if checked.for_digest:
            by_service[checked.service_id].extend(checked.for_digest)
            first.setdefault(checked.service_id, association_id)
    for service_id, ids in by_service.items():
        digests += await send_digest(session, first[service_id], ids, now)
    return DailyReport(opened, cleared, messages, digests)
