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
import contextvars
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

_BULK: contextvars.ContextVar[bool] = contextvars.ContextVar("limiter_bulk", default=False)
# Run once the slot is granted, right before the call (the sender commits "started" there, so
# a wait in the limiter is never mistaken for a call in flight). False: do not call.
_BEFORE_CALL: contextvars.ContextVar[Callable[[], Awaitable[bool]] | None] = contextvars.ContextVar(
    "limiter_before_call", default=None
)
EXEMPT = frozenset({"sendChatAction", "answerCallbackQuery"})
MAX_RETRY_AFTER_ROUNDS = 5


@contextmanager
def bulk(before_call: Callable[[], Awaitable[bool]] | None = None) -> Iterator[None]:
    """Calls made inside are bulk (a broadcast): they yield to interactive calls, and a 429
    is not retried here but handed back to the caller (the outbox reschedules the row).
    `before_call` runs once, after the first call's slot is granted and before it is made."""
    token = _BULK.set(True)
    hook = _BEFORE_CALL.set(before_call)
    try:
        yield
    finally:
        _BEFORE_CALL.reset(hook)
        _BULK.reset(token)


class NotOurs(Exception):
    """The before-call hook declined: the call is not made (the row is no longer ours)."""


def is_limited(method_name: str) -> bool:
    name = method_name[:1].lower() + method_name[1:]
    if name in EXEMPT:
        return False
    return name.startswith(("send", "copy", "forward", "edit"))


class _Window:
    """At most `limit` events in any `period` seconds."""

    __slots__ = ("hits", "limit", "period")

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.hits: deque[float] = deque()

    def _trim(self, now: float) -> None:
        while self.hits and self.hits[0] <= now - self.period:
            self.hits.popleft()

    def free(self, now: float) -> int:
        self._trim(now)
        return self.limit - len(self.hits)

    def wait(self, now: float, keep_free: int = 0) -> float:
        """Seconds until a slot is free with `keep_free` slots left for others."""
        self._trim(now)
        used = len(self.hits) + keep_free
        if used < self.limit:
            return 0.0
        index = min(used - self.limit, len(self.hits) - 1)
        if index < 0:  # all slots are kept for others: check again soon
            return self.period / max(self.limit, 1)
        return self.hits[index] + self.period - now

    def add(self, now: float) -> None:
        self.hits.append(now)


@dataclass
class Limits:
    per_second: int = 30
    per_chat_second: int = 1
    per_group_minute: int = 20
    # Seconds added to each window: a slot is stamped when granted, but the call reaches
    # Telegram a few milliseconds later (event loop, connection pool), so ours is stricter.
    margin: float = 0.03


class RateLimiter:
    """Sliding windows with a bulk lane; `clock` and `sleep` are injectable for tests."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
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

    def wait_time(self, chat: int | str | None, *, bulk: bool = False) -> float:
        now = self.clock()
        waits = [
            self._global.wait(now, keep_free=self._interactive_waiting if bulk else 0),
            self._blocked_until.get(None, 0.0) - now,
        ]
        if chat is not None:
            waits.append(self._chat_window(chat).wait(now))
            waits.append(self._blocked_until.get(chat, 0.0) - now)
            if self._is_group(chat):
                waits.append(self._group_window(chat).wait(now))
        return max(0.0, *waits)

    def _record(self, chat: int | str | None) -> None:
        now = self.clock()
        self._global.add(now)
        if chat is not None:
            self._chat_window(chat).add(now)
            if self._is_group(chat):
                self._group_window(chat).add(now)
        self._granted += 1
        if self._granted % 1000 == 0:
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for windows in (self._chats, self._groups):
            for chat in [c for c, w in windows.items() if w.free(now) == w.limit]:
                del windows[chat]
        for key in [k for k, until in self._blocked_until.items() if until <= now]:
            del self._blocked_until[key]

    async def acquire(
        self, chat: int | str | None, *, bulk: bool = False, record: bool = True
    ) -> float:
        """Wait until a message to `chat` may go, and count it (unless `record` is False:
        then `try_record` counts it once the caller is ready). Returns seconds waited."""
        waited = 0.0
        while True:
            wait = self.wait_time(chat, bulk=bulk)
            if wait <= 0:
                if record:
                    self._record(chat)
                self.waited += waited
                return waited
            if not bulk:
                self._interactive_waiting += 1
            try:
                await self.sleep(wait)
            finally:
                if not bulk:
                    self._interactive_waiting -= 1
            waited += wait

    def try_record(self, chat: int | str | None, *, bulk: bool = False) -> bool:
        """Count a message now if it may go now (after `acquire(record=False)` and a short
        step of the caller's); False: the slot was taken meanwhile, acquire again."""
        if self.wait_time(chat, bulk=bulk) > 0:
            return False
        self._record(chat)
        return True

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
    """The request middleware that puts every message-producing call through the limiter."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not is_limited(method.__api_method__):
            return await make_request(bot, method)
        chat = _chat_of(method)
        is_bulk = _BULK.get()
        for round_ in range(MAX_RETRY_AFTER_ROUNDS + 1):
            hook = _BEFORE_CALL.get()
            if hook is None:
                await self.limiter.acquire(chat, bulk=is_bulk)
            else:
                # The slot is counted when the call really goes, after the hook's commit:
                # counting it before would let the calls reach Telegram bunched together.
                await self.limiter.acquire(chat, bulk=is_bulk, record=False)
                _BEFORE_CALL.set(None)  # once per message, before its first call
                if not await hook():
                    raise NotOurs
                while not self.limiter.try_record(chat, bulk=is_bulk):
                    await self.limiter.acquire(chat, bulk=is_bulk, record=False)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                name, wait = method.__api_method__, exc.retry_after
                log.warning("429 on %s to chat %s: waiting %s s", name, chat, wait)
                self.limiter.penalize(chat, exc.retry_after)
                if is_bulk or round_ == MAX_RETRY_AFTER_ROUNDS:
                    raise
        raise AssertionError("unreachable")
