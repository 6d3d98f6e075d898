"""Turns domain errors into a clear answer in the user's language; nothing leaks a traceback."""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramAPIError
from aiogram.types import TelegramObject, Update
from aiogram.utils.i18n import gettext as _

from services.errors import DomainError, ErrorCode

log = logging.getLogger(__name__)

_TEXTS: dict[ErrorCode, Callable[[dict[str, Any]], str]] = {
    ErrorCode.FORBIDDEN: lambda p: _("You don't have the rights to do this. Nothing was changed."),
    ErrorCode.NOT_FOUND: lambda p: _("This was not found. It may have been deleted."),
    ErrorCode.NOT_REGISTERED: lambda p: _(
        "You have not joined yet. Open the invite link your association's chair sent you."
    ),
    ErrorCode.INVITE_UNKNOWN: lambda p: _(
        "This invite link is not valid. Ask the person who sent it for a new one."
    ),
    ErrorCode.INVITE_EXPIRED: lambda p: _(
        "This invite link has expired. Ask the person who sent it for a new one."
    ),
    ErrorCode.INVITE_USED: lambda p: _(
        "This invite link has already been used. Ask the person who sent it for a new one."
    ),
    ErrorCode.INVITE_WRONG_PLACE: lambda p: _(
        "This link is for adding the bot to a group chat, not for a private chat."
    ),
    ErrorCode.ALREADY_MEMBER: lambda p: _("You are already registered there. Nothing to do."),
    ErrorCode.ALREADY_BOUND: lambda p: _("This person has already joined the bot."),
    ErrorCode.NAME_EMPTY: lambda p: _("The name is empty. Please type it."),
    ErrorCode.NAME_TOO_SHORT: lambda p: _(
        "That is too short for a name: at least {min} characters with letters, please."
    ).format(**p),
    ErrorCode.NAME_TOO_LONG: lambda p: _(
        "That is too long: at most {max} characters, you sent {length}."
    ).format(**p),
    ErrorCode.HTML_NOT_ALLOWED: lambda p: _(
        "Please don't use the characters < and > (HTML) here. Type plain text."
    ),
    ErrorCode.TEXT_EMPTY: lambda p: _("The text is empty. Please type it."),
    ErrorCode.TEXT_TOO_LONG: lambda p: _(
        "That is too long: at most {max} characters, you sent {length}."
    ).format(**p),
    ErrorCode.BAD_TIMEZONE: lambda p: _(
        "Unknown time zone. Pick a city or type an IANA name such as Asia/Omsk."
    ),
    ErrorCode.DUPLICATE_NAME: lambda p: _("That name is already taken. Choose another one."),
    ErrorCode.LAST_CHAIR: lambda p: _(
        "The association must keep a chair: invite or appoint a new chair first."
    ),
    ErrorCode.ROSTER_TOO_BIG: lambda p: _(
        "Too many lines: at most {rows} people (1 MB) at a time."
    ).format(**p),
    ErrorCode.ROSTER_EMPTY: lambda p: _("No names found. Send one person per line."),
    ErrorCode.ROSTER_BAD_LINE: lambda p: _(
        "Line {line}: {reason} Nothing was added; correct the line and send the list again."
    ).format(line=p["line"], reason=error_text(DomainError(p["reason"]))),
    ErrorCode.GROUP_ALREADY_LINKED: lambda p: _(
        "This group is already linked to another association."
    ),
    ErrorCode.CONSENT_REQUIRED: lambda p: _(
        "Without consent to the processing of personal data the bot cannot register you."
    ),
    ErrorCode.STALE: lambda p: _("This button is out of date. Open the list again."),
}


def error_text(error: DomainError) -> str:
    return _TEXTS[error.code](error.params)


class ErrorReplyMiddleware(BaseMiddleware):
    """Innermost outer middleware on updates: answers errors inside the user's locale.

    A domain error gets its clear message; anything else is logged with ids only and the
    user is told nothing was changed (the session rolls back when it closes).
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        try:
            return await handler(event, data)
        except DomainError as exc:
            await _answer(event, error_text(exc))
        except TelegramAPIError as exc:
            log.warning("update %s: Telegram refused a call: %s", event.update_id, exc)
        except Exception as exc:
            user = data.get("event_from_user")
            log.error(
                "update %s from user %s failed: %s",
                event.update_id,
                user.id if user else None,
                type(exc).__name__,
                exc_info=exc,
            )
            await _answer(event, _("Something went wrong; nothing was changed. Please try again."))
        return None


async def _answer(update: Update, text: str) -> None:
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text[:200], show_alert=True)
        elif update.message is not None:
            await update.message.answer(html.escape(text, quote=False))
    except TelegramAPIError as exc:  # the answer itself failed: log, never raise
        log.warning("could not answer update %s: %s", update.update_id, exc)
