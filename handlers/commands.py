"""The command menu of one person's chat, refreshed from the handlers.

The default menu (set at start-up, bot.app.set_commands) is a teacher's. A person with a
staff role gets a menu of their own chat with their commands, in their language, when they
/start, finish registering or change the language; one who lost every staff role has it
deleted at their next /start, and /forget deletes it too.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import get_i18n

from bot.app import set_person_commands
from services.permissions import Actor

log = logging.getLogger(__name__)


async def refresh_menu(bot: Bot, actor: Actor, chat_id: int, locale: str | None = None) -> None:
    """Set (or delete) the person's own menu; `locale` defaults to the update's language.

    The menu is a convenience: a refusal from Telegram is logged, never shown to the person.
    """
    i18n = get_i18n()
    try:
        await set_person_commands(bot, actor, chat_id, i18n, locale or i18n.current_locale)
    except TelegramAPIError as exc:
        log.warning("chat %s: command menu not updated (%s)", chat_id, exc.message)
