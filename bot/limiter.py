"""One limiter for every message the bot sends: handler replies, edits, progress messages and
the outbox sender all pass through it, as an aiogram request middleware on the Bot's session.

Telegram's limits, as sliding windows over message-producing calls (send*, copy*, forward*,
edit*): about 30 messages a second overall, one a second per chat, 20 a minute per group.
`answerCallbackQuery`, `sendChatAction` and reads are exempt. A 429 is honoured: the chat
waits `retry_after`, then the call is made again (a few times at most). Bulk sends (the
outbox sender marks its calls with `bulk()`) give way to interactive ones: a person waiting
for an answer goes first.
"""

from __future__ import annotations

import asyncio
import bisect
import contextvars
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

_BULK: contextvars.ContextVar[bool] = contextvars.ContextVar("limiter_bulk", default=False)
# Run once, as the call's slot frees (the commit's own duration ahead of it), right before the
# call (the sender commits "started" there, so a wait in the limiter is never mistaken for a
# call in flight). False: do not call.
_BEFORE_CALL: contextvars.ContextVar[Callable[[], Awaitable[bool]] | None] = contextvars.ContextVar(
    "limiter_before_call", default=None
)
# The slot of the call this task is making: the HTTP client's trace stamps it when the
# request is written (see LimiterMiddleware).
_SLOT: contextvars.ContextVar[Slot | None] = contextvars.ContextVar("limiter_slot", default=None)
EXEMPT = frozenset({"sendChatAction", "answerCallbackQuery"})
MAX_RETRY_AFTER_ROUNDS = 5
HOOK_LEAD_MAX = 0.05  # seconds: a slow commit is waited for, not run ahead of the slot
HOOK_LEAD_WEIGHT = 0.2


@contextmanager
def bulk(before_call: Callable[[], Awaitable[bool]] | None = None) -> Iterator[None]:
    """Calls made inside are bulk (a broadcast): they yield to interactive calls, and a 429
    is not retried here but handed back to the caller (the outbox reschedules the row).
    `before_call` runs once, as the first call's slot frees and before the call is made."""
    token = _BULK.set(True)
    hook = _BEFORE_CALL.set(before_call)
    try:
        yield
    finally:
        _BEFORE_CALL.reset(hook)
        _BULK.reset(token)


def is_bulk() -> bool:
    """Whether the current call is made inside `bulk()` (a broadcast's)."""
    return _BULK.get()


class NotOurs(Exception):
    """The before-call hook declined: the call is not made (the row is no longer ours)."""


def is_limited(method_name: str) -> bool:
    name = method_name[:1].lower() + method_name[1:]
    if name in EXEMPT:
        return False
    return name.startswith(("send", "copy", "forward", "edit"))


class _Window:
    """At most `limit` events in any `period` seconds, counted when each call was sent.

    A granted call is "in flight" until it is stamped with the time it went out (the request
    written to the socket, or failing that its answer): until then it holds its slot, since
    whenever it reaches Telegram its second is still ahead. Stamps come in any order."""

    __slots__ = ("flying", "hits", "limit", "period")

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.hits: list[float] = []  # sorted send times
        self.flying = 0  # granted, not yet stamped

    def _trim(self, now: float) -> None:
        gone = bisect.bisect_right(self.hits, now - self.period)
        if gone:
            del self.hits[:gone]

    def free(self, now: float) -> int:
        self._trim(now)
        return self.limit - len(self.hits) - self.flying

    def wait(self, now: float, keep_free: int = 0) -> float:
        """Seconds until a slot is free with `keep_free` slots left for others."""
        self._trim(now)
        used = len(self.hits) + self.flying + keep_free
        if used < self.limit:
            return 0.0
        index = used - self.limit
        if index >= len(self.hits):
            # Held by calls in flight (each will be stamped now or later, freeing its slot a
            # period after), or kept for others: check again soon.
            return self.period / max(self.limit, 1)
        return self.hits[index] + self.period - now

    def take(self) -> None:
        self.flying += 1

    def stamp(self, at: float, previous: float | None = None) -> None:
        """A taken slot went out at `at` (or, stamped before at `previous`, went on going
        out: a later chunk of its request)."""
        if previous is None:
            self.flying -= 1
        else:
            index = bisect.bisect_left(self.hits, previous)
            if index < len(self.hits) and self.hits[index] == previous:
                del self.hits[index]
        bisect.insort(self.hits, at)

    def add(self, now: float) -> None:
        """A call granted and sent at once."""
        bisect.insort(self.hits, now)


class Slot:
    """One granted call: its windows, and when it was sent (None while it has not been)."""

    __slots__ = ("at", "windows")

    def __init__(self, windows: list[_Window]) -> None:
        self.windows = windows
        self.at: float | None = None
        for window in windows:
            window.take()

    def sent(self, at: float) -> None:
        previous, self.at = self.at, at
        for window in self.windows:
            window.stamp(at, previous)


@dataclass
class Limits:
    per_second: int = 30
    per_chat_second: int = 1
    per_group_minute: int = 20
    # Seconds added to each window: a call is stamped when its request is written, and
    # Telegram counts it when it arrives (transit, and its own queueing, vary a little).
    margin: float = 0.02
    # A stalled event loop (a loaded machine, a long callback) holds back whatever was to
    # run meanwhile — Telegram's side of a local server with it. A timer that wakes later
    # than `stall_threshold` says the loop stalled; the calls stamped just before and during
    # the stall are stamped again as sent when it ended (see RateLimiter.stalled). The
    # watcher's timer ticks every `watch_period` seconds while calls are being made.
    stall_threshold: float = 0.01
    watch_period: float = 0.01
    # How far back a stall reaches: calls stamped longer ago are left as they are.
    stall_memory: float = 2.0


class RateLimiter:
    """Sliding windows kept by send time, with a bulk lane; `clock` and `sleep` are
    injectable for tests. `acquire` grants a `Slot`; `sent` stamps it. `watch`: a timer
    runs beside the calls to notice a stalled event loop (the application's limiter)."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        watch: bool = False,
    ) -> None:
        self.limits = limits or Limits()
        self.clock = clock
        self.sleep = sleep
        self._global = _Window(self.limits.per_second, 1.0 + self.limits.margin)
        self._chats: dict[int | str, _Window] = {}
        self._groups: dict[int | str, _Window] = {}
        self._blocked_until: dict[int | str | None, float] = {}
        self._interactive_waiting = 0
        self._granted = 0
        self.waited = 0.0  # seconds spent waiting, for figures
        self.restamped = 0  # calls stamped again after a stall, for figures
        self._recent: deque[Slot] = deque()  # stamped slots, oldest first (Limits.stall_memory)
        self._watch = watch
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None
        self._due = 0.0
        self._last_sent = 0.0

    def _chat_window(self, chat: int | str) -> _Window:
        window = self._chats.get(chat)
        if window is None:
            window = self._chats[chat] = _Window(
                self.limits.per_chat_second, 1.0 + self.limits.margin
            )
        return window

    def _group_window(self, chat: int | str) -> _Window:
        window = self._groups.get(chat)
        if window is None:
            window = self._groups[chat] = _Window(
                self.limits.per_group_minute, 60.0 + self.limits.margin
            )
        return window

    @staticmethod
    def _is_group(chat: int | str) -> bool:
        return isinstance(chat, str) or chat < 0

    def _windows(self, chat: int | str | None) -> list[_Window]:
        windows = [self._global]
        if chat is not None:
            windows.append(self._chat_window(chat))
            if self._is_group(chat):
                windows.append(self._group_window(chat))
        return windows

    def stalled(self, late: float, period: float = 0.0) -> int:
        """A timer set to wait `period` seconds woke `late` seconds after it was due: the
        loop was held for up to `late + period` seconds, and a call written in that time
        (or just before it: the margin) may have reached Telegram's side only now. Those
        calls are stamped again as sent now. Returns how many were."""
        if late <= self.limits.stall_threshold:
            return 0
        now = self.clock()
        since = now - late - period - self.limits.margin
        moved = 0
        for slot in self._recent:  # a couple of seconds of calls: a few dozen
            if slot.at is not None and since <= slot.at < now:
                slot.sent(now)
                moved += 1
        self.restamped += moved
        return moved

    def wait_time(self, chat: int | str | None, *, bulk: bool = False) -> float:
        now = self.clock()
        keep_free = self._interactive_waiting if bulk else 0
        waits = [
            self._global.wait(now, keep_free),
            self._blocked_until.get(None, 0.0) - now,
        ]
        if chat is not None:
            waits.append(self._chat_window(chat).wait(now))
            waits.append(self._blocked_until.get(chat, 0.0) - now)
            if self._is_group(chat):
                waits.append(self._group_window(chat).wait(now))
        return max(0.0, *waits)

    def _record(self, chat: int | str | None) -> None:
        """Count a call granted and sent at once (tests fill windows so)."""
        self.sent(self._take(chat))

    def _take(self, chat: int | str | None) -> Slot:
        slot = Slot(self._windows(chat))
        self._granted += 1
        if self._granted % 1000 == 0:
            self._forget_idle(self.clock())
        return slot

    def sent(self, slot: Slot, at: float | None = None) -> None:
        """Stamp a granted call with when it went out (by default: now)."""
        first = slot.at is None
        stamp = self.clock() if at is None else at
        slot.sent(stamp)
        if first:
            self._recent.append(slot)
        forget = stamp - self.limits.stall_memory
        while self._recent and (self._recent[0].at or 0.0) < forget:
            self._recent.popleft()
        self._last_sent = stamp
        if self._watch:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no running loop: nothing to watch
                return
            if self._timer is None or self._timer_loop is not loop:
                self._arm(loop)

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        period = self.limits.watch_period
        self._due = self.clock() + period
        self._timer = loop.call_later(period, self._tick, loop)
        self._timer_loop = loop

    def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        """The watcher's timer: late, the loop stalled (`stalled`); it ticks on while calls
        are being made. A plain timer, not a task: a loop closed meanwhile drops it."""
        now = self.clock()
        self.stalled(now - self._due, self.limits.watch_period)
        self._timer = None
        if now - self._last_sent < self.limits.stall_memory and not loop.is_closed():
            self._arm(loop)

    def _forget_idle(self, now: float) -> None:
        for windows in (self._chats, self._groups):
            for chat in [c for c, w in windows.items() if w.free(now) == w.limit]:
                del windows[chat]
        for key in [k for k, until in self._blocked_until.items() if until <= now]:
            del self._blocked_until[key]

    async def ready(
        self, chat: int | str | None, *, bulk: bool = False, lead: float = 0.0
    ) -> float:
        """Wait until a message to `chat` may go — or will in `lead` seconds, the time the
        caller needs before its call (its slot is still waited for by `acquire`); counts
        nothing. Returns seconds waited."""
        waited = 0.0
        while True:
            wait = self.wait_time(chat, bulk=bulk) - lead
            if wait <= 0:
                self.waited += waited
                return waited
            if not bulk:
                self._interactive_waiting += 1
            asleep = self.clock()
            try:
                await self.sleep(wait)
            finally:
                if not bulk:
                    self._interactive_waiting -= 1
            self.stalled(self.clock() - asleep - wait)  # held at least this long
            waited += wait

    async def acquire(self, chat: int | str | None, *, bulk: bool = False) -> Slot:
        """Wait until a message to `chat` may go and grant it: its slot is held from now
        until it is stamped with `sent` (then for a period after)."""
        await self.ready(chat, bulk=bulk)
        return self._take(chat)

    def penalize(self, chat: int | str | None, retry_after: float) -> None:
        """Telegram answered 429: this chat waits `retry_after`; and when our overall window
        is nearly full, the 429 was about the overall limit, so the whole bot waits."""
        now = self.clock()
        until = now + retry_after
        keys: list[int | str | None] = [chat]
        if chat is not None and self._global.free(now) <= 1:
            keys.append(None)
        for key in keys:
            self._blocked_until[key] = max(self._blocked_until.get(key, 0.0), until)


def _chat_of(method: TelegramMethod[Any]) -> int | str | None:
    chat = getattr(method, "chat_id", None)
    if isinstance(chat, int | str):
        return chat
    return None


class LimiterMiddleware(BaseRequestMiddleware):
    """The request middleware that puts every message-producing call through the limiter.

    Each call's slot is stamped when its request is written to the socket (an aiohttp trace
    on the Bot's HTTP session), not when it was granted: under load the event loop may take
    a while between the two, and Telegram counts the call when it arrives. A call that never
    got that far is stamped when it returns (later than it went: stricter, never looser)."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter
        # How long the before-call hook takes lately (a commit): a bulk call waits for its
        # slot only that much before it is due, so the commit overlaps the wait instead of
        # delaying every call by it (EWMA, at most HOOK_LEAD_MAX).
        self.hook_lead = 0.0
        self._traced: aiohttp.ClientSession | None = None
        self._trace = aiohttp.TraceConfig()
        self._trace.on_request_chunk_sent.append(self._chunk_sent)
        self._trace.freeze()

    async def _chunk_sent(self, *_: object) -> None:
        slot = _SLOT.get()
        if slot is not None:
            self.limiter.sent(slot)  # a later chunk moves the stamp later

    async def _trace_session(self, bot: Bot | None) -> None:
        session = getattr(bot, "session", None)
        if not isinstance(session, AiohttpSession):
            return
        client = await session.create_session()
        if client is not self._traced:
            client.trace_configs.append(self._trace)
            self._traced = client

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not is_limited(method.__api_method__):
            return await make_request(bot, method)
        await self._trace_session(bot)
        chat = _chat_of(method)
        is_bulk = _BULK.get()
        for round_ in range(MAX_RETRY_AFTER_ROUNDS + 1):
            hook = _BEFORE_CALL.get()
            if hook is not None:
                # The slot is granted when the call really goes, after the hook's commit:
                # granting it before would let the calls reach Telegram bunched together. The
                # commit starts its own duration ahead, so it overlaps the wait for the slot.
                await self.limiter.ready(chat, bulk=is_bulk, lead=self.hook_lead)
                _BEFORE_CALL.set(None)  # once per message, before its first call
                began = self.limiter.clock()
                ours = await hook()
                took = min(self.limiter.clock() - began, HOOK_LEAD_MAX)
                self.hook_lead += (took - self.hook_lead) * HOOK_LEAD_WEIGHT
                if not ours:
                    raise NotOurs
            slot = await self.limiter.acquire(chat, bulk=is_bulk)
            token = _SLOT.set(slot)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                name, wait = method.__api_method__, exc.retry_after
                log.warning("429 on %s to chat %s: waiting %s s", name, chat, wait)
                self.limiter.penalize(chat, exc.retry_after)
                if is_bulk or round_ == MAX_RETRY_AFTER_ROUNDS:
                    raise
            finally:
                _SLOT.reset(token)
                if slot.at is None:  # never written (or not traced): stamped now
                    self.limiter.sent(slot)
        raise AssertionError("unreachable")
