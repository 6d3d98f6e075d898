"""What a named needs response keeps of its answerer (issue 18, review finding 6), on SQLite
and PostgreSQL: the school and subject are in the person's /mydata, and /forget clears them
with the profile's subject; others' responses keep theirs."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import SurveyResponse
from services import people
from services.clock import FixedClock
from tests.needs_world import LYCEUM, NOW, needs_world


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def test_mydata_shows_and_forget_clears_a_named_responses_group(
    session: AsyncSession, clock: FixedClock
) -> None:
    w = await needs_world(session, clock, anonymous=False)
    teacher, other = w.teachers[0], w.teachers[1]
    data = await people.export_data(session, teacher)
    [survey] = [s for s in data["surveys"] if s["answers"]]
    assert (survey["school"], survey["subject"]) == (LYCEUM, "математика")
    await people.forget(session, teacher, NOW)
    kept = dict(
        (
            await session.execute(
                select(SurveyResponse.person_id, SurveyResponse.subject).where(
                    SurveyResponse.survey_id == w.survey_id
                )
            )
        ).all()
    )
    assert kept[teacher.person_id] is None
    assert kept[other.person_id] == "математика"
    row = (
        await session.execute(
            select(SurveyResponse.school_id, SurveyResponse.subject).where(
                SurveyResponse.person_id == teacher.person_id
            )
        )
    ).one()
    assert tuple(row) == (None, None)
