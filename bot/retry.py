"""Bounded retries for the calls a person waits on: a handler's reply, an edit, a callback's
answer. A 5xx (`TelegramServerError`) or no answer at all (`TelegramNetworkError`: a timeout, a
refused connection) is tried again a few times within a few seconds; a 429 is the limiter's
(it waits `retry_after` and calls again). Registered on the Bot's session outside the limiter
(`bot.app.build_bot`), so every retry takes a new slot of the one limiter.

Bulk calls (the outbox sender, inside `bot.limiter.bulk()`) are never retried here: the outbox
retries a row itself and counts a call whose answer was lost as in doubt.

A reply retried after a timeout may arrive twice (Telegram may have taken the first call);
it is never lost for a 5xx that lasts less than the retries.

The callbacks answered during an update are remembered (`answers()`), so the error handler
never answers a callback a second time (Telegram: "query is too old or already answered").
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.limiter import is_bulk

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

# Seconds before each retry: three retries, 3.5 s of waiting in all (plus the limiter's).
DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0)

_ANSWERED: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "answered_callbacks", default=None
)
_UNATTENDED: contextvars.ContextVar[bool] = contextvars.ContextVar("unattended", default=False)


@contextmanager
def unattended() -> Iterator[None]:
    """Calls made inside are nobody's wait (the engine's progress and live cards): not
    retried here, since their job tries again on its next round."""
    token = _UNATTENDED.set(True)
    try:
        yield
    finally:
        _UNATTENDED.reset(token)


@contextmanager
def answers() -> Iterator[set[str]]:
    """The ids of the callback queries answered inside (by any call through the Bot)."""
    answered: set[str] = set()
    token = _ANSWERED.set(answered)
    try:
        yield answered
    finally:
        _ANSWERED.reset(token)


def already_answered(exc: TelegramBadRequest) -> bool:
    """Telegram answers a second (or late) answerCallbackQuery with "query is too old …"."""
    text = exc.message.lower()
    return "query is too old" in text or "already answered" in text


class ReplyRetry(BaseRequestMiddleware):
    """The request middleware retrying interactive calls; see the module docstring."""

    def __init__(
        self,
        delays: tuple[float, ...] = DELAYS,
        *,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.delays = delays
        self.sleep = sleep
        self.retried = 0  # calls made again, for figures

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if is_bulk() or _UNATTENDED.get() or isinstance(method, GetUpdates):
            return await make_request(bot, method)
        result = await self._call(make_request, bot, method)
        if isinstance(method, AnswerCallbackQuery):
            answered = _ANSWERED.get()
            if answered is not None:
                answered.add(method.callback_query_id)
        return result

    async def _call(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method.__api_method__
        for attempt, delay in enumerate((*self.delays, None)):
            try:
                return await make_request(bot, method)
            except (TelegramServerError, TelegramNetworkError) as exc:
                if delay is None:
                    log.warning("%s failed after %s retries: %s", name, attempt, exc.message)
                    raise
                log.info("%s failed (%s): retry %s in %s s", name, exc.message, attempt + 1, delay)
                await self.sleep(delay)
                self.retried += 1
            except TelegramBadRequest as exc:
                # A callback answered by a call whose answer was lost: answered, not an error.
                if attempt and isinstance(method, AnswerCallbackQuery) and already_answered(exc):
                    return cast(Response[TelegramType], True)
                raise
        raise AssertionError("unreachable")
