"""The annual plan in the chat (`/plan`, «📅 План на год»): `card` (the card of a school
year, making the draft, a new edition), `fields` (the fields of Приложение 1), `rows` (a
row step by step), `rowlist` (move, delete, type again), `files` (DOCX, XLSX, the template,
the import with its preview), `states`."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.plans import card, fields, files, rowlist, rows
from handlers.plans.states import PlanEdit


def setup() -> Router:
    """The plan flows, on a fresh router (private chats only)."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    card.register(router)
    fields.register(router)
    rows.register(router)
    rowlist.register(router)
    files.register(router)
    return router


async def text_hint(message: Message) -> None:
    await message.answer(_("Please send text, or /cancel."))


async def buttons_hint(message: Message) -> None:
    await message.answer(_("Tap one of the buttons above, or /cancel."))


def setup_hints() -> Router:
    """Anything else sent inside a plan step: that step's hint."""
    router = Router(name=f"{__name__}.hints")
    router.message.filter(F.chat.type == "private")
    files.register_hints(router)
    router.message.register(buttons_hint, StateFilter(PlanEdit.kind, PlanEdit.preview))
    router.message.register(
        text_hint,
        StateFilter(
            PlanEdit.field,
            PlanEdit.direction,
            PlanEdit.topic,
            PlanEdit.day,
            PlanEdit.venue,
            PlanEdit.responsible,
        ),
    )
    return router
