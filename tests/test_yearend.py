"""The members' year-end report on SQLite and PostgreSQL (issue 16, item 1): the built-in
named questionnaire, its course lines checked when typed (each bad input refused, nothing
kept), the report shown for confirmation, saved as the person's rows of the school year
(earlier years untouched, awards with the year appended), its questions and naming fixed,
reminders only to those who have not answered."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import CourseForm, OutboxMessage, Person, SurveyDraft, YearCourse, YearReport
from models.survey import QuestionKind, Survey, SurveyAudience
from services import people, surveys
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.surveys import Answer
from services.surveys.answering import report_year
from tests.factories import World, make_world, member_link, register
from tests.helpers import count

NOW = datetime(2027, 5, 20, 3, 0, tzinfo=UTC)  # 10:00 in Novosibirsk, school year 2026/27
CLOSES = NOW + timedelta(days=10)
COURSE = "Функциональная грамотность; 3; 36; дистанционно; ИРО; 15.11.2026"
COURSE2 = "Подготовка к ОГЭ; 6; 72 ч; очно; ЦНППМ; 20.03.2027"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def report_survey(
    session: AsyncSession, clock: FixedClock, members: int = 2
) -> tuple[World, list[Actor], surveys.SurveyView]:
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    people = [
        await register(session, token, 3001 + n, clock, name=f"Учитель Номер {n:02d}")
        for n in range(members)
    ]
    chair = world.chair
    view = await surveys.create_from_template(
        session, chair, world.association_id, "yearend", lambda s: s, NOW
    )
    view = await surveys.set_schedule(
        session, chair, view.id, view.version, NOW, opens_at=None, closes_at=CLOSES
    )
    view = (await surveys.open_survey(session, chair, view.id, view.version, NOW)).view
    return world, people, view


async def expect(code: ErrorCode, call: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await call
    assert caught.value.code is code, caught.value
    return caught.value


async def answer_all(
    session: AsyncSession, person: Actor, survey_id: int, courses: str, now: datetime = NOW
) -> None:
    await surveys.answer(session, person, survey_id, 1, Answer(text=courses), now)
    await surveys.answer(session, person, survey_id, 2, Answer(options=(0, 3)), now)
    contests = Answer(text="Учитель года — лауреат\nПедагогический дебют")
    await surveys.answer(session, person, survey_id, 3, contests, now)
    await surveys.answer(session, person, survey_id, 4, Answer(text="нет"), now)
    await surveys.answer(session, person, survey_id, 5, Answer(options=(1,)), now)
    await surveys.answer(session, person, survey_id, 6, Answer(options=(2,)), now)


async def test_the_template_is_named_and_fixed(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    chair = world.chair
    view = await surveys.create_from_template(
        session, chair, world.association_id, "yearend", lambda s: s, NOW
    )
    assert not view.anonymous and view.title == "Year-end report"
    assert [q.kind for q in view.questions] == [
        QuestionKind.LONG,
        QuestionKind.MULTIPLE,
        QuestionKind.LONG,
        QuestionKind.LONG,
        QuestionKind.MULTIPLE,
        QuestionKind.MULTIPLE,
    ]
    v = view.version
    await expect(
        ErrorCode.TEMPLATE_FIXED,
        surveys.remove_question(session, chair, view.id, v, 3, NOW),
    )
    await expect(
        ErrorCode.TEMPLATE_FIXED,
        surveys.add_question(session, chair, view.id, v, QuestionKind.SHORT, "Ещё", NOW),
    )
    await expect(
        ErrorCode.TEMPLATE_FIXED,
        surveys.update_question(session, chair, view.id, v, 1, NOW, text="Другое"),
    )
    await expect(
        ErrorCode.TEMPLATE_FIXED,
        surveys.move_question(session, chair, view.id, v, 2, 1, NOW),
    )
    await expect(
        ErrorCode.TEMPLATE_FIXED,
        surveys.set_settings(session, chair, view.id, v, NOW, anonymous=True),
    )
    # «Другое» is not offered: the report keeps only its own codes (yearend.py).
    await expect(
        ErrorCode.TEMPLATE_FIXED,
        surveys.set_settings(session, chair, view.id, v, NOW, allow_other=True),
    )
    after = await surveys.get(session, chair, view.id)
    assert after.version == v and not after.anonymous and len(after.questions) == 6
    assert not after.allow_other
    # The other templates stay editable and anonymous.
    needs = await surveys.create_from_template(
        session, chair, world.association_id, "needs", lambda s: s, NOW
    )
    assert needs.anonymous
    await surveys.remove_question(session, chair, needs.id, needs.version, 1, NOW)


BAD_LINES = [
    ("Курс без частей", ErrorCode.REPORT_LINE, {"line": 1, "parts": 6}),
    ("Курс; 12; 36; очно; ИРО; 15.11.2026", ErrorCode.REPORT_DIRECTION, {"line": 1, "max": 9}),
    ("Курс; 1; тридцать; очно; ИРО; 15.11.2026", ErrorCode.REPORT_HOURS, {"line": 1, "max": 1000}),
    ("Курс; 1; 5000; очно; ИРО; 15.11.2026", ErrorCode.REPORT_HOURS, {"line": 1, "max": 1000}),
    ("Курс; 1; 36; вечерняя; ИРО; 15.11.2026", ErrorCode.REPORT_FORM, {"line": 1}),
    (
        COURSE + "\nКурс; 1; 36; очно; ИРО; 15.06.2026",  # the previous school year
        ErrorCode.REPORT_DATE,
        {"line": 2, "first": "01.09.2026", "last": "20.05.2027"},
    ),
    (
        "Курс; 1; 36; очно; ИРО; 15.06.2027",  # after today
        ErrorCode.REPORT_DATE,
        {"line": 1, "first": "01.09.2026", "last": "20.05.2027"},
    ),
    ("Курс; 1; 36; очно; ИРО; 31.02.2027", ErrorCode.REPORT_DATE, None),
    (COURSE + "\n" + COURSE.replace("ИРО", "ЦНППМ"), ErrorCode.REPORT_COURSE_TWICE, {"line": 2}),
    ("\n".join(f"Курс {n}; 1; 36; очно; ИРО; 15.11.2026" for n in range(21)),
     ErrorCode.REPORT_TOO_MANY, {"max": 20}),
]  # fmt: skip


async def test_bad_course_lines_are_refused_and_nothing_is_kept(
    session: AsyncSession, clock: FixedClock
) -> None:
    _world, (teacher, _other), view = await report_survey(session, clock)
    for text, code, params in BAD_LINES:
        error = await expect(
            code, surveys.answer(session, teacher, view.id, 1, Answer(text=text), NOW)
        )
        if params is not None:
            assert error.params == params, text
    assert await count(session, SurveyDraft) == 0
    # «нет» is no course at all; a good list is kept.
    await surveys.answer(session, teacher, view.id, 1, Answer(text="Нет"), NOW)
    await surveys.answer(session, teacher, view.id, 1, Answer(text=f"{COURSE}\n{COURSE2}"), NOW)
    assert await count(session, SurveyDraft) == 1
    assert await count(session, YearReport) == 0


async def test_confirm_then_saved_per_school_year(session: AsyncSession, clock: FixedClock) -> None:
    world, (teacher, other), view = await report_survey(session, clock)
    await answer_all(session, teacher, view.id, f"{COURSE}\n{COURSE2}")
    preview = await surveys.report_preview(session, teacher, view.id, NOW)
    assert preview is not None and preview.school_year == 2026
    assert [(c.title, c.direction, c.hours, c.form) for c in preview.courses] == [
        ("Функциональная грамотность", "literacy", 36, CourseForm.DISTANCE),
        ("Подготовка к ОГЭ", "exams", 72, CourseForm.IN_PERSON),
    ]
    assert preview.venues == ("shmo", "municipal")
    assert preview.contests == (("Учитель года", "лауреат"), ("Педагогический дебют", ""))
    assert preview.open_lessons == () and preview.diagnostics == ("regional",)
    assert preview.routes == ()  # «нет»
    assert await count(session, YearReport) == 0  # not saved before the confirmation

    # An earlier year's report stays as it was.
    session.add(
        YearReport(
            person_id=teacher.person_id,
            school_year=2025,
            venues=["publication"],
            diagnostics=[],
            routes=["cnppm"],
            contests=[],
            open_lessons=[],
            created_at=NOW - timedelta(days=365),
        )
    )
    await session.commit()
    done = await surveys.finish(session, teacher, view.id, NOW)
    assert not done.anonymous
    rows = {
        r.school_year: r
        for r in (
            await session.scalars(
                select(YearReport).where(YearReport.person_id == teacher.person_id)
            )
        ).all()
    }
    assert rows[2025].venues == ["publication"] and rows[2025].routes == ["cnppm"]
    kept = rows[2026]
    assert kept.venues == ["shmo", "municipal"] and kept.diagnostics == ["regional"]
    assert kept.survey_id == view.id
    courses = (
        await session.scalars(select(YearCourse).where(YearCourse.report_id == kept.id))
    ).all()
    assert sorted((c.position, c.title, c.hours, c.finished_on) for c in courses) == [
        (1, "Функциональная грамотность", 36, date(2026, 11, 15)),
        (2, "Подготовка к ОГЭ", 72, date(2027, 3, 20)),
    ]
    person = await session.get_one(Person, teacher.person_id)
    assert person.awards == "Учитель года — лауреат (2026/2027)"
    await session.commit()
    # The survey's response is named: the data bank row and the response say who.
    await expect(ErrorCode.ALREADY_FINISHED, surveys.finish(session, teacher, view.id, NOW))

    # The one who has not answered is reminded; the one who answered is not.
    reminders = (
        await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == surveys.REMINDER))
    ).all()
    await session.commit()
    assert {r.person_id for r in reminders} == {
        teacher.person_id,
        other.person_id,
        world.chair.person_id,
    }
    from tests.test_surveys import claimed, outbox_rows

    rows_now = await outbox_rows(session, surveys.REMINDER)
    dropped = await surveys.unwanted(session, [claimed(r) for r in rows_now])
    assert dropped == {r.id for r in rows_now if r.person_id == teacher.person_id}
    assert len({r.dedupe_key for r in rows_now}) == len(rows_now)


async def test_a_second_report_of_the_same_year_replaces_only_that_year(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, (teacher, _other), first = await report_survey(session, clock)
    await answer_all(session, teacher, first.id, COURSE)
    await surveys.finish(session, teacher, first.id, NOW)
    chair = world.chair
    second = await surveys.create_from_template(
        session, chair, world.association_id, "yearend", lambda s: s, NOW
    )
    second = (await surveys.open_survey(session, chair, second.id, second.version, NOW)).view
    await answer_all(session, teacher, second.id, COURSE2)
    await surveys.finish(session, teacher, second.id, NOW)
    assert await count(session, YearReport) == 1
    titles = (await session.scalars(select(YearCourse.title))).all()
    await session.commit()
    assert titles == ["Подготовка к ОГЭ"]
    person = await session.get_one(Person, teacher.person_id)
    assert person.awards == "Учитель года — лауреат (2026/2027)"  # not twice


async def test_a_report_without_an_association_left_counts_on_utc(
    session: AsyncSession, clock: FixedClock
) -> None:
    """The report's school year is on its first association's calendar, and on UTC when the
    survey has none left (one helper for the reports and the results, no IndexError)."""
    world = await make_world(session, clock)
    view = await surveys.create_from_template(
        session, world.chair, world.association_id, "yearend", lambda s: s, NOW
    )
    await session.execute(delete(SurveyAudience).where(SurveyAudience.survey_id == view.id))
    await session.commit()
    survey = await session.get_one(Survey, view.id)
    year, today = await report_year(session, survey, NOW)
    await session.commit()
    assert (year, today) == (2026, NOW.astimezone(UTC).date())


async def test_mydata_shows_the_reports_and_forget_deletes_them(
    session: AsyncSession, clock: FixedClock
) -> None:
    """152-ФЗ: /mydata lists what the person reported; /forget deletes it (courses too)."""
    _world, (teacher, other), view = await report_survey(session, clock)
    for person in (teacher, other):
        await answer_all(session, person, view.id, COURSE)
        await surveys.finish(session, person, view.id, NOW)
    data = await people.export_data(session, teacher)
    [report] = data["year_end_reports"]
    assert report["school_year"] == "2026/2027"
    assert report["courses"] == [
        {
            "title": "Функциональная грамотность",
            "direction": "literacy",
            "hours": 36,
            "form": "distance",
            "provider": "ИРО",
            "finished_on": "2026-11-15",
        }
    ]
    assert report["experience_shared"] == ["shmo", "municipal"]
    assert report["contests"] == [["Учитель года", "лауреат"], ["Педагогический дебют", ""]]

    await people.forget(session, teacher, NOW)
    assert {r.person_id for r in (await session.scalars(select(YearReport))).all()} == {
        other.person_id
    }
    assert await count(session, YearCourse) == 1  # the other teacher's course only
