"""Needs monitoring over two views of different scopes (issue 18, review finding 4), on
SQLite and PostgreSQL: a centre's methodist sees one service's breakdown and every service's;
an anonymous survey giving a shown group 1 or 2 answers would be isolated by the difference
of the two views, so any group to which one anonymous survey gives 1 or 2 answers is hidden
— the difference of a shown group is then 0 or at least 3 answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.i18n import translations
from models import InviteKind, School
from services import invites, needs, surveys
from services.clock import FixedClock
from services.needs import Group
from services.permissions import Actor
from services.surveys import Answer
from tests.centre_world import Unit, centre_world
from tests.factories import register

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
X, Y = "МОУ СОШ № 7", "МОУ СОШ № 9"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def teachers(
    session: AsyncSession, clock: FixedClock, unit: Unit, school: str, tgs: range
) -> list[Actor]:
    """New members of the unit's association from the school (of its municipality), or
    people already registered elsewhere (tg ids taken) who keep their own school."""
    link = await invites.create_link(
        session, unit.chair, InviteKind.MEMBER, unit.association_id, clock.now()
    )
    return [
        await register(session, link.token, tg, clock, name=f"Учитель {tg}", school=school)
        for tg in tgs
    ]


async def answered(session: AsyncSession, clock: FixedClock, unit: Unit, who: list[Actor]) -> None:
    """An anonymous needs survey of the unit's association only, answered by `who`, closed."""
    now = clock.now()
    ru = translations("ru").gettext
    view = await surveys.create_from_template(
        session, unit.chair, unit.association_id, "needs", ru, now
    )
    view = await surveys.set_schedule(
        session, unit.chair, view.id, view.version, now, opens_at=None,
        closes_at=now + timedelta(days=7),
    )  # fmt: skip
    view = (await surveys.open_survey(session, unit.chair, view.id, view.version, now)).view
    for teacher in who:
        for position, value in (
            (1, Answer(options=(0,))),
            (2, Answer(options=(1,))),
            (3, Answer(scale=4)),
            (5, Answer(options=(3,))),
        ):
            await surveys.answer(session, teacher, view.id, position, value, now)
        await surveys.finish(session, teacher, view.id, now)
    await surveys.close(session, unit.chair, view.id, now)


async def school_groups(
    session: AsyncSession, groups: tuple[Group, ...]
) -> dict[str, tuple[bool, int]]:
    names = dict((await session.execute(select(School.id, School.name))).all())
    return {names[g.school_id]: (g.hidden, g.answers) for g in groups if g.school_id}


@pytest.mark.parametrize(
    ("from_x", "all_view"),
    [
        # S_B gives X one answer: X is hidden in every service's view (4 − 3 would be that
        # one teacher), and so is Y, else S_B's own total less Y would give X's one away.
        (1, {X: (True, 0), Y: (True, 0)}),
        # S_B gives X none, or 3: the difference of the views is 0 or 3 answers.
        (0, {X: (False, 3), Y: (False, 4)}),
        (3, {X: (False, 6), Y: (False, 3)}),
    ],
)
async def test_two_views_never_differ_by_one_or_two_anonymous_answers(
    session: AsyncSession, clock: FixedClock, from_x: int, all_view: dict[str, tuple[bool, int]]
) -> None:
    w = await centre_world(session, clock)
    # X is a school of service A's district; its teachers 5000… are members there.
    of_x = await teachers(session, clock, w.north, X, range(5000, 5003 + from_x))
    await answered(session, clock, w.north, of_x[:3])  # S_A: to service A only
    # S_B, to service B only: from_x of X's teachers (who joined B's association too) and
    # teachers of Y, a school of B's district.
    from_y = 4 - from_x if from_x < 3 else 3
    joined = await teachers(session, clock, w.south, "", range(5003, 5003 + from_x))
    of_y = await teachers(session, clock, w.south, Y, range(5100, 5100 + from_y))
    await answered(session, clock, w.south, joined + of_y)
    methodist = w.centre_methodist
    alone = await needs.breakdown(session, methodist, NOW, w.north.service_id)
    assert await school_groups(session, alone.by_school) == {X: (False, 3)}
    every = await needs.breakdown(session, methodist, NOW)
    assert every.surveys == 2
    assert await school_groups(session, every.by_school) == all_view
    # A school's summary shows its group as the breakdown does.
    school = dict((await session.execute(select(School.name, School.id))).all())[X]
    summary = await needs.school_summary(session, methodist, NOW, school)
    assert (summary.needs.hidden, summary.needs.answers) == all_view[X]
