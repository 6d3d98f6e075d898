"""What the chat's plan screens read (services.plans.chat), on SQLite and PostgreSQL: the
card of a school year (the next one offered in June–August only, last year's plan to copy),
a row's typed date, the members and the schools matching what was typed, and the rights."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services import plans
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from tests.test_plans import NOW, team


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def test_the_card_of_a_school_year(session: AsyncSession, clock: FixedClock) -> None:
    t = await team(session, clock)
    chair, aid = t.world.chair, t.world.association_id
    card = await plans.year_card(session, chair, aid, None, NOW)  # 1 December 2026
    assert (card.year.label, card.plan, card.may_edit, card.previous_exists) == (
        "2026/2027",
        None,
        True,
        False,
    )
    assert card.other_year is None  # December: next year's plan is not offered yet
    await plans.create_draft(session, chair, aid, 2026, NOW)
    june = datetime(2027, 6, 1, 3, 0, tzinfo=UTC)
    card = await plans.year_card(session, chair, aid, None, june)
    assert card.plan is not None and card.plan.can_edit
    assert card.other_year == plans.SchoolYear(2027)
    following = await plans.year_card(session, chair, aid, 2027, june)
    assert (following.plan, following.previous_exists, following.other_year) == (
        None,
        True,
        plans.SchoolYear(2026),
    )
    # A member reads; may not edit.
    seen = await plans.year_card(session, t.member, aid, None, NOW)
    assert seen.plan is not None and not seen.plan.can_edit and not seen.may_edit
    # Another association's chair may not even read it.
    with pytest.raises(DomainError) as caught:
        await plans.year_card(session, t.stranger, aid, None, NOW)
    assert caught.value.code is ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as caught:
        await plans.plan_card(session, t.stranger, card.plan.id, NOW)
    assert caught.value.code is ErrorCode.FORBIDDEN


def test_a_typed_date_falls_within_the_school_year() -> None:
    year = plans.SchoolYear(2026)
    assert plans.parse_day("15.10.2026", year) == date(2026, 10, 15)
    assert plans.parse_day(" 1/9/26 ", year) == date(2026, 9, 1)
    for typed, code in (
        ("31.08.2026", ErrorCode.PLAN_DATE_OUTSIDE_YEAR),
        ("01.09.2027", ErrorCode.PLAN_DATE_OUTSIDE_YEAR),
        ("30.02.2027", ErrorCode.PLAN_BAD_DAY),
        ("завтра", ErrorCode.PLAN_BAD_DAY),
        ("15.10", ErrorCode.PLAN_BAD_DAY),
    ):
        with pytest.raises(DomainError) as caught:
            plans.parse_day(typed, year)
        assert caught.value.code is code, typed


async def test_members_and_schools_found_by_what_was_typed(
    session: AsyncSession, clock: FixedClock
) -> None:
    t = await team(session, clock)
    chair, aid = t.world.chair, t.world.association_id
    plan = await plans.create_draft(session, chair, aid, 2026, NOW)
    found = await plans.members_matching(session, chair, plan.id, "смирнова ол")
    assert [(m.id, m.name) for m in found] == [(t.member.person_id, "Смирнова Ольга Петровна")]
    assert await plans.members_matching(session, chair, plan.id, "Кузнецов") == []
    found = await plans.schools_matching(session, chair, plan.id, "лицей 21")
    assert [(s.id, s.name) for s in found] == [(t.school_id, "МАОУ «Лицей № 21»")]
    assert await plans.schools_matching(session, chair, plan.id, "онлайн") == []
    # A member or another association's chair cannot search for a plan's rows.
    for actor in (t.member, t.stranger):
        with pytest.raises(DomainError) as caught:
            await plans.members_matching(session, actor, plan.id, "смирнова")
        assert caught.value.code is ErrorCode.FORBIDDEN
