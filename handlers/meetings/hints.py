"""What the meetings flows answer to anything else typed inside them."""

from __future__ import annotations

from aiogram.types import Message
from aiogram.utils.i18n import gettext as _


async def material_hint(message: Message) -> None:
    await message.answer(_("Please send the file as a document, or /cancel."))


async def wizard_hint(message: Message) -> None:
    await message.answer(_("Please answer the question above (text or a button), or /cancel."))


async def answering_hint(message: Message) -> None:
    await message.answer(_("Please answer with text, or /cancel."))
