"""Protocols in the chat: the card of a draft with what is left to do, «Слушали» typed in one
or several messages, decisions reworded, invited guests, attached files, a preview as DOCX
and PDF, the two signatures, a correction of a signed protocol, and `/protocols`: the
archive by school year with downloads and a ZIP of the year.

`card` (the card and its keyboard), `completion` (the keeper's steps), `signing`,
`downloads` (DOCX/PDF and the ZIP), `archive` (`/protocols`), `recipients` (interested
persons), `states` (the FSM states)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.protocols import archive, card, completion, downloads, recipients, signing
from handlers.protocols.states import ProtocolEdit


def setup() -> Router:
    """The protocol flows, on a fresh router (private chats only)."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    card.register(router)
    completion.register(router)
    downloads.register_card(router)
    signing.register(router)
    archive.register(router)
    downloads.register_archive(router)
    recipients.register(router)
    return router


async def text_hint(message: Message) -> None:
    await message.answer(_("Please send text, or /cancel."))


async def recipients_hint(message: Message) -> None:
    await message.answer(_("Tap «Choose from contacts» on the keyboard below, or /cancel."))


async def files_hint(message: Message) -> None:
    await message.answer(_("Please send a file as a document, or tap «Done»."))


def setup_hints() -> Router:
    """Anything else typed inside a protocol step: that step's hint."""
    router = Router(name=f"{__name__}.hints")
    router.message.filter(F.chat.type == "private")
    router.message.register(
        text_hint,
        StateFilter(
            ProtocolEdit.heard,
            ProtocolEdit.spoke,
            ProtocolEdit.decision,
            ProtocolEdit.guests,
            ProtocolEdit.correction,
        ),
    )
    router.message.register(recipients_hint, StateFilter(ProtocolEdit.recipients))
    router.message.register(files_hint, StateFilter(ProtocolEdit.files))
    return router
