"""Needs monitoring across associations (issue 18, item 3), on SQLite and PostgreSQL: the
breakdown's figures equal the ones computed by hand, a school or a subject with 2 answers of
an anonymous survey shows «недостаточно ответов» (its figures not even in the result), the
same 2 answers of a named survey are shown, an open anonymous survey is not counted yet, and
only the service's methodists and the admins see it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AssociationKind, Attendance, Presence, SurveyAudience, SurveyResponse
from services import associations, invites, needs
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.needs import Share
from tests.factories import ADMIN, register
from tests.needs_world import GYMNASIUM, LYCEUM, NOW, THIRD, needs_world
from tests.test_compliance import add_meeting


def ordered(*shares: Share) -> tuple[Share, ...]:
    """As the breakdown orders them: more answers first, then by name."""
    return tuple(sorted(shares, key=lambda s: (-s.count, s.label.casefold())))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def labels(session: AsyncSession, survey_id: int) -> tuple[list[str], list[str]]:
    from models import SurveyQuestion

    rows = (
        await session.scalars(
            select(SurveyQuestion)
            .where(SurveyQuestion.survey_id == survey_id)
            .order_by(SurveyQuestion.position)
        )
    ).all()
    return list(rows[0].options), list(rows[1].options)


async def test_the_breakdown_equals_the_hand_computed_figures(
    session: AsyncSession, clock: FixedClock
) -> None:
    w = await needs_world(session, clock)
    d, f = await labels(session, w.survey_id)
    found = await needs.breakdown(session, ADMIN, NOW)
    assert (found.surveys, found.waiting, found.school_year) == (1, 0, 2026)
    assert found.total.answers == 6 and not found.total.hidden
    # Directions: 0 by three of six (50 %), 1 by two (33 %), 2, 3 and 4 by one each (16.7
    # rounded half up: 17 %); ties by name.
    assert found.total.directions == ordered(
        Share(d[0], 3, 50), Share(d[1], 2, 33), Share(d[2], 1, 17), Share(d[3], 1, 17),
        Share(d[4], 1, 17),
    )  # fmt: skip
    assert found.total.formats == ordered(
        Share(f[0], 3, 50), *(Share(f[n], 1, 17) for n in (1, 2, 3, 4))
    )
    # The lyceum: 3 answers (anonymous, so just enough); 2 of 3 is 67 %, 1 of 3 is 33 %.
    [gymnasium, third, lyceum] = found.by_school
    assert (lyceum.name, lyceum.school_id, lyceum.answers) == (LYCEUM, w.schools[LYCEUM], 3)
    assert lyceum.directions == ordered(Share(d[0], 2, 67), Share(d[1], 2, 67), Share(d[4], 1, 33))
    assert {s.label: s.percent for s in lyceum.formats} == {f[0]: 67, f[3]: 33, f[4]: 33}
    # The gymnasium: 2 answers of an anonymous survey, nothing but «not enough answers»; the
    # third school (1 answer) too.
    assert gymnasium.name == GYMNASIUM and gymnasium.hidden
    assert (gymnasium.answers, gymnasium.directions, gymnasium.formats) == (0, (), ())
    assert (third.name, third.hidden, third.answers, third.directions) == (THIRD, True, 0, ())
    [maths, physics, chemistry] = found.by_subject
    assert (maths.name, maths.answers, maths.hidden) == ("математика", 3, False)
    assert (physics.name, physics.hidden, physics.directions) == ("физика", True, ())
    assert (chemistry.name, chemistry.hidden) == ("химия", True)
    # What a response keeps: its school and subject, never its person.
    kept = (await session.execute(select(SurveyResponse.person_id, SurveyResponse.school_id,
                                         SurveyResponse.subject))).all()  # fmt: skip
    assert sorted((p, s, subj) for p, s, subj in kept) == sorted(
        [(None, w.schools[LYCEUM], "математика")] * 3
        + [(None, w.schools[GYMNASIUM], "физика")] * 2
        + [(None, w.schools[THIRD], "химия")]
    )


async def test_a_lone_hidden_group_hides_the_smallest_shown_one_too(
    session: AsyncSession, clock: FixedClock
) -> None:
    """Without the third school the whole (5) less the lyceum (3) would be the gymnasium's
    2 answers: the lyceum is hidden as well, and mathematics beside physics."""
    await needs_world(session, clock, third=False)
    found = await needs.breakdown(session, ADMIN, NOW)
    assert (found.total.answers, found.total.hidden) == (5, False)
    assert [(g.name, g.hidden, g.answers) for g in found.by_school] == [
        (GYMNASIUM, True, 0),
        (LYCEUM, True, 0),
    ]
    assert [(g.name, g.hidden) for g in found.by_subject] == [
        ("математика", True),
        ("физика", True),
    ]


async def test_a_named_survey_shows_a_group_of_two(
    session: AsyncSession, clock: FixedClock
) -> None:
    w = await needs_world(session, clock, anonymous=False)
    d, _f = await labels(session, w.survey_id)
    found = await needs.breakdown(session, ADMIN, NOW, w.world.service_id)
    gymnasium = found.by_school[0]  # two answers of a named survey: shown
    assert (gymnasium.name, gymnasium.hidden, gymnasium.answers) == (GYMNASIUM, False, 2)
    assert {s.label: (s.count, s.percent) for s in gymnasium.directions} == {
        d[0]: (1, 50),
        d[2]: (1, 50),
    }
    summary = await needs.school_summary(session, ADMIN, NOW, w.schools[GYMNASIUM])
    assert (summary.school, summary.teachers, summary.needs.answers) == (GYMNASIUM, 2, 2)
    assert summary.attendance_percent is None  # no meeting has ended


async def test_a_schools_attendance_is_the_overviews_p_over_m(
    session: AsyncSession, clock: FixedClock
) -> None:
    w = await needs_world(session, clock)
    # This school year: one ended meeting, the chair (of the lyceum) and one lyceum teacher
    # came; last school year's meeting does not count.
    this = await add_meeting(session, w.world, date(2026, 11, 20))
    last = await add_meeting(session, w.world, date(2026, 5, 20))
    for meeting in (this, last):
        session.add(Attendance(meeting_id=meeting, person_id=w.teachers[0].person_id,
                               status=Presence.PRESENT, at=NOW))  # fmt: skip
    await session.commit()
    lyceum = await needs.school_summary(session, ADMIN, NOW, w.schools[LYCEUM])
    assert (lyceum.teachers, lyceum.attendance_percent) == (4, 50)  # 2 of 4 voting members
    assert lyceum.needs.answers == 3 and not lyceum.needs.hidden
    gymnasium = await needs.school_summary(session, ADMIN, NOW, w.schools[GYMNASIUM])
    assert (gymnasium.attendance_percent, gymnasium.needs.hidden) == (0, True)


async def test_an_open_anonymous_survey_is_not_counted_yet(
    session: AsyncSession, clock: FixedClock
) -> None:
    await needs_world(session, clock, close=False)
    found = await needs.breakdown(session, ADMIN, NOW)
    assert (found.surveys, found.waiting, found.total.answers) == (0, 1, 0)
    assert found.by_school == () and found.by_subject == ()


async def test_only_the_services_methodists_see_it(
    session: AsyncSession, clock: FixedClock
) -> None:
    w = await needs_world(session, clock)
    now = clock.now()
    link = await invites.create_methodist_link(session, ADMIN, w.world.service_id, now)
    methodist = await register(session, link.token, 6001, clock, name="Методист Службы")
    other = await associations.create_service(session, ADMIN, "ИМЦ Кировского района", now)
    link = await invites.create_methodist_link(session, ADMIN, other.id, now)
    foreign = await register(session, link.token, 7001, clock, name="Чужой Методист")
    assert (await needs.breakdown(session, methodist, now)).total.answers == 6
    assert await needs.schools(session, methodist) == sorted(
        [(w.schools[GYMNASIUM], GYMNASIUM), (w.schools[LYCEUM], LYCEUM), (w.schools[THIRD], THIRD)],
        key=lambda s: s[1],
    )
    own = await needs.breakdown(session, foreign, now)  # their own service: nothing of ours
    assert (own.services, own.total.answers, own.by_school) == (((other.id, other.name),), 0, ())
    for actor, service in (
        (w.teachers[0], None),
        (methodist, other.id),
        (foreign, w.world.service_id),
    ):
        with pytest.raises(DomainError) as caught:
            await needs.breakdown(session, actor, now, service)
        assert caught.value.code is ErrorCode.FORBIDDEN
    # A school of another service's members (here: one not in the scope at all).
    with pytest.raises(DomainError) as caught:
        await needs.school_summary(session, methodist, now, 999_999)
    assert caught.value.code is ErrorCode.NOT_FOUND
    # Another service's methodist: our school is not among theirs; our service is refused.
    with pytest.raises(DomainError) as caught:
        await needs.school_summary(session, foreign, now, w.schools[LYCEUM])
    assert caught.value.code is ErrorCode.NOT_FOUND
    with pytest.raises(DomainError) as caught:
        await needs.school_summary(session, foreign, now, w.schools[LYCEUM], w.world.service_id)
    assert caught.value.code is ErrorCode.FORBIDDEN


async def test_a_survey_that_also_went_to_another_service_is_left_out(
    session: AsyncSession, clock: FixedClock
) -> None:
    """Its anonymous answers cannot be told apart by association: the service's methodist
    would see the other service's teachers; the admin, who oversees both, sees it."""
    w = await needs_world(session, clock)
    now = clock.now()
    link = await invites.create_methodist_link(session, ADMIN, w.world.service_id, now)
    methodist = await register(session, link.token, 6001, clock, name="Методист Службы")
    assert (await needs.breakdown(session, methodist, now)).surveys == 1
    other = await associations.create_service(session, ADMIN, "ИМЦ Кировского района", now)
    district = await associations.create_municipality(
        session, ADMIN, other.id, "Кировский район", "Asia/Novosibirsk", now
    )
    created = await associations.create_association(
        session, ADMIN, kind=AssociationKind.RMO, name="РМО учителей физики", subject="физика",
        municipality_id=district.id, timezone="Asia/Novosibirsk", now=now,
    )  # fmt: skip
    session.add(SurveyAudience(survey_id=w.survey_id, association_id=created.association.id))
    await session.commit()
    mine = await needs.breakdown(session, methodist, now)
    assert (mine.surveys, mine.waiting, mine.total.answers) == (0, 0, 0)
    assert (await needs.breakdown(session, ADMIN, now)).total.answers == 6
