"""The data bank of members (issue 18, item 4), on SQLite and PostgreSQL: completeness
counts «нет» as an answer (one definition, the overview's and the export's), the export of
an association and of a service read back with openpyxl, and who may have it."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from documents.databank_xlsx import xlsx_bytes
from models import (
    AssociationKind,
    Category,
    CourseForm,
    InviteKind,
    OutboxMessage,
    Person,
    YearCourse,
    YearReport,
)
from services import associations, databank, invites, overview
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from tests.factories import ADMIN, World, make_world, member_link, register
from tests.xlsx_rows import max_row_forbidden

FULL = dict(
    subject="математика",
    education="высшее, НГПУ, 2005",
    speciality="учитель математики",
    total_experience_years=20,
    teaching_experience_years=18,
    birth_year=1980,
    category=Category.NONE,
    awards="нет",
    titles="нет",
)


async def _methodist(session: AsyncSession, world: World, clock: FixedClock, tg: int) -> Actor:
    link = await invites.create_methodist_link(session, ADMIN, world.service_id, clock.now())
    return await register(session, link.token, tg, clock, name="Методист Службы")


async def _report(
    session: AsyncSession, person_id: int, year: int, *, course: bool = False
) -> None:
    report = YearReport(
        person_id=person_id,
        school_year=year,
        contests=[["Учитель года", "лауреат"]] if course else [],
        created_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    session.add(report)
    await session.flush()
    if course:
        session.add(
            YearCourse(
                report_id=report.id,
                position=1,
                title="Функциональная грамотность",
                direction="literacy",
                hours=36,
                form=CourseForm.DISTANCE,
                provider="=ЦНППМ",
                finished_on=date(2026, 10, 15),
            )
        )
    await session.commit()


async def _bank_percent(session: AsyncSession, world: World, clock: FixedClock) -> int | None:
    view = await overview.overview(session, ADMIN, clock.now(), world.service_id)
    [row] = view.rows
    bank = await databank.association_bank(session, ADMIN, world.association_id, clock.now())
    assert bank.percent == row.bank_percent  # one definition for both
    return row.bank_percent


async def test_completeness_counts_none_as_an_answer(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    chair = world.chair.person_id
    assert chair is not None
    await session.execute(update(Person).where(Person.id == chair).values(**FULL))
    await session.commit()
    # Everything but the year-end report: 11 of 12.
    assert await _bank_percent(session, world, clock) == 92
    # A report of last school year with no courses and no contests: «нет» is an answer.
    await _report(session, chair, 2025)
    assert await _bank_percent(session, world, clock) == 100
    # A category above «без категории» counts with its order only.
    await session.execute(update(Person).where(Person.id == chair).values(category=Category.FIRST))
    await session.commit()
    assert await _bank_percent(session, world, clock) == 92
    await session.execute(
        update(Person)
        .where(Person.id == chair)
        .values(category_order_date=date(2024, 3, 15), category_order_number="123-к")
    )
    await session.commit()
    assert await _bank_percent(session, world, clock) == 100
    # Blank awards are a gap; a report of two years ago no longer counts.
    await session.execute(update(Person).where(Person.id == chair).values(awards=" "))
    await session.execute(delete(YearReport))
    await session.commit()
    await _report(session, chair, 2024)
    assert await _bank_percent(session, world, clock) == 83


async def test_the_export_read_back(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    methodist = await _methodist(session, world, clock, 6001)
    member = await register(
        session, await member_link(session, world, clock), 3001, clock, name="=Сидорова Анна"
    )
    other = await associations.create_association(
        session,
        ADMIN,
        kind=AssociationKind.GMO,
        name="ГМО учителей информатики",
        subject="информатика",
        municipality_id=world.municipality_id,
        timezone="Asia/Novosibirsk",
        now=clock.now(),
    )
    # The member belongs to both: one row with both associations.
    await invites.redeem(
        session,
        (await invites.create_link(session, ADMIN, InviteKind.MEMBER,
                                   other.association.id, clock.now())).token,
        3001, invites.Registration(consent=True), clock.now(),
    )  # fmt: skip
    assert member.person_id is not None
    await session.execute(
        update(Person)
        .where(Person.id == member.person_id)
        .values(**FULL | {"category": Category.HIGHEST, "awards": "@грамота"},
                category_order_date=date(2022, 5, 4), category_order_number="77")
    )  # fmt: skip
    await session.commit()
    await _report(session, member.person_id, 2026, course=True)
    bank = await databank.service_bank(session, methodist, clock.now(), world.service_id)
    assert [e.full_name for e in bank.entries] == ["=Сидорова Анна", "Петров Сергей Иванович"]
    book = load_workbook(io.BytesIO(xlsx_bytes(bank, "ru")))
    assert book.sheetnames == ["Банк данных", "Курсы и конкурсы"]
    sheet = book["Банк данных"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:P3"
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["ФИО", "Школа", "Предмет"]
    row = [c.value for c in sheet[2]]
    assert row[0] == "'=Сидорова Анна"  # the formula guard
    assert row[3] == "ГМО учителей информатики; РМО учителей математики"
    assert row[6:10] == [20, 18, 1980, 46]  # numbers as numbers
    assert all(isinstance(v, int) for v in row[6:10])
    assert row[10:13] == ["высшая категория", datetime(2022, 5, 4), "77"]
    assert sheet.cell(2, 12).number_format == "DD.MM.YYYY"
    assert row[13] == "'@грамота" and row[15] == 100
    courses = book["Курсы и конкурсы"]
    assert courses.freeze_panes == "A2" and courses.auto_filter.ref == "A1:H2"
    assert [c.value for c in courses[2]] == [
        "'=Сидорова Анна", "2026/2027", "Функциональная грамотность",
        "Функциональная грамотность", 36, "дистанционная", "'=ЦНППМ",
        datetime(2026, 10, 15),
    ]  # fmt: skip
    assert [c.value for c in courses[5]][:4] == [
        "'=Сидорова Анна",
        "2026/2027",
        "Учитель года",
        "лауреат",
    ]
    # In English too.
    english = load_workbook(io.BytesIO(xlsx_bytes(bank, "en")))
    assert english.sheetnames == ["Data bank", "Courses and contests"]


async def test_who_may_have_the_bank(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    methodist = await _methodist(session, world, clock, 6001)
    elsewhere = await associations.create_service(session, ADMIN, "ИМЦ другого района", clock.now())
    link = await invites.create_methodist_link(session, ADMIN, elsewhere.id, clock.now())
    foreign = await register(session, link.token, 6002, clock, name="Чужой Методист")
    sent = await session.scalar(select(func.count()).select_from(OutboxMessage))
    for actor, call in (
        (foreign, databank.service_bank(session, foreign, clock.now(), world.service_id)),
        (foreign, databank.association_bank(session, foreign, world.association_id, clock.now())),
        (world.chair, databank.service_bank(session, world.chair, clock.now(), world.service_id)),
    ):
        with pytest.raises(DomainError) as refused:
            await call
        assert refused.value.code is ErrorCode.FORBIDDEN, actor
    with pytest.raises(DomainError) as missing:
        await databank.association_bank(session, methodist, 10**9, clock.now())
    assert missing.value.code is ErrorCode.NOT_FOUND
    # The chair has the association's; the methodist both; the foreign methodist their own.
    assert (await databank.association_bank(session, world.chair, world.association_id,
                                             clock.now())).entries  # fmt: skip
    assert (await databank.service_bank(session, methodist, clock.now())).entries
    assert (await databank.service_bank(session, foreign, clock.now())).entries == ()
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == sent


def test_a_bank_of_5000_people_counts_its_rows() -> None:
    """5,000 people, 3,000 courses, 2 contests: every row where it belongs, its date formatted,
    the filters to the last row; no row found by `max_row` (a scan of every cell per row made
    the build quadratic: 30,000 people took over 5 minutes)."""
    people = 5_000
    entries = tuple(
        databank.Entry(
            person_id=n, full_name=f"Учитель Номер{n:05d}", school="МОУ СОШ № 5",
            subject="физика", education=None, speciality=None, total_experience_years=n % 40,
            teaching_experience_years=None, birth_year=1980, age=46, category=Category.FIRST,
            order_date=date(2022, 5, 4), order_number=str(n), awards=None, titles=None,
            associations=("РМО учителей физики",), filled=10, percent=n % 101,
        )
        for n in range(1, people + 1)
    )  # fmt: skip
    courses = tuple(
        databank.CourseRow(
            person_id=n, full_name=f"Учитель Номер{n:05d}", school_year=2026, title=f"Курс {n}",
            direction="subject", hours=36, form=CourseForm.DISTANCE, provider="ЦНППМ",
            finished_on=date(2026, 10, 15),
        )
        for n in range(1, 3_001)
    )  # fmt: skip
    contests = tuple(
        databank.ContestRow(n, f"Учитель Номер{n:05d}", 2026, "Учитель года", "лауреат")
        for n in (1, 2)
    )
    bank = databank.DataBank("ГМО", 2026, entries, courses, contests, 50)
    with max_row_forbidden():
        data = xlsx_bytes(bank, "ru")
    book = load_workbook(io.BytesIO(data))
    sheet = book["Банк данных"]
    assert sheet.max_row == people + 1 and sheet.auto_filter.ref == f"A1:P{people + 1}"
    last = [c.value for c in sheet[people + 1]]
    assert last[0] == "Учитель Номер05000" and last[6] == 5000 % 40 and last[15] == 5000 % 101
    assert last[11] == datetime(2022, 5, 4) and last[12] == "5000"
    assert sheet.cell(people + 1, 12).number_format == "DD.MM.YYYY"
    second = book["Курсы и конкурсы"]
    assert second.auto_filter.ref == "A1:H3001"
    assert [c.value for c in second[3001]][:3] == ["Учитель Номер03000", "2026/2027", "Курс 3000"]
    assert second.cell(3001, 8).number_format == "DD.MM.YYYY"
    assert [c.value for c in second[3003]][:3] == ["ФИО", "Учебный год", "Конкурс"]
    assert [c.value for c in second[3005]] == [
        "Учитель Номер00002", "2026/2027", "Учитель года", "лауреат", None, None, None, None,
    ]  # fmt: skip
