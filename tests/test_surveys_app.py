"""App end-to-end: surveys against the local fake Bot API with the injected clock, on SQLite
and PostgreSQL (DESIGN.md).

A questionnaire from the built-in «Удовлетворённость» template: the chair sends it, five
teachers answer it question by question (one stops halfway and resumes from the reminder),
reminders reach only those who have not finished, the anonymous results appear once three
have answered, the XLSX holds the numbers, and nothing is accepted after closing. A quick
poll: one tap answers it in the invitation, and its author's results card follows."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl  # type: ignore[import-untyped]

from services.clock import FixedClock
from services.errors import ErrorCode
from tests.app import App, running, started
from tests.e2e import Person, buttons
from tests.factories import World, register
from tests.helpers import (
    CHAIR,
    NOW,
    SECRETARY,
    TEACHERS,
    edited,
    find,
    forge,
    got,
    press,
    refusal,
    seed,
)
from ui.callbacks.surveys import SurveyCb

FIFTH = 3005
FIVE = [*TEACHERS, FIFTH]


async def setup(tg: Any, sm: Any, clock: FixedClock) -> World:
    world = await seed(tg, sm, clock)
    async with sm() as s:
        from tests.factories import member_link

        token = await member_link(s, world, clock)
        await register(s, token, FIFTH, clock, name="Учитель Номер 5")
    tg.add_user(FIFTH, f"U{FIFTH}")
    tg.open_chat(FIFTH)
    return world


async def test_questionnaire_reminder_and_results(db_url: str) -> None:
    clock = FixedClock(NOW)
    async with running(db_url) as (tg, sm):
        world = await setup(tg, sm, clock)
        async with started(tg, sm, clock) as app:
            await questionnaire(app, world, clock)


async def ticked(app: App, user: int, step: dict[str, Any], label: str) -> dict[str, Any]:
    """Wait until the message's keyboard shows `label` (a tick changes only the buttons)."""
    for _ in range(500):
        [now] = [m for m in app.tg.messages(user) if m["message_id"] == step["message_id"]]
        if label in [b["text"] for b in buttons(now)]:
            return now
        await asyncio.sleep(0.02)
    raise TimeoutError(label)


async def answer_step(app: App, user: int, step: dict[str, Any]) -> dict[str, Any]:
    """Answer the question the message shows, the way a teacher would; return the message
    that comes next (the same one edited, or a new one after a typed answer)."""
    tg = app.tg
    labels = [b["text"] for b in buttons(step)]
    if "4" in labels:  # a scale
        await press(tg, user, step, "4")
        return await edited(app, user, step, "")
    if "Далее ▶️" in labels:  # several options: tick the first two
        for label in labels[:2]:
            await press(tg, user, step, label)
            step = await ticked(app, user, step, label.replace("⬜", "☑️"))
        await press(tg, user, step, "Далее ▶️")
        return await edited(app, user, step, "")
    if "Напишите ответ сообщением" in step["text"]:
        last = max(m["message_id"] for m in tg.messages(user))
        await tg.send_text(user, "Больше практических семинаров.")
        return await tg.wait_for_message(user, after=last)
    await press(tg, user, step, labels[0])  # one option: the first
    return await edited(app, user, step, "")


async def questionnaire(app: App, world: World, clock: FixedClock) -> None:
    tg = app.tg
    chair = Person(tg, CHAIR)
    # The chair picks the template, sets three days and sends it.
    start = await chair.say("/survey", "Новая анкета")
    editor = await chair.tap(start, "Удовлетворённость", "Удовлетворённость работой объединения")
    assert "1. Насколько вы в целом удовлетворены" in editor["text"]
    assert "анонимно" in editor["text"]
    await press(tg, CHAIR, editor, "⏳ 3 дн.")
    editor = await edited(app, CHAIR, editor, "до ")
    # Editable before sending: the last question reworded; the audience kept non-empty.
    await press(tg, CHAIR, editor, "🔧 6")
    menu = await edited(app, CHAIR, editor, "6. Что вы предложили бы улучшить")
    await press(tg, CHAIR, menu, "⬜ Сделать обязательным")  # it was optional
    editor = await edited(app, CHAIR, menu, "Удовлетворённость")
    assert "улучшить в следующем году? (развёрнутый ответ)" in editor["text"]
    await press(tg, CHAIR, editor, "🔧 6")
    menu = await edited(app, CHAIR, editor, "6. Что вы предложили бы улучшить")
    await press(tg, CHAIR, menu, "☑️ Сделать необязательным")
    editor = await edited(app, CHAIR, menu, "Удовлетворённость")
    assert "(развёрнутый ответ, необязательный)" in editor["text"]
    await press(tg, CHAIR, editor, "🔧 6")
    menu = await edited(app, CHAIR, editor, "6. Что вы предложили бы улучшить")
    await Person(tg, CHAIR).tap(menu, "✏️ Изменить формулировку", "новую формулировку")
    editor = await chair.say("Что улучшить в работе РМО в следующем году?", "Удовлетворённость")
    assert "6. Что улучшить в работе РМО в следующем году?" in editor["text"]
    await press(tg, CHAIR, editor, "🔧 6")
    menu = await edited(app, CHAIR, editor, "6. Что улучшить")
    await press(tg, CHAIR, menu, "⬆️ Выше")
    editor = await edited(app, CHAIR, menu, "Удовлетворённость")
    assert "5. Что улучшить в работе РМО в следующем году?" in editor["text"]
    await press(tg, CHAIR, editor, "👥 Кому: 1")
    audience = await edited(app, CHAIR, editor, "Кто получит")
    assert [b["text"] for b in buttons(audience)] == ["✅ РМО учителей математики", "✅ Готово"]
    refused = await press(tg, CHAIR, audience, "✅ РМО учителей математики")
    assert refused == refusal(app, ErrorCode.NO_RECIPIENTS), refused
    await press(tg, CHAIR, audience, "✅ Готово")
    editor = await edited(app, CHAIR, audience, "Удовлетворённость")
    answer = await press(tg, CHAIR, editor, "📤 Отправить")
    assert answer == "Отправлено: 7 чел.", answer
    card = await tg.wait_for_message(CHAIR, "Ответили: 0 из 7")
    assert "появятся, когда ответят не меньше 3" in card["text"]
    await app.settle()
    invites = {}
    for tg_id in (CHAIR, SECRETARY, *FIVE):
        invites[tg_id] = find(app, tg_id, "Вопросов: 6")
        assert "Анонимно" in invites[tg_id]["text"]

    # Four teachers answer everything; the fifth stops after three questions.
    for tg_id in FIVE:
        step = await Person(tg, tg_id).tap(invites[tg_id], "▶️ Начать", "Вопрос 1 из 6")
        answered = 0
        while "Все вопросы пройдены" not in step["text"]:
            if tg_id == FIFTH and answered == 3:
                break
            step = await answer_step(app, tg_id, step)
            answered += 1
        if tg_id != FIFTH:
            assert await press(tg, tg_id, step, "✅ Завершить") == "Спасибо!"
            await edited(app, tg_id, step, "отправлены анонимно")
    # Back works and shows the answer given.
    assert "Вопрос 4 из 6" in step["text"]
    await press(tg, FIFTH, step, "◀️ Назад")
    back = await edited(app, FIFTH, step, "Вопрос 3 из 6")
    assert "Ваш ответ: Да" in back["text"]

    # Two days before closing: a reminder to those who have not finished, nobody else.
    clock.set(NOW + timedelta(days=1, hours=1))
    await app.settle()
    for tg_id in (CHAIR, SECRETARY, *FIVE):
        expected = 1 if tg_id in (CHAIR, SECRETARY, FIFTH) else 0
        assert got(app, tg_id, "Пожалуйста, ответьте на опрос") == expected, tg_id
    reminder = find(app, FIFTH, "Пожалуйста, ответьте на опрос")
    step = await Person(tg, FIFTH).tap(reminder, "▶️ Продолжить", "Вопрос 4 из 6")
    while "Все вопросы пройдены" not in step["text"]:
        step = await answer_step(app, FIFTH, step)
    assert await press(tg, FIFTH, step, "✅ Завершить") == "Спасибо!"

    # The results: five answered, figures shown (anonymous, at least three).
    await press(tg, CHAIR, card, "🔄 Обновить")
    card = await edited(app, CHAIR, card, "Ответили: 5 из 7")
    assert "Да — 5 (100.0%)" in card["text"], card["text"]
    assert "среднее 4.0" in card["text"]
    assert "Больше практических семинаров." in card["text"]
    last = max(m["message_id"] for m in tg.messages(CHAIR))
    await press(tg, CHAIR, card, "📥 XLSX")
    sent = await tg.wait_for_message(CHAIR, after=last)
    book = openpyxl.load_workbook(io.BytesIO(tg.file_content(sent["document"]["file_id"])))
    answers_sheet = book.worksheets[0]
    assert answers_sheet.max_row == 1 + 5  # a header and five responses, no names
    values = [c.value for row in book.worksheets[1].iter_rows() for c in row]
    assert "Да" in values and 5 in values
    # A teacher who has finished cannot answer again.
    refused = await press(tg, TEACHERS[0], invites[TEACHERS[0]], "▶️ Начать")
    assert refused == refusal(app, ErrorCode.ALREADY_FINISHED)

    # After closing: the secretary's late start is refused; no more reminders.
    clock.set(NOW + timedelta(days=3, minutes=5))
    await app.settle()
    refused = await press(tg, SECRETARY, invites[SECRETARY], "▶️ Начать")
    assert refused == refusal(app, ErrorCode.SURVEY_CLOSED), refused
    assert got(app, SECRETARY, "Пожалуйста, ответьте на опрос") <= 2


async def test_quick_poll_one_tap_and_live_results(db_url: str) -> None:
    clock = FixedClock(NOW)
    async with running(db_url) as (tg, sm):
        world = await setup(tg, sm, clock)
        async with started(tg, sm, clock) as app:
            await quick_poll(app, world, clock)


async def quick_poll(app: App, world: World, clock: FixedClock) -> None:
    tg = app.tg
    chair = Person(tg, CHAIR)
    await chair.say("/poll", "Напишите вопрос")
    await chair.say("Когда удобнее провести семинар?", "варианты ответа")
    editor = await chair.say("Во вторник\nВ четверг\nВ субботу", "Когда удобнее")
    assert [b["text"] for b in buttons(editor)][:2] == [
        "Несколько ответов: нет",
        "«Другое»: нет",
    ]
    # It opens tomorrow morning and runs to the end of the 5th (Novosibirsk time).
    await Person(tg, CHAIR).tap(editor, "📅 Даты", "когда принимаются ответы")
    editor = await chair.say("02.12 — 05.12", "Когда удобнее")
    assert "с 2 декабря 2026, ср, 08:00" in editor["text"], editor["text"]
    assert "до 5 декабря 2026, сб, 23:59" in editor["text"], editor["text"]
    answer = await press(tg, CHAIR, editor, "📤 Отправить")
    assert answer == "Отправлено: 7 чел."
    card = await tg.wait_for_message(CHAIR, "Ответили: 0 из 7")
    await app.settle()
    t0, t1, t2 = TEACHERS[:3]
    assert got(app, t0, "Когда удобнее провести семинар?") == 0  # not before it opens
    clock.set(datetime(2026, 12, 2, 1, 0, tzinfo=UTC))  # 08:00 in Novosibirsk
    await app.settle()
    for tg_id, label in ((t0, "В четверг"), (t1, "В четверг"), (t2, "Во вторник")):
        invite = find(app, tg_id, "Когда удобнее провести семинар?")
        assert [b["text"] for b in buttons(invite)] == ["Во вторник", "В четверг", "В субботу"]
        assert await press(tg, tg_id, invite, label) == "Спасибо! Ваш ответ учтён."
        await edited(app, tg_id, invite, "ваш ответ учтён")
    # A second tap on the old buttons changes nothing.
    again = SurveyCb(action="one", survey_id=1, pos=1, arg=0).pack()
    refused = await forge(tg, t0, find(app, t0, "ваш ответ учтён"), again)
    assert refused == refusal(app, ErrorCode.ALREADY_FINISHED), refused
    # The author's card follows by itself (edited, not sent again).
    clock.advance(timedelta(seconds=61))
    await app.settle()
    card = await edited(app, CHAIR, card, "Ответили: 3 из 7")
    assert "В четверг — 2 (66.7%)" in card["text"] and "Во вторник — 1 (33.3%)" in card["text"]
    assert got(app, CHAIR, "Ответили:") == 1

    # Closing by the clock: the card's last edit says so and offers no «Close».
    clock.set(datetime(2026, 12, 5, 17, 0, tzinfo=UTC))  # after 23:59 on the 5th, local
    await app.settle()
    clock.advance(timedelta(seconds=61))
    await app.settle()
    card = await edited(app, CHAIR, card, "Закрыт.")
    assert "⏹ Закрыть" not in [b["text"] for b in buttons(card)]
