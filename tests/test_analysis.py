"""The annual analysis of a seeded year on SQLite and PostgreSQL (issue 16, item 2): every
figure equals the one computed by hand in the comments (tests/analysis_world.py seeds it)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AnnualPlan, MeetingForm, Membership, PlanStatus
from services import analysis, people, roster, surveys
from services.analysis import Cell
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.surveys import Answer
from tests.analysis_world import NOW, A, B, C, seed
from tests.factories import ADMIN, make_world


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def test_percent_is_integer_half_up() -> None:
    assert [analysis.percent(p, w) for p, w in ((2, 3), (1, 3), (1, 6), (1, 8), (0, 4))] == [
        67,  # 66.67
        33,
        17,  # 16.67
        13,  # 12.5 → 13
        0,
    ]
    assert analysis.percent(1, 0) is None


async def test_the_seeded_year_by_hand(session: AsyncSession, clock: FixedClock) -> None:
    seeded = await seed(session, clock)
    found = await analysis.analysis(session, seeded.world.chair, seeded.world.association_id, NOW)
    assert found.school_year == 2026 and found.day == date(2027, 6, 20) and found.roster == 6

    # Attendance: last year's and the cancelled meeting left out; the guest never counted.
    table = found.attendance
    assert table.days == (date(2026, 10, 10), date(2026, 12, 15), date(2027, 2, 20))
    rows = {row.school: row.cells for row in table.rows}
    assert [row.school for row in table.rows] == [B, C, A]  # by name
    # 10.10: roster 5 (c1 joined in January): A = P, a1, a2 (2 present); B = b1, b2 (1).
    # 15.12, absentee: the ballot's a2 (A), b1, b2 (B).
    # 20.02: a1 was at the gymnasium (B) then: A = P, a2 (2 of 2); B = a1, b1, b2 (2 of 3);
    # C = c1 (1 of 1).
    assert rows[A] == (Cell(2, 3), Cell(1, 3), Cell(2, 2))
    assert rows[B] == (Cell(1, 2), Cell(2, 2), Cell(2, 3))
    assert rows[C] == (Cell(0, 0), Cell(0, 0), Cell(1, 1))
    assert [c.percent for c in rows[A]] == [67, 33, 100]
    assert [c.percent for c in rows[B]] == [50, 100, 67]
    assert [c.percent for c in rows[C]] == [None, None, 100]
    assert table.totals == (Cell(3, 5), Cell(3, 5), Cell(5, 6))
    assert [c.percent for c in table.totals] == [60, 60, 83]

    formats = found.formats
    assert formats.held == 3
    assert dict(formats.by_form) == {
        MeetingForm.IN_PERSON: 2,
        MeetingForm.ABSENTEE: 1,
        MeetingForm.HYBRID: 0,
    }
    assert [(c.key, c.count) for c in formats.by_kind] == [
        ("meeting", 2),
        ("seminar", 1),
        ("extraordinary", 0),
    ]

    # Courses of 6 on the roster: literacy P, a1 (2 → 33 %); exams P (17 %); digital c1 once
    # for two courses (17 %); in person P, a1; distance P, c1; any course P, a1, c1 (50 %).
    courses = found.courses
    assert courses.reported == 4 and courses.roster == 6
    assert {r.key: (r.people, r.percent) for r in courses.directions if r.people} == {
        "literacy": (2, 33),
        "exams": (1, 17),
        "digital": (1, 17),
    }
    assert courses.directions[0].key == "subject"  # a2's was last year's
    assert courses.directions[0].people == 0 and courses.directions[0].percent == 0
    assert [(r.key, r.people, r.percent) for r in courses.forms] == [
        ("in_person", 2, 33),
        ("distance", 2, 33),
    ]
    assert (courses.any_course.people, courses.any_course.percent) == (3, 50)

    # Experience: P (ШМО, municipal), b1 (педсовет); a1 and c1 named nothing: 2 → 33 %.
    assert [(r.key, r.people, r.percent) for r in found.experience.rows] == [
        ("shmo", 1, 17),
        ("pedsovet", 1, 17),
        ("association", 0, 0),
        ("municipal", 1, 17),
        ("regional", 0, 0),
        ("publication", 0, 0),
        ("none", 2, 33),
    ]
    d = found.diagnostics
    assert (d.federal, d.regional, d.route_cnppm, d.route_school, d.reported) == (1, 2, 1, 1, 4)
    assert d.needs_survey is False and d.measures is None
    assert [(c.person, c.contest, c.result) for c in found.contests] == [
        ("Петров Сергей Иванович", "Учитель года", "лауреат")
    ]
    assert [(c.person, c.contest) for c in found.open_lessons] == [("Учитель A1", "Урок «Дроби»")]

    # The satisfaction survey: 3 of 6 answered (50 %); overall 5, 4, 4 → 4.3; usefulness 4.0;
    # informed 3.0. Its choices: helped — yes 2, partly 1, no 0.
    (sat,) = found.satisfaction
    assert (sat.recipients, sat.respondents, sat.percent, sat.shown) == (6, 3, 50, True)
    assert [q.average_tenths for q in sat.questions] == [43, 40, 30]
    (eff,) = found.effectiveness
    helped = eff.questions[0]
    assert [(o.count, o.percent) for o in helped.options] == [(2, 67), (1, 33), (0, 0)]
    assert found.needs == ()

    # The plan: 15.03 was never held (its meeting was cancelled); September's is next year.
    assert [(r.position, r.day, r.topic) for r in found.unrealised] == [
        (3, date(2027, 3, 15), "Заседание по итогам олимпиады")
    ]
    assert (found.held, found.planned) == (3, 0)
    assert found.theme == "Функциональная грамотность"
    assert found.tasks == ("Организовать семинары", "Провести открытые уроки")
    assert [(q.number, q.position, q.title) for q in found.questions] == [
        (1, 1, "Об утверждении плана работы на 2026/2027 учебный год"),
        (1, 2, "Разное"),
        (2, 1, "Открытый урок «Функциональная грамотность»"),
    ]


async def test_members_who_left_since_still_count_at_their_meetings(
    session: AsyncSession, clock: FixedClock
) -> None:
    """Each meeting's roster is taken from that meeting's own rows (its marks, its ballots)
    besides today's members: b1 removed and a2 gone with /forget after the year's meetings
    still count in those meetings' cells and %; today's roster is 4."""
    seeded = await seed(session, clock)
    aid, p = seeded.world.association_id, seeded.people
    membership = await session.scalar(
        select(Membership.id).where(
            Membership.association_id == aid, Membership.person_id == p["b1"].person_id
        )
    )
    await session.commit()
    assert membership is not None
    await roster.remove(session, seeded.world.chair, membership, NOW)
    await people.forget(session, p["a2"], NOW)
    found = await analysis.analysis(session, seeded.world.chair, aid, NOW)
    assert found.roster == 4
    table = found.attendance
    rows = {row.school: row.cells for row in table.rows}
    assert rows[A] == (Cell(2, 3), Cell(1, 3), Cell(2, 2))
    assert rows[B] == (Cell(1, 2), Cell(2, 2), Cell(2, 3))
    assert rows[C] == (Cell(0, 0), Cell(0, 0), Cell(1, 1))
    assert table.totals == (Cell(3, 5), Cell(3, 5), Cell(5, 6))
    assert [c.percent for c in table.totals] == [60, 60, 83]


async def test_theme_goal_and_tasks_are_the_approved_editions(
    session: AsyncSession, clock: FixedClock
) -> None:
    """A later draft edition of the plan (not approved yet) does not change the analysis's
    theme, goal and tasks: they are the approved edition's, the one submitting attaches."""
    seeded = await seed(session, clock)
    aid = seeded.world.association_id
    approved = await session.scalar(select(AnnualPlan.id).where(AnnualPlan.association_id == aid))
    session.add(
        AnnualPlan(
            association_id=aid,
            school_year=2026,
            status=PlanStatus.DRAFT,
            edition=2,
            supersedes_id=approved,
            theme="Черновик темы",
            goal="Черновик цели",
            tasks="Черновая задача",
        )
    )
    await session.commit()
    found = await analysis.analysis(session, seeded.world.chair, aid, NOW)
    assert found.theme == "Функциональная грамотность"
    assert found.goal == "Повышение профессиональной компетентности"
    assert found.tasks == ("Организовать семинары", "Провести открытые уроки")


async def test_no_data_and_anonymity(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    empty = await analysis.analysis(session, world.chair, world.association_id, NOW)
    assert empty.satisfaction == () and empty.effectiveness == () and empty.needs == ()
    assert empty.attendance.rows == () and empty.formats.held == 0
    assert empty.courses.reported == 0 and empty.theme is None and empty.tasks == ()
    # An open anonymous survey with two answers: its share only, never a figure.
    seeded_people: list[Actor] = []
    from tests.factories import member_link, register

    token = await member_link(session, world, clock)
    for n in range(2):
        seeded_people.append(await register(session, token, 3100 + n, clock, name=f"Член {n}"))
    opened = datetime(2027, 5, 10, 3, 0, tzinfo=UTC)
    view = await surveys.create_from_template(
        session, world.chair, world.association_id, "satisfaction", lambda s: s, opened
    )
    view = (await surveys.open_survey(session, world.chair, view.id, view.version, opened)).view
    for person in seeded_people:
        for position, value in (
            (1, Answer(scale=5)),
            (2, Answer(scale=4)),
            (3, Answer(options=(0,))),
            (4, Answer(options=(0,))),
            (5, Answer(scale=3)),
        ):
            await surveys.answer(session, person, view.id, position, value, opened)
        await surveys.finish(session, person, view.id, opened)
    found = await analysis.analysis(session, world.chair, world.association_id, NOW)
    (sat,) = found.satisfaction
    assert (sat.respondents, sat.recipients, sat.shown, sat.questions) == (2, 3, False, ())
    (eff,) = found.effectiveness
    assert eff.questions == () and not eff.shown


async def test_who_may_read_it(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    from tests.factories import member_link, register

    token = await member_link(session, world, clock)
    teacher = await register(session, token, 3200, clock, name="Учитель Без Прав")
    with pytest.raises(DomainError) as caught:
        await analysis.analysis(session, teacher, world.association_id, NOW)
    assert caught.value.code is ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as caught:
        await analysis.analysis(session, ADMIN, 999_999, NOW)
    assert caught.value.code is ErrorCode.NOT_FOUND
