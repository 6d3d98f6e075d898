"""A centre's methodists are among "the service's methodists" told of a grouped service's
association (issue 18, review finding 5), on SQLite and PostgreSQL: the analysis submitted and
the category's term reminder reach the service's methodist and the centre's, never a sibling
service's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Category, OutboxMessage, Person
from services import analysis, databank
from services.clock import FixedClock
from tests.centre_world import centre_world, methodist_of

NOW = datetime(2027, 6, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def told(session: AsyncSession, kind: str) -> set[int | None]:
    found = await session.scalars(select(OutboxMessage.person_id).where(OutboxMessage.kind == kind))
    return set(found.all())


async def test_the_analysis_submitted_reaches_the_centres_methodist(
    session: AsyncSession, clock: FixedClock
) -> None:
    w = await centre_world(session, clock)
    sibling = await methodist_of(session, clock, w.south.service_id, 3902)
    chair, aid = w.north.chair, w.north.association_id
    await analysis.write_section(session, chair, aid, 2026, "attendance", "Стабильно.", NOW)
    await analysis.write_section(session, chair, aid, 2026, "conclusion", "Год удался.", NOW)
    await analysis.set_measures(session, chair, aid, 2026, True, NOW)
    await analysis.submit(session, chair, aid, 2026, NOW)
    assert await told(session, analysis.SUBMITTED) == {
        w.north_methodist.person_id,
        w.centre_methodist.person_id,
    }
    assert sibling.person_id not in await told(session, analysis.SUBMITTED)


async def test_the_category_reminder_reaches_the_centres_methodist(
    session: AsyncSession, clock: FixedClock
) -> None:
    w = await centre_world(session, clock)
    sibling = await methodist_of(session, clock, w.south.service_id, 3902)
    teacher = w.north.member.person_id
    await session.execute(
        update(Person)
        .where(Person.id == teacher)
        .values(category=Category.FIRST, category_order_date=date(2021, 3, 15))
    )
    await session.commit()
    terms = databank.TermSettings(years=5, remind_months=3)
    moment = datetime(2025, 12, 15, 12, tzinfo=UTC)
    assert await databank.remind_category_terms(session, moment, terms) == 1
    assert await told(session, databank.CATEGORY_TERM) == {
        teacher,
        w.north_methodist.person_id,
        w.centre_methodist.person_id,
    }
    assert sibling.person_id not in await told(session, databank.CATEGORY_TERM)
