"""Calls about the bot's live messages (a broadcast's progress, the quorum and poll cards):
edits nobody waits for, whose next round is their retry. Each says how it ended."""

from __future__ import annotations

import enum
import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup

log = logging.getLogger(__name__)


class Call(enum.Enum):
    """How a call about a live message ended."""

    DONE = "done"  # made (or nothing to change)
    REFUSED = "refused"  # refused for good (the message is gone, the bot blocked)
    AGAIN = "again"  # a server error, a 429 past the limiter, no answer: try again later


def failure(exc: TelegramAPIError) -> Call:
    """How a refused call ended: «not modified» is done; 5xx, 429 and no answer, again."""
    if isinstance(exc, TelegramBadRequest) and "not modified" in exc.message:
        return Call.DONE
    if isinstance(exc, TelegramServerError | TelegramRetryAfter | TelegramNetworkError):
        return Call.AGAIN
    return Call.REFUSED


async def call_edit(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> Call:
    """Edit one live message; a failure is logged with ids and said how it ended."""
    try:
        await bot.edit_message_text(
            text=text, chat_id=chat_id, message_id=message_id, reply_markup=reply_markup
        )
    except TelegramAPIError as exc:
        call = failure(exc)
        if call is not Call.DONE:
            log.warning("live message %s in %s: %s", message_id, chat_id, exc.message)
        return call
    return Call.DONE


async def edit(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> int:
    """An edit that nobody waits for (the next one catches up): 1 if made."""
    return 1 if await call_edit(bot, chat_id, message_id, text, reply_markup) is Call.DONE else 0
