"""At the meeting: a member's one-tap check-in (with the venue's code if the chair switched it
on), the chair's and secretary's controls (open and close check-in, the roll, the live quorum
card, open votes), votes in the room, the absentee ballot question by question, and a
member's own attendance history (/myattendance); and whether the bot can reach a chat
(`setup_presence`).

Modules: `checkin`, `roll`, `votes` (the panel, by hand, a member's vote), `ballot`,
`history`, `states` (what is typed), `presence`."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.attendance import ballot, checkin, history, presence, roll, votes
from handlers.attendance.states import AtMeeting as AtMeeting


def setup() -> Router:
    """Check-in, the roll, votes, ballots and /myattendance, on a fresh router."""
    router = Router(name="handlers.attendance")
    router.message.filter(F.chat.type == "private")
    for module in (checkin, roll, votes, ballot, history):
        module.register(router)
    return router


async def hint(message: Message) -> None:
    await message.answer(_("Please answer with text, or /cancel."))


def setup_hints() -> Router:
    """Anything else typed while a code or a reason is expected."""
    router = Router(name="handlers.attendance.hints")
    router.message.filter(F.chat.type == "private")
    router.message.register(hint, StateFilter(AtMeeting))
    return router


def setup_presence() -> Router:
    """A person blocking or unblocking the bot; the bot leaving a linked group."""
    return presence.setup()
