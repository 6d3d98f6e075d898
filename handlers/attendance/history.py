"""A member's own attendance (/myattendance)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.ui import quote
from models import Presence
from services import attendance
from services.permissions import Actor


async def my_attendance(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    await state.clear()
    rows = await attendance.history(session, actor)
    label = {
        Presence.PRESENT: _("present"),
        Presence.ONLINE: _("online"),
        Presence.ABSENT: _("absent"),
        Presence.EXCUSED: _("excused"),
        None: _("not marked"),
    }
    lines = [_("<b>My attendance</b>")]
    lines += [
        f"{row.day:%d.%m.%Y} — {quote(row.topic)} ({quote(row.association)}): {label[row.status]}"
        for row in rows
    ] or [_("No meetings have taken place yet.")]
    await message.answer("\n".join(lines))


def register(router: Router) -> None:
    router.message.register(my_attendance, Command("myattendance"), StateFilter("*"))
