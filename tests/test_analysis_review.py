"""The chair's sections, submitting and the methodist's decision on SQLite and PostgreSQL
(issue 16, item 3): drafts kept (length limit, HTML refused, an unknown section refused,
nothing changed), submitted once (twice refused), the service's methodists told through the
outbox once per submission, «на доработку» needs a comment the chair gets, the chair
resubmits, «принято» freezes it; a forged association, a member, another service's
methodist are refused; the compliance finding «анализ не представлен» clears once it is
submitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AnalysisStatus,
    AnnualAnalysis,
    Association,
    AssociationKind,
    Meeting,
    MeetingForm,
    MeetingStatus,
    OutboxMessage,
)
from services import analysis, associations, compliance, invites
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from tests.factories import ADMIN, World, make_world, member_link, register

NOW = datetime(2027, 6, 20, 3, 0, tzinfo=UTC)
YEAR = 2026
JULY = datetime(2027, 7, 1, 3, 0, tzinfo=UTC)  # the analysis was due by 30 June


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@dataclass
class Setting:
    world: World
    teacher: Actor
    methodists: tuple[Actor, Actor]
    foreign: Actor  # a methodist of another service
    foreign_association: int


async def setting(session: AsyncSession, clock: FixedClock) -> Setting:
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    teacher = await register(session, token, 3001, clock, name="Учитель Без Прав")
    found = []
    for n in range(2):
        link = await invites.create_methodist_link(session, ADMIN, world.service_id, NOW)
        found.append(await register(session, link.token, 4001 + n, clock, name=f"Методист {n}"))
    service = await associations.create_service(session, ADMIN, "ИМЦ Кировского района", NOW)
    municipality = await associations.create_municipality(
        session, ADMIN, service.id, "Кировский район", "Asia/Novosibirsk", NOW
    )
    created = await associations.create_association(
        session,
        ADMIN,
        kind=AssociationKind.RMO,
        name="РМО учителей физики",
        subject="физика",
        municipality_id=municipality.id,
        timezone="Asia/Novosibirsk",
        now=NOW,
    )
    link = await invites.create_methodist_link(session, ADMIN, service.id, NOW)
    foreign = await register(session, link.token, 4100, clock, name="Чужая Вера")
    return Setting(world, teacher, (found[0], found[1]), foreign, created.association.id)


async def expect(code: ErrorCode, call: object) -> None:
    with pytest.raises(DomainError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code is code, caught.value


async def kept(session: AsyncSession) -> list[tuple[object, ...]]:
    rows = (
        await session.execute(
            select(
                AnnualAnalysis.status,
                AnnualAnalysis.sections,
                AnnualAnalysis.version,
                AnnualAnalysis.round,
                AnnualAnalysis.comment,
            )
        )
    ).all()
    await session.commit()
    return [tuple(r) for r in rows]


async def messages(session: AsyncSession) -> list[tuple[str, int | None, str]]:
    rows = (
        await session.execute(
            select(OutboxMessage.kind, OutboxMessage.person_id, OutboxMessage.dedupe_key)
            .where(OutboxMessage.kind.in_(analysis.KINDS))
            .order_by(OutboxMessage.id)
        )
    ).all()
    await session.commit()
    return [(k, p, d) for k, p, d in rows]


async def test_sections_submit_return_resubmit_accept(
    session: AsyncSession, clock: FixedClock
) -> None:
    s = await setting(session, clock)
    chair, aid = s.world.chair, s.world.association_id
    m1, m2 = s.methodists
    assert await analysis.state(session, chair, aid, YEAR) is None

    # Bad input: nothing written at all.
    for key, text, code in (
        ("conclusion", "<b>Вывод</b>", ErrorCode.HTML_NOT_ALLOWED),
        ("conclusion", "в" * (analysis.SECTION_MAX + 1), ErrorCode.TEXT_TOO_LONG),
        ("conclusion", "   ", ErrorCode.TEXT_EMPTY),
        ("nonsense", "Текст", ErrorCode.ANALYSIS_SECTION),
    ):
        await expect(code, analysis.write_section(session, chair, aid, YEAR, key, text, NOW))
    await expect(
        ErrorCode.ANALYSIS_NOT_SUBMITTED, analysis.review(session, m1, aid, YEAR, True, None, NOW)
    )
    assert await kept(session) == []

    # Who may not write: a member, another association's methodist, a forged association.
    for actor, target in ((s.teacher, aid), (m1, aid), (chair, s.foreign_association)):
        await expect(
            ErrorCode.FORBIDDEN,
            analysis.write_section(session, actor, target, YEAR, "conclusion", "Т", NOW),
        )
    assert await kept(session) == []

    state = await analysis.write_section(
        session, chair, aid, YEAR, "attendance", "Посещаемость стабильная.", NOW
    )
    state = await analysis.write_section(
        session, chair, aid, YEAR, "conclusion", "Год удался.", NOW
    )
    assert state.sections == {"attendance": "Посещаемость стабильная.", "conclusion": "Год удался."}
    assert state.status is AnalysisStatus.DRAFT and state.version == 3
    state = await analysis.set_measures(session, chair, aid, YEAR, True, NOW)
    found = await analysis.analysis(session, chair, aid, NOW)
    assert found.diagnostics.measures is True

    # The compliance finding until it is submitted (the association held a meeting in the
    # bot that year: without one there is no finding, nothing to analyse from the data).
    association = await session.get_one(Association, aid)
    facts = await compliance.gather(session, association, JULY)
    await session.commit()
    assert compliance.Rule.NO_ANALYSIS not in [f.rule for f in compliance.evaluate(facts)]
    session.add(
        Meeting(
            association_id=aid,
            topic="Заседание",
            form=MeetingForm.IN_PERSON,
            starts_at=datetime(2026, 10, 10, 5, 0, tzinfo=UTC),
            status=MeetingStatus.ENDED,
        )
    )
    await session.commit()
    facts = await compliance.gather(session, association, JULY)
    await session.commit()
    assert [f.rule for f in compliance.evaluate(facts) if f.rule.value == "no_analysis"] == [
        compliance.Rule.NO_ANALYSIS
    ]

    state = await analysis.submit(session, chair, aid, YEAR, NOW)
    assert (state.status, state.round) == (AnalysisStatus.SUBMITTED, 1)
    sent = await messages(session)
    assert sent == [
        (analysis.SUBMITTED, m.person_id, f"analysis:{state.id}:submitted:1:person={m.person_id}")
        for m in (m1, m2)
    ]
    before = await kept(session)
    await expect(ErrorCode.ANALYSIS_SUBMITTED, analysis.submit(session, chair, aid, YEAR, NOW))
    await expect(
        ErrorCode.ANALYSIS_SUBMITTED,
        analysis.write_section(session, chair, aid, YEAR, "conclusion", "Иначе", NOW),
    )
    # Another service's methodist, the chair, a member may not decide; «на доработку» needs
    # a comment.
    for actor in (s.foreign, chair, s.teacher):
        await expect(
            ErrorCode.FORBIDDEN, analysis.review(session, actor, aid, YEAR, True, None, NOW)
        )
    await expect(
        ErrorCode.ANALYSIS_COMMENT_REQUIRED,
        analysis.review(session, m1, aid, YEAR, False, "  ", NOW),
    )
    await expect(
        ErrorCode.HTML_NOT_ALLOWED,
        analysis.review(session, m1, aid, YEAR, False, "<i>нет</i>", NOW),
    )
    assert await kept(session) == before and len(await messages(session)) == 2
    association = await session.get_one(Association, aid, populate_existing=True)
    facts = await compliance.gather(session, association, JULY)
    await session.commit()
    assert compliance.Rule.NO_ANALYSIS not in [f.rule for f in compliance.evaluate(facts)]

    state = await analysis.review(
        session, m2, aid, YEAR, False, "Добавьте выводы по посещаемости", NOW
    )
    assert state.status is AnalysisStatus.RETURNED and state.comment
    sent = await messages(session)
    assert sent[2:] == [
        (
            analysis.DECIDED,
            chair.person_id,
            f"analysis:{state.id}:decided:1:person={chair.person_id}",
        )
    ]
    await expect(
        ErrorCode.ANALYSIS_NOT_SUBMITTED, analysis.review(session, m1, aid, YEAR, True, None, NOW)
    )
    await analysis.write_section(
        session, chair, aid, YEAR, "attendance", "Посещаемость выросла к весне.", NOW
    )
    state = await analysis.submit(session, chair, aid, YEAR, NOW)
    assert (state.round, state.comment) == (2, None)
    # The first submission's buttons (round 1) do not decide the second: nothing changed.
    before = await kept(session)
    for accept, comment in ((True, None), (False, "Ещё раз")):
        await expect(
            ErrorCode.ANALYSIS_ROUND,
            analysis.review(session, m1, aid, YEAR, accept, comment, NOW, round=1),
        )
    assert await kept(session) == before and len(await messages(session)) == 5
    state = await analysis.review(session, m1, aid, YEAR, True, None, NOW, round=2)
    assert state.status is AnalysisStatus.ACCEPTED
    sent = await messages(session)
    assert [(k, d.split(":")[2:4]) for k, _p, d in sent[3:]] == [
        (analysis.SUBMITTED, ["submitted", "2"]),
        (analysis.SUBMITTED, ["submitted", "2"]),
        (analysis.DECIDED, ["decided", "2"]),
    ]
    # Accepted: frozen.
    await expect(
        ErrorCode.ANALYSIS_ACCEPTED,
        analysis.write_section(session, chair, aid, YEAR, "conclusion", "Иначе", NOW),
    )
    await expect(ErrorCode.ANALYSIS_ACCEPTED, analysis.submit(session, chair, aid, YEAR, NOW))


async def test_the_conclusions_offered_for_next_years_plan(
    session: AsyncSession, clock: FixedClock
) -> None:
    """services.analysis.plan_points: the analysis of the year before the plan's, its
    «Вывод», «Рекомендации», «Предложения» in the form's order, read by the chair and the
    service's methodists, refused to a member and another service's methodist."""
    s = await setting(session, clock)
    chair, aid = s.world.chair, s.world.association_id
    empty = await analysis.plan_points(session, chair, aid, YEAR + 1)
    assert (empty.school_year, empty.sections, empty.empty) == (YEAR, (), True)
    for key, text in (
        ("proposals", "Семинар по ФГОС"),
        ("attendance", "Посещаемость выросла"),  # not one of the three
        ("conclusion", "План выполнен"),
    ):
        await analysis.write_section(session, chair, aid, YEAR, key, text, NOW)
    points = await analysis.plan_points(session, s.methodists[0], aid, YEAR + 1)
    assert points.sections == (("conclusion", "План выполнен"), ("proposals", "Семинар по ФГОС"))
    assert (await analysis.plan_points(session, chair, aid, YEAR)).empty  # another year's plan
    for actor in (s.teacher, s.foreign):
        await expect(ErrorCode.FORBIDDEN, analysis.plan_points(session, actor, aid, YEAR + 1))
    await expect(ErrorCode.NOT_FOUND, analysis.plan_points(session, chair, 99_999, YEAR + 1))
