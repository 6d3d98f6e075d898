"""The survey editor through the Dispatcher (built updates, a recording fake session) on
SQLite: /survey from a template, reword a question, make one required, move one up, the
audience and the dates, send; a tap on an older card and a member without the right are
refused with nothing written."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.memory import MemoryStorage
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.db import create_sessionmaker
from models import AuditEntry, OutboxMessage
from models.survey import Survey, SurveyAudience, SurveyQuestion, SurveyRecipient
from services.clock import FixedClock
from tests.factories import ADMIN_ID, World, make_world, member_link, register
from tests.flow import Flow, RecordingSession, build_bot, buttons

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


@pytest.fixture
async def world(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> World:
    async with sm() as s:
        world = await make_world(s, clock)
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock, name="Иванова Анна Петровна")
        return world


async def snapshot(sm: async_sessionmaker[AsyncSession]) -> tuple[object, ...]:
    """Every survey row that the editor writes: equal snapshots mean nothing was written."""
    async with sm() as s:
        surveys = (
            await s.execute(
                select(Survey.id, Survey.version, Survey.status, Survey.opens_at, Survey.closes_at)
            )
        ).all()
        questions = (
            await s.execute(
                select(
                    SurveyQuestion.id,
                    SurveyQuestion.position,
                    SurveyQuestion.text,
                    SurveyQuestion.required,
                ).order_by(SurveyQuestion.id)
            )
        ).all()
        counts = [
            int(await s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (SurveyAudience, SurveyRecipient, OutboxMessage, AuditEntry)
        ]
        return (tuple(surveys), tuple(questions), *counts)


NEEDS = "Профессиональные потребности и дефициты"
HEAD = (
    f"📝 <b>{NEEDS}</b> — черновик\n"
    "🕶 анонимно · ⏳ до 29 ноября 2026, вс, 16:00 · объединений: 1"  # both templates start so
)
Q3 = (
    "Насколько уверенно вы чувствуете себя в профессиональной деятельности? "
    "(1 — совсем нет, 5 — полностью) <i>(шкала 1–5)</i>"
)
Q4 = "Какие темы семинаров вы хотели бы видеть на наших заседаниях?"


async def from_template(flow: Flow, chair: int) -> str:
    """/survey, then «🎯»: the draft's card text."""
    reply = await flow.send(chair, "/survey")
    assert reply.texts == ["📋 Новая анкета. Начните с шаблона или с чистого листа:"]
    assert buttons(flow.last(chair, with_buttons=True)) == [
        (f"🎯 {NEEDS}", "se:tpl:0:1:needs:0"),
        ("⭐ Удовлетворённость работой объединения", "se:tpl:0:1:satisfaction:0"),
        ("📋 Отчёт за учебный год (именной)", "se:tpl:0:1:yearend:0"),
        ("✏️ С чистого листа", "se:blank:0:1::0"),
    ]
    reply = await flow.press(chair, "🎯")
    [card] = reply.texts
    return card


async def test_survey_from_template_edited_and_sent(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession]
) -> None:
    chair = world.chair_tg
    card = await from_template(flow, chair)
    assert card.startswith(
        HEAD + "\n\n1. По каким направлениям вам нужна методическая поддержка? "
        "<i>(несколько вариантов)</i>\n   ◦ Обновлённые ФГОС и рабочие программы\n"
    )
    assert f"\n4. {Q4} <i>(короткий ответ, необязательный)</i>\n" in card
    assert [label for label, _ in buttons(flow.last(chair, with_buttons=True))] == [
        "➕ один вариант",
        "➕ несколько вариантов",
        "➕ шкала 1–5",
        "➕ короткий ответ",
        "➕ развёрнутый ответ",
        *(f"🔧 {n}" for n in range(1, 7)),
        "🕶 Анонимно",
        "👥 Кому: 1",
        "⏳ 1 дн.",
        "⏳ 3 дн.",
        "⏳ 7 дн.",
        "⏳ 14 дн.",
        "📅 Даты начала и окончания",
        "📤 Отправить",
        "🗑 Удалить черновик",
    ]

    # Reword the first question and its options.
    reply = await flow.press(chair, "🔧 1")
    assert [label for label, _ in buttons(flow.last(chair, with_buttons=True))] == [
        "✏️ Изменить формулировку",
        "☑️ Сделать необязательным",
        "🗑 Удалить",
        "◀️ Назад",
    ]
    reply = await flow.press(chair, "✏️ Изменить")
    assert reply.text.startswith(
        "Отправьте новую формулировку: вопрос первой строкой, ниже — варианты ответа, по "
        "одному в строке. Сейчас:\n\nПо каким направлениям вам нужна методическая поддержка?\n"
    )
    reply = await flow.send(chair, "Какая поддержка нужна?\nПо ФГОС\nПо ОГЭ")
    [card] = reply.texts
    assert card.startswith(
        HEAD + "\n\n1. Какая поддержка нужна? <i>(несколько вариантов)</i>\n"
        "   ◦ По ФГОС\n   ◦ По ОГЭ\n2. Какие формы поддержки вам удобнее всего?"
    )

    # Make the fourth question required (the card's message is edited in place).
    await flow.press(chair, "🔧 4")
    reply = await flow.press(chair, "⬜ Сделать обязательным")
    [card] = reply.texts
    assert f"\n4. {Q4} <i>(короткий ответ)</i>\n" in card

    # Move the third question up.
    reply = await flow.press(chair, "🔧 3")
    assert reply.texts == [f"<b>3. {Q3.replace(' <i>', '</b> <i>')}"]
    reply = await flow.press(chair, "⬆️")
    [card] = reply.texts
    assert f"\n2. {Q3}\n3. Какие формы поддержки вам удобнее всего?" in card
    async with sm() as s:
        texts = (
            await s.scalars(select(SurveyQuestion.text).order_by(SurveyQuestion.position))
        ).all()
        required = await s.scalar(select(SurveyQuestion.required).where(SurveyQuestion.text == Q4))
    assert texts[:3] == [
        "Какая поддержка нужна?",
        Q3.removesuffix(" <i>(шкала 1–5)</i>"),
        "Какие формы поддержки вам удобнее всего?",
    ]
    assert required is True

    # The audience: the only association cannot be taken out.
    reply = await flow.press(chair, "👥")
    assert reply.texts == [
        f"Кто получит «{NEEDS}»? Нажимайте на объединения, чтобы добавить или убрать их."
    ]
    assert buttons(flow.last(chair, with_buttons=True)) == [
        ("✅ РМО учителей математики", "se:audt:1:1::5"),
        ("✅ Готово", "se:back:1:0::5"),
    ]
    before = await snapshot(sm)
    reply = await flow.press(chair, "РМО учителей математики")
    assert reply.texts == ["Пока некому отправлять: в списке нет других участников."]
    assert await snapshot(sm) == before
    reply = await flow.press(chair, "✅ Готово")
    [card] = reply.texts
    assert card.startswith(HEAD)

    # The dates, typed: a wrong one is refused, nothing written.
    reply = await flow.press(chair, "📅")
    assert reply.texts == [
        "Напишите, когда принимаются ответы: «01.12 — 10.12» (с утра первого дня до конца "
        "второго), или только последний день «10.12», или со временем «01.12 09:00 — 10.12 "
        "18:00»."
    ]
    reply = await flow.send(chair, "01.12 — 05.12 — 10.12")
    assert reply.texts == [
        "Не удалось прочитать дату. Напишите её как 25.12 или 25.12.2026, можно со временем: "
        "25.12 15:00."
    ]
    assert await snapshot(sm) == before
    reply = await flow.send(chair, "01.12 — 10.12")
    [card] = reply.texts
    assert card.startswith(
        f"📝 <b>{NEEDS}</b> — черновик\n🕶 анонимно · 📅 с 1 декабря 2026, вт, 08:00 "
        "⏳ до 10 декабря 2026, чт, 23:59 · объединений: 1\n\n"
    )

    # Send: the chair and the teacher are its recipients, each invited once.
    reply = await flow.press(chair, "📤")
    assert reply.alerts() == ["Отправлено: 2 чел."]
    assert reply.texts[1] == f"📤 «{NEEDS}» отправлен: 2 чел."
    assert reply.texts[2].startswith(f"📊 <b>{NEEDS}</b>\nОткрыт. Ответили: 0 из 2.\n")
    async with sm() as s:
        survey = await s.scalar(select(Survey))
        assert survey is not None and survey.status.value == "open"
        people = (
            await s.scalars(select(SurveyRecipient.person_id).order_by(SurveyRecipient.person_id))
        ).all()
        keys = (await s.scalars(select(OutboxMessage.dedupe_key))).all()
    assert len(people) == 2 and survey.author_id in people
    assert sorted(k for k in keys if ":invite:" in k) == sorted(
        f"survey:{survey.id}:invite:{p}" for p in people
    )


async def test_a_button_of_an_older_card_is_refused(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession]
) -> None:
    chair = world.chair_tg
    await from_template(flow, chair)
    old = flow.last(chair, with_buttons=True)
    stale = dict((label, data) for label, data in buttons(old))
    reply = await flow.press(chair, "🕶 Анонимно")  # version 2 → 3
    assert reply.texts[0].startswith(f"📝 <b>{NEEDS}</b> — черновик\n👤 не анонимно · ")
    before = await snapshot(sm)
    for label in ("🕶 Анонимно", "⏳ 3 дн.", "📤 Отправить"):
        reply = await flow.press_data(chair, stale[label], old)
        assert reply.texts == [
            "Кто-то только что изменил этот черновик; ваше изменение не сохранено. Вот "
            "текущая версия: внесите изменение ещё раз."
        ], (label, reply.texts)
        assert await snapshot(sm) == before


async def test_a_member_without_the_right_is_refused(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession]
) -> None:
    chair = world.chair_tg
    await from_template(flow, chair)
    card = flow.last(chair, with_buttons=True)
    before = await snapshot(sm)
    refusal = "У вас нет прав на это действие. Ничего не изменилось."
    for command in ("/survey", "/poll"):
        reply = await flow.send(TEACHER, command)
        assert reply.texts == [refusal], (command, reply.texts)
    for label, data in buttons(card):
        reply = await flow.press_data(TEACHER, data)
        assert reply.alerts() == [refusal] or reply.texts == [refusal], (label, reply.texts)
    assert await snapshot(sm) == before
