"""The year-end report through the Dispatcher on SQLite: the courses question shows the
list of directions, a bad line is answered in Russian with nothing kept, and the finish
screen shows the report for the member to confirm; nothing is saved before «Подтвердить»."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram.fsm.storage.memory import MemoryStorage
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.db import create_sessionmaker
from models import SurveyDraft, YearCourse, YearReport
from services import surveys
from services.clock import FixedClock
from services.surveys import Answer
from tests.factories import ADMIN_ID, make_world, member_link, register
from tests.flow import Flow, RecordingSession, build_bot, buttons
from tests.yearend_ru import YEAREND_RU

TEACHER = 3001


@pytest.fixture
def sm(sqlite_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(sqlite_engine)


@pytest.fixture
async def flow(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> AsyncIterator[Flow]:
    settings = Settings(bot_token="42:TEST", admin_ids=[ADMIN_ID], _env_file=None)
    dp = build_dispatcher(settings, sm, clock=clock, storage=MemoryStorage())
    session = RecordingSession()
    bot = build_bot(session)
    yield Flow(dp, bot, session)
    await bot.session.close()


async def counts(sm: async_sessionmaker[AsyncSession]) -> tuple[int, ...]:
    async with sm() as s:
        return tuple(
            [
                int(await s.scalar(select(func.count()).select_from(m)) or 0)
                for m in (SurveyDraft, YearReport, YearCourse)
            ]
        )


async def test_report_typed_checked_and_confirmed(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    now = clock.now()
    async with sm() as s:
        world = await make_world(s, clock)
        token = await member_link(s, world, clock)
        teacher = await register(s, token, TEACHER, clock, name="Иванова Анна Петровна")
        view = await surveys.create_from_template(
            s, world.chair, world.association_id, "yearend", lambda t: YEAREND_RU.get(t, t), now
        )
        view = await surveys.set_schedule(
            s,
            world.chair,
            view.id,
            view.version,
            now,
            opens_at=None,
            closes_at=now + timedelta(days=7),
        )
        view = (await surveys.open_survey(s, world.chair, view.id, view.version, now)).view
        for position, answer in (
            (2, Answer(options=(1,))),
            (3, Answer(text="нет")),
            (4, Answer(text="Открытый урок «Дроби», 6 класс")),
            (5, Answer(options=(2,))),
            (6, Answer(options=(0,))),
        ):
            await surveys.answer(s, teacher, view.id, position, answer, now)

    reply = await flow.press_data(TEACHER, f"sv:start:{view.id}:0:0")
    question = reply.texts[-1]
    assert "Курсы повышения квалификации в этом учебном году" in question
    assert "Направления:\n1 — Предметное содержание и методика преподавания\n" in question
    assert "9 — Другое" in question

    before = await counts(sm)
    reply = await flow.send(TEACHER, "Курс; 3; сорок; очно; ИРО; 10.11.2026")
    assert reply.texts == ["Строка 1: часы — целое число от 1 до 1000. Ничего не сохранено."]
    assert await counts(sm) == before

    reply = await flow.send(TEACHER, "Курс; 3; 36; очно; ИРО <b>НСО</b>; 10.11.2026")
    assert reply.texts == [
        "Пожалуйста, не используйте здесь символы &lt; и &gt; (HTML). Напишите обычный текст."
    ]
    assert await counts(sm) == before
    reply = await flow.send(
        TEACHER, "Функциональная грамотность; 3; 36; дистанционно; ИРО & ЦНППМ; 10.11.2026"
    )
    confirm = reply.texts[-1]
    assert confirm == (
        "📋 <b>Ваш отчёт за учебный год 2026/2027</b>\n"
        "Проверьте его: после подтверждения он попадёт в банк данных объединения.\n\n"
        "<b>Курсы повышения квалификации</b>\n"
        "1. Функциональная грамотность — Функциональная грамотность, 36 ч, дистанционная, "
        "ИРО &amp; ЦНППМ, 10.11.2026\n\n"
        "<b>Трансляция опыта</b>: На заседаниях педсовета\n"
        "<b>Конкурсы</b>:\nнет\n"
        "<b>Открытые уроки</b>:\n• Открытый урок «Дроби», 6 класс\n"
        "<b>Пройденная диагностика</b>: нет\n"
        "<b>Индивидуальный маршрут</b>: ИОМ на базе ЦНППМ"
    )
    assert await counts(sm) == (1, 0, 0)  # not saved before the confirmation
    assert [label for label, _data in buttons(flow.last(TEACHER, with_buttons=True))] == [
        "✅ Подтвердить и отправить",
        "◀️ Назад",
    ]
    reply = await flow.press(TEACHER, "Подтвердить")
    assert reply.texts[-1] == "✅ Ответы отправлены. Спасибо!"
    assert await counts(sm) == (0, 1, 1)


async def test_a_long_report_is_shown_in_parts_with_the_confirm_button_reachable(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """A report over Telegram's 4,096 characters (many contests and open lessons) is shown
    as several messages, the buttons under the last one: «Подтвердить и отправить» works."""
    now = clock.now()
    async with sm() as s:
        world = await make_world(s, clock)
        token = await member_link(s, world, clock)
        teacher = await register(s, token, TEACHER, clock, name="Иванова Анна Петровна")
        view = await surveys.create_from_template(
            s, world.chair, world.association_id, "yearend", lambda t: YEAREND_RU.get(t, t), now
        )
        view = await surveys.set_schedule(
            s,
            world.chair,
            view.id,
            view.version,
            now,
            opens_at=None,
            closes_at=now + timedelta(days=7),
        )
        view = (await surveys.open_survey(s, world.chair, view.id, view.version, now)).view
        contests = "\n".join(
            f"Конкурс педагогического мастерства № {n} " + "к" * 100 for n in range(25)
        )
        lessons = "\n".join(f"Открытый урок № {n} " + "у" * 120 for n in range(25))
        for position, answer in (
            (2, Answer(options=(1,))),
            (3, Answer(text=contests)),
            (4, Answer(text=lessons)),
            (5, Answer(options=(2,))),
            (6, Answer(options=(0,))),
        ):
            await surveys.answer(s, teacher, view.id, position, answer, now)

    await flow.press_data(TEACHER, f"sv:start:{view.id}:0:0")
    reply = await flow.send(
        TEACHER, "Функциональная грамотность; 3; 36; дистанционно; ИРО; 10.11.2026"
    )
    assert len(reply.texts) >= 2 and all(len(t) <= 4096 for t in reply.texts)
    assert reply.texts[0].startswith("📋 <b>Ваш отчёт за учебный год 2026/2027</b>")
    assert "Открытый урок № 24" in reply.texts[-1]
    assert [label for label, _data in buttons(flow.last(TEACHER, with_buttons=True))] == [
        "✅ Подтвердить и отправить",
        "◀️ Назад",
    ]
    reply = await flow.press(TEACHER, "Подтвердить")
    assert reply.texts[-1] == "✅ Ответы отправлены. Спасибо!"
    assert await counts(sm) == (0, 1, 1)
