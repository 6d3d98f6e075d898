"""Registered last: answers stale buttons (no spinner hangs) and unexpected input."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.ui import menu
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.known import names_no_row


async def stale_button(query: CallbackQuery) -> None:
    """A button no handler took: one of ours with an id no row can have (beyond 64 bits:
    refused here, before any query) is "not found"; anything else is out of date."""
    if query.data and names_no_row(query.data):
        raise DomainError(ErrorCode.NOT_FOUND)
    await query.answer(
        _("This button is no longer active. Open the menu or send /help."), show_alert=True
    )


async def unexpected(message: Message, actor: Actor) -> None:
    if actor.person_id is None and not actor.is_admin:
        await message.answer(
            _(
                "I don't understand this yet. To join, open the invite link from your chair; "
                "/help tells more."
            )
        )
        return
    await message.answer(
        _("I don't understand this message. Use the menu below or /help."),
        reply_markup=menu(actor),
    )


def setup() -> Router:
    """Included last: every callback and private message no other router took."""
    router = Router(name=__name__)
    router.callback_query.register(stale_button)
    router.message.register(unexpected, F.chat.type == "private")
    return router
