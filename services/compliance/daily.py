"""The daily check: every association's findings kept (services.compliance.findings); each
finding opened today told to the chair (once: its key carries the occurrence) with a button
for the next step, and to the service's methodists as one digest a day.

A finding already reported elsewhere (a protocol overdue: the protocols package tells the
chair and the methodists) is kept for /check and never sent again; a roster below the
minimum goes to the methodists only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association
from services import outbox
from services.compliance import queries
from services.compliance.facts import gather
from services.compliance.findings import sync
from services.compliance.rules import RULES, Audience, Rule, evaluate
from services.outbox import keys
from services.tx import writes

FINDING = "compliance_finding"
DIGEST = "compliance_digest"
KINDS = (FINDING, DIGEST)


@dataclass(frozen=True)
class DailyReport:
    opened: int = 0
    cleared: int = 0
    messages: int = 0
    digests: int = 0


def _due(association: Association, now: datetime) -> datetime:
    return outbox.reminder_due(
        now,
        now,
        association.timezone,
        association.send_from_minute,
        association.send_until_minute,
    )


@writes
async def run_daily(session: AsyncSession, now: datetime) -> DailyReport:
    opened_total = cleared_total = 0
    rows: list[outbox.Outgoing] = []
    digest: dict[int, list[int]] = defaultdict(list)  # service → findings opened now
    window: dict[int, Association] = {}  # service → an association whose sending hours it keeps
    for association in (await session.scalars(queries.associations())).all():
        facts = await gather(session, association, now)
        opened, cleared = await sync(session, association, evaluate(facts), now)
        opened_total += len(opened)
        cleared_total += cleared
        for finding in opened:
            audience = RULES[Rule(finding.rule)].audience
            if audience is Audience.REPORTED:
                continue
            digest[association.service_id].append(finding.id)
            window.setdefault(association.service_id, association)
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
    digests = 0
    # The job runs once a day at a fixed UTC hour: the digest's key is that UTC day, and it
    # goes out in the sending hours of the service's first association with a finding.
    day = now.date()
    for service_id, ids in digest.items():
        methodists = (await session.scalars(queries.methodists(service_id))).all()
        digests += await outbox.enqueue(
            session,
            outbox.each_person(
                methodists,
                kind=DIGEST,
                group_key=keys.compliance_digest_group(day),
                dedupe_key=lambda pid: keys.compliance_digest(day=day, person_id=pid),
                due_at=_due(window[service_id], now),
                params={"finding_ids": sorted(ids), "day": day.isoformat()},
            ),
        )
    return DailyReport(opened_total, cleared_total, messages, digests)
