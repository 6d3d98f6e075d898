"""The first contact with Telegram at start: a token Telegram rejects stops the process with
one line (exit 2); while Telegram cannot be reached, one log line per try and a delay that
doubles up to a cap; SIGTERM or Ctrl+C meanwhile stops cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import signal
from collections.abc import Iterator

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import DeleteWebhook, GetMe
from aiogram.types import User

from bot.config import Settings
from bot.retry import unattended

log = logging.getLogger("bot")

TOKEN_REJECTED = "Telegram rejected BOT_TOKEN: check it with @BotFather"


class StartupRefused(Exception):
    """Telegram answered, and the answer means the process cannot run: the message is the
    one line the operator sees (exit code 2)."""


def delays(first: float, cap: float) -> Iterator[float]:
    """first, 2·first, 4·first… never above cap."""
    delay = min(first, cap)
    while True:
        yield delay
        delay = min(delay * 2, cap)


def _seconds(value: float) -> str:
    return f"{value:g}"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TelegramNetworkError):
        text = exc.message
    elif isinstance(exc, TelegramAPIError):
        text = f"{type(exc).__name__}: {exc.message}"
    else:
        text = type(exc).__name__
    return " ".join(str(text).split()) or type(exc).__name__


async def _first_contact(bot: Bot, seconds: int) -> User:
    with unattended():  # not bot.retry's few quick retries: the backoff here is the retry
        me = await bot(GetMe(), request_timeout=seconds)
        # Polling needs no webhook; updates already waiting stay for the first poll.
        await bot(DeleteWebhook(drop_pending_updates=False), request_timeout=seconds)
    return me


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows, a thread
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def wait_for_telegram(bot: Bot, settings: Settings) -> User | None:
    """Telegram's answer to getMe (and the webhook removed), trying until it comes; None when
    a signal asked the process to stop meanwhile. Raises StartupRefused for a rejected
    token or another definite refusal."""
    stop = asyncio.Event()
    timeout = max(1, math.ceil(settings.send_timeout))
    backoff = delays(settings.startup_retry_seconds, settings.startup_retry_max_seconds)
    with _stop_on_signals(stop):
        while True:
            probe = asyncio.ensure_future(_first_contact(bot, timeout))
            stopped = asyncio.ensure_future(stop.wait())
            await asyncio.wait({probe, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if stop.is_set():
                probe.cancel()
                with contextlib.suppress(BaseException):
                    await probe
                return None
            delay = next(backoff)
            try:
                return probe.result()
            except TelegramUnauthorizedError:
                raise StartupRefused(TOKEN_REJECTED) from None
            except TelegramRetryAfter as exc:
                delay = max(delay, float(exc.retry_after))
                reason = _reason(exc)
            except (TelegramNetworkError, TelegramServerError, TimeoutError, OSError) as exc:
                reason = _reason(exc)
            except TelegramAPIError as exc:
                where = settings.telegram_api_base or "api.telegram.org"
                raise StartupRefused(
                    f"Telegram ({where}) refused getMe: {_reason(exc)}; "
                    "check BOT_TOKEN and TELEGRAM_API_BASE"
                ) from None
            log.warning("Telegram is unreachable (%s); retrying in %s s", reason, _seconds(delay))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            if stop.is_set():
                return None
