"""Survey defects of issue 13 met in the chat: text typed at a scale question is told to tap
1–5 (flow, SQLite); a named poll's card opened by hand follows new answers, and an edit that
would change nothing is never sent (app end-to-end, fake Bot API, SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.survey import QuestionKind, SurveyDraft
from services import surveys
from services.clock import FixedClock
from tests.app import running, started
from tests.e2e import Person, buttons
from tests.factories import World, make_world, member_link, register
from tests.flow import Flow
from tests.helpers import CHAIR, NOW, TEACHERS, current, edited, edits_of, find, press
from tests.test_surveys_app import setup
from ui.callbacks.surveys import SurveyAction, SurveyCb

TAP = "Нажмите 1–5 на кнопках под вопросом."
TEACHER = 3001


@pytest.fixture
async def world(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> World:
    async with sm() as s:
        world = await make_world(s, clock)
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock, name="Иванова Анна Петровна")
        return world


async def drafts(sm: async_sessionmaker[AsyncSession]) -> list[object]:
    async with sm() as s:
        return list((await s.scalars(select(SurveyDraft.answers))).all())


async def test_text_typed_at_a_scale_question_is_told_to_tap_1_to_5(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    chair = world.chair
    async with sm() as s:
        view = await surveys.create_survey(s, chair, world.association_id, "Анкета", clock.now())
        for kind, text in ((QuestionKind.SHORT, "Тема"), (QuestionKind.SCALE, "Оценка")):
            view = await surveys.add_question(
                s, chair, view.id, view.version, kind, text, clock.now()
            )
        view = await surveys.set_schedule(
            s, chair, view.id, view.version, clock.now(), opens_at=None,
            closes_at=clock.now() + timedelta(days=3),
        )  # fmt: skip
        await surveys.open_survey(s, chair, view.id, view.version, clock.now())
    await flow.press_data(TEACHER, SurveyCb(action=SurveyAction.START, survey_id=view.id).pack())
    reply = await flow.send(TEACHER, "Функциональная грамотность")  # the text question
    assert "<b>Оценка</b>" in reply.text
    before = await drafts(sm)
    for typed in ("пять", "5", "отлично!"):
        reply = await flow.send(TEACHER, typed)
        assert reply.texts == [TAP], reply.texts
    assert await drafts(sm) == before  # nothing taken as the answer
    reply = await flow.press(TEACHER, "4")
    assert "Все вопросы пройдены" in reply.text, reply.text
    # Back at the scale: the hint again; after it, no hint (the state is cleared).
    reply = await flow.press(TEACHER, "◀️")
    assert (await flow.send(TEACHER, "три")).texts == [TAP]
    await flow.press(TEACHER, "3")
    reply = await flow.press(TEACHER, "✅")
    reply = await flow.send(TEACHER, "спасибо")
    assert reply.texts != [TAP]
    async with sm() as s:
        assert await s.scalar(select(func.count()).select_from(SurveyDraft)) == 0


async def test_a_named_poll_card_opened_by_hand_follows_and_skips_empty_edits(
    db_url: str,
) -> None:
    clock = FixedClock(NOW)
    async with running(db_url) as (tg, sm):
        await setup(tg, sm, clock)
        async with started(tg, sm, clock) as app:
            chair = Person(tg, CHAIR)
            await chair.say("/poll", "Напишите вопрос")
            await chair.say("Когда удобнее провести семинар?", "варианты ответа")
            editor = await chair.say("Во вторник\nВ четверг\nВ субботу", "Когда удобнее")
            assert await press(tg, CHAIR, editor, "📤 Отправить") == "Отправлено: 7 чел."
            card = await tg.wait_for_message(CHAIR, "Ответили: 0 из 7")
            await app.settle()
            t0, t1, t2 = TEACHERS[:3]

            async def vote(teacher: int, label: str) -> None:
                invite = find(app, teacher, "Когда удобнее провести семинар?")
                assert await press(tg, teacher, invite, label) == "Спасибо! Ваш ответ учтён."
                await edited(app, teacher, invite, "ваш ответ учтён")

            # A refresh by hand shows the new figure; the scheduler then sends no edit of
            # its own with the same text (Telegram would refuse it: «message is not modified»).
            await vote(t0, "В четверг")
            await press(tg, CHAIR, card, "🔄")
            card = await edited(app, CHAIR, card, "Ответили: 1 из 7")
            made = edits_of(tg, CHAIR, card["message_id"])
            clock.advance(timedelta(seconds=61))
            await app.settle()
            assert edits_of(tg, CHAIR, card["message_id"]) == made
            # A second refresh with nothing new: no edit either.
            await press(tg, CHAIR, card, "🔄")
            await app.settle()
            assert edits_of(tg, CHAIR, card["message_id"]) == made

            # The card opened from /surveys is the live one from now on: it follows.
            listing = await chair.say("/surveys", "Когда удобнее")
            await press(tg, CHAIR, listing, "📊")
            opened = await edited(app, CHAIR, listing, "Ответили: 1 из 7")
            await vote(t1, "Во вторник")
            clock.advance(timedelta(seconds=61))
            await app.settle()
            opened = await edited(app, CHAIR, opened, "Ответили: 2 из 7")
            assert "Во вторник — 1 (50.0%)" in opened["text"], opened["text"]
            await vote(t2, "В субботу")
            clock.advance(timedelta(seconds=61))
            await app.settle()
            await edited(app, CHAIR, opened, "Ответили: 3 из 7")
            assert "⏹ Закрыть" in [
                b["text"] for b in buttons(current(app, CHAIR, opened["message_id"]))
            ]
