"""The one limiter, against a fake clock: Telegram's windows, the bulk lane, 429s."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, EditMessageText, GetMe, SendMessage

from bot.limiter import (
    HOOK_LEAD_MAX,
    HOOK_LEAD_WEIGHT,
    LimiterMiddleware,
    Limits,
    RateLimiter,
    bulk,
    is_limited,
)


class FakeTime:
    """A monotonic clock whose sleep moves it forward at once."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def limiter(t: FakeTime, **limits: Any) -> RateLimiter:
    return RateLimiter(Limits(margin=0.0, **limits), clock=t.clock, sleep=t.sleep)


def test_which_calls_are_limited() -> None:
    for name in ("sendMessage", "sendDocument", "copyMessage", "forwardMessage", "editMessageText"):
        assert is_limited(name), name
    for name in ("answerCallbackQuery", "sendChatAction", "getMe", "getUpdates", "setMyCommands"):
        assert not is_limited(name), name


async def test_thirty_a_second_overall() -> None:
    t = FakeTime()
    lim = limiter(t)
    start = t.now
    granted = []
    for chat in range(90):  # 90 different chats: only the global window binds
        lim.sent(await lim.acquire(chat))
        granted.append(t.now - start)
    assert granted[29] == 0.0 and granted[30] == pytest.approx(1.0)
    assert granted[89] == pytest.approx(2.0)
    # Never more than 30 in any one-second window.
    for i in range(len(granted) - 30):
        assert granted[i + 30] - granted[i] >= 1.0 - 1e-9


async def test_one_a_second_per_chat_and_twenty_a_minute_per_group() -> None:
    t = FakeTime()
    lim = limiter(t)
    start = t.now
    for _ in range(3):
        lim.sent(await lim.acquire(42))
    assert t.now - start == pytest.approx(2.0)
    start = t.now
    for _ in range(21):
        lim.sent(await lim.acquire(-100500))
    # 20 a minute in a group: the 21st waits for the first to leave the minute's window.
    assert t.now - start == pytest.approx(60.0)


class VirtualTime:
    """Sleepers wake in the order of their wake times; time jumps only when every task is
    waiting, as a real clock would look to them."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._seq += 1
        self._sleepers.append((self.now + seconds, self._seq, future))
        await future

    async def run(self, *coros: Any) -> None:
        tasks = [asyncio.create_task(c) for c in coros]
        while not all(t.done() for t in tasks):
            for _ in range(20):
                await asyncio.sleep(0)
            if self._sleepers:
                self._sleepers.sort()
                wake, _seq, future = self._sleepers.pop(0)
                self.now = max(self.now, wake)
                future.set_result(None)
        await asyncio.gather(*tasks)


async def test_bulk_gives_way_to_interactive() -> None:
    t = VirtualTime()
    lim = RateLimiter(Limits(per_second=1, margin=0.0), clock=t.clock, sleep=t.sleep)
    order: list[str] = []

    async def broadcast() -> None:
        with bulk():
            lim.sent(await lim.acquire(3, bulk=True))
        order.append("bulk")

    async def reply() -> None:
        await asyncio.sleep(0)  # the person's reply comes after the broadcast started waiting
        lim.sent(await lim.acquire(4))
        order.append("reply")

    lim.sent(await lim.acquire(1))  # the window is full now
    await t.run(broadcast(), reply())
    assert order == ["reply", "bulk"]


async def test_retry_after_blocks_the_chat() -> None:
    t = FakeTime()
    lim = limiter(t)
    lim.penalize(7, 5)
    start = t.now
    await lim.acquire(8)  # another chat is not held up
    assert t.now == start
    await lim.ready(7)
    assert t.now - start == pytest.approx(5.0)


async def test_middleware_retries_after_429_and_skips_exempt_calls() -> None:
    t = FakeTime()
    lim = limiter(t)
    middleware = LimiterMiddleware(lim)
    calls: list[str] = []
    answers: list[Any] = [
        TelegramRetryAfter(method=SendMessage(chat_id=5, text="x"), message="429", retry_after=3),
        "ok",
    ]

    async def make_request(bot: Any, method: Any) -> Any:
        calls.append(type(method).__name__)
        answer = answers.pop(0) if isinstance(method, SendMessage) else True
        if isinstance(answer, Exception):
            raise answer
        return answer

    start = t.now
    answer = await middleware(make_request, None, SendMessage(chat_id=5, text="x"))  # type: ignore[arg-type]
    assert answer == "ok"  # type: ignore[comparison-overlap]
    assert calls == ["SendMessage", "SendMessage"]
    assert t.now - start == pytest.approx(3.0)
    # Exempt and read calls never wait, even when the window is full.
    for _ in range(40):
        lim._record(None)
    before = t.now
    for method in (AnswerCallbackQuery(callback_query_id="1"), GetMe()):
        await middleware(make_request, None, method)  # type: ignore[arg-type]
    assert t.now == before
    await middleware(
        make_request,
        None,  # type: ignore[arg-type]
        EditMessageText(chat_id=9, message_id=1, text="y"),
    )
    assert t.now > before  # an edit counts


async def test_a_bulk_call_is_counted_when_it_goes_after_its_hook() -> None:
    """The sender's "started" commit runs between the slot and the call; the slot is
    counted after it, so a slow commit never lets calls reach Telegram bunched up; a 429
    on a bulk call goes straight back to the sender."""
    t = FakeTime()
    lim = limiter(t)
    middleware = LimiterMiddleware(lim)
    order: list[str] = []

    async def hook() -> bool:
        order.append("hook")
        t.now += 0.4  # a slow commit
        return True

    async def make_request(bot: Any, method: Any) -> Any:
        order.append("call")
        return "ok"

    with bulk(before_call=hook):
        start = t.now
        await middleware(make_request, None, SendMessage(chat_id=5, text="x"))  # type: ignore[arg-type]
        first_stamp = lim._chats[5].hits[-1]
        await middleware(make_request, None, SendMessage(chat_id=5, text="y"))  # type: ignore[arg-type]
    assert order == ["hook", "call", "call"]  # the hook once, before the first call
    assert first_stamp == pytest.approx(start + 0.4)  # counted when it went

    async def throttled(bot: Any, method: Any) -> Any:
        raise TelegramRetryAfter(method=method, message="429", retry_after=5)

    with bulk(), pytest.raises(TelegramRetryAfter):
        await middleware(throttled, None, SendMessage(chat_id=6, text="z"))  # type: ignore[arg-type]


async def test_windows_are_kept_by_send_time() -> None:
    """Thirty calls granted at once but written 0.7 s later (a loaded event loop) hold their
    second from when they went: the 31st waits for that, not for the grant's second."""
    t = FakeTime()
    lim = limiter(t)
    start = t.now
    slots = [await lim.acquire(chat) for chat in range(30)]
    assert t.now == start  # granted at once
    t.now += 0.7
    for slot in slots:
        lim.sent(slot)
    await lim.acquire(100)
    assert t.now == pytest.approx(start + 1.7)  # a grant-time window would let it go at 1.0


async def test_a_call_in_flight_holds_its_slot_until_stamped() -> None:
    t = FakeTime()
    lim = limiter(t, per_second=2)
    first = await lim.acquire(1)
    await lim.acquire(2)  # in flight, never stamped here
    assert lim.wait_time(3) > 0  # both slots held while not yet sent
    t.now += 5.0  # however long they take to go
    assert lim.wait_time(3) > 0
    lim.sent(first)  # went out now: its slot frees a second from now
    assert lim.wait_time(3) == pytest.approx(1.0)


async def test_a_later_chunk_moves_the_stamp() -> None:
    t = FakeTime()
    lim = limiter(t, per_second=1)
    slot = await lim.acquire(1)
    lim.sent(slot)  # the first chunk of an upload
    t.now += 0.5
    lim.sent(slot)  # its last chunk: counted from here
    assert lim._global.hits == [t.now]
    assert lim.wait_time(2) == pytest.approx(1.0)


async def test_middleware_stamps_when_the_request_is_written() -> None:
    """The HTTP client's trace stamps the slot while the call is being made (the request
    written); the answer coming later does not move it. Untraced, the answer stamps it."""
    t = FakeTime()
    lim = limiter(t)
    middleware = LimiterMiddleware(lim)

    async def make_request(bot: Any, method: Any) -> Any:
        t.now += 0.3  # the event loop gets round to writing it
        await middleware._chunk_sent()  # what aiohttp's trace calls on writing
        t.now += 0.2  # Telegram answers
        return "ok"

    start = t.now
    await middleware(make_request, None, SendMessage(chat_id=5, text="x"))  # type: ignore[arg-type]
    assert lim._chats[5].hits == [pytest.approx(start + 0.3)]

    async def untraced(bot: Any, method: Any) -> Any:
        t.now += 0.4
        return "ok"

    await middleware(untraced, None, SendMessage(chat_id=6, text="y"))  # type: ignore[arg-type]
    assert lim._chats[6].hits == [t.now]
    assert lim._global.flying == 0


async def test_the_trace_is_installed_on_the_bots_http_session() -> None:
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    from tests.fakeapi import FakeTelegram

    written: list[bool] = []

    class Watching(LimiterMiddleware):
        async def _chunk_sent(self, *args: object) -> None:
            written.append(True)
            await super()._chunk_sent(*args)

    lim = RateLimiter()
    async with FakeTelegram("1:T") as tg:
        for chat in (5, 6):
            tg.add_user(chat, "U")
            tg.open_chat(chat)
        session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
        session.middleware(Watching(lim))
        bot = Bot("1:T", session=session)
        try:
            await bot.send_message(5, "x")
            await bot.send_message(6, "y")
        finally:
            await bot.session.close()
    assert written == [True, True]  # each request stamped as it was written
    assert len(lim._global.hits) == 2 and lim._global.flying == 0


async def test_calls_held_by_a_stalled_event_loop_are_stamped_again() -> None:
    """A timer that woke late says the loop was held: a call written just before or during
    the stall reached Telegram's side of a local server only when it ended, so it is stamped
    again then and its window counts it from there; calls before that stay as they were."""
    t = FakeTime()
    lim = limiter(t, per_second=1)
    early = await lim.acquire(1)
    lim.sent(early)
    t.now += 1.5
    held = await lim.acquire(2)
    lim.sent(held)
    t.now += 0.25  # a 0.01 s timer woke 0.24 s late
    assert lim.stalled(0.005, 0.01) == 0  # within the threshold: nothing moves
    assert lim.stalled(0.24, 0.01) == 1
    assert (early.at, held.at) == (1000.0, 1001.75)
    assert lim.wait_time(3) == pytest.approx(1.0)  # counted from the stall's end
    assert lim.restamped == 1


async def test_the_watcher_notices_a_blocked_loop() -> None:
    """The application's limiter watches while calls are made: a callback that holds the
    loop (here a blocking sleep) makes its timer late, and the call before it is restamped."""
    lim = RateLimiter(Limits(), watch=True)
    slot = await lim.acquire(1)
    lim.sent(slot)
    before = slot.at
    assert before is not None
    time.sleep(0.1)  # noqa: ASYNC251 -- holds the event loop, on purpose
    await asyncio.sleep(0.05)
    assert lim.restamped == 1
    assert slot.at is not None and slot.at >= before + 0.1


async def test_a_bulk_call_waits_for_its_slot_only_as_long_as_its_commit_takes() -> None:
    """The sender's commit before a call overlaps the wait for the call's slot: ready
    `hook_lead` seconds early (the commit's recent duration), so a full window's next slot
    is used when it frees instead of a commit later — and never before it frees."""
    t = FakeTime()
    lim = limiter(t, per_second=1)
    middleware = LimiterMiddleware(lim)
    lim.sent(await lim.acquire(1))  # the window is full until start + 1
    start = t.now

    took = 0.04

    async def hook() -> bool:
        t.now += took  # the commit
        return True

    async def make_request(bot: Any, method: Any) -> Any:
        return "ok"

    middleware.hook_lead = 0.04
    with bulk(before_call=hook):
        await middleware(make_request, None, SendMessage(chat_id=2, text="x"))  # type: ignore[arg-type]
    assert lim._global.hits[-1] == pytest.approx(start + 1.0)  # not start + 1.04
    assert middleware.hook_lead == pytest.approx(0.04)

    # The lead follows the commits' durations (a moving average), at most HOOK_LEAD_MAX.
    took = 2.0  # a stuck commit: waited for, not run that far ahead of later slots
    fresh = LimiterMiddleware(limiter(t))
    with bulk(before_call=hook):
        await fresh(make_request, None, SendMessage(chat_id=3, text="y"))  # type: ignore[arg-type]
    assert fresh.hook_lead == pytest.approx(HOOK_LEAD_MAX * HOOK_LEAD_WEIGHT)
