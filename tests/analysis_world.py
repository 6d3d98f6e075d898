"""A seeded school year 2026/27 for the analysis tests and the benchmark's shape: a chair and
five members in three schools (one joined in January, one changed school in between), three
held meetings (in person, absentee, a practical seminar) plus a guest, a cancelled meeting and
last year's; year-end reports; a closed anonymous satisfaction survey; a plan with a row not
held; two protocols. The expected figures are computed by hand in tests/test_analysis.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AgendaItem,
    AnnualPlan,
    AnnualPlanRow,
    Attendance,
    Choice,
    CourseForm,
    Meeting,
    MeetingForm,
    MeetingStatus,
    Membership,
    Person,
    PlanRowKind,
    PlanStatus,
    Presence,
    Protocol,
    Vote,
    YearCourse,
    YearReport,
)
from services import deadlines, surveys
from services.clock import FixedClock
from services.permissions import Actor
from services.surveys import Answer
from tests.factories import World, make_world, member_link, register

NOW = datetime(2027, 6, 20, 3, 0, tzinfo=UTC)  # 10:00 in Novosibirsk
TZ = "Asia/Novosibirsk"
A, B, C = "МОУ СОШ № 5", "Гимназия № 1", "Лицей № 2"


@dataclass
class Seeded:
    world: World
    people: dict[str, Actor]  # P (the chair), a1, a2, b1, b2, c1
    meetings: dict[str, int]
    survey_id: int


def at(day: date, hour: int = 15) -> datetime:
    return deadlines.at_local(day, time(hour, 0), TZ)


async def meeting(
    session: AsyncSession,
    world: World,
    day: date,
    *,
    form: MeetingForm = MeetingForm.IN_PERSON,
    status: MeetingStatus = MeetingStatus.ENDED,
    seminar: bool = False,
) -> Meeting:
    found = Meeting(
        association_id=world.association_id,
        topic=f"Заседание {day:%d.%m}",
        form=form,
        starts_at=None if form is MeetingForm.ABSENTEE else at(day),
        ballot_deadline=at(day, 18) if form is MeetingForm.ABSENTEE else None,
        status=status,
        practical_seminar=seminar,
    )
    session.add(found)
    await session.flush()
    return found


def present(meeting_id: int, person: Actor | Person, school: str, status: Presence) -> Attendance:
    pid = person.person_id if isinstance(person, Actor) else person.id
    return Attendance(
        meeting_id=meeting_id,
        person_id=pid,
        status=status,
        school_name=school,
        role="member",
        at=NOW,
    )


def report(person: Actor, year: int, **fields: object) -> YearReport:
    values: dict[str, object] = {
        "venues": [],
        "diagnostics": [],
        "routes": [],
        "contests": [],
        "open_lessons": [],
    }
    values.update(fields)
    return YearReport(person_id=person.person_id, school_year=year, created_at=NOW, **values)


async def seed(session: AsyncSession, clock: FixedClock) -> Seeded:
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    people = {"P": world.chair}
    for n, (key, school) in enumerate(
        (("a1", A), ("a2", A), ("b1", B), ("b2", B), ("c1", C)), start=1
    ):
        people[key] = await register(
            session, token, 3000 + n, clock, name=f"Учитель {key.upper()}", school=school
        )
    await session.execute(
        update(Membership)
        .where(Membership.association_id == world.association_id)
        .values(created_at=datetime(2026, 8, 20, tzinfo=UTC))
    )
    await session.execute(
        update(Membership)
        .where(Membership.person_id == people["c1"].person_id)
        .values(created_at=at(date(2027, 1, 15)))
    )
    guest = Person(full_name="Гость Гостевич")
    session.add(guest)
    await session.flush()
    P, a1, a2, b1, b2, c1 = (people[k] for k in ("P", "a1", "a2", "b1", "b2", "c1"))

    m1 = await meeting(session, world, date(2026, 10, 10))
    m2 = await meeting(session, world, date(2026, 12, 15), form=MeetingForm.ABSENTEE)
    m3 = await meeting(session, world, date(2027, 2, 20), seminar=True)
    old = await meeting(session, world, date(2026, 5, 10))  # last school year
    await meeting(session, world, date(2027, 3, 15), status=MeetingStatus.CANCELLED)
    yes = Presence.PRESENT
    session.add_all(
        [
            present(m1.id, P, A, yes),
            present(m1.id, a1, A, yes),
            present(m1.id, b1, B, Presence.ONLINE),
            present(m1.id, guest, "Школа гостя", yes),  # a guest never counts
            present(m1.id, a2, A, Presence.ABSENT),
            present(old.id, P, A, yes),
            present(m3.id, P, A, yes),
            present(m3.id, a1, B, yes),  # a1 was at the gymnasium then
            present(m3.id, a2, A, yes),
            present(m3.id, c1, C, yes),
            present(m3.id, b2, B, yes),
            present(m3.id, b1, B, Presence.EXCUSED),
        ]
    )
    items = {}
    for m, titles in (
        (m1, ["Об утверждении плана работы на 2026/2027 учебный год", "Разное"]),
        (m2, ["О проведении олимпиады"]),
        (m3, ["Открытый урок «Функциональная грамотность»"]),
    ):
        for position, title in enumerate(titles, start=1):
            item = AgendaItem(meeting_id=m.id, position=position, title=title)
            session.add(item)
            items[(m.id, position)] = item
    await session.flush()
    for voter in (a2, b1, b2):  # the absentee meeting's ballot
        session.add(
            Vote(
                agenda_item_id=items[(m2.id, 1)].id,
                meeting_id=m2.id,
                person_id=voter.person_id,
                choice=Choice.FOR,
                by_ballot=True,
                at=NOW,
            )
        )
    for m, number in ((m1, 1), (m3, 2)):
        day = deadlines.local_day(m.starts_at or NOW, TZ)
        session.add(
            Protocol(
                meeting_id=m.id,
                association_id=world.association_id,
                school_year=2026,
                number=number,
                meeting_day=day,
                due_on=deadlines.add_months(day, 1),
                created_at=NOW,
            )
        )
    plan = AnnualPlan(
        association_id=world.association_id,
        school_year=2026,
        status=PlanStatus.APPROVED,
        theme="Функциональная грамотность",
        goal="Повышение профессиональной компетентности",
        tasks="Организовать семинары\nПровести открытые уроки",
    )
    session.add(plan)
    await session.flush()
    for position, (day, topic, kind) in enumerate(
        (
            (date(2026, 10, 10), "Установочное заседание", PlanRowKind.MEETING),
            (date(2027, 2, 20), "Практический семинар", PlanRowKind.SEMINAR),
            (date(2027, 3, 15), "Заседание по итогам олимпиады", PlanRowKind.MEETING),
            (date(2027, 9, 15), "Заседание следующего года", PlanRowKind.MEETING),
        ),
        start=1,
    ):
        session.add(
            AnnualPlanRow(
                plan_id=plan.id,
                position=position,
                direction="Организационно-методическая деятельность",
                topic=topic,
                day=day,
                kind=kind,
            )
        )
    reports = {
        "P": report(
            P,
            2026,
            venues=["shmo", "municipal"],
            diagnostics=["regional"],
            routes=["cnppm"],
            contests=[["Учитель года", "лауреат"]],
        ),
        "a1": report(a1, 2026, routes=["school"], open_lessons=["Урок «Дроби»"]),
        "b1": report(b1, 2026, venues=["pedsovet"], diagnostics=["federal", "regional"]),
        "c1": report(c1, 2026),
        "a2-old": report(a2, 2025, venues=["publication"]),  # last year's: not counted
    }
    session.add_all(reports.values())
    await session.flush()
    positions: dict[str, int] = {}
    for key, direction, form, title in (
        ("P", "literacy", CourseForm.DISTANCE, "Курс 1"),
        ("P", "exams", CourseForm.IN_PERSON, "Курс 2"),
        ("a1", "literacy", CourseForm.IN_PERSON, "Курс 1"),
        ("c1", "digital", CourseForm.DISTANCE, "Курс 3"),
        ("c1", "digital", CourseForm.DISTANCE, "Курс 4"),
        ("a2-old", "subject", CourseForm.IN_PERSON, "Курс 5"),
    ):
        positions[key] = positions.get(key, 0) + 1
        session.add(
            YearCourse(
                report_id=reports[key].id,
                position=positions[key],
                title=title,
                direction=direction,
                hours=36,
                form=form,
                provider="ИРО",
                finished_on=date(2026, 11, 1),
            )
        )
    await session.commit()

    # A closed anonymous satisfaction survey: three of six answered.
    opened = datetime(2027, 5, 10, 3, 0, tzinfo=UTC)
    chair = world.chair
    view = await surveys.create_from_template(
        session, chair, world.association_id, "satisfaction", lambda s: s, opened
    )
    view = (await surveys.open_survey(session, chair, view.id, view.version, opened)).view
    for person, overall, helped in ((a1, 5, 0), (b1, 4, 1), (c1, 4, 0)):
        for position, value in (
            (1, Answer(scale=overall)),
            (2, Answer(scale=4)),
            (3, Answer(options=(helped,))),
            (4, Answer(options=(0, 1))),
            (5, Answer(scale=3)),
        ):
            await surveys.answer(session, person, view.id, position, value, opened)
        await surveys.finish(session, person, view.id, opened)
    await surveys.close(session, chair, view.id, opened)
    return Seeded(world, people, {"m1": m1.id, "m2": m2.id, "m3": m3.id}, view.id)
