"""A reply is never lost, and a wizard never moves on without its question.

The retries (bot.retry) on a Bot whose session answers as scripted: a 5xx or no answer is
tried again, each time through the limiter; a bad request and a bulk call are not. Then
through the Dispatcher (tests.flow, wizard state kept as JSON): a question that cannot be
delivered even after the retries is asked again on the person's next message, which is not
taken as the answer (the meeting wizard, registration); a receipt lost in a step that takes
several messages («Слушали») does not make a retyped text count twice; a command still works;
a callback is answered once."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any, cast

import pytest
from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.limiter import MAX_RETRY_AFTER_ROUNDS, LimiterMiddleware, RateLimiter, Slot, bulk
from bot.retry import DELAYS, ReplyRetry, unattended
from handlers.resume import KEY
from models import AgendaItem, Meeting, Person
from services import protocols
from services.clock import FixedClock
from services.people import load_actor
from tests.factories import make_world, member_link
from tests.flow import Flow
from tests.helpers import SECRETARY, ended_meeting, seed

# ---------------------------------------------------------------- the retries


class Scripted(BaseSession):
    """Answers each call with the next scripted outcome: an exception to raise, or a value."""

    def __init__(self, outcomes: list[Any]) -> None:
        super().__init__()
        self.outcomes = outcomes
        self.calls: list[TelegramMethod[Any]] = []

    async def close(self) -> None:
        return None

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - the BaseSession signature
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - the BaseSession signature
    ) -> TelegramType:
        self.calls.append(method)
        outcome = self.outcomes.pop(0) if self.outcomes else True
        if isinstance(outcome, Exception):
            raise outcome
        return cast(TelegramType, outcome)


class CountingLimiter(RateLimiter):
    def __init__(self) -> None:
        self.now = 0.0
        super().__init__(clock=lambda: self.now, sleep=self._sleep)
        self.granted = 0

    async def _sleep(self, seconds: float) -> None:
        self.now += seconds

    async def acquire(self, chat: int | str | None, *, bulk: bool = False) -> Slot:
        self.granted += 1
        return await super().acquire(chat, bulk=bulk)


def scripted_bot(outcomes: list[Any]) -> tuple[Bot, Scripted, CountingLimiter, list[float]]:
    """A Bot wired as bot.app.build_bot wires it (retries around the limiter)."""
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    session = Scripted(outcomes)
    limiter = CountingLimiter()
    session.middleware(ReplyRetry(sleep=sleep))
    session.middleware(LimiterMiddleware(limiter))
    return Bot("42:TEST", session=session), session, limiter, waits


def server_error() -> TelegramServerError:
    return TelegramServerError(method=cast(Any, None), message="Internal Server Error")


def timeout() -> TelegramNetworkError:
    return TelegramNetworkError(method=cast(Any, None), message="Request timeout error")


def message(text: str = "hi") -> Message:
    return Message.model_validate(
        {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": text}
    )


async def test_a_reply_that_meets_a_5xx_or_a_timeout_is_sent_again_through_the_limiter() -> None:
    bot, session, limiter, waits = scripted_bot([server_error(), timeout(), message()])
    sent = await bot.send_message(5, "hi")
    assert sent.text == "hi"
    assert len(session.calls) == 3
    assert limiter.granted == 3  # every retry took a new slot of the limiter
    assert len(waits) == 2


async def test_the_retries_are_bounded() -> None:
    bot, session, _limiter, waits = scripted_bot([server_error() for _ in range(10)])
    with pytest.raises(TelegramServerError):
        await bot.send_message(5, "hi")
    assert len(session.calls) == len(DELAYS) + 1
    assert sum(waits) == sum(DELAYS) <= 5  # a few seconds in all


async def test_a_429_is_the_limiter_s_to_honour_not_retried_again() -> None:
    def flood() -> TelegramRetryAfter:
        return TelegramRetryAfter(
            method=cast(Any, None), message="Too Many Requests: retry after 1", retry_after=1
        )

    rounds = MAX_RETRY_AFTER_ROUNDS + 1
    bot, session, limiter, waits = scripted_bot([flood() for _ in range(2 * rounds)])
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(5, "hi")
    assert len(session.calls) == limiter.granted == rounds and waits == []


async def test_a_bad_request_is_not_retried() -> None:
    bad = TelegramBadRequest(method=cast(Any, None), message="Bad Request: can't parse")
    bot, session, _limiter, _waits = scripted_bot([bad, message()])
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(5, "hi")
    assert len(session.calls) == 1


async def test_bulk_calls_are_left_to_the_outbox() -> None:
    bot, session, limiter, waits = scripted_bot([server_error(), message()])
    with bulk(), pytest.raises(TelegramServerError):
        await bot.send_message(5, "hi")
    assert len(session.calls) == 1 and waits == [] and limiter.granted == 1


async def test_unattended_calls_are_left_to_their_next_round() -> None:
    """The engine's progress messages and live cards: nobody waits, its next round retries."""
    bot, session, limiter, waits = scripted_bot([server_error(), message()])
    with unattended(), pytest.raises(TelegramServerError):
        await bot.send_message(5, "hi")
    assert len(session.calls) == 1 and waits == [] and limiter.granted == 1


async def test_a_callback_answered_by_a_call_whose_answer_was_lost_counts_as_answered() -> None:
    too_old = TelegramBadRequest(
        method=cast(Any, None), message="Bad Request: query is too old or already answered"
    )
    bot, session, _limiter, _waits = scripted_bot([timeout(), too_old])
    assert await bot(AnswerCallbackQuery(callback_query_id="q1")) is True
    assert len(session.calls) == 2


# ---------------------------------------------------------------- a question asked again


def failing(fragment: str) -> Callable[[TelegramMethod[Any]], bool]:
    """Every call sending a message containing `fragment` fails (beyond the retries)."""
    return lambda m: isinstance(m, SendMessage) and fragment in m.text


async def agenda(sm: async_sessionmaker[AsyncSession]) -> list[tuple[Any, ...]]:
    async with sm() as s:
        rows = await s.execute(
            select(AgendaItem.title, AgendaItem.speaker_name, AgendaItem.draft_decision)
        )
        found = [tuple(r) for r in rows]
        await s.commit()
    return found


async def test_a_wizard_asks_again_the_question_it_could_not_deliver(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        world = await make_world(s, clock)
    chair = world.chair_tg
    await flow.send(chair, "/newmeeting")
    await flow.press(chair, "➕")
    await flow.send(chair, "Функциональная грамотность")
    await flow.press(chair, "Вопрос")

    # The question is saved; who speaks on it cannot be asked (every retry fails).
    flow.session.fail = failing("Кто докладывает")
    lost = await flow.send(chair, "О плане работы")
    assert lost.texts == [] and len(flow.session.failed) == len(DELAYS) + 1
    assert await agenda(sm) == [("О плане работы", None, None)]
    failed = flow.session.failed[0]
    assert isinstance(failed, SendMessage) and failed.reply_markup is not None

    # The chair, who saw nothing, types the decision: it is not taken as the speaker; the
    # question they never saw comes, with its buttons.
    flow.session.fail = None
    again = await flow.send(chair, "Утвердить план.")
    [asked] = again.sent()
    assert (asked.text, asked.reply_markup) == (failed.text, failed.reply_markup)
    assert await agenda(sm) == [("О плане работы", None, None)]

    # Now each answer goes where it belongs, once.
    decision = await flow.send(chair, "Гостева Анна — директор")
    assert decision.text.startswith("Проект решения")
    await flow.send(chair, "Утвердить план.")
    assert await agenda(sm) == [("О плане работы", "Гостева Анна — директор", "Утвердить план.")]


async def test_a_question_that_fails_again_is_asked_again_and_a_command_still_works(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        world = await make_world(s, clock)
    chair = world.chair_tg
    await flow.send(chair, "/newmeeting")
    await flow.press(chair, "➕")
    await flow.send(chair, "Функциональная грамотность")
    await flow.press(chair, "Вопрос")
    flow.session.fail = failing("Кто докладывает")
    await flow.send(chair, "О плане работы")
    still = await flow.send(chair, "Петрова")  # the question fails once more: kept
    assert still.texts == [] and await agenda(sm) == [("О плане работы", None, None)]
    flow.session.fail = None
    cancelled = await flow.send(chair, "/cancel")
    assert "Кто докладывает" not in cancelled.text
    data = await flow.dp.storage.get_data(_key(flow, chair))
    assert KEY not in data
    after = await flow.send(chair, "Петрова")  # no wizard now: not a speaker either
    assert "Кто докладывает" not in after.text
    assert await agenda(sm) == [("О плане работы", None, None)]


def _key(flow: Flow, user: int) -> StorageKey:
    return StorageKey(bot_id=flow.bot.id, chat_id=user, user_id=user)


async def test_a_step_saved_leaves_the_wizard_before_its_panel(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """The place is saved and the panel cannot be sent: the place step is over all the
    same, so a retyped place is not saved again; the panel comes instead."""
    async with sm() as s:
        world = await make_world(s, clock)
    chair = world.chair_tg
    await flow.send(chair, "/newmeeting")
    await flow.press(chair, "➕")
    await flow.send(chair, "Функциональная грамотность")
    await flow.press(chair, "Место")
    flow.session.fail = failing("Черновик заседания")
    await flow.send(chair, "Каб. 12")
    flow.session.fail = None
    assert await flow.dp.storage.get_state(_key(flow, chair)) is None
    again = await flow.send(chair, "Каб. 14")
    assert "Черновик заседания" in again.text and "Каб. 12" in again.text
    async with sm() as s:
        places = (await s.scalars(select(Meeting.place))).all()
        await s.commit()
    assert places == ["Каб. 12"]


async def test_buttons_that_cannot_be_taken_off_do_not_stop_the_next_question(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        world = await make_world(s, clock)
    chair = world.chair_tg
    await flow.send(chair, "/newmeeting")
    await flow.press(chair, "➕")
    await flow.send(chair, "Функциональная грамотность")
    await flow.press(chair, "Вопрос")
    await flow.send(chair, "О плане работы")
    flow.session.fail = lambda m: isinstance(m, EditMessageReplyMarkup)
    picked = await flow.press(chair, "без докладчика")
    assert picked.text.startswith("Проект решения")  # asked although the buttons stayed
    flow.session.fail = None
    await flow.send(chair, "Утвердить план.")
    assert await agenda(sm) == [("О плане работы", None, "Утвердить план.")]


async def test_registration_asks_again_the_question_it_could_not_deliver(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    newcomer = 3101
    async with sm() as s:
        world = await make_world(s, clock)
        token = await member_link(s, world, clock)
    await flow.send(newcomer, f"/start {token}")
    await flow.press(newcomer, "✅")
    await flow.send(newcomer, "Сидорова Мария Петровна")
    flow.session.fail = failing("предмет")
    await flow.send(newcomer, "Гимназия № 2")
    flow.session.fail = None
    again = await flow.send(newcomer, "Гимназия № 2")  # typed again: not the subject
    assert "предмет" in again.text
    welcome = await flow.send(newcomer, "информатика")
    assert "Добро пожаловать" in welcome.text
    async with sm() as s:
        rows = (
            await s.execute(
                select(Person.full_name, Person.subject).where(
                    Person.full_name == "Сидорова Мария Петровна"
                )
            )
        ).all()
        await s.commit()
    assert [tuple(r) for r in rows] == [("Сидорова Мария Петровна", "информатика")]


async def test_a_lost_receipt_does_not_store_a_retyped_text_twice(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    world = await seed(None, sm, clock)
    async with sm() as s:
        protocol_id = await ended_meeting(s, world, clock)
    await flow.send(SECRETARY, "/protocols")
    await flow.press(SECRETARY, "№ 1")
    await flow.press(SECRETARY, "Слушали 1")
    flow.session.fail = failing("Получено")
    await flow.send(SECRETARY, "Доклад о плане.")
    flow.session.fail = None
    again = await flow.send(SECRETARY, "Доклад о плане.")  # retyped: no receipt came
    assert again.texts == ["Получено: 15 знаков в 1 сообщ. Отправьте ещё или нажмите «Готово»."]
    more = await flow.send(SECRETARY, "Обсуждение: нет.")  # another text: another part
    assert "в 2 сообщ." in more.text
    await flow.press(SECRETARY, "Готово")
    async with sm() as s:
        view = await protocols.get(s, await load_actor(s, SECRETARY, []), protocol_id)
        await s.commit()
    assert view.content.questions[0].heard == "Доклад о плане.\nОбсуждение: нет."


async def test_a_callback_is_answered_once_when_its_reply_fails(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        world = await make_world(s, clock)
    chair = world.chair_tg
    await flow.send(chair, "/newmeeting")
    await flow.press(chair, "➕")
    await flow.send(chair, "Функциональная грамотность")
    flow.session.fail = failing("Вопрос 1")
    tapped = await flow.press(chair, "Вопрос")
    answers = [c for c in tapped.calls if isinstance(c, AnswerCallbackQuery)]
    assert len(answers) == 1  # the handler's; the error handler does not answer again
    flow.session.fail = None
    again = await flow.send(chair, "О плане работы")  # the question never came: asked now
    assert again.text.startswith("Вопрос 1")
    assert await agenda(sm) == []
