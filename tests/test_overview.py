"""The methodist's desk (issue 18, item 1), on SQLite and PostgreSQL: the figures of a seeded
service equal the ones computed by hand, "held" and "planned" are the compliance package's,
the colours follow the issue's rules, rows come by attention, and only the service's
methodists and the admins see them."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from documents.overview_xlsx import xlsx_bytes
from models import (
    AnalysisStatus,
    AnnualAnalysis,
    AssociationKind,
    Attendance,
    ComplianceFinding,
    Membership,
    Person,
    Presence,
    Role,
    Survey,
    SurveyAudience,
    SurveyKind,
    SurveyStatus,
)
from services import associations, compliance, invites, overview
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.overview import Colour, Reason, Why
from services.surveys import TemplateKey
from tests.factories import ADMIN, member_link, register
from tests.test_compliance import NOW, PUBLISHED, TZ, add_meeting, world_of
from tests.xlsx_rows import max_row_forbidden

BANK = dict(
    education="высшее",
    speciality="учитель математики",
    total_experience_years=20,
    teaching_experience_years=18,
    birth_year=1980,
    category=None,
    awards="нет",
    titles="нет",
)


# ---------------------------------------------------------------- the colours, pure


def test_the_colours_follow_the_rules() -> None:
    today = date(2026, 12, 1)
    calm = dict(open_findings=0, overdue=0, protocol_due=None, plan_approved=True,
                plan_due=date(2026, 10, 1), minimum_watch=None, needs_survey=True)  # fmt: skip
    assert overview.reasons_of(today, **calm) == ()  # type: ignore[arg-type]
    assert overview.colour_of(()) is Colour.GREEN

    def why(**change: object) -> tuple[Why, ...]:
        return overview.reasons_of(today, **{**calm, **change})  # type: ignore[arg-type]

    assert why(open_findings=2) == (Why(Reason.FINDINGS, count=2),)
    assert overview.colour_of(why(open_findings=2)) is Colour.RED
    assert overview.colour_of(why(overdue=1)) is Colour.RED
    # A protocol due within 14 days (the 15th is not), a plan's deadline within 14 days.
    assert why(protocol_due=date(2026, 12, 15)) == (
        Why(Reason.PROTOCOL_SOON, day=date(2026, 12, 15)),
    )
    assert why(protocol_due=date(2026, 12, 16)) == ()
    assert overview.colour_of(why(protocol_due=date(2026, 12, 15))) is Colour.AMBER
    soon = why(plan_approved=False, plan_due=date(2026, 12, 10))
    assert soon == (Why(Reason.PLAN_SOON, day=date(2026, 12, 10)),)
    # The plan missing before its deadline: amber; after it, the compliance finding's red.
    later = why(plan_approved=False, plan_due=date(2027, 3, 1))
    assert later == (Why(Reason.PLAN_MISSING, day=date(2027, 3, 1)),)
    assert why(plan_approved=False, plan_due=date(2026, 10, 1)) == ()
    assert why(minimum_watch=date(2026, 12, 14)) == (
        Why(Reason.MINIMUM_SOON, day=date(2026, 12, 14)),
    )
    assert why(needs_survey=False) == (Why(Reason.NEEDS_MISSING),)
    assert overview.colour_of(why(needs_survey=False)) is Colour.AMBER
    both = why(needs_survey=False, overdue=1)
    assert overview.colour_of(both) is Colour.RED and both[0].reason is Reason.PROTOCOL_OVERDUE


def test_a_needs_survey_by_its_title() -> None:
    assert overview.is_needs_survey("Professional needs and deficits")
    assert overview.is_needs_survey("Диагностика ПОТРЕБНОСТЕЙ педагогов")
    assert not overview.is_needs_survey("Удовлетворённость работой РМО")
    # Made from the built-in template: known by it, whatever the title says.
    assert overview.is_needs_survey("Анкета", TemplateKey.NEEDS)
    assert not overview.is_needs_survey("Потребности", TemplateKey.SATISFACTION)
    assert overview.analysis_accepted(None) is None  # none begun: «—»
    assert overview.analysis_accepted(AnalysisStatus.ACCEPTED) is True
    assert overview.analysis_accepted(AnalysisStatus.SUBMITTED) is False


# ---------------------------------------------------------------- on both engines


async def test_the_figures_of_a_seeded_service(session: AsyncSession, clock: FixedClock) -> None:
    world, methodist = await world_of(session, clock)
    clock.set(NOW)
    # The roster: the chair, a member who joined, one on the roster only (not joined).
    member = await register(session, await member_link(session, world, clock), 3001, clock,
                            name="Сидорова Мария Ивановна")  # fmt: skip
    absent = Person(full_name="Кузнецова Ольга Петровна")
    session.add(absent)
    await session.flush()
    session.add(Membership(person_id=absent.id, association_id=world.association_id,
                           role=Role.MEMBER))  # fmt: skip
    # The data bank (services.databank.completeness): the chair 9 of 12 answers (the
    # category «первая» without its order, no year-end report), the member 3, the roster
    # row 1: 13 / 36.
    blank = {f: None for f in BANK} | {"school_id": None, "subject": None}
    await session.execute(update(Person).values(**blank))
    await session.execute(
        update(Person)
        .where(Person.id == world.chair.person_id)
        .values(**BANK, subject="математика")
    )
    await session.execute(
        update(Person).where(Person.id == world.chair.person_id).values(category="first")
    )
    await session.execute(
        update(Person)
        .where(Person.id == member.person_id)
        .values(subject="физика", education="высшее")
    )
    await session.commit()
    # Held: 5 October (the chair and the member: 2 of 3) and 5 November (the chair: 1 of 3);
    # planned: 10 February. The protocol of 5 October overdue (due 5 November), that of
    # 5 November due on 5 December, within 14 days.
    first = await add_meeting(session, world, date(2026, 10, 5))
    session.add(Attendance(meeting_id=first, person_id=member.person_id,
                           status=Presence.PRESENT, at=NOW))  # fmt: skip
    await session.commit()
    await add_meeting(session, world, date(2026, 11, 5))
    await add_meeting(session, world, date(2027, 2, 10), PUBLISHED)
    # Findings: one open, a note (not counted), one cleared.
    for rule, cleared in (("meetings", None), ("chair_category_unknown", None), ("roster", NOW)):
        session.add(ComplianceFinding(association_id=world.association_id, rule=rule,
                                      period="", object_id=0, details={}, found_at=NOW,
                                      cleared_at=cleared))  # fmt: skip
    # Two ГМО: one quiet, one that sent the needs survey this school year.
    quiet = await gmo(session, world.municipality_id, "ГМО учителей истории", clock)
    surveyed = await gmo(session, world.municipality_id, "ГМО учителей химии", clock)
    survey = Survey(kind=SurveyKind.SURVEY, status=SurveyStatus.OPEN, created_at=NOW,
                    title="Профессиональные потребности и дефициты")  # fmt: skip
    session.add(survey)
    await session.flush()
    session.add(SurveyAudience(survey_id=survey.id, association_id=surveyed))
    # Last school year's analysis: accepted for one ГМО, returned for the other, none begun
    # for the РМО.
    for aid, status in ((surveyed, AnalysisStatus.ACCEPTED), (quiet, AnalysisStatus.RETURNED)):
        session.add(AnnualAnalysis(association_id=aid, school_year=2025, status=status,
                                   sections={}, created_at=NOW))  # fmt: skip
    await session.commit()

    seen = await overview.overview(session, methodist, NOW)
    assert [r.association_id for r in seen.rows] == [world.association_id, quiet, surveyed]
    assert [r.colour for r in seen.rows] == [Colour.RED, Colour.AMBER, Colour.GREEN]
    rmo = seen.rows[0]
    assert (rmo.kind, rmo.chair, rmo.joined, rmo.roster, rmo.voting) == (
        AssociationKind.RMO,
        "Петров Сергей Иванович",
        2,
        3,
        3,
    )
    assert rmo.bank_percent == 36  # 13 / 36 = 36.1 %
    assert (rmo.held, rmo.planned, rmo.minimum) == (2, 1, 4)
    assert rmo.attendance_percent == 50  # (2/3 + 1/3) / 2
    assert rmo.last_meeting == date(2026, 11, 5)
    assert (rmo.protocols_overdue, rmo.open_findings) == (1, 1)
    assert (rmo.needs_survey, rmo.plan_approved, rmo.analysis_accepted) == (False, False, None)
    assert rmo.reasons == (
        Why(Reason.FINDINGS, count=1),
        Why(Reason.PROTOCOL_OVERDUE, count=1),
        Why(Reason.PROTOCOL_SOON, day=date(2026, 12, 5)),
        Why(Reason.NEEDS_MISSING),
    )
    # "Held" and "planned" are the compliance package's own.
    [checked] = [c for c in await compliance.check(session, methodist, NOW)
                 if c.association_id == world.association_id]  # fmt: skip
    assert (checked.tally.held, checked.tally.planned) == (rmo.held, rmo.planned)
    assert seen.rows[1].reasons == (Why(Reason.NEEDS_MISSING),)
    assert (seen.rows[1].minimum, seen.rows[1].attendance_percent, seen.rows[1].bank_percent) == (
        0,
        None,
        None,
    )
    assert seen.rows[2].needs_survey and seen.rows[2].reasons == ()
    assert [r.analysis_accepted for r in seen.rows] == [None, False, True]
    # The XLSX: a summary, then the service's sheet; numbers as numbers, the header frozen.
    with max_row_forbidden():  # rows counted, not found by scanning every cell
        data = xlsx_bytes(seen, "ru")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Сводка", "ИМЦ Ленинского района"]
    summary, sheet = book["Сводка"], book["ИМЦ Ленинского района"]
    assert [c.value for c in summary[2]] == [
        "ИМЦ Ленинского района",
        3,
        1,
        1,
        1,
        2,
        1,
        50,
        1,
        1,
        0,
        1,
    ]
    assert [c.value for c in sheet[2]] == [
        1, "РМО учителей математики", "ИМЦ Ленинского района", "Ленинский район",
        "районное методическое объединение (РМО)",
        "Петров Сергей Иванович", 2, 3, 3, 36, 2, 1, 4, 50, datetime(2026, 11, 5), 1, 1,
        "нет", "нет", "—", "красный",
        "открытых замечаний: 1; протоколов просрочено: 1; срок протокола — до 05.12.2026; "
        "в этом учебном году не было опроса потребностей",
    ]  # fmt: skip
    assert sheet.cell(2, 15).number_format == "DD.MM.YYYY"
    assert [c.value for c in sheet[3]][9:14] == [None, 0, 0, 0, None]  # not known: empty
    for page in (summary, sheet):
        assert page.freeze_panes == "A2" and page.auto_filter.ref == page.dimensions
    english = load_workbook(io.BytesIO(xlsx_bytes(seen, "en")))
    assert english.sheetnames == ["Summary", "ИМЦ Ленинского района"]
    assert english["ИМЦ Ленинского района"].cell(1, 2).value == "Association"
    # The card: the same row; the admin sees it too.
    assert await overview.card(session, methodist, world.association_id, NOW) == rmo
    assert (await overview.card(session, ADMIN, world.association_id, NOW)) == rmo


async def gmo(session: AsyncSession, municipality_id: int, name: str, clock: FixedClock) -> int:
    created = await associations.create_association(
        session, ADMIN, kind=AssociationKind.GMO, name=name, subject=None,
        municipality_id=municipality_id, timezone=TZ, now=clock.now(),
    )  # fmt: skip
    return created.association.id


async def test_only_the_services_methodists_and_admins(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, methodist = await world_of(session, clock)
    other = await associations.create_service(session, ADMIN, "ИМЦ Кировского района", NOW)
    link = await invites.create_methodist_link(session, ADMIN, other.id, NOW)
    foreign = await register(session, link.token, 7001, clock, name="Чужой Методист")
    assert (await overview.overview(session, foreign, NOW)).rows == ()
    for call in (
        overview.overview(session, foreign, NOW, world.service_id),
        overview.card(session, foreign, world.association_id, NOW),
        overview.overview(session, world.chair, NOW),
        overview.card(session, world.chair, world.association_id, NOW),
    ):
        with pytest.raises(DomainError) as refused:
            await call
        assert refused.value.code is ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as missing:
        await overview.card(session, methodist, 10**9, NOW)
    assert missing.value.code is ErrorCode.NOT_FOUND
    mine = await overview.overview(session, methodist, NOW)
    assert [s for s, _ in mine.services] == [world.service_id]
    everything = await overview.overview(session, ADMIN, NOW)
    assert {s for s, _ in everything.services} == {world.service_id, other.id}
    assert [r.association_id for r in everything.rows] == [world.association_id]
