"""Whether Telegram answers: a request middleware on the Bot's session sees every call (long
polling included) and remembers since when calls have been failing for want of Telegram —
no connection, no answer, a 5xx. Any answer from Telegram (even a refusal) ends it. The
delivery engine reads `down_since` for the operator's alert (services.alerts)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)


class TelegramHealth(BaseRequestMiddleware):
    """Registered on the Bot's session; `down_since` is None while Telegram answers."""

    def __init__(self) -> None:
        self.down_since: datetime | None = None

    def failed(self, now: datetime | None = None) -> None:
        if self.down_since is None:
            self.down_since = now or datetime.now(UTC)

    def answered(self) -> None:
        if self.down_since is not None:
            log.info("Telegram answers again (unreachable since %s)", self.down_since)
        self.down_since = None

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            response = await make_request(bot, method)
        except (TelegramNetworkError, TelegramServerError):
            self.failed()
            raise
        except Exception:  # another answer from Telegram: it is there
            self.answered()
            raise
        self.answered()
        return response
